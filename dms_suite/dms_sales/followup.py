"""Follow-up plans for leads: what a salesperson does after a lead comes in, and when.

- **Plans are inherited down the org tree** (like org policies). HQ's *DMS Follow-up Plan* on the
  group unit is the template: steps with a code, an action and a day offset (call on day 0, visit on
  day 3, test drive on day 7). A region's plan adjusts its parent's *effective* plan by step code:
  a new code adds a step, an inherited code replaces that step (another day, another action), and a
  row with *Drop* ticked removes it. A store takes its region's effective plan and may adjust it the
  same way. :func:`get_effective_steps` resolves a unit in one query (every plan on the path to the
  root, merged from the top down) and sorts the steps by day.
- **A new lead gets its plan as ToDos** (native Frappe assignments, so they show in the
  salesperson's *Assigned to me* list and on the lead): one per effective step of the lead's store,
  for the lead's owner, due on the lead's creation date plus the step's offset, tagged with the step
  code (custom fields on ToDo below).
- **A daily job** (:func:`run_daily`) reminds each salesperson of the steps due today (Notification
  Log) and escalates open steps past their date to the store's managers (role *DMS Store Manager*
  assigned to the store or above it): a ToDo for each manager, once per step. Finding the work is a
  fixed number of queries however many ToDos there are.
- **A lead that is converted or closed** (ERPNext status Converted, Opportunity, Quotation, Lost
  Quotation, Do Not Contact) has its open follow-up ToDos closed.

Who may edit which plan: DocPerms give the function (group executives, region and store managers
edit; store staff read), org scope (dms_suite/permissions.py) the data: a region manager sees and
edits the plans of their region and its stores, not the group's nor another region's. A plan on the
group unit is for group executives only.
"""

import json

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.utils import add_days, cint, cstr, get_fullname, getdate, nowdate

from dms_suite.dms_sales.leads import CLOSED_LEAD_STATUSES

PLAN = "DMS Follow-up Plan"
STEP = "DMS Follow-up Step"
STORE_MANAGER = "DMS Store Manager"
GROUP_EDITORS = ("DMS Group Executive", "System Manager")

CUSTOM_FIELDS: dict[str, list[dict]] = {
	"ToDo": [
		{
			"fieldname": "dms_follow_up_step",
			"fieldtype": "Data",
			"label": "Follow-up Step",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"insert_after": "reference_name",
			"description": "Code of the lead's follow-up plan step this ToDo stands for.",
		},
		{
			"fieldname": "dms_escalated",
			"fieldtype": "Check",
			"label": "Escalated to Store Manager",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "dms_follow_up_step",
		},
		{
			"fieldname": "dms_escalated_from",
			"fieldtype": "Link",
			"options": "ToDo",
			"label": "Escalation of",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "dms_escalated",
			"description": "The salesperson's overdue follow-up step this escalation is about.",
		},
		{
			"fieldname": "dms_reminded_on",
			"fieldtype": "Date",
			"label": "Reminded On",
			"read_only": 1,
			"hidden": 1,
			"no_copy": 1,
			"insert_after": "dms_escalated_from",
		},
	]
}


class FollowUpPlanError(frappe.ValidationError):
	pass


class DuplicateStepCodeError(FollowUpPlanError):
	pass


class NegativeDayOffsetError(FollowUpPlanError):
	pass


class UnknownDroppedStepError(FollowUpPlanError):
	pass


class StepActionMissingError(FollowUpPlanError):
	pass


class GroupPlanPermissionError(frappe.PermissionError):
	pass


# ---------------------------------------------------------------------------------------------------
# Plans and their inheritance


def get_effective_steps(unit: str) -> list[dict]:
	"""The follow-up steps that apply to ``unit``: its ancestors' plans and its own, merged top-down.

	Each step is ``{"step_code", "action", "day_offset", "description", "source_unit"}``, sorted by day
	(ties keep the plan order). One query. Disabled plans are skipped.
	"""
	return _sorted(_merge(_plan_rows(unit, include_self=True)))


def _plan_rows(unit: str, include_self: bool) -> list[dict]:
	"""The step rows of every enabled plan on the path from the root to ``unit``, root first."""
	return frappe.db.sql(
		"""
		select ancestor.name as source_unit, step.step_code, step.action, step.day_offset,
			step.description, step.drop
		from `tabDMS Org Unit` unit
		join `tabDMS Org Unit` ancestor on ancestor.lft <= unit.lft and ancestor.rgt >= unit.rgt
		join `tabDMS Follow-up Plan` plan on plan.org_unit = ancestor.name and plan.enabled = 1
		join `tabDMS Follow-up Step` step
			on step.parent = plan.name and step.parenttype = 'DMS Follow-up Plan'
			and step.parentfield = 'steps'
		where unit.name = %(unit)s and (%(include_self)s or ancestor.name != unit.name)
		order by ancestor.lft, step.idx
		""",
		{"unit": unit, "include_self": int(include_self)},
		as_dict=True,
	)


def _merge(rows, steps: dict[str, dict] | None = None) -> dict[str, dict]:
	"""Apply plan rows in order: a drop removes the step of that code, any other row sets it.

	A drop of a code nobody above defines is ignored here (a parent plan may have changed since the
	child was saved); :func:`validate_plan` refuses it when the plan itself is saved.
	"""
	steps = dict(steps or {})
	for row in rows:
		code = cstr(row.get("step_code")).strip()
		if cint(row.get("drop")):
			steps.pop(code, None)
			continue
		steps.pop(code, None)  # a replaced step takes its new place in the plan order
		steps[code] = {
			"step_code": code,
			"action": row.get("action"),
			"day_offset": cint(row.get("day_offset")),
			"description": cstr(row.get("description")).strip(),
			"source_unit": row.get("source_unit"),
		}
	return steps


def _sorted(steps: dict[str, dict]) -> list[dict]:
	return sorted(steps.values(), key=lambda step: step["day_offset"])  # stable: plan order on ties


def validate_plan(doc) -> None:
	"""Controller ``validate`` of DMS Follow-up Plan: who may edit it, and that its steps make sense
	against the plan it inherits (nothing is written when a rule is broken)."""
	check_group_plan_editor(doc)
	inherited = _merge(_plan_rows(doc.org_unit, include_self=False))
	seen = set()
	for row in doc.steps:
		row.step_code = cstr(row.step_code).strip()
		if row.step_code in seen:
			frappe.throw(
				_("Step code {0} appears more than once in this plan (row {1})").format(
					frappe.bold(row.step_code), row.idx
				),
				DuplicateStepCodeError,
				title=_("Duplicate Step"),
			)
		seen.add(row.step_code)
		if row.drop:
			if row.step_code not in inherited:
				frappe.throw(
					_("Row {0}: no plan above {1} has a step {2} to drop").format(
						row.idx, frappe.bold(doc.org_unit), frappe.bold(row.step_code)
					),
					UnknownDroppedStepError,
					title=_("Unknown Step"),
				)
			continue
		if cint(row.day_offset) < 0:
			frappe.throw(
				_("Step {0}: the day must be 0 or later, not {1}").format(
					frappe.bold(row.step_code), frappe.bold(row.day_offset)
				),
				NegativeDayOffsetError,
				title=_("Invalid Day"),
			)
		if not row.action:
			frappe.throw(
				_("Step {0} needs an action").format(frappe.bold(row.step_code)), StepActionMissingError
			)


def check_group_plan_editor(doc) -> None:
	"""The group's plan is HQ's template: only group executives change it, whatever their org scope."""
	if frappe.db.get_value("DMS Org Unit", doc.org_unit, "unit_type") != "Group":
		return
	if frappe.session.user != "Administrator" and not set(GROUP_EDITORS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Group Executive may change the group's follow-up plan."),
			GroupPlanPermissionError,
			title=_("Not Permitted"),
		)


@frappe.whitelist(methods=["GET"])
def get_effective_follow_up_steps(unit: str) -> list[dict]:
	"""The steps a new lead of ``unit`` gets (for the plan form); the caller must see the unit."""
	frappe.has_permission("DMS Org Unit", "read", doc=unit, throw=True)
	return get_effective_steps(unit)


# ---------------------------------------------------------------------------------------------------
# A new lead: its steps become ToDos


def schedule_follow_ups(doc, method=None) -> list[str]:
	"""doc_events ``after_insert`` of Lead: one ToDo per effective step of the lead's store.

	The leads part has set the store (``dms_org_unit``) and the salesperson (``lead_owner``) before
	insert. A lead without either, or already closed, gets nothing; a lead that already has its
	follow-up ToDos gets nothing more. Returns the new ToDos' names.
	"""
	if not (doc.get("dms_org_unit") and doc.get("lead_owner")) or doc.status in CLOSED_LEAD_STATUSES:
		return []
	steps = get_effective_steps(doc.dms_org_unit)
	if not steps or _has_follow_ups(doc.name):
		return []
	start = getdate(doc.creation)
	names = []
	for step in steps:
		todo = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": doc.lead_owner,
				"reference_type": "Lead",
				"reference_name": doc.name,
				"date": add_days(start, step["day_offset"]),
				"description": step_description(step),
				"dms_follow_up_step": step["step_code"],
			}
		).insert(ignore_permissions=True)
		names.append(todo.name)
	return names


def step_description(step: dict) -> str:
	action = _(step["action"])
	return f"{action}: {step['description']}" if step["description"] else action


def _has_follow_ups(lead: str) -> bool:
	return bool(
		frappe.db.exists(
			"ToDo", {"reference_type": "Lead", "reference_name": lead, "dms_follow_up_step": ("is", "set")}
		)
	)


# ---------------------------------------------------------------------------------------------------
# A converted or closed lead: its follow-ups are done


def close_follow_ups(doc, method=None) -> None:
	"""doc_events ``on_change`` of Lead: runs on save and on ERPNext's ``set_status(update=True)`` (a
	new Opportunity or Quotation for the lead)."""
	if doc.status in CLOSED_LEAD_STATUSES:
		close_lead_follow_ups(doc.name)


def close_follow_ups_of_customer_lead(doc, method=None) -> None:
	"""doc_events ``on_update`` of Customer: ERPNext marks the customer's lead Converted with a plain
	``db.set_value`` (no Lead event), so the conversion is seen here."""
	if doc.get("lead_name"):
		close_lead_follow_ups(doc.lead_name)


def close_lead_follow_ups(lead: str) -> int:
	"""Close the lead's open follow-up ToDos (the salesperson's steps and their escalations) in one
	UPDATE and refresh the lead's assignment list. Returns how many were closed."""
	todo = frappe.qb.DocType("ToDo")
	names = (
		frappe.qb.from_(todo)
		.select(todo.name)
		.where(
			(todo.reference_type == "Lead")
			& (todo.reference_name == lead)
			& (todo.status == "Open")
			& (todo.dms_follow_up_step.isnotnull())
			& (todo.dms_follow_up_step != "")
		)
		.run(pluck=True)
	)
	if not names:
		return 0
	frappe.qb.update(todo).set(todo.status, "Closed").where(todo.name.isin(names)).run()
	_refresh_assignments(lead)
	return len(names)


def _refresh_assignments(lead: str) -> None:
	"""The lead's ``_assign`` (the avatars on the list and form) lists its open ToDos' users, as
	Frappe's ToDo.update_in_reference keeps it."""
	users = frappe.get_all(
		"ToDo",
		filters={
			"reference_type": "Lead",
			"reference_name": lead,
			"status": "Open",
			"allocated_to": ("is", "set"),
		},
		pluck="allocated_to",
		order_by="creation desc",
	)
	users = list(dict.fromkeys(users))
	frappe.db.set_value("Lead", lead, "_assign", json.dumps(users) if users else "", update_modified=False)


# ---------------------------------------------------------------------------------------------------
# The daily job: reminders and escalations


def run_daily() -> None:
	"""hooks ``scheduler_events["daily"]``."""
	send_reminders()
	escalate_overdue()


def due_follow_ups(day: str | None = None) -> list[dict]:
	"""Open follow-up steps due on ``day`` (today) whose user has not been reminded of them yet for
	that date. One query."""
	return frappe.db.sql(
		"""
		select todo.name, todo.allocated_to, todo.description, todo.reference_name as lead,
			lead.lead_name
		from `tabToDo` todo
		join `tabLead` lead on lead.name = todo.reference_name
		where todo.reference_type = 'Lead' and todo.status = 'Open' and todo.date = %(day)s
			and ifnull(todo.dms_follow_up_step, '') != '' and ifnull(todo.dms_escalated_from, '') = ''
			and ifnull(todo.allocated_to, '') != ''
			and (todo.dms_reminded_on is null or todo.dms_reminded_on < todo.date)
		order by todo.allocated_to, todo.name
		""",
		{"day": getdate(day or nowdate())},
		as_dict=True,
	)


def send_reminders(day: str | None = None) -> int:
	"""Tell each salesperson of every follow-up step due today (a Notification Log, which Frappe
	also mails if the user wants it); each step is reminded once for its date. Returns the count."""
	day = getdate(day or nowdate())
	rows = due_follow_ups(day)
	for row in rows:
		_notify(
			row.allocated_to,
			_("Follow-up due today for {0}: {1}").format(
				frappe.bold(row.lead_name or row.lead), row.description
			),
			row.lead,
		)
	if rows:
		todo = frappe.qb.DocType("ToDo")
		frappe.qb.update(todo).set(todo.dms_reminded_on, day).where(
			todo.name.isin([row.name for row in rows])
		).run()
	return len(rows)


def overdue_follow_ups(day: str | None = None) -> list[dict]:
	"""Open follow-up steps past their date and not yet escalated, one row per step and store manager
	(enabled users with the Store Manager role assigned to the lead's store or a unit above it; the
	step's own user excluded). One query. Steps of a store without a manager stay unescalated until
	one is assigned."""
	return frappe.db.sql(
		"""
		select distinct todo.name, todo.allocated_to, todo.date, todo.description,
			todo.dms_follow_up_step, todo.reference_name as lead, lead.lead_name,
			lead.dms_org_unit as store, assignment.user as manager
		from `tabToDo` todo
		join `tabLead` lead on lead.name = todo.reference_name
		join `tabDMS Org Unit` unit on unit.name = lead.dms_org_unit
		join `tabDMS Org Unit` assigned on assigned.lft <= unit.lft and assigned.rgt >= unit.rgt
		join `tabDMS Org Assignment` assignment on assignment.org_unit = assigned.name
		join `tabUser` user on user.name = assignment.user and user.enabled = 1
		join `tabHas Role` role
			on role.parent = user.name and role.parenttype = 'User' and role.role = %(role)s
		where todo.reference_type = 'Lead' and todo.status = 'Open' and todo.date < %(day)s
			and ifnull(todo.dms_follow_up_step, '') != '' and ifnull(todo.dms_escalated_from, '') = ''
			and todo.dms_escalated = 0 and assignment.user != ifnull(todo.allocated_to, '')
		order by todo.date, todo.name, assignment.user
		""",
		{"day": getdate(day or nowdate()), "role": STORE_MANAGER},
		as_dict=True,
	)


def escalate_overdue(day: str | None = None) -> list[str]:
	"""Give each store manager a ToDo for every overdue follow-up step of their stores' leads, and
	mark the step escalated so it is never escalated again. Returns the new ToDos' names."""
	day = getdate(day or nowdate())
	rows = overdue_follow_ups(day)
	created = []
	for row in rows:
		description = _("Overdue follow-up of {0} by {1}, due {2}: {3}").format(
			row.lead_name or row.lead,
			get_fullname(row.allocated_to),
			frappe.format(row.date, "Date"),
			row.description,
		)
		todo = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": row.manager,
				"reference_type": "Lead",
				"reference_name": row.lead,
				"date": day,
				"priority": "High",
				"description": description,
				"dms_follow_up_step": row.dms_follow_up_step,
				"dms_escalated_from": row.name,
			}
		).insert(ignore_permissions=True)
		created.append(todo.name)
		_notify(row.manager, description, row.lead)
	if rows:
		todo = frappe.qb.DocType("ToDo")
		frappe.qb.update(todo).set(todo.dms_escalated, 1).where(
			todo.name.isin(list({row.name for row in rows}))
		).run()
	return created


def _notify(user: str, subject: str, lead: str) -> None:
	make_notification_logs(
		{
			"type": "Alert",
			"subject": subject,
			"document_type": "Lead",
			"document_name": lead,
			"from_user": frappe.session.user,
		},
		[user],
	)
