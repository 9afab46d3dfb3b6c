// Group customer pool: the computed profile (dms_suite.dms_sales.customers.get_customer_profile) on the
// Customer form. Amounts the user may not see come back empty and are shown as "—".
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe.call({
			method: "dms_suite.dms_sales.customers.get_customer_profile",
			type: "GET",
			args: { customer: frm.doc.name },
			callback: (r) => r.message && render_dms_profile(frm, r.message),
		});
	},
});

function render_dms_profile(frm, profile) {
	const esc = frappe.utils.escape_html;
	const money = (value, currency) =>
		value === null || value === undefined ? "—" : format_currency(value, currency);
	const lifetime =
		Object.entries(profile.lifetime_value)
			.map(([currency, value]) => money(value, currency))
			.join(", ") || "—";
	const last = profile.last_purchase;
	const rows = (profile.orders || [])
		.slice(0, 10)
		.map(
			(
				o,
			) => `<tr><td>${esc(o.name)}</td><td>${frappe.datetime.str_to_user(o.transaction_date)}</td>
			<td>${esc(o.store || "")}</td><td>${esc(__(o.status))}</td><td class="text-right">${money(o.grand_total, o.currency)}</td></tr>`,
		)
		.join("");
	const vehicles = (profile.vehicles || [])
		.map((v) => `${esc(v.serial_no)} (${esc(v.item_name || v.item_code)})`)
		.join(", ");
	const html = `
		<div class="row">
			<div class="col-sm-3"><div class="text-muted">${__("Lifetime Value")}</div><b>${lifetime}</b></div>
			<div class="col-sm-3"><div class="text-muted">${__("Last Purchase")}</div>
				<b>${last ? frappe.datetime.str_to_user(last.date) + " · " + esc(last.store || "") : "—"}</b></div>
			<div class="col-sm-3"><div class="text-muted">${__("Open Opportunities")}</div><b>${profile.open_opportunities}</b></div>
			<div class="col-sm-3"><div class="text-muted">${__("Preferred Store")}</div>
				<b>${esc(profile.preferred_store_name || profile.preferred_store || "—")}</b></div>
		</div>
		<div class="mt-3"><span class="text-muted">${__("Vehicles Owned")}:</span> ${vehicles || "—"}</div>
		${
			rows
				? `<table class="table table-sm mt-3"><thead><tr><th>${__("Sales Order")}</th><th>${__("Date")}</th>
			<th>${__("Store")}</th><th>${__("Status")}</th><th class="text-right">${__("Grand Total")}</th></tr></thead>
			<tbody>${rows}</tbody></table>`
				: ""
		}`;
	frm.dashboard.add_section(html, __("Group Profile"));
	frm.dashboard.show();
}
