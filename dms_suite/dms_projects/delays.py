"""Delays of dealer projects: a task past its planned end, or material not delivered by its need
date, flags the project (``dms_is_delayed`` with the reason) and tells its project manager once,
when the project first falls behind. A project back on plan is unflagged. Daily, set-based: two
grouped queries find the delays, two statements write the flags."""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from dms_suite.dms_projects.tasks import OPEN_TASK_STATES


def flag_delays(today=None) -> dict[str, list[str]]:
	"""Daily scheduler event. Returns ``{"flagged": newly flagged, "cleared": back on plan}``."""
	today = getdate(today or nowdate())
	values = {"today": today, "open_states": OPEN_TASK_STATES}
	reasons: dict[str, list[str]] = {}
	for project, count, first in frappe.db.sql(
		"""
		select task.project, count(*), min(task.exp_end_date)
		from `tabTask` task join `tabProject` project on project.name = task.project
		where project.status = 'Open' and task.status in %(open_states)s and task.exp_end_date < %(today)s
		group by task.project
		""",
		values,
	):
		reasons.setdefault(project, []).append(
			_("{0} task(s) past their planned end (the first on {1})").format(count, first)
		)
	for project, count, first in frappe.db.sql(
		"""
		select task.project, count(*), min(line.need_date)
		from `tabDMS Task Material` line
		join `tabTask` task on task.name = line.parent and line.parenttype = 'Task'
		join `tabProject` project on project.name = task.project
		where project.status = 'Open' and task.status != 'Cancelled'
			and line.need_date < %(today)s and line.delivered_qty < line.qty
		group by task.project
		""",
		values,
	):
		reasons.setdefault(project, []).append(
			_("{0} material line(s) not delivered by their need date (the first due {1})").format(
				count, first
			)
		)

	was_delayed = set(frappe.db.sql_list("select name from `tabProject` where dms_is_delayed = 1"))
	cleared = sorted(was_delayed - set(reasons))
	if cleared:
		frappe.db.sql(
			"update `tabProject` set dms_is_delayed = 0, dms_delay_reason = null where name in %(names)s",
			{"names": tuple(cleared)},
		)
	if reasons:
		texts = {project: "; ".join(parts) for project, parts in reasons.items()}
		cases = " ".join(["when %s then %s"] * len(texts))
		frappe.db.sql(
			f"update `tabProject` set dms_is_delayed = 1, dms_delay_reason = case name {cases} end where name in %s",
			(*[value for pair in texts.items() for value in pair], tuple(texts)),
		)
	# ERPNext saves a project from its cached document whenever a task changes (Task.update_project):
	# drop the cached copies, or the next task save would write the old flags back
	for project in (*cleared, *reasons):
		frappe.clear_document_cache("Project", project)
	flagged = sorted(set(reasons) - was_delayed)
	notify_managers(flagged, reasons)
	return {"flagged": flagged, "cleared": cleared}


def notify_managers(projects: list[str], reasons: dict[str, list[str]]) -> None:
	"""A desk notification (and ERPNext's email, by the user's settings) to each project manager."""
	if not projects:
		return
	for project, title, manager in frappe.db.sql(
		"select name, project_name, dms_project_manager from `tabProject` where name in %(names)s",
		{"names": tuple(projects)},
	):
		if not manager:
			continue
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"subject": _("Project {0} is behind plan").format(title or project),
				"email_content": "; ".join(reasons[project]),
				"for_user": manager,
				"type": "Alert",
				"document_type": "Project",
				"document_name": project,
			}
		).insert(ignore_permissions=True)
