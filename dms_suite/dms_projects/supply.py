"""Material for dealer projects: just-in-time supply of the material plans, and issues to the site.

**Just in time** (``raise_jit_requests``, a daily scheduled job, also run from the desk): a plan line
is *due* once its need date is within the store's inherited ``supply_lead_days``; a due line is
*uncovered* by what it still lacks (quantity less delivered and requested). In need-date order, per
store and item, an uncovered line is covered by:

1. the store's own free stock: actual less what approved transfers hold less the store's safety
   level (dms_suite.dms_stock.availability), so a project never takes a store below its safety level;
   nothing is requested, the line is issued from that stock;
2. else the nearest other unit that can spare the whole shortfall (its stock above its own safety
   level, less what open transfer proposals already offer from it): a Draft *Cross Region Transfer*
   proposal, one per source and store, for people to approve as any other transfer;
3. else a *Material Request* (Purchase), one per store, submitted, lines dated the need date.

The line keeps the document and the requested quantity, so it is never requested twice: a second
run finds nothing uncovered (the lines are read under row locks, so two runs cannot both request the
same line). Cancelling the Material Request, or rejecting, cancelling or deleting the transfer
proposal, frees its lines for the next run.

**Issues** (``issue_materials``): a submitted Material Issue Stock Entry carrying the project (and each
row the plan line it serves) from the store's warehouse, so ERPNext's project costing
(``total_consumed_material_cost``) and the Stock Ledger agree; what each line has been delivered is
read back from the submitted entries (``update_delivered``).
"""

import math
from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate, nowdate

from dms_suite.dms_org.policy import get_effective_policies
from dms_suite.dms_projects.tasks import OPEN_TASK_STATES, update_line_status

PLAN_LINE_LINK = {
	"fieldname": "dms_task_material",
	"fieldtype": "Data",
	"label": "Project Material Line",
	"read_only": 1,
	"no_copy": 1,
	"search_index": 1,
	"print_hide": 1,
}
CUSTOM_FIELDS = {
	"Stock Entry Detail": [{**PLAN_LINE_LINK, "insert_after": "project"}],
	"Material Request Item": [{**PLAN_LINE_LINK, "insert_after": "project"}],
}
JIT_JOB_ID = "dms_suite_project_jit"


class NothingToIssueError(frappe.ValidationError):
	pass


# ---------------------------------------------------------------------------------------------
# just-in-time supply


def enqueue_jit() -> None:
	frappe.enqueue(
		"dms_suite.dms_projects.supply.raise_jit_requests",
		queue="long",
		job_id=JIT_JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def raise_jit_requests(today=None) -> dict[str, list[str]]:
	"""Request what the due material of active projects lacks (the daily scheduler event). Returns the documents made:
	``{"material_requests": [...], "transfers": [...]}``."""
	title = _("Project material (just in time)")
	today = getdate(today or nowdate())
	policies = get_effective_policies()
	frappe.publish_progress(5, title=title, description=_("Finding material due within its lead time"))
	lines = [line for line in due_lines(today, policies) if line.need_date <= add_days(today, line.lead)]
	if not lines:
		frappe.publish_progress(100, title=title, description=_("Nothing due is uncovered"))
		return {"material_requests": [], "transfers": []}

	frappe.publish_progress(
		25, title=title, description=_("{0} lines due: checking stock").format(len(lines))
	)
	from_stock, by_transfer, by_request = plan_supply(lines)

	frappe.publish_progress(50, title=title, description=_("Proposing transfers"))
	transfers = make_transfers(by_transfer)
	frappe.publish_progress(75, title=title, description=_("Raising material requests"))
	requests = make_material_requests(by_request, today)
	mark_requested(by_transfer, by_request)
	frappe.publish_progress(
		100,
		title=title,
		description=_("{0} lines from stock, {1} transfer proposals, {2} material requests").format(
			len(from_stock), len(transfers), len(requests)
		),
	)
	return {"material_requests": requests, "transfers": transfers}


def due_lines(today, policies: dict[str, dict]) -> list[frappe._dict]:
	"""Uncovered lines of open tasks of open projects whose need date falls within the longest
	supply lead time of any store (each line is checked against its own store's after), locked."""
	horizon = add_days(today, max((p["supply_lead_days"] for p in policies.values()), default=0))
	rows = frappe.db.sql(
		"""
		select line.name, line.item_code, line.qty, line.delivered_qty, line.requested_qty,
			line.need_date, line.warehouse, task.name as task, task.project,
			project.dms_org_unit as store, project.company
		from `tabDMS Task Material` line
		join `tabTask` task on task.name = line.parent
		join `tabProject` project on project.name = task.project
		where line.parenttype = 'Task' and line.need_date <= %(horizon)s
			and line.qty > line.delivered_qty + line.requested_qty
			and task.status in %(open_states)s and project.status = 'Open'
			and ifnull(project.dms_org_unit, '') != ''
		order by line.need_date, line.name
		for update
		""",
		{"horizon": horizon, "open_states": OPEN_TASK_STATES},
		as_dict=True,
	)
	for row in rows:
		policy = policies.get(row.store) or {}
		row.lead = policy.get("supply_lead_days", 0)
		row.need_date = getdate(row.need_date)
		row.shortfall = flt(row.qty) - flt(row.delivered_qty) - flt(row.requested_qty)
	return rows


def plan_supply(lines: list):
	"""Split the due lines into those covered by the store's free stock, those to come by transfer
	(``{(source unit, source warehouse, store): [(line, qty)]}``) and those to buy
	(``{(company, store): [(line, qty)]}``). Pure: reads stock in a fixed number of queries."""
	from dms_suite.dms_stock import availability, quantities
	from dms_suite.dms_stock.planner import distance_km

	items = sorted({line.item_code for line in lines})
	units = availability.load_units()
	stock = availability.get_availability(items=items)
	offered = quantities.proposed_qty(None, items)
	# whole units, as the replenishment planner counts them (a safety level may be fractional)
	left = {
		(r["unit"], r["item_code"]): math.floor(
			r["available_to_transfer"] - offered.get((r["unit"], r["item_code"]), 0.0) + 1e-9
		)
		for r in stock
	}
	sources = defaultdict(list)
	for r in stock:
		if r["warehouse"] and units.get(r["unit"]) and units[r["unit"]].unit_type == "Store":
			sources[r["item_code"]].append(r)

	from_stock, by_transfer, by_request = [], defaultdict(list), defaultdict(list)
	for line in lines:
		own = (line.store, line.item_code)
		take = min(line.shortfall, max(0.0, left.get(own, 0.0)))
		if take > 0:
			left[own] -= take
		remaining = flt(line.shortfall - take, 6)
		if remaining <= 0:
			from_stock.append(line)
			continue
		store = units.get(line.store)
		candidates = [
			r
			for r in sources[line.item_code]
			if r["unit"] != line.store and left[(r["unit"], line.item_code)] >= remaining
		]
		if candidates and store:
			distances = {r["unit"]: distance_km(units[r["unit"]], store) for r in candidates}
			source = min(
				candidates,
				key=lambda r: (distances[r["unit"]] is None, distances[r["unit"]] or 0.0, r["unit"]),
			)
			left[(source["unit"], line.item_code)] -= remaining
			line.valuation_rate = source["valuation_rate"]
			line.distance_km = distances[source["unit"]]
			by_transfer[(source["unit"], source["warehouse"], line.store)].append((line, remaining))
		else:
			by_request[(line.company, line.store)].append((line, remaining))
	return from_stock, by_transfer, by_request


def target_warehouse(line, units) -> str | None:
	"""Where the material is brought: the line's warehouse, else the store's default."""
	return line.warehouse or default_warehouse(units.get(line.store))


def default_warehouse(store) -> str | None:
	"""A store's warehouse for project material (an ``availability.Unit``): parts, else stock."""
	return store and (store.parts_warehouse or store.stock_warehouse)


def make_transfers(by_transfer: dict) -> list[str]:
	"""A Draft Cross Region Transfer per (source, store), for approval like any other transfer."""
	from dms_suite.dms_stock import availability

	units = availability.load_units(list({key[2] for key in by_transfer}))
	names = []
	for (source_unit, source_warehouse, store), entries in sorted(by_transfer.items()):
		projects = sorted({line.project for line, _qty in entries})
		totals, rates = defaultdict(float), {}  # a transfer has one row per item
		for line, qty in entries:
			totals[line.item_code] += qty
			rates[line.item_code] = line.valuation_rate
		doc = frappe.get_doc(
			{
				"doctype": "Cross Region Transfer",
				"source_unit": source_unit,
				"source_warehouse": source_warehouse,
				"target_unit": store,
				"target_warehouse": target_warehouse(entries[0][0], units),
				"rule": "Nearest",
				"explanation": _(
					"Just-in-time supply for project(s) {0}: {1} line(s) needed on site by {2}; store {3} "
					"cannot spare them above its safety level, {4} is the nearest unit that can."
				).format(
					", ".join(projects),
					len(entries),
					min(line.need_date for line, _qty in entries),
					store,
					source_unit,
				),
				"items": [
					{"item_code": item, "qty": qty, "valuation_rate": rates[item]}
					for item, qty in sorted(totals.items())
				],
			}
		)
		doc.flags.ignore_permissions = True  # a system job: it proposes, people approve
		doc.insert()
		names.append(doc.name)
		for line, _qty in entries:
			line.transfer = doc.name
	return names


def make_material_requests(by_request: dict, today) -> list[str]:
	"""One submitted Material Request (Purchase) per store, each line dated its need date."""
	from dms_suite.dms_stock import availability

	units = availability.load_units(list({key[1] for key in by_request}))
	names = []
	for (company, store), entries in sorted(by_request.items()):
		doc = frappe.get_doc(
			{
				"doctype": "Material Request",
				"material_request_type": "Purchase",
				"company": company,
				"dms_org_unit": store,
				"transaction_date": today,
				"schedule_date": max(today, min(line.need_date for line, _qty in entries)),
				"items": [
					{
						"item_code": line.item_code,
						"qty": qty,
						"schedule_date": max(today, line.need_date),
						"warehouse": target_warehouse(line, units),
						"project": line.project,
						"dms_task_material": line.name,
					}
					for line, qty in entries
				],
			}
		)
		doc.flags.ignore_permissions = True
		doc.docstatus = (
			1  # inserted submitted: ERPNext validates the lines once, not on insert and again on submit
		)
		doc.insert()
		names.append(doc.name)
		for line, _qty in entries:
			line.material_request = doc.name
	return names


def mark_requested(by_transfer: dict, by_request: dict) -> None:
	"""Record on each line what was requested and by which document: one statement."""
	entries = [entry for group in (*by_transfer.values(), *by_request.values()) for entry in group]
	if not entries:
		return
	names = [line.name for line, _qty in entries]
	values = {"names": tuple(names)}
	qty_cases, request_cases, transfer_cases, transfer_qty_cases = [], [], [], []
	for i, (line, qty) in enumerate(entries):
		values[f"n{i}"], values[f"q{i}"] = line.name, qty
		qty_cases.append(f"when %(n{i})s then %(q{i})s")
		if line.get("material_request"):
			values[f"m{i}"] = line.material_request
			request_cases.append(f"when %(n{i})s then %(m{i})s")
		if line.get("transfer"):
			values[f"t{i}"] = line.transfer
			transfer_cases.append(f"when %(n{i})s then %(t{i})s")
			transfer_qty_cases.append(f"when %(n{i})s then %(q{i})s")

	def case(cases, column):
		return f"case line.name {' '.join(cases)} else line.{column} end" if cases else f"line.{column}"

	frappe.db.sql(
		f"""
		update `tabDMS Task Material` line
		set line.requested_qty = line.requested_qty + (case line.name {" ".join(qty_cases)} else 0 end),
			line.material_request = {case(request_cases, "material_request")},
			line.transfer = {case(transfer_cases, "transfer")},
			line.transfer_qty = {case(transfer_qty_cases, "transfer_qty")}
		where line.name in %(names)s
		""",
		values,
	)
	update_line_status(names)


def release_cancelled_request(doc, method=None):
	"""doc_events ``on_cancel`` of Material Request: its lines may be requested again."""
	lines = [row.dms_task_material for row in doc.items if row.get("dms_task_material")]
	if not lines:
		return
	frappe.db.sql(
		"""
		update `tabDMS Task Material` line
		join (
			select dms_task_material, sum(stock_qty) as qty from `tabMaterial Request Item`
			where parent = %(request)s and ifnull(dms_task_material, '') != '' group by dms_task_material
		) requested on requested.dms_task_material = line.name
		set line.requested_qty = greatest(0, line.requested_qty - requested.qty),
			line.material_request = if(line.material_request = %(request)s, null, line.material_request)
		""",
		{"request": doc.name},
	)
	update_line_status(lines)


def release_closed_transfer(doc, method=None):
	"""doc_events ``on_change`` and ``on_trash`` of Cross Region Transfer: a proposal rejected,
	cancelled or deleted no longer covers its lines, which the next run may request again."""
	if method != "on_trash" and doc.status not in ("Rejected", "Cancelled") and doc.docstatus != 2:
		return
	lines = frappe.db.sql_list("select name from `tabDMS Task Material` where transfer = %s", doc.name)
	if not lines:
		return
	frappe.db.sql(
		"""
		update `tabDMS Task Material` line
		set line.requested_qty = greatest(0, line.requested_qty - line.transfer_qty),
			line.transfer = null, line.transfer_qty = 0
		where line.name in %(lines)s
		""",
		{"lines": tuple(lines)},
	)
	update_line_status(lines)


# ---------------------------------------------------------------------------------------------
# issues to the project


def issue_materials(task: str) -> str:
	"""Issue what the task's material plan still lacks, as far as the store has it, by one submitted
	Material Issue carrying the project. Safe against double clicks: the task is locked first and
	what each line was delivered is read under that lock."""
	from dms_suite.dms_stock import availability, quantities
	from dms_suite.dms_stock.transfer import lock_bins

	frappe.db.sql("select name from `tabTask` where name = %s for update", task)
	info = frappe.db.get_value("Task", task, ["project", "dms_org_unit", "subject"], as_dict=True)
	if not info or not info.project:
		frappe.throw(_("Task {0} belongs to no project.").format(frappe.bold(task)), NothingToIssueError)
	lines = frappe.db.sql(
		"""
		select name, item_code, qty - delivered_qty as remaining, warehouse from `tabDMS Task Material`
		where parent = %s and parenttype = 'Task' and qty > delivered_qty
		order by need_date, idx
		for update
		""",
		task,
		as_dict=True,
	)
	if not lines:
		frappe.throw(
			_("The material plan of {0} is delivered in full.").format(frappe.bold(info.subject)),
			NothingToIssueError,
		)
	default = (
		default_warehouse(availability.load_units([info.dms_org_unit]).get(info.dms_org_unit))
		if info.dms_org_unit
		else None
	)
	by_warehouse = defaultdict(list)
	for line in lines:
		line.warehouse = line.warehouse or default
		by_warehouse[line.warehouse].append(line)
	if None in by_warehouse:
		frappe.throw(
			_("Store {0} has no parts or stock warehouse to issue from.").format(
				frappe.bold(info.dms_org_unit)
			),
			NothingToIssueError,
		)

	issue, short = [], []
	for warehouse, rows in sorted(by_warehouse.items()):
		items = {row.item_code for row in rows}
		actual = lock_bins(warehouse, items)
		promised = quantities.reserved_qty([warehouse], list(items), lock=True)
		left = {item: flt(actual.get(item)) - flt(promised.get((warehouse, item))) for item in items}
		for row in rows:
			qty = min(flt(row.remaining), max(0.0, left[row.item_code]))
			if qty > 0:
				left[row.item_code] -= qty
				issue.append((row, qty))
			if qty < flt(row.remaining):
				short.append(row.item_code)
	if not issue:
		frappe.throw(
			_("Nothing of the material plan of {0} is in stock at the store: {1}.").format(
				frappe.bold(info.subject), ", ".join(sorted(set(short)))
			),
			NothingToIssueError,
		)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Issue",
			"purpose": "Material Issue",
			"company": frappe.db.get_value("Project", info.project, "company"),
			"project": info.project,
			"remarks": _("Material for task {0} of project {1}").format(info.subject, info.project),
			"items": [
				{
					"item_code": row.item_code,
					"qty": qty,
					"s_warehouse": row.warehouse,
					"project": info.project,
					"dms_task_material": row.name,
				}
				for row, qty in issue
			],
		}
	)
	entry.insert()  # with the user's permissions: the entry's store and warehouses are checked as theirs
	entry.submit()
	return entry.name


def update_delivered(doc, method=None):
	"""doc_events ``on_submit`` / ``on_cancel`` of Stock Entry: what its plan lines were delivered,
	read back from every submitted Material Issue (one statement)."""
	lines = sorted({row.dms_task_material for row in doc.items if row.get("dms_task_material")})
	if not lines:
		return
	frappe.db.sql(
		"""
		update `tabDMS Task Material` line
		set line.delivered_qty = (
			select coalesce(sum(detail.transfer_qty), 0)
			from `tabStock Entry Detail` detail
			join `tabStock Entry` entry on entry.name = detail.parent
			where detail.dms_task_material = line.name and entry.docstatus = 1
				and entry.purpose = 'Material Issue'
		)
		where line.name in %(lines)s
		""",
		{"lines": tuple(lines)},
	)
	update_line_status(lines)
