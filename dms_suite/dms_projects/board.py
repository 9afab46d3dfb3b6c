"""The data of the Gantt board (desk page *dms-project-board*): one project, or a portfolio.

``board_data`` reads a whole project in four queries (project, tasks, material lines grouped per
task, equipment) and works out the critical path in memory, so a project of 500 tasks and 2,000
material lines loads in one call. The critical path is read off the plan as it stands: walking back
from the project's last planned day through the dependencies, a task is critical when it has no
slack (starting it a day later would move the project's end).

``move_task`` is the board's drag: a save of the ERPNext Task, so ERPNext's own rules apply (the end
not before the start, dependants moved on) and the material plan's need dates follow the new start
(dms_suite/dms_projects/tasks.py).
"""

from collections import defaultdict, deque
from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import getdate, nowdate
from frappe.utils.nestedset import get_descendants_of

from dms_suite.dms_projects.tasks import OPEN_TASK_STATES
from dms_suite.validation import date_value


class InvalidTaskDatesError(frappe.ValidationError):
	pass


def board_data(project: str) -> dict:
	today = getdate(nowdate())
	head = frappe.db.get_value(
		"Project",
		project,
		[
			"name", "project_name", "customer", "status", "percent_complete", "expected_start_date",
			"expected_end_date", "dms_is_delayed", "dms_delay_reason",
		],
		as_dict=True,
	)  # fmt: skip
	tasks = frappe.db.sql(
		"""
		select name, subject, exp_start_date, exp_end_date, progress, status, depends_on_tasks,
			is_milestone, _assign
		from `tabTask`
		where project = %s and status != 'Template'
		order by exp_start_date, name
		""",
		project,
		as_dict=True,
	)
	materials = frappe.db.sql(
		"""
		select line.parent as task, min(line.need_date) as need_date, count(*) as line_count,
			sum(line.delivered_qty < line.qty) as undelivered,
			sum(line.delivered_qty < line.qty and line.need_date < %(today)s) as late
		from `tabDMS Task Material` line
		join `tabTask` task on task.name = line.parent
		where task.project = %(project)s and line.parenttype = 'Task' and line.need_date is not null
		group by line.parent
		""",
		{"project": project, "today": today},
		as_dict=True,
	)
	equipment = frappe.db.sql(
		"""
		select row.name, row.dealer_unit, row.item_code, row.description, row.delivery_date, row.return_date,
			concat_ws(' ', unit.model, unit.vin) as unit_name
		from `tabDMS Project Equipment` row
		left join `tabDealer Unit` unit on unit.name = row.dealer_unit
		where row.parent = %s and row.parenttype = 'Project'
		order by row.delivery_date, row.idx
		""",
		project,
		as_dict=True,
	)

	scheduled = {t.name: t for t in tasks if t.exp_start_date and t.exp_end_date}
	dependencies = {
		name: [d for d in (t.depends_on_tasks or "").split(",") if d in scheduled]
		for name, t in scheduled.items()
	}
	critical = critical_tasks(scheduled, dependencies)
	head.can_write = bool(
		frappe.has_permission("Task", "write") and frappe.has_permission("Project", "write", doc=project)
	)
	return {
		"project": head,
		"today": str(today),
		"tasks": [
			{
				"id": name,
				"subject": t.subject,
				"start": str(t.exp_start_date),
				"end": str(t.exp_end_date),
				"progress": 100 if t.status == "Completed" else (t.progress or 0),
				"status": t.status,
				"dependencies": dependencies[name],
				"critical": name in critical,
				"is_milestone": bool(t.is_milestone),
				"overdue": t.status in OPEN_TASK_STATES and getdate(t.exp_end_date) < today,
				"assigned": frappe.parse_json(t._assign) if t._assign else [],
			}
			for name, t in scheduled.items()
		],
		"materials": [
			{
				"task": m.task,
				"need_date": str(m.need_date),
				"lines": int(m.line_count),
				"undelivered": int(m.undelivered or 0),
				"late": bool(m.late),
			}
			for m in materials
			if m.task in scheduled
		],
		"equipment": [
			{
				"id": e.name,
				"label": e.description or e.unit_name or e.dealer_unit or e.item_code,
				"start": str(e.delivery_date),
				"end": str(
					e.return_date or head.expected_end_date or e.delivery_date
				),  # on site until returned
			}
			for e in equipment
		],
		"unscheduled": [{"id": t.name, "subject": t.subject} for t in tasks if t.name not in scheduled],
	}


def critical_tasks(tasks: dict, dependencies: dict[str, list[str]]) -> set[str]:
	"""Tasks without slack in the plan as it stands (latest start = planned start).

	Latest finish of a task: the day before the earliest latest start of the tasks depending on it,
	or the project's last planned day; latest start: latest finish less its duration. Tasks are
	visited in reverse topological order (Kahn), so each is computed once.
	"""
	if not tasks:
		return set()
	start = {name: getdate(t.exp_start_date) for name, t in tasks.items()}
	end = {name: getdate(t.exp_end_date) for name, t in tasks.items()}
	successors = defaultdict(list)
	waiting = {name: len(dependencies[name]) for name in tasks}
	for name, prerequisites in dependencies.items():
		for prerequisite in prerequisites:
			successors[prerequisite].append(name)
	queue = deque(name for name, n in waiting.items() if n == 0)
	order = []
	while queue:
		name = queue.popleft()
		order.append(name)
		for successor in successors[name]:
			waiting[successor] -= 1
			if waiting[successor] == 0:
				queue.append(successor)

	finish = max(end.values())
	latest_start = {}
	for name in reversed(order):
		latest_finish = min(
			(latest_start[s] - timedelta(days=1) for s in successors[name] if s in latest_start),
			default=finish,
		)
		latest_start[name] = latest_finish - (end[name] - start[name])
	return {name for name, latest in latest_start.items() if latest <= start[name]}


def move_task(task: str, start, end) -> dict:
	"""Give a task new planned dates (the board's drag) and return the board again."""
	doc = frappe.get_doc("Task", task)  # permission: checked by the caller (api.projects.move_task)
	start, end = date_value(start, _("Start")), date_value(end, _("End"))
	if not start or not end:
		frappe.throw(
			_("Give task {0} a start and an end date.").format(frappe.bold(doc.subject)),
			InvalidTaskDatesError,
		)
	if end < start:
		frappe.throw(
			_("Task {0} cannot end on {1}, before it starts on {2}.").format(
				frappe.bold(doc.subject), frappe.bold(end), frappe.bold(start)
			),
			InvalidTaskDatesError,
		)
	doc.exp_start_date, doc.exp_end_date = start, end
	doc.save()
	return board_data(doc.project)


def portfolio_data(unit: str | None = None) -> dict:
	"""One bar per open project the user may read, optionally within one org unit's subtree."""
	filters = {"status": ("!=", "Cancelled")}
	if unit:
		filters["dms_org_unit"] = ("in", units_within(unit))
	projects = frappe.get_list(
		"Project",
		filters=filters,
		fields=[
			"name", "project_name", "customer", "dms_org_unit", "expected_start_date", "expected_end_date",
			"percent_complete", "dms_is_delayed",
		],
		order_by="expected_start_date asc",
		limit_page_length=500,
	)  # fmt: skip
	return {
		"today": nowdate(),
		"projects": [
			{
				"id": p.name,
				"project_name": p.project_name,
				"customer": p.customer,
				"store": p.dms_org_unit,
				"start": _date(p.expected_start_date),
				"end": _date(p.expected_end_date or p.expected_start_date),
				"progress": p.percent_complete or 0,
				"delayed": bool(p.dms_is_delayed),
			}
			for p in projects  # one without dates comes with start None: the page lists it apart
		],
	}


def units_within(unit: str) -> list[str]:
	"""The unit and every unit below it (Frappe's nested set)."""
	return [unit, *get_descendants_of("DMS Org Unit", unit, ignore_permissions=True)]


def _date(value) -> str | None:
	return str(value) if value else None
