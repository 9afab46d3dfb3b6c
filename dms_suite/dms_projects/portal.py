"""What a customer sees of their projects on the portal (/service/projects): milestones, % complete,
the next deliveries of material and equipment, and the documents shared with them. Nothing about
cost, budget or margin; nothing of another customer's projects (every query is filtered by the
customers the portal user belongs to, dms_suite/dms_service/portal.py)."""

from collections import defaultdict

import frappe
from frappe.utils import getdate, nowdate

NEXT_DELIVERIES = 5


def customer_projects(customers: list[str]) -> list[dict]:
	"""The customer's projects with what the page shows: five queries whatever their number."""
	projects = frappe.db.sql(
		"""
		select project.name, project.project_name, project.status, project.percent_complete,
			project.expected_start_date, project.expected_end_date, unit.unit_name as store_name
		from `tabProject` project
		left join `tabDMS Org Unit` unit on unit.name = project.dms_org_unit
		where project.customer in %(customers)s and project.status != 'Cancelled'
		order by project.expected_start_date desc, project.name
		""",
		{"customers": tuple(customers)},
		as_dict=True,
	)
	if not projects:
		return []
	names = tuple(p.name for p in projects)
	values = {"projects": names, "today": getdate(nowdate())}
	milestones = _by_project(
		"""
		select project, subject, exp_end_date as date, status from `tabTask`
		where project in %(projects)s and is_milestone = 1 and status != 'Cancelled'
		order by exp_end_date, name
		""",
		values,
	)
	deliveries = _by_project(
		"""
		select task.project, line.item_name as what, line.qty - line.delivered_qty as qty, line.uom,
			line.need_date as date
		from `tabDMS Task Material` line
		join `tabTask` task on task.name = line.parent and line.parenttype = 'Task'
		where task.project in %(projects)s and line.delivered_qty < line.qty and task.status != 'Cancelled'
		order by line.need_date, line.name
		""",
		values,
	)
	equipment = _by_project(
		"""
		select row.parent as project, coalesce(nullif(row.description, ''), concat_ws(' ', unit.model, unit.vin), row.item_code) as what,
			null as qty, null as uom, row.delivery_date as date
		from `tabDMS Project Equipment` row
		left join `tabDealer Unit` unit on unit.name = row.dealer_unit
		where row.parenttype = 'Project' and row.parent in %(projects)s and row.delivery_date >= %(today)s
		order by row.delivery_date
		""",
		values,
	)
	documents = _by_project(
		"""
		select parent as project, title, attachment from `tabDMS Project Document`
		where parenttype = 'Project' and parent in %(projects)s and share_with_customer = 1
		order by idx
		""",
		values,
	)
	for rows in documents.values():
		for row in rows:
			row.attachment = safe_attachment_url(row.attachment)
	for project in projects:
		upcoming = sorted(deliveries[project.name] + equipment[project.name], key=lambda row: str(row.date))
		project.update(
			milestones=milestones[project.name],
			next_deliveries=upcoming[:NEXT_DELIVERIES],
			documents=documents[project.name],
		)
	return projects


def _by_project(query: str, values: dict) -> dict[str, list]:
	rows = defaultdict(list)
	for row in frappe.db.sql(query, values, as_dict=True):
		rows[row.pop("project")].append(row)
	return rows


SAFE_URL_PREFIXES = ("/files/", "/private/files/", "https://", "http://")


def safe_attachment_url(url: str | None) -> str | None:
	"""An attachment link the page may print: a file of the site or a web address, never a
	``javascript:`` or ``data:`` URL (the page escapes it as well)."""
	url = (url or "").strip()
	if not url.startswith(SAFE_URL_PREFIXES) or any(c in url for c in "\"'<>`"):
		return None
	return url.replace(" ", "%20")
