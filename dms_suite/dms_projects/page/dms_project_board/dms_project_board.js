// Project Board: a Gantt of one dealer project (dms_suite.api.projects.get_board, one call) or of
// the portfolio (dms_suite.api.projects.get_portfolio). Drawn with frappe-gantt 0.6, loaded the way
// Frappe's own Gantt view loads it. Dragging a task bar calls move_task, which answers with the whole
// board again (ERPNext shifts the dependent tasks and the need dates); on any failure the board is
// drawn again from the last good data so the bar snaps back.
frappe.provide("dms_suite");

frappe.pages["dms-project-board"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Project Board"),
		single_column: true,
	});
	wrapper.dms_board = new dms_suite.ProjectBoard(page, wrapper);
};

frappe.pages["dms-project-board"].on_page_show = function (wrapper) {
	const options = frappe.route_options || {};
	frappe.route_options = null;
	wrapper.dms_board && wrapper.dms_board.show(options);
};

dms_suite.ProjectBoard = class ProjectBoard {
	static LIBS = [
		"assets/frappe/node_modules/frappe-gantt/dist/frappe-gantt.css",
		"assets/frappe/node_modules/frappe-gantt/dist/frappe-gantt.min.js",
	];
	static VIEW_MODES = ["Day", "Week", "Month"];
	static VIEW_KEY = "dms_project_board_view_modes";
	static DEFAULT_VIEW = { project: "Day", portfolio: "Month" };

	constructor(page, wrapper) {
		this.page = page;
		this.wrapper = wrapper;
		this.mode = null; // "project" | "portfolio"
		this.data = null; // the last good answer of get_board / move_task / get_portfolio
		this.items = {}; // gantt task id -> {kind, data}
		this.gantt = null;
		this.busy = false;
		// the view mode of each board kind, remembered in this browser
		this.view_modes = Object.assign({}, ProjectBoard.DEFAULT_VIEW);
		try {
			Object.assign(this.view_modes, JSON.parse(localStorage.getItem(ProjectBoard.VIEW_KEY) || "{}"));
		} catch (e) {
			// keep the defaults
		}
		this.libs = new Promise((resolve) => frappe.require(ProjectBoard.LIBS, resolve));
		inject_board_style();
		this.make_fields();
		this.make_body();
	}

	make_fields() {
		this.project_field = this.page.add_field({
			fieldtype: "Link",
			fieldname: "project",
			label: __("Project"),
			options: "Project",
			change: () => {
				const project = field_value(this.project_field);
				if (project) {
					if (this.mode !== "project" || this.project !== project) this.load_project(project);
				} else if (this.mode !== "portfolio") {
					this.load_portfolio();
				}
			},
		});
		this.unit_field = this.page.add_field({
			fieldtype: "Link",
			fieldname: "unit",
			label: __("Org Unit"),
			options: "DMS Org Unit",
			change: () => {
				const unit = field_value(this.unit_field) || null;
				if (this.mode === "portfolio" && unit !== this.unit) this.load_portfolio();
			},
		});
		this.page.add_inner_button(__("Portfolio"), () => this.open_portfolio());
		this.page.add_inner_button(__("Refresh"), () => this.reload());
	}

	make_body() {
		const modes = ProjectBoard.VIEW_MODES.map(
			(mode) => `<button type="button" class="btn btn-default btn-sm btn-view-mode"
				data-value="${mode}">${__(mode)}</button>`
		).join("");
		this.$body = $(`<div class="dms-board">
			<div class="dms-board-head"></div>
			<div class="dms-board-toolbar">
				<div class="btn-group dms-view-modes">${modes}</div>
				<div class="dms-legend"></div>
			</div>
			<div class="dms-board-empty text-muted" style="display: none"></div>
			<div class="dms-board-gantt gantt-modern"></div>
			<div class="dms-board-aside"></div>
		</div>`).appendTo(this.page.main);
		this.$head = this.$body.find(".dms-board-head");
		this.$legend = this.$body.find(".dms-legend");
		this.$empty = this.$body.find(".dms-board-empty");
		this.$gantt = this.$body.find(".dms-board-gantt");
		this.$aside = this.$body.find(".dms-board-aside");
		this.mark_view_mode();

		this.$body.on("click", ".btn-view-mode", (e) => this.set_view_mode($(e.currentTarget).data("value")));
		this.$body.on("click", ".dms-open-project", (e) => {
			e.preventDefault();
			this.open_project($(e.currentTarget).attr("data-project"));
		});

		// Which bar the pointer went down on: frappe-gantt reports a date change for the dragged bar
		// and for every dependent bar it dragged along; only the dragged one is a move.
		const el = this.$gantt[0];
		el.addEventListener("mousedown", (e) => {
			const bar = e.target.closest && e.target.closest(".bar-wrapper");
			this.pressed = bar ? { id: bar.getAttribute("data-id"), x: e.clientX, y: e.clientY } : null;
			// an open popup next to the bar would take the drag's mousemove and mouseup
			if (bar && this.gantt) this.gantt.hide_popup();
		});
		el.addEventListener("click", (e) => {
			// portfolio: a click (not a drag) on a project's bar opens its board
			if (this.mode !== "portfolio" || !this.pressed) return;
			const bar = e.target.closest && e.target.closest(".bar-wrapper");
			if (!bar || bar.getAttribute("data-id") !== this.pressed.id) return;
			if (Math.abs(e.clientX - this.pressed.x) + Math.abs(e.clientY - this.pressed.y) > 4) return;
			this.open_project(this.pressed.id);
		});
		// forget the press once its mouseup and click have been handled
		document.addEventListener("mouseup", () => setTimeout(() => (this.pressed = null), 0));
	}

	// ---- navigation

	show(options) {
		const project = options.project || frappe.utils.get_query_params().project;
		if (project) {
			this.open_project(project, true);
		} else if (this.mode) {
			this.reload(); // back from a Task form, say: the plan may have changed
		} else {
			this.load_portfolio();
		}
	}

	open_project(project, fresh) {
		if (field_value(this.project_field) !== project) {
			this.project_field.set_value(project); // its change event loads the board
		} else if (fresh || this.mode !== "project" || this.project !== project) {
			this.load_project(project);
		}
	}

	open_portfolio() {
		if (field_value(this.project_field)) {
			this.project_field.set_value(""); // its change event loads the portfolio
		} else {
			this.load_portfolio();
		}
	}

	reload() {
		if (this.mode === "project" && this.project) this.load_project(this.project);
		else this.load_portfolio();
	}

	set_url(project) {
		const url = "/app/dms-project-board" + (project ? "?project=" + encodeURIComponent(project) : "");
		if (window.location.pathname + window.location.search !== url) {
			window.history.replaceState(null, null, url);
		}
	}

	// ---- loading

	load_project(project) {
		this.mode = "project";
		this.project = project;
		this.set_url(project);
		const seq = (this.seq = (this.seq || 0) + 1);
		frappe.call({
			method: "dms_suite.api.projects.get_board",
			type: "GET",
			args: { project },
			freeze: true,
			callback: (r) => {
				if (seq !== this.seq) return;
				if (r.message) this.set_data(r.message, false);
			},
			error: () => seq === this.seq && this.show_failed(),
		});
	}

	load_portfolio() {
		this.mode = "portfolio";
		this.project = null;
		this.unit = field_value(this.unit_field) || null;
		this.set_url(null);
		const seq = (this.seq = (this.seq || 0) + 1);
		frappe.call({
			method: "dms_suite.api.projects.get_portfolio",
			type: "GET",
			args: this.unit ? { unit: this.unit } : {},
			freeze: true,
			callback: (r) => {
				if (seq !== this.seq) return;
				if (r.message) this.set_data(r.message, false);
			},
			error: () => seq === this.seq && this.show_failed(),
		});
	}

	show_failed() {
		// the server has said why; nothing of another board stays on screen
		this.data = null;
		this.items = {};
		this.gantt && this.gantt.hide_popup();
		this.$head.empty();
		this.$legend.empty();
		this.$aside.empty();
		this.$gantt.hide();
		this.$empty.text(__("The board could not be loaded.")).show();
	}

	set_data(data, keep_scroll) {
		this.data = data;
		this.render(keep_scroll);
	}

	// ---- drawing

	render(keep_scroll) {
		if (!this.data || !(this.mode === "project" ? this.data.tasks : this.data.projects)) return;
		const tasks =
			this.mode === "project"
				? this.build_board_tasks(this.data)
				: this.build_portfolio_tasks(this.data);
		if (this.mode === "project") this.render_board_head(this.data);
		else this.render_portfolio_head(this.data);

		this.$body.toggleClass("dms-readonly", this.mode !== "project" || !this.can_write());
		this.mark_view_mode();
		if (!tasks.length) {
			this.$gantt.hide();
			this.gantt && this.gantt.hide_popup();
			this.$empty
				.text(
					this.mode === "project"
						? __("This project has no scheduled tasks.")
						: __("No projects to show.")
				)
				.show();
			return;
		}
		this.$empty.hide();
		this.$gantt.show();
		this.libs.then(() => this.draw(tasks, keep_scroll));
	}

	draw(tasks, keep_scroll) {
		if (!this.gantt) {
			this.gantt = new Gantt(this.$gantt[0], tasks, this.gantt_options());
			const show_popup = this.gantt.show_popup.bind(this.gantt);
			this.gantt.show_popup = (options) => {
				show_popup(options);
				this.place_popup(options.target_element);
			};
		} else {
			const container = this.gantt.$container;
			const left = container.scrollLeft;
			this.gantt.hide_popup();
			this.gantt.options.view_mode = this.view_mode;
			this.gantt.refresh(tasks);
			if (keep_scroll) container.scrollLeft = left;
		}
		this.after_draw();
	}

	gantt_options() {
		return {
			header_height: 50,
			bar_height: 24,
			padding: 14,
			bar_corner_radius: 3,
			view_mode: this.view_mode,
			view_modes: ProjectBoard.VIEW_MODES,
			date_format: "YYYY-MM-DD",
			language: gantt_language(),
			custom_popup_html: (task) => this.popup_html(task),
			on_click: (task) => this.on_bar_dblclick(task),
			on_date_change: (task, start, end) => this.on_date_change(task, start, end),
			on_progress_change: () => this.redraw_later(),
		};
	}

	place_popup(target) {
		// frappe-gantt puts the popup right of the bar, out of sight for a long bar: keep it in
		// the visible part of the chart, under (or over) the bar when there is no room beside it
		const g = this.gantt;
		const popup = g.popup_wrapper;
		const container = g.$container;
		const box = target.getBBox();
		const min_left = container.scrollLeft + 8;
		const max_left = Math.max(
			min_left,
			container.scrollLeft + container.clientWidth - popup.offsetWidth - 8
		);
		const pointer = popup.querySelector(".pointer");
		if (box.x + box.width + 10 <= max_left) {
			if (pointer) pointer.style.display = "";
			return;
		}
		let top = box.y + box.height + 8;
		if (top + popup.offsetHeight > g.$svg.getBoundingClientRect().height) {
			top = Math.max(0, box.y - popup.offsetHeight - 8);
		}
		popup.style.left = Math.min(max_left, Math.max(min_left, box.x)) + "px";
		popup.style.top = top + "px";
		if (pointer) pointer.style.display = "none";
	}

	get view_mode() {
		const mode = this.view_modes[this.mode || "project"];
		return ProjectBoard.VIEW_MODES.includes(mode) ? mode : "Day";
	}

	set_view_mode(mode) {
		if (!ProjectBoard.VIEW_MODES.includes(mode)) return;
		this.view_modes[this.mode || "project"] = mode;
		localStorage.setItem(ProjectBoard.VIEW_KEY, JSON.stringify(this.view_modes));
		this.mark_view_mode();
		if (this.gantt && this.$gantt.is(":visible")) {
			this.gantt.hide_popup();
			this.gantt.change_view_mode(mode);
			this.after_draw();
		}
	}

	mark_view_mode() {
		this.$body.find(".btn-view-mode").each((i, btn) => {
			$(btn).toggleClass("btn-info", $(btn).data("value") === this.view_mode);
		});
	}

	after_draw() {
		this.mark_critical_arrows();
		this.draw_today();
	}

	mark_critical_arrows() {
		for (const arrow of this.gantt.arrows || []) {
			const critical = (bar) => (bar.task.custom_class || "").includes("dms-critical");
			if (critical(arrow.from_task) && critical(arrow.to_task)) {
				arrow.element.classList.add("dms-critical-arrow");
			}
		}
	}

	draw_today() {
		// frappe-gantt 0.6 shades today's column in Day view only: draw a line in every view, at the
		// same x its bars use for a date (Bar.compute_x)
		const g = this.gantt;
		const today = parse_day(this.data.today) || parse_day(frappe.datetime.get_today());
		if (!g || !g.layers || !today || today < g.gantt_start || today >= g.gantt_end) return;
		const { column_width, step } = g.options;
		let x, day_width;
		if (g.view_is("Month")) {
			x = (Math.floor((today - g.gantt_start) / 864e5) * column_width) / 30;
			day_width = column_width / 30;
		} else {
			x = (Math.floor((today - g.gantt_start) / 36e5) / step) * column_width;
			day_width = (column_width * 24) / step;
		}
		const top = g.options.header_height + 10;
		const height = +g.$svg.querySelector(".grid-background").getAttribute("height");
		const layer = svg("g", { class: "dms-today" });
		if (!g.view_is("Day")) {
			layer.appendChild(
				svg("rect", { x, y: top, width: day_width, height: height - top, class: "dms-today-column" })
			);
		}
		const mid = x + day_width / 2;
		layer.appendChild(
			svg("line", { x1: mid, x2: mid, y1: top - 6, y2: height, class: "dms-today-line" })
		);
		// under the last row, where no bar or date label is
		const label = svg("text", { x: mid, y: height + 14, class: "dms-today-label" });
		label.textContent = __("Today");
		layer.appendChild(label);
		// above the grid and the dependency arrows, under the bars
		g.$svg.insertBefore(layer, g.layers.bar);
	}

	redraw_later(keep_scroll = true) {
		// let frappe-gantt finish its mouseup handling before the svg is rebuilt
		clearTimeout(this.redraw_timer);
		this.redraw_timer = setTimeout(() => this.render(keep_scroll), 0);
	}

	// ---- one project

	can_write() {
		return Boolean(this.data && this.data.project && this.data.project.can_write);
	}

	build_board_tasks(board) {
		const materials = {};
		for (const m of board.materials || []) materials[m.task] = m;
		const scheduled = new Set();
		for (const t of board.tasks || []) if (is_day(t.start) && is_day(t.end)) scheduled.add(t.id);

		const out = [];
		this.items = {};
		for (const t of board.tasks || []) {
			if (!scheduled.has(t.id)) continue;
			const classes = [];
			if (t.critical) classes.push("dms-critical");
			if (t.overdue) classes.push("dms-overdue");
			if (t.is_milestone) classes.push("bar-milestone");
			const progress = Math.max(0, Math.min(100, cint(t.progress)));
			out.push({
				id: t.id,
				name: esc(__("{0} ({1}%)", [t.subject || t.id, progress])),
				start: t.start,
				end: t.end >= t.start ? t.end : t.start,
				progress,
				// only bars that are on the board: frappe-gantt looks every dependency's bar up on drag
				dependencies: (t.dependencies || []).filter((d) => d !== t.id && scheduled.has(d)).join(", "),
				custom_class: classes.join(" "),
			});
			this.items[t.id] = { kind: "task", data: t };

			const m = materials[t.id];
			if (m && is_day(m.need_date)) {
				const id = "mat::" + t.id;
				out.push({
					id,
					name: esc(
						__("◆ Materials for {0} ({1} lines, {2} undelivered)", [
							t.subject || t.id,
							cint(m.lines),
							cint(m.undelivered),
						])
					),
					start: m.need_date,
					end: m.need_date,
					progress: 0,
					dependencies: "",
					custom_class: m.late ? "dms-material dms-material-late" : "dms-material",
				});
				this.items[id] = { kind: "material", data: m, task: t };
			}
		}
		for (const e of board.equipment || []) {
			const start = is_day(e.start) ? e.start : is_day(e.end) ? e.end : null;
			if (!start) continue;
			const id = "eq::" + e.id;
			out.push({
				id,
				name: esc(e.label || e.id),
				start,
				end: is_day(e.end) && e.end >= start ? e.end : start,
				progress: 0,
				dependencies: "",
				custom_class: "dms-equipment",
			});
			this.items[id] = { kind: "equipment", data: e };
		}
		return out;
	}

	render_board_head(board) {
		const p = board.project || {};
		const percent = Math.round(flt(p.percent_complete));
		const dates =
			p.expected_start_date || p.expected_end_date
				? `${format_day(p.expected_start_date)} – ${format_day(p.expected_end_date)}`
				: "";
		const delayed = cint(p.dms_is_delayed)
			? `<span class="indicator-pill red dms-delayed" title="${esc(p.dms_delay_reason || "")}">${esc(
					p.dms_delay_reason ? __("Delayed: {0}", [p.dms_delay_reason]) : __("Delayed")
			  )}</span>`
			: "";
		const status = p.status ? `<span class="indicator-pill gray">${esc(__(p.status))}</span>` : "";
		this.$head.html(`
			<div class="dms-head-title">
				<a href="/app/project/${encodeURIComponent(p.name || "")}" class="dms-project-name">${esc(
			p.project_name || p.name || ""
		)}</a>
				<span class="text-muted">${esc(p.name || "")}</span>
				${status} ${delayed}
			</div>
			<div class="dms-head-facts">
				${p.customer ? `<span><span class="text-muted">${__("Customer")}:</span> ${esc(p.customer)}</span>` : ""}
				${dates ? `<span><span class="text-muted">${__("Expected")}:</span> ${dates}</span>` : ""}
				<span class="dms-percent"><span class="text-muted">${__("% Complete")}:</span> ${percent}%
					<span class="dms-percent-bar"><span style="width: ${Math.max(0, Math.min(100, percent))}%"></span></span>
				</span>
				${p.can_write ? "" : `<span class="text-muted">${__("Read only")}</span>`}
			</div>`);
		this.$legend.html(
			[
				["dms-critical", __("Critical path")],
				["dms-overdue", __("Overdue")],
				["bar-milestone", __("Milestone")],
				["dms-material", __("Materials needed")],
				["dms-material-late", __("Materials late")],
				["dms-equipment", __("Equipment")],
				["dms-today", __("Today")],
			]
				.map(
					([cls, label]) =>
						`<span class="dms-legend-item"><span class="dms-swatch ${cls}"></span>${label}</span>`
				)
				.join("")
		);
		const unscheduled = board.unscheduled || [];
		this.$aside.html(
			unscheduled.length
				? `<div class="dms-unscheduled">
					<div class="text-muted">${__("Unscheduled tasks ({0})", [unscheduled.length])}</div>
					${unscheduled
						.map(
							(t) =>
								`<a class="dms-chip" href="/app/task/${encodeURIComponent(t.id)}">${esc(
									t.subject || t.id
								)}</a>`
						)
						.join("")}
				</div>`
				: ""
		);
	}

	on_date_change(task, start, end) {
		// frappe-gantt calls this for the dragged bar and then for each dependent bar it moved along;
		// only the first (the bar the pointer went down on) is a move, the server shifts the others
		if (this.change_pending) return;
		if (this.pressed && this.pressed.id && this.pressed.id !== task.id) return;
		this.change_pending = true;
		setTimeout(() => {
			this.change_pending = false;
			this.move(task.id, start, end);
		}, 0);
	}

	move(id, start, end) {
		const item = this.items[id];
		if (this.mode !== "project" || !item || item.kind !== "task" || this.busy) {
			return this.render(true);
		}
		if (!this.can_write()) {
			frappe.show_alert({ message: __("You cannot change this project's plan"), indicator: "orange" });
			return this.render(true);
		}
		// start is the bar's first day at 00:00, end is its last day at 23:59:59 (frappe-gantt takes
		// a second off its exclusive end): both rounded to their day, so a moved bar keeps its length
		const args = { task: id, start: day_string(start, 0), end: day_string(end, 1) };
		let done = false;
		const restore = () => {
			if (done) return;
			done = true;
			this.set_busy(false);
			this.render(true);
		};
		this.set_busy(true);
		const seq = this.seq;
		frappe.call({
			method: "dms_suite.api.projects.move_task",
			args,
			callback: (r) => {
				if (!r.message || !r.message.tasks || seq !== this.seq) return;
				done = true;
				this.set_busy(false);
				this.set_data(r.message, true);
			},
			error: restore,
			// some failures (e.g. a query timeout) reach neither callback nor error
			always: () => setTimeout(restore, 0),
		});
	}

	set_busy(busy) {
		this.busy = busy;
		this.$body.toggleClass("dms-busy", busy);
	}

	on_bar_dblclick(task) {
		const item = this.items[task.id];
		if (!item) return;
		if (item.kind === "task") frappe.set_route("Form", "Task", item.data.id);
		else if (item.kind === "material") frappe.set_route("Form", "Task", item.task.id);
		else if (item.kind === "project") this.open_project(item.data.id);
	}

	popup_html(task) {
		const item = this.items[task.id];
		if (!item) return `<div class="title">${task.name}</div>`;
		const d = item.data;
		const rows = [];
		let title, link;
		if (item.kind === "task") {
			title = d.subject || d.id;
			rows.push(`${format_day(d.start)} – ${format_day(d.end)}`);
			rows.push(
				`${__("Status")}: ${esc(__(d.status || ""))} · ${__("Progress")}: ${cint(d.progress)}%` +
					(d.is_milestone ? ` · ${__("Milestone")}` : "")
			);
			const flags = [d.critical && __("Critical path"), d.overdue && __("Overdue")].filter(Boolean);
			if (flags.length) rows.push(`<span class="dms-popup-flag">${flags.join(" · ")}</span>`);
			const users = (d.assigned || []).map((u) => esc(frappe.user.full_name(u)));
			rows.push(`${__("Assigned")}: ${users.length ? users.join(", ") : __("Nobody")}`);
			link = `<a href="/app/task/${encodeURIComponent(d.id)}">${__("Open Task {0}", [esc(d.id)])}</a>`;
		} else if (item.kind === "material") {
			title = __("Materials for {0}", [item.task.subject || item.task.id]);
			rows.push(`${__("Needed by")}: ${format_day(d.need_date)}`);
			rows.push(__("{0} lines, {1} undelivered", [cint(d.lines), cint(d.undelivered)]));
			if (d.late) rows.push(`<span class="dms-popup-flag">${__("Late")}</span>`);
			link = `<a href="/app/task/${encodeURIComponent(item.task.id)}">${__("Open Task {0}", [
				esc(item.task.id),
			])}</a>`;
		} else if (item.kind === "equipment") {
			title = d.label || d.id;
			rows.push(`${format_day(d.start)} – ${format_day(d.end)}`);
		} else {
			title = d.project_name || d.id;
			if (d.customer) rows.push(`${__("Customer")}: ${esc(d.customer)}`);
			if (d.store) rows.push(`${__("Store")}: ${esc(d.store)}`);
			rows.push(`${format_day(d.start)} – ${format_day(d.end)} · ${Math.round(flt(d.progress))}%`);
			if (d.delayed) rows.push(`<span class="dms-popup-flag">${__("Delayed")}</span>`);
			link = `<a href="#" class="dms-open-project" data-project="${esc(d.id)}">${__("Open Board")}</a>`;
		}
		return `<div class="dms-popup">
			<div class="title">${esc(title)}</div>
			<div class="subtitle">${rows.map((r) => `<div>${r}</div>`).join("")}
				${link ? `<div class="dms-popup-link">${link}</div>` : ""}</div>
		</div>`;
	}

	// ---- portfolio

	build_portfolio_tasks(data) {
		const out = [];
		this.items = {};
		this.undated = [];
		for (const p of data.projects || []) {
			const start = is_day(p.start) ? p.start : is_day(p.end) ? p.end : null;
			if (!start) {
				this.undated.push(p);
				continue;
			}
			const progress = Math.max(0, Math.min(100, Math.round(flt(p.progress))));
			out.push({
				id: p.id,
				name: esc(
					p.customer
						? __("{0} · {1} ({2}%)", [p.project_name || p.id, p.customer, progress])
						: __("{0} ({1}%)", [p.project_name || p.id, progress])
				),
				start,
				end: is_day(p.end) && p.end >= start ? p.end : start,
				progress,
				dependencies: "",
				custom_class: p.delayed ? "dms-overdue dms-portfolio" : "dms-portfolio",
			});
			this.items[p.id] = { kind: "project", data: p };
		}
		return out;
	}

	render_portfolio_head(data) {
		const projects = data.projects || [];
		const delayed = projects.filter((p) => p.delayed).length;
		this.$head.html(`
			<div class="dms-head-title">
				<span class="dms-project-name">${__("Portfolio")}</span>
				${this.unit ? `<span class="text-muted">${esc(this.unit)}</span>` : ""}
				${delayed ? `<span class="indicator-pill red dms-delayed">${__("{0} delayed", [delayed])}</span>` : ""}
			</div>
			<div class="dms-head-facts">
				<span>${__("{0} projects", [projects.length])}</span>
				<span class="text-muted">${__("Click a project to open its board")}</span>
			</div>`);
		this.$legend.html(
			[
				["dms-portfolio", __("Project")],
				["dms-overdue", __("Delayed")],
				["dms-today", __("Today")],
			]
				.map(
					([cls, label]) =>
						`<span class="dms-legend-item"><span class="dms-swatch ${cls}"></span>${label}</span>`
				)
				.join("")
		);
		this.$aside.html(
			this.undated.length
				? `<div class="dms-unscheduled">
					<div class="text-muted">${__("Projects without dates ({0})", [this.undated.length])}</div>
					${this.undated
						.map(
							(p) =>
								`<a class="dms-chip dms-open-project" href="#" data-project="${esc(
									p.id
								)}">${esc(p.project_name || p.id)}</a>`
						)
						.join("")}
				</div>`
				: ""
		);
	}
};

// ---- helpers

function gantt_language() {
	// the month names frappe-gantt 0.6 has (any other language would break its date headers)
	const lang = frappe.boot.lang || "en";
	if (lang === "pt-BR") return "ptBr";
	const base = lang.split("-")[0];
	return ["es", "ru", "fr", "tr", "zh"].includes(base) ? base : "en";
}

function field_value(control) {
	// the control's value: a Link's input shows the title only once it is fetched
	return control.value || "";
}

function esc(value) {
	// for HTML: the server's text may come escaped already (Frappe escapes Data fields on save)
	if (value === null || value === undefined) return "";
	return frappe.utils.escape_html(frappe.utils.unescape_html(String(value)));
}

function is_day(value) {
	return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

function parse_day(value) {
	// a local midnight, the way frappe-gantt parses "YYYY-MM-DD"
	const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || "");
	return m ? new Date(+m[1], +m[2] - 1, +m[3]) : null;
}

function day_string(date, exclusive_end) {
	// the day a bar edge falls in; `exclusive_end`: the edge is the last second of the day
	const d = new Date(date.getTime() + (exclusive_end ? 1000 - 12 * 36e5 : 12 * 36e5));
	const pad = (n) => String(n).padStart(2, "0");
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function format_day(value) {
	return is_day(value) ? frappe.datetime.str_to_user(value) : "?";
}

function svg(tag, attrs) {
	const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
	for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
	return el;
}

function inject_board_style() {
	if (document.getElementById("dms-project-board-style")) return;
	$(`<style id="dms-project-board-style">
.dms-board-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 8px; margin-bottom: 8px; }
.dms-head-title { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.dms-board-head .dms-delayed { white-space: normal; height: auto; text-align: left; }
.dms-project-name { font-size: var(--text-lg); font-weight: 600; color: var(--text-color); }
.dms-head-facts { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; }
.dms-percent-bar { display: inline-block; width: 80px; height: 6px; border-radius: 3px; background: var(--gray-200); vertical-align: middle; }
.dms-percent-bar > span { display: block; height: 100%; border-radius: 3px; background: var(--green-500); }
.dms-board-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; margin-bottom: 8px; }
.dms-legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: var(--text-sm); }
.dms-legend-item { display: inline-flex; align-items: center; gap: 4px; }
.dms-swatch { display: inline-block; width: 18px; height: 10px; border-radius: 2px; border: 1px solid var(--gray-400); background: white; }
.dms-board-empty { padding: 40px; text-align: center; }
.dms-unscheduled { margin-top: 12px; }
.dms-chip { display: inline-block; margin: 4px 6px 0 0; padding: 2px 8px; border-radius: 10px; background: var(--gray-100); font-size: var(--text-sm); }
.dms-board.dms-busy .gantt-container { opacity: .6; pointer-events: none; }
.dms-board:not(.dms-readonly) .gantt .bar-wrapper:hover .handle { visibility: visible; opacity: 1; fill: var(--gray-400); }
.dms-board .gantt .handle.progress, .dms-board.dms-readonly .gantt .handle,
.dms-board .gantt .dms-material .handle, .dms-board .gantt .dms-equipment .handle { display: none; }
.dms-board .gantt-container .popup-wrapper { min-width: 220px; max-width: 360px; }
.dms-board .gantt-container .popup-wrapper[style*="opacity: 0"] { pointer-events: none; }
.dms-board .gantt-container .popup-wrapper .dms-popup-flag { color: var(--red-300); }
.dms-board .gantt-container .popup-wrapper .dms-popup-link a { color: var(--blue-300); }
.dms-board .gantt .bar-wrapper.dms-critical .bar, .dms-swatch.dms-critical { fill: #ffe8cc; background: #ffe8cc; stroke: #e8590c; border-color: #e8590c; stroke-width: 2; }
.dms-board .gantt .bar-wrapper.dms-critical .bar-progress { fill: #ff922b; }
.dms-board .gantt .bar-wrapper.active .bar { stroke-width: 3; }
.dms-board .gantt .bar-wrapper[class*="dms-"].active .bar-label, .dms-board .gantt .bar-wrapper.bar-milestone.active .bar-label,
.dms-board .gantt .bar-wrapper.active .bar-label.big { fill: var(--text-color); }
.dms-board .gantt .dms-critical-arrow { stroke: #e8590c; stroke-width: 2; }
.dms-board .gantt .bar-wrapper.dms-overdue .bar, .dms-swatch.dms-overdue { stroke: #e03131; border-color: #e03131; stroke-width: 2; stroke-dasharray: 4 2; }
.dms-board .gantt .bar-wrapper.dms-overdue:not(.dms-critical) .bar, .dms-swatch.dms-overdue { fill: #fff5f5; background: #fff5f5; }
.dms-board .gantt .bar-wrapper.dms-overdue:not(.dms-critical) .bar-progress { fill: #ffa8a8; }
.dms-board .gantt .bar-wrapper.bar-milestone .bar, .dms-swatch.bar-milestone { fill: #e5dbff; background: #e5dbff; stroke: #7048e8; border-color: #7048e8; }
.dms-board .gantt .bar-wrapper.dms-material .bar, .dms-swatch.dms-material { fill: #d3f9d8; background: #d3f9d8; stroke: #2f9e44; border-color: #2f9e44; }
.dms-board .gantt .bar-wrapper.dms-material-late .bar, .dms-swatch.dms-material-late { fill: #ff8787; background: #ff8787; stroke: #c92a2a; border-color: #c92a2a; }
.dms-board .gantt .bar-wrapper.dms-equipment .bar, .dms-swatch.dms-equipment { fill: #d0ebff; background: #d0ebff; stroke: #1c7ed6; border-color: #1c7ed6; }
.dms-board .gantt .dms-today-column { fill: #ffd43b; opacity: .25; pointer-events: none; }
.dms-board .gantt .dms-today-line { stroke: #f59f00; stroke-width: 2; pointer-events: none; }
.dms-board .gantt .dms-today-label { fill: #e67700; font-size: 11px; font-weight: 600; text-anchor: middle; pointer-events: none; }
.dms-swatch.dms-today { width: 3px; border: none; background: #f59f00; }
</style>`).appendTo("head");
}
