"""Follow-up plans for leads (dms_suite/dms_sales/followup.py): inheritance down the org tree, validation,
ToDos for a new lead, daily reminders and escalation, closing on conversion, isolation by region."""

import pytest

import frappe
from frappe.utils import add_days, getdate, nowdate

from dms_suite.dms_sales import followup
from dms_suite.dms_sales.followup import (
	DuplicateStepCodeError,
	GroupPlanPermissionError,
	NegativeDayOffsetError,
	UnknownDroppedStepError,
	get_effective_steps,
)

from .factories import assign, make_user

PLAN = "DMS Follow-up Plan"
HQ_STEPS = [
	("CALL", "Call", 0, "Welcome call"),
	("VISIT", "Visit", 3, "Invite to the showroom"),
	("TD", "Test Drive", 7, "Offer a test drive"),
]


def make_plan(unit: str, steps, title: str | None = None, enabled: int = 1):
	"""steps: (code, action, day, description) to add or replace, or (code, "drop") to drop."""
	rows = [
		{"step_code": step[0], "drop": 1}
		if step[1] == "drop"
		else {"step_code": step[0], "action": step[1], "day_offset": step[2], "description": step[3]}
		for step in steps
	]
	return frappe.get_doc(
		{
			"doctype": PLAN,
			"org_unit": unit,
			"title": title or f"Follow-up {unit}",
			"enabled": enabled,
			"steps": rows,
		}
	).insert()


def codes(steps) -> list[tuple[str, int]]:
	return [(step["step_code"], step["day_offset"]) for step in steps]


@pytest.fixture
def plans(org):
	"""HQ: call 0, visit 3, test drive 7. North adds a winter-check call on day 1 and drops the visit.

	Follow-ups already open on the site (the demo's lead, on a site with the demo) are closed inside
	the test's transaction: the daily job works on every open follow-up, and these tests count theirs."""
	frappe.db.sql(
		"update `tabToDo` set status = 'Closed' where status = 'Open' and ifnull(dms_follow_up_step, '') != ''"
	)
	make_plan("TG", HQ_STEPS, "HQ follow-up")
	make_plan("TN", [("WINTER", "Call", 1, "Winter check"), ("VISIT", "drop")], "North follow-up")
	return org


_lead_counter = iter(range(1, 10_000))


def make_lead(org, store="TN1", owner=None, company="north", **fields):
	n = next(_lead_counter)
	return frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": f"Follow {n}",
			"email_id": f"dt.followup.lead{n}@example.com",
			"company": org.companies[company],
			"dms_org_unit": store,
			"lead_owner": owner,
			**fields,
		}
	).insert()


def follow_ups(lead: str, **filters) -> list[dict]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "Lead", "reference_name": lead, **filters},
		fields=[
			"name",
			"allocated_to",
			"date",
			"description",
			"status",
			"dms_follow_up_step",
			"dms_escalated",
			"dms_escalated_from",
		],
		order_by="date asc, creation asc",
	)


@pytest.fixture
def seller(org):
	"""A salesperson of TS1 (TN1 has none, so a TN1 lead keeps the owner a test gives it)."""
	return org.users["ts1_sales"]


# ---------------------------------------------------------------------------------------------------
# Inheritance


def test_region_adjusts_hq_plan_and_stores_inherit(plans):
	hq = [("CALL", 0), ("VISIT", 3), ("TD", 7)]
	north = [("CALL", 0), ("WINTER", 1), ("TD", 7)]
	assert codes(get_effective_steps("TG")) == hq
	assert codes(get_effective_steps("TN")) == north
	assert codes(get_effective_steps("TN1")) == north  # a store without a plan takes its region's
	assert codes(get_effective_steps("TN2")) == north
	assert codes(get_effective_steps("TS")) == hq  # a region without a plan takes HQ's
	assert codes(get_effective_steps("TS1")) == hq

	winter = next(step for step in get_effective_steps("TN1") if step["step_code"] == "WINTER")
	assert winter == {
		"step_code": "WINTER",
		"action": "Call",
		"day_offset": 1,
		"description": "Winter check",
		"source_unit": "TN",
	}


def test_store_adjusts_its_regions_plan(plans):
	# TN1 moves the test drive to day 10 (same code replaces) and drops North's winter check
	make_plan("TN1", [("TD", "Test Drive", 10, "Test drive at the store"), ("WINTER", "drop")])
	assert codes(get_effective_steps("TN1")) == [("CALL", 0), ("TD", 10)]
	assert codes(get_effective_steps("TN2")) == [("CALL", 0), ("WINTER", 1), ("TD", 7)]  # untouched
	assert codes(get_effective_steps("TN")) == [("CALL", 0), ("WINTER", 1), ("TD", 7)]


def test_a_disabled_plan_is_skipped(plans):
	plan = frappe.get_doc(PLAN, "TN")
	plan.enabled = 0
	plan.save()
	assert codes(get_effective_steps("TN1")) == [("CALL", 0), ("VISIT", 3), ("TD", 7)]


def test_a_change_to_hq_reaches_every_unit(plans):
	hq = frappe.get_doc(PLAN, "TG")
	hq.append("steps", {"step_code": "THANKS", "action": "Email", "day_offset": 30, "description": "Thanks"})
	hq.save()
	assert codes(get_effective_steps("TN1"))[-1] == ("THANKS", 30)
	assert codes(get_effective_steps("TS1"))[-1] == ("THANKS", 30)


def test_resolution_is_one_query(plans, monkeypatch):
	counted = []
	real_sql = frappe.db.sql
	monkeypatch.setattr(frappe.db, "sql", lambda *a, **kw: counted.append(a) or real_sql(*a, **kw))
	get_effective_steps("TN1")
	assert len(counted) == 1


# ---------------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
	"steps, error",
	[
		([("CALL", "Call", 0, "a"), ("CALL", "Visit", 2, "b")], DuplicateStepCodeError),
		([("LATE", "Call", -1, "yesterday")], NegativeDayOffsetError),
		([("NOPE", "drop")], UnknownDroppedStepError),  # no plan above TN has NOPE
		([("WINTER", "drop")], UnknownDroppedStepError),  # nor TN's own new step: it is not inherited
	],
)
def test_invalid_region_plan_is_refused_and_nothing_is_written(plans, steps, error):
	frappe.delete_doc(PLAN, "TN")
	with pytest.raises(error):
		make_plan("TN", steps)
	assert not frappe.db.exists(PLAN, "TN")
	assert codes(get_effective_steps("TN1")) == [("CALL", 0), ("VISIT", 3), ("TD", 7)]


def test_hq_plan_cannot_drop_anything(org):
	with pytest.raises(UnknownDroppedStepError):
		make_plan("TG", [("CALL", "Call", 0, "call"), ("VISIT", "drop")])
	assert not frappe.db.exists(PLAN, "TG")


def test_invalid_change_leaves_the_stored_plan(plans):
	plan = frappe.get_doc(PLAN, "TN")
	plan.append("steps", {"step_code": "WINTER", "action": "Visit", "day_offset": 2})
	with pytest.raises(DuplicateStepCodeError):
		plan.save()
	assert codes(get_effective_steps("TN1")) == [("CALL", 0), ("WINTER", 1), ("TD", 7)]


def test_one_plan_per_unit(plans):
	with pytest.raises(frappe.DuplicateEntryError):
		make_plan("TN", [("EXTRA", "Call", 2, "again")])


# ---------------------------------------------------------------------------------------------------
# Who edits which plan (isolation)


def test_region_manager_sees_and_edits_only_their_regions_plans(plans):
	make_plan("TS", [("SUMMER", "Message", 2, "Summer offer")])
	make_plan("TN2", [("TD", "drop")])
	manager = plans.users["north_manager"]
	frappe.set_user(manager)

	assert sorted(frappe.get_list(PLAN, pluck="name")) == ["TN", "TN2"]
	assert sorted(frappe.get_list("DMS Follow-up Step", parent_doctype=PLAN, pluck="parent")) == [
		"TN",
		"TN",
		"TN2",
	]
	for other in ("TS", "TG"):  # another region's plan, HQ's plan
		with pytest.raises(frappe.PermissionError):
			frappe.client.get(PLAN, other)
	with pytest.raises(frappe.PermissionError):  # not in their scope: another region's store
		make_plan("TS1", [("EXTRA", "Call", 2, "x")])

	plan = frappe.get_doc(PLAN, "TN")
	plan.append("steps", {"step_code": "SERVICE", "action": "Call", "day_offset": 20})
	plan.save()  # their own region: allowed
	make_plan("TN1", [("EXTRA", "Call", 2, "x")])  # a store of their region: allowed
	assert codes(get_effective_steps("TN1"))[-2:] == [("TD", 7), ("SERVICE", 20)]


def test_only_group_executives_edit_the_group_plan(plans):
	# a region manager assigned to the group unit has it in scope, but still may not change HQ's plan
	user = make_user("dt.followup.hqmanager@example.com", "DMS Region Manager")
	assign(user, "TG")
	frappe.set_user(user)
	plan = frappe.get_doc(PLAN, "TG")
	plan.steps[0].day_offset = 1
	with pytest.raises(GroupPlanPermissionError):
		plan.save()

	frappe.set_user(plans.users["exec"])
	plan = frappe.get_doc(PLAN, "TG")
	plan.steps[0].day_offset = 1
	plan.save()
	frappe.set_user("Administrator")
	assert codes(get_effective_steps("TS1"))[0] == ("CALL", 1)


def test_store_staff_read_but_do_not_edit(plans):
	frappe.set_user(plans.users["tn1_user"])
	assert frappe.get_list(PLAN, pluck="name") == []  # TN's plan is the region's record
	assert codes(followup.get_effective_follow_up_steps("TN1")) == [("CALL", 0), ("WINTER", 1), ("TD", 7)]
	with pytest.raises(frappe.PermissionError):
		followup.get_effective_follow_up_steps("TS1")
	with pytest.raises(frappe.PermissionError):
		make_plan("TN1", [("EXTRA", "Call", 2, "x")])


# ---------------------------------------------------------------------------------------------------
# A new lead


def test_new_lead_gets_a_todo_per_step_with_due_dates(plans):
	owner = plans.users["tn1_user"]
	lead = make_lead(plans, "TN1", owner)
	start = getdate(lead.creation)
	todos = follow_ups(lead.name)
	assert [(t.dms_follow_up_step, t.date, t.allocated_to, t.status) for t in todos] == [
		("CALL", start, owner, "Open"),
		("WINTER", add_days(start, 1), owner, "Open"),
		("TD", add_days(start, 7), owner, "Open"),
	]
	assert todos[0].description == "Call: Welcome call"
	assert todos[2].description == "Test Drive: Offer a test drive"
	assert set(frappe.parse_json(frappe.db.get_value("Lead", lead.name, "_assign"))) == {owner}

	lead.reload()
	lead.city = "Harbin"
	lead.save()  # re-saving never schedules twice
	assert len(follow_ups(lead.name)) == 3
	assert followup.schedule_follow_ups(lead) == []


def test_south_lead_follows_hq_plan(plans, seller):
	lead = make_lead(plans, "TS1", seller, company="south")
	assert [t.dms_follow_up_step for t in follow_ups(lead.name)] == ["CALL", "VISIT", "TD"]
	assert {t.allocated_to for t in follow_ups(lead.name)} == {seller}


def test_lead_without_store_or_owner_gets_no_todos(plans):
	# a lead the org tree could not place (where the company has no unit): nothing, and no error
	no_store = frappe.get_doc(
		{"doctype": "Lead", "first_name": "Nostore", "lead_owner": plans.users["tn1_user"], "status": "Lead"}
	)
	no_store.name, no_store.creation = "DT-LEAD-NO-STORE", frappe.utils.now()
	assert followup.schedule_follow_ups(no_store) == []
	assert follow_ups(no_store.name) == []

	no_owner = make_lead(plans, "TN1", "")
	assert not no_owner.lead_owner
	assert follow_ups(no_owner.name) == []


def test_unit_without_any_plan_gives_no_todos(org):
	lead = make_lead(org, "TN1", org.users["tn1_user"])
	assert follow_ups(lead.name) == []


# ---------------------------------------------------------------------------------------------------
# The daily job


def test_reminders_for_steps_due_today_once(plans):
	owner = plans.users["tn1_user"]
	lead = make_lead(plans, "TN1", owner)
	today = getdate(nowdate())

	def reminders():
		return frappe.get_all(
			"Notification Log",
			filters={"for_user": owner, "document_type": "Lead", "document_name": lead.name},
			pluck="subject",
		)

	assert followup.send_reminders(today) == 1  # the day-0 call
	assert len(reminders()) == 1 and "Welcome call" in reminders()[0]
	assert followup.send_reminders(today) == 0  # a second run reminds nobody again
	assert len(reminders()) == 1

	assert followup.send_reminders(add_days(today, 1)) == 1  # the winter check, the next day
	assert followup.send_reminders(add_days(today, 2)) == 0  # nothing due on day 2

	call = follow_ups(lead.name, dms_follow_up_step="TD")[0]
	frappe.get_doc("ToDo", call.name).update({"status": "Closed"}).save()
	assert followup.send_reminders(add_days(today, 7)) == 0  # done steps are not reminded


def test_the_daily_job_is_scheduled_and_reminds(plans):
	assert "dms_suite.dms_sales.followup.run_daily" in frappe.get_hooks("scheduler_events")["daily"]
	owner = plans.users["tn1_user"]
	lead = make_lead(plans, "TN1", owner)
	followup.run_daily()
	assert frappe.db.count("Notification Log", {"for_user": owner, "document_name": lead.name}) == 1
	call = follow_ups(lead.name, dms_follow_up_step="CALL")[0]
	assert frappe.db.get_value("ToDo", call.name, "dms_reminded_on") == getdate(nowdate())


@pytest.fixture
def managers(plans):
	"""Store managers: one of TN1, one of the North region, one of TN2 (who must never hear of TN1)."""
	users = {
		"tn1": make_user("dt.followup.mgr.tn1@example.com", "DMS Store Manager"),
		"north": make_user("dt.followup.mgr.north@example.com", "DMS Store Manager"),
		"tn2": make_user("dt.followup.mgr.tn2@example.com", "DMS Store Manager"),
	}
	assign(users["tn1"], "TN1")
	assign(users["north"], "TN")
	assign(users["tn2"], "TN2")
	return users


def test_overdue_steps_escalate_to_the_store_managers_once(plans, managers):
	owner = plans.users["tn1_user"]
	lead = make_lead(plans, "TN1", owner)
	today = getdate(nowdate())
	frappe.get_doc("ToDo", follow_ups(lead.name, dms_follow_up_step="CALL")[0].name).update(
		{"status": "Closed"}
	).save()  # the call was made

	assert followup.escalate_overdue(add_days(today, 1)) == []  # nothing open is late yet

	created = followup.escalate_overdue(add_days(today, 2))  # the winter check (day 1) is late
	winter = follow_ups(lead.name, dms_follow_up_step="WINTER", allocated_to=owner)[0]
	escalations = follow_ups(lead.name, dms_escalated_from=winter.name)
	assert sorted(t.allocated_to for t in escalations) == sorted([managers["tn1"], managers["north"]])
	assert sorted(created) == sorted(t.name for t in escalations)
	assert all(t.date == add_days(today, 2) and t.status == "Open" for t in escalations)
	assert winter.dms_escalated == 1
	assert frappe.db.count("Notification Log", {"for_user": managers["tn1"], "document_name": lead.name}) == 1

	assert followup.escalate_overdue(add_days(today, 3)) == []  # never twice
	assert followup.send_reminders(add_days(today, 2)) == 0  # escalations are not reminders
	assert followup.escalate_overdue(add_days(today, 8)) != []  # the test drive, late in its turn
	assert not frappe.get_all("ToDo", filters={"allocated_to": managers["tn2"]})


def test_disabled_manager_and_a_lead_without_manager_are_left_alone(plans, managers, seller):
	frappe.db.set_value("User", managers["north"], "enabled", 0)
	lead = make_lead(plans, "TS1", seller, company="south")  # TS1 has no store manager
	north_lead = make_lead(plans, "TN1", plans.users["tn1_user"])
	later = add_days(nowdate(), 2)

	followup.escalate_overdue(later)
	assert follow_ups(lead.name, dms_escalated=1) == []
	escalations = follow_ups(north_lead.name, dms_escalated_from=("is", "set"))
	assert len(escalations) == 2 and {t.allocated_to for t in escalations} == {managers["tn1"]}


def test_finding_due_and_overdue_steps_is_a_fixed_number_of_queries(plans, managers, monkeypatch):
	owner = plans.users["tn1_user"]
	today = getdate(nowdate())
	leads = [make_lead(plans, "TN1", owner) for _ in range(8)]
	counted = []
	real_sql = frappe.db.sql
	monkeypatch.setattr(frappe.db, "sql", lambda *a, **kw: counted.append(a) or real_sql(*a, **kw))

	found = {}
	for n in (8, 2):
		lead_names = {lead.name for lead in leads[:n]}
		for lead in leads[n:]:  # the others are done
			real_sql("update `tabToDo` set status = 'Closed' where reference_name = %s", lead.name)
		counted.clear()
		due = [row for row in followup.due_follow_ups(add_days(today, 1)) if row.lead in lead_names]
		overdue = [row for row in followup.overdue_follow_ups(add_days(today, 8)) if row.lead in lead_names]
		found[n] = (len(due), len(overdue), len(counted))
	assert found[2] == (2, 2 * 3 * 2, 2)  # 3 late steps a lead, 2 managers each
	assert found[8] == (8, 8 * 3 * 2, 2)


# ---------------------------------------------------------------------------------------------------
# Converted or closed leads


def test_closing_a_lead_closes_its_follow_ups(plans, managers):
	lead = make_lead(plans, "TN1", plans.users["tn1_user"])
	followup.escalate_overdue(add_days(nowdate(), 2))
	other = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": plans.users["exec"],
			"reference_type": "Lead",
			"reference_name": lead.name,
			"description": "Not a follow-up step",
		}
	).insert()
	assert len(follow_ups(lead.name, status="Open")) == 3 + 2 * 2 + 1

	lead.reload()
	lead.status = "Do Not Contact"
	lead.save()
	assert follow_ups(lead.name, status="Open", dms_follow_up_step=("is", "set")) == []
	assert [t.name for t in follow_ups(lead.name, status="Open")] == [other.name]  # not ours: kept
	assert frappe.parse_json(frappe.db.get_value("Lead", lead.name, "_assign")) == [plans.users["exec"]]


def test_an_opportunity_for_the_lead_closes_its_follow_ups(plans):
	from erpnext.crm.doctype.lead.lead import make_opportunity

	lead = make_lead(plans, "TN1", plans.users["tn1_user"])
	opportunity = make_opportunity(lead.name)
	opportunity.company = plans.companies["north"]
	opportunity.insert()  # ERPNext sets the lead's status with db_set: Opportunity
	assert frappe.db.get_value("Lead", lead.name, "status") == "Opportunity"
	# closed on the lead; so ERPNext's link_open_tasks does not carry them over to the opportunity
	assert [t.status for t in follow_ups(lead.name)] == ["Closed"] * 3
	assert not frappe.get_all("ToDo", filters={"reference_name": opportunity.name, "status": "Open"})


def test_converting_the_lead_to_a_customer_closes_its_follow_ups(plans):
	from erpnext.crm.doctype.lead.lead import make_customer

	lead = make_lead(plans, "TN1", plans.users["tn1_user"])
	customer = make_customer(lead.name)
	customer.insert()  # ERPNext marks the lead Converted with a plain db.set_value
	assert frappe.db.get_value("Lead", lead.name, "status") == "Converted"
	assert [t.status for t in follow_ups(lead.name)] == ["Closed"] * 3
