"""Tasks of a dealer project (ERPNext Task) and their material plans.

ERPNext's Task already keeps the planned dates (refusing an end before the start), the progress,
the dependencies (``depends_on``) and the assignments of its technicians. Here a task gets:

- its org unit: always its project's store, so isolation follows the project;
- its dependency rows stamped with the project (ERPNext reschedules dependants by it, and only its
  form fills it in, so a task made through the API or the board would not move its dependants);
- a dependency check over the whole project graph *before* anything is written (ERPNext's own
  ``check_recursion`` runs after the write and looks 15 steps deep);
- a material plan (*DMS Task Material* rows): items and quantities needed, each with the date it is
  needed on site: the task's planned start less the store's inherited ``site_lead_days``. Moving the
  task (on the Gantt board or in the form; ERPNext moving its dependants too) moves those dates.

Supply state of a line (``supply_status``) is derived from what was requested and delivered by one
SQL expression, ``LINE_STATUS_SQL``, the only place it is worked out.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, flt

from erpnext.projects.doctype.task.task import CircularReferenceError

from dms_suite.dms_org.policy import get_effective_policy

CUSTOM_FIELDS = {
	"Task": [
		{
			"fieldname": "dms_material_section",
			"fieldtype": "Section Break",
			"label": "Material Plan",
			"insert_after": "depends_on_tasks",
		},
		{
			"fieldname": "dms_materials",
			"fieldtype": "Table",
			"options": "DMS Task Material",
			"label": "Materials",
			"insert_after": "dms_material_section",
		},
	],
}

LINE_STATUS_SQL = """case
	when line.delivered_qty >= line.qty then 'Delivered'
	when line.delivered_qty > 0 then 'Partly Delivered'
	when ifnull(line.transfer, '') != '' then 'Transfer Proposed'
	when ifnull(line.material_request, '') != '' then 'Requested'
	else 'Planned' end"""
OPEN_TASK_STATES = ("Open", "Working", "Pending Review", "Overdue")


class TaskDependencyCycleError(CircularReferenceError):
	pass


class InvalidMaterialLineError(frappe.ValidationError):
	pass


def validate_task(doc, method=None):
	"""doc_events ``validate`` of Task (after ERPNext's own date and progress checks)."""
	if doc.project:
		doc.dms_org_unit = frappe.db.get_value("Project", doc.project, "dms_org_unit") or doc.get(
			"dms_org_unit"
		)
	check_dependency_cycle(doc)
	validate_materials(doc)
	keep_supply_state(doc)
	set_need_dates(doc)


def check_dependency_cycle(doc) -> None:
	"""Refuse a dependency that leads back to the task itself: one query for the project's graph."""
	depends_on = [row.task for row in doc.get("depends_on") or [] if row.task]
	if doc.name in depends_on:
		frappe.throw(
			_("Task {0} cannot depend on itself.").format(frappe.bold(doc.subject or doc.name)),
			TaskDependencyCycleError,
		)
	if not depends_on or doc.is_new():
		return  # a task nobody can depend on yet closes no cycle
	edges = defaultdict(list)
	for task, prerequisite in frappe.db.sql(
		"""
		select dep.parent, dep.task from `tabTask Depends On` dep
		join `tabTask` task on task.name = dep.parent
		where dep.parenttype = 'Task' and (task.project = %(project)s or dep.parent in %(tasks)s)
		""",
		{"project": doc.project or "", "tasks": (doc.name, *depends_on)},
	):
		edges[task].append(prerequisite)
	edges[doc.name] = depends_on
	path = _path_back(doc.name, edges)
	if path:
		subjects = dict(
			frappe.db.sql(
				"select name, subject from `tabTask` where name in %(names)s", {"names": tuple(path)}
			)
		)
		frappe.throw(
			_("These dependencies form a cycle, so no task in it could ever start: {0}").format(
				" → ".join(frappe.bold(subjects.get(name) or name) for name in path)
			),
			TaskDependencyCycleError,
			title=_("Dependency Cycle"),
		)


def _path_back(start: str, edges: dict[str, list[str]]) -> list[str] | None:
	"""The chain of prerequisites from ``start`` back to ``start``, if there is one."""
	stack = [(start, [start])]
	seen = set()
	while stack:
		node, path = stack.pop()
		for prerequisite in edges.get(node, ()):
			if prerequisite == start:
				return [*path, start]
			if prerequisite not in seen:
				seen.add(prerequisite)
				stack.append((prerequisite, [*path, prerequisite]))
	return None


def validate_materials(doc) -> None:
	rows = doc.get("dms_materials") or []
	if not rows:
		return
	items = {
		row.name: row
		for row in frappe.get_all(
			"Item",
			filters={"name": ("in", list({row.item_code for row in rows}))},
			fields=["name", "is_stock_item", "has_variants", "disabled"],
		)
	}
	store_stock = None
	for row in rows:
		item = items.get(row.item_code)
		if not item or not item.is_stock_item or item.has_variants or item.disabled:
			frappe.throw(
				_("Row {0}: {1} is not a stock item, so it cannot be planned as material.").format(
					row.idx, frappe.bold(row.item_code)
				),
				InvalidMaterialLineError,
			)
		if flt(row.qty) <= 0:
			frappe.throw(
				_("Row {0}: the quantity of {1} must be above zero.").format(
					row.idx, frappe.bold(row.item_code)
				),
				InvalidMaterialLineError,
			)
		if row.warehouse and doc.get("dms_org_unit"):
			if store_stock is None:
				from dms_suite.dms_stock.availability import load_units

				store = load_units([doc.dms_org_unit]).get(doc.dms_org_unit)
				store_stock = set(store.warehouses) if store else set()
			if row.warehouse not in store_stock:
				frappe.throw(
					_("Row {0}: warehouse {1} is not a stock warehouse of store {2}.").format(
						row.idx, frappe.bold(row.warehouse), frappe.bold(doc.dms_org_unit)
					),
					InvalidMaterialLineError,
				)


SUPPLY_FIELDS = (
	"requested_qty",
	"material_request",
	"transfer",
	"transfer_qty",
	"delivered_qty",
	"supply_status",
)


def keep_supply_state(doc) -> None:
	"""What was requested and delivered is written by the supply job and stock entries, never by the
	form: a form opened before them and saved after would otherwise write the old state back (and the
	next run would request the line again). One query."""
	rows = doc.get("dms_materials") or []
	if not rows:
		return
	stored = {}
	if not doc.is_new():
		stored = {
			row.name: row
			for row in frappe.get_all(
				"DMS Task Material",
				filters={"parent": doc.name, "parenttype": "Task"},
				fields=["name", *SUPPLY_FIELDS],
			)
		}
	for row in rows:
		state = stored.get(row.name)
		for field in SUPPLY_FIELDS:
			row.set(
				field, state[field] if state else (None if field in ("material_request", "transfer") else 0)
			)
		if not state:
			row.supply_status = "Planned"


def set_need_dates(doc) -> None:
	"""Each line is needed on site the store's ``site_lead_days`` before the task starts."""
	rows = doc.get("dms_materials") or []
	if not rows:
		return
	lead = get_effective_policy(doc.dms_org_unit)["site_lead_days"] if doc.get("dms_org_unit") else 0
	need_date = add_days(doc.exp_start_date, -lead) if doc.exp_start_date else None
	for row in rows:
		row.lead_days = lead
		row.need_date = need_date


def refresh_line_status(doc, method=None):
	"""doc_events ``on_update`` of Task: the supply state of its lines."""
	names = [row.name for row in doc.get("dms_materials") or []]
	update_line_status(names)


def update_line_status(lines: list[str]) -> None:
	"""Recompute ``supply_status`` of the given lines in one statement."""
	if not lines:
		return
	frappe.db.sql(
		f"update `tabDMS Task Material` line set line.supply_status = {LINE_STATUS_SQL} where line.name in %(lines)s",
		{"lines": tuple(lines)},
	)
