"""Project cost from native records (Stock Entries, Timesheets, Purchase Invoices) against the
budget and contract value, earned value, the portfolio report, delay flags, and the portal."""

import pytest

import frappe
from frappe.utils import add_days, add_to_date, flt, get_datetime, nowdate

from dms_suite.dms_projects import costing, delays, portal, supply
from dms_suite.dms_projects.report.dms_project_cost import dms_project_cost
from dms_suite.dms_projects.report.dms_project_portfolio import dms_project_portfolio

from .factories import make_technician
from .project_fixture import CRANE, CUSTOMER, OTHER_CUSTOMER, PM, STEEL, make_project, make_task

ACTIVITY = "DT Site Labour"


def log_hours(project: str, task: str, hours: float, costing_rate: float = 80) -> str:
	"""A submitted Timesheet of a technician whose Activity Cost sets the costing rate."""
	if not frappe.db.exists("Activity Type", ACTIVITY):
		frappe.get_doc({"doctype": "Activity Type", "activity_type": ACTIVITY, "costing_rate": 50}).insert()
	employee = make_technician("DT Site Technician", "DT North", ACTIVITY, costing_rate=costing_rate)
	start = get_datetime(add_days(nowdate(), -1) + " 08:00:00")
	sheet = frappe.get_doc(
		{
			"doctype": "Timesheet",
			"company": "DT North",
			"employee": employee,
			"parent_project": project,
			"time_logs": [
				{
					"activity_type": ACTIVITY,
					"from_time": start,
					"to_time": add_to_date(start, hours=hours),
					"hours": hours,
					"project": project,
					"task": task,
				}
			],
		}
	).insert()
	sheet.submit()
	return sheet.name


def equipment_invoice(project: str, amount: float) -> str:
	supplier = "DT Crane Hire"
	if not frappe.db.exists("Supplier", supplier):
		frappe.get_doc(
			{"doctype": "Supplier", "supplier_name": supplier, "supplier_group": "All Supplier Groups"}
		).insert()
	invoice = frappe.get_doc(
		{
			"doctype": "Purchase Invoice",
			"company": "DT North",
			"supplier": supplier,
			"project": project,
			"items": [
				{
					"item_code": CRANE,
					"qty": 1,
					"rate": amount,
					"project": project,
					"dms_cost_type": "Equipment",
				}
			],
		}
	).insert()
	invoice.submit()
	return invoice.name


def test_actual_cost_from_native_records_against_budget(site):
	task = make_task(site.project, "DT Girders", 0, 10, materials=[(STEEL, 10)], progress=50)
	supply.issue_materials(task.name)  # 10 x 100 at valuation
	sheet = log_hours(site.project, task.name, 5)  # 5 h x 80
	equipment_invoice(site.project, 3000)

	actual = costing.actual_costs([site.project])[site.project]
	assert actual == {"Materials": 1000, "Labour": 400, "Equipment": 3000, "Other": 0}
	project = frappe.get_doc("Project", site.project)
	project.update_costing()  # ERPNext's own totals agree with ours
	assert flt(project.total_consumed_material_cost) == actual["Materials"]
	assert (
		flt(project.total_costing_amount)
		== actual["Labour"]
		== flt(frappe.db.get_value("Timesheet", sheet, "total_costing_amount"))
	)
	assert flt(project.total_purchase_cost) == actual["Equipment"]

	_columns, rows, _message, _chart, summary = dms_project_cost.execute({"project": site.project})
	by_type = {row["cost_type"]: row for row in rows}
	assert (
		by_type["Materials"]["budget"],
		by_type["Materials"]["actual"],
		by_type["Materials"]["variance"],
	) == (40000, 1000, 39000)
	assert by_type["Total"]["actual"] == 4400
	figures = {item["label"]: item["value"] for item in summary}
	assert figures["Margin"] == 100000 - 4400


def test_earned_value_from_planned_days_and_progress(site):
	# 10 planned days, started 4 days ago (5 days due by today), half done; 10 more days not yet begun
	make_task(site.project, "DT Earthworks", -4, 10, progress=50)
	make_task(site.project, "DT Roadbed", 6, 10)
	figures = costing.project_figures([site.project])[site.project]
	assert figures["planned_pct"] == pytest.approx(25)  # 5 of 20 planned days
	assert figures["actual_pct"] == pytest.approx(25)  # 50% of 10 days of 20
	assert figures["total_budget"] == 75000
	assert figures["planned_value"] == pytest.approx(18750) and figures["earned_value"] == pytest.approx(
		18750
	)
	assert figures["spi"] == pytest.approx(1) and figures["cpi"] is None  # nothing spent yet


def test_portfolio_per_project_store_and_region_within_the_users_units(site):
	second = make_project("DT Quarry Road", customer=OTHER_CUSTOMER, dms_contract_value=50000)
	south = make_project("DT South Yard", store="TS1", dms_contract_value=70000)
	frappe.set_user(site.pm)
	_columns, rows = dms_project_portfolio.execute({"group_by": "Project"})
	assert {row["project"] for row in rows} >= {site.project, second}
	assert south not in {row["project"] for row in rows}
	_columns, stores = dms_project_portfolio.execute({"group_by": "Store", "org_unit": "TN1"})
	[tn1] = stores
	assert (tn1["store"], tn1["total_budget"]) == (
		"TN1",
		sum(r["total_budget"] for r in rows if r["store"] == "TN1"),
	)
	frappe.set_user("Administrator")
	_columns, regions = dms_project_portfolio.execute({"group_by": "Region"})
	by_region = {row["store"]: row for row in regions}
	assert by_region["TN"]["projects"] >= 2 and by_region["TS"]["contract_value"] >= 70000


def test_delay_flags_the_project_and_tells_its_manager_once(site):
	late = make_task(site.project, "DT Piling", -10, 5)  # planned to end 6 days ago, still open
	result = delays.flag_delays()
	assert site.project in result["flagged"]
	project = frappe.get_doc("Project", site.project)
	assert project.dms_is_delayed and "past their planned end" in project.dms_delay_reason
	notices = frappe.get_all("Notification Log", filters={"document_name": site.project, "for_user": PM})
	assert len(notices) == 1
	stale = frappe.get_doc("Project", site.project)
	stale.dms_is_delayed = 0  # a form opened before the check
	stale.save()
	assert frappe.db.get_value("Project", site.project, "dms_is_delayed")
	assert site.project not in delays.flag_delays()["flagged"]  # still late: told once only
	assert (
		len(frappe.get_all("Notification Log", filters={"document_name": site.project, "for_user": PM})) == 1
	)

	late.reload()
	late.status = "Completed"
	late.save()
	assert site.project in delays.flag_delays()["cleared"]
	assert not frappe.db.get_value("Project", site.project, "dms_is_delayed")


def test_undelivered_material_past_its_need_date_is_a_delay(site):
	make_task(site.project, "DT Anchors", 1, 5, materials=[(STEEL, 1)])  # needed on site yesterday
	delays.flag_delays()
	assert "material line(s) not delivered" in frappe.db.get_value(
		"Project", site.project, "dms_delay_reason"
	)


def test_customer_sees_own_projects_without_cost(site):
	make_task(site.project, "DT Handover", 30, 1, is_milestone=1)
	make_task(site.project, "DT Deck Steel", 10, 3, materials=[(STEEL, 4)])
	project = frappe.get_doc("Project", site.project)
	project.append(
		"dms_documents",
		{"title": "Site plan", "attachment": "/files/dt-site-plan.pdf", "share_with_customer": 1},
	)
	project.append(
		"dms_documents",
		{"title": "Cost sheet", "attachment": "/files/dt-cost.xlsx", "share_with_customer": 0},
	)
	project.save()
	other = make_project("DT Someone Else", customer=OTHER_CUSTOMER)

	[seen] = portal.customer_projects([CUSTOMER])
	assert seen.name == site.project
	assert [m.subject for m in seen.milestones] == ["DT Handover"]
	assert seen.next_deliveries[0].qty == 4
	assert [d.title for d in seen.documents] == ["Site plan"]
	assert not {"dms_contract_value", "total_costing_amount", "gross_margin", "budget"} & set(seen)
	assert other not in [p.name for p in portal.customer_projects([CUSTOMER])]
