"""The report DMS Service Quality: each figure from real orders, the region roll-up, the dates,
cancelled orders left out, and only the user's units."""

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, today

from dms_suite.dms_service import quality
from dms_suite.dms_service.report.dms_service_quality.dms_service_quality import execute

from .factories import assign, make_user
from .service_fixture import book, finish, work


def build(shop):
	first = finish(work(book(shop), shop, part_qty=1))
	quality.rate_service(first.name, 4)
	second = work(book(shop), shop, part_qty=7)  # back with the same complaint; its part is short
	assert second.is_repeat_repair and second.parts[0].was_short
	apply_workflow(book(shop), "Cancel Order")
	return first, second


def report(**filters):
	filters = {"from_date": add_days(today(), -6), "to_date": add_days(today(), 1), **filters}
	return execute(filters)[1]


def test_figures_per_store_and_region(shop):
	first, _second = build(shop)
	turnaround = frappe.db.get_value("Service Order", first.name, "turnaround_hours")
	(row,) = report(org_unit="TN1")
	capacity = 1 * 8 * quality.working_days(add_days(today(), -6), add_days(today(), 1))
	assert row == {
		"org_unit": "TN1",
		"unit_name": frappe.db.get_value("DMS Org Unit", "TN1", "unit_name"),
		"orders": 2,  # the cancelled booking is not counted
		"delivered": 1,
		"avg_turnaround_hours": round(turnaround, 2),
		"rated": 1,
		"avg_rating": 4,
		"repeat_repairs": 1,
		"repeat_rate": 50,
		"labour_hours": 6,  # 2 + 1 hours on each order
		"labour_utilisation": round(100 * 6 / capacity, 2),  # one named technician, 8 h a day
		"parts_fill_rate": 50,  # one of the two part lines was short
	}
	(region,) = report(org_unit="TN", group_by="Region")
	assert region["org_unit"] == "TN" and region["orders"] == 2 and region["repeat_rate"] == 50


def test_dates_bound_the_orders(shop):
	build(shop)
	assert report(org_unit="TN1", from_date=add_days(today(), 3), to_date=add_days(today(), 9)) == []


def test_only_the_users_units(shop):
	build(shop)
	south = make_user("dt.ts1.quality@example.com", "DMS Service Advisor")
	assign(south, "TS1")
	nobody = make_user("dt.nobody.quality@example.com", "DMS Service Advisor")
	frappe.set_user(shop.advisor)
	assert [row["org_unit"] for row in report()] == ["TN1"]
	frappe.set_user(south)
	assert report() == [] and report(org_unit="TN1") == []
	frappe.set_user(nobody)
	assert report() == []


def test_working_days_skip_sundays():
	assert quality.working_days("2026-11-16", "2026-11-22") == 6  # Monday to Sunday
	assert quality.working_days("2026-11-22", "2026-11-22") == 0  # a Sunday
	assert quality.working_days("2026-11-16", "2026-11-29") == 12
