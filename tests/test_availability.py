"""Group-wide availability (dms_suite/dms_stock/availability.py) and the DMS Stock Availability report.

Stock is given to the test stores with submitted Material Receipts and taken out with Material
Issues, so every figure is checked against the Bins ERPNext keeps itself.
"""

import pytest

import frappe
from frappe.utils import flt

from dms_suite.dms_stock.availability import get_availability
from dms_suite.dms_stock.doctype.dms_safety_level.dms_safety_level import (
	DuplicateSafetyLevelError,
	NegativeSafetyLevelError,
)
from dms_suite.dms_stock.report.dms_stock_availability.dms_stock_availability import execute

COMPANY_OF = {"TN1": "north", "TN2": "north", "TS1": "south"}


# --- helpers (also used by test_planner.py) ----------------------------------------------------------


def make_item(code: str, valuation: float = 100) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"valuation_rate": valuation,
			}
		).insert(ignore_permissions=True)
	return code


def move(org, purpose: str, warehouse: str, rows: dict[str, float], rate: float = 100, **fields):
	"""A submitted Material Receipt (into ``warehouse``) or Material Issue (out of it)."""
	company = frappe.db.get_value("Warehouse", warehouse, "company")
	side = "t_warehouse" if purpose == "Material Receipt" else "s_warehouse"
	doc = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": purpose,
			"company": company,
			"items": [
				{"item_code": make_item(item), "qty": qty, "basic_rate": rate, side: warehouse}
				for item, qty in rows.items()
			],
			**fields,
		}
	)
	doc.insert()
	doc.submit()
	return doc


def receive(org, warehouse: str, rows: dict[str, float], rate: float = 100):
	return move(org, "Material Receipt", warehouse, rows, rate)


def issue(org, warehouse: str, rows: dict[str, float]):
	return move(org, "Material Issue", warehouse, rows)


def safety_level(unit: str, item: str, qty: float, allow_below_policy: int = 0):
	return frappe.get_doc(
		{
			"doctype": "DMS Safety Level",
			"org_unit": unit,
			"item_code": make_item(item),
			"safety_qty": qty,
			"allow_below_policy": allow_below_policy,
		}
	).insert()


def transfer(org, source: str, target: str, item: str, qty: float, status: str = "Draft", **row):
	"""A Cross Region Transfer in ``status``. Dispatch and receipt are tested with their own module;
	here only the quantities they leave behind matter, so the later states are written directly."""
	doc = frappe.get_doc(
		{
			"doctype": "Cross Region Transfer",
			"source_unit": source,
			"source_warehouse": frappe.db.get_value("DMS Org Unit", source, "stock_warehouse"),
			"target_unit": target,
			"target_warehouse": frappe.db.get_value("DMS Org Unit", target, "stock_warehouse"),
			"items": [{"item_code": make_item(item), "qty": qty}],
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	if status != "Draft":
		frappe.db.set_value("Cross Region Transfer", doc.name, {"docstatus": 1, "status": status})
		frappe.db.set_value("DMS Transfer Item", doc.items[0].name, {"docstatus": 1, **row})
	return doc.name


def availability(item: str) -> dict[str, dict]:
	return {r["unit"]: r for r in get_availability(items=[item])}


def bin_qty(warehouse: str, item: str) -> float:
	return flt(frappe.db.get_value("Bin", {"warehouse": warehouse, "item_code": item}, "actual_qty"))


# --- tests ---------------------------------------------------------------------------------------


def test_a_unit_holds_the_bins_of_its_own_warehouses(org):
	item = "DT-AV-1"
	receive(org, org.warehouses["TN1 Vehicles"], {item: 10}, rate=100)
	receive(org, org.warehouses["TN1 Parts"], {item: 5}, rate=130)
	receive(org, org.warehouses["TN2 Vehicles"], {item: 7})

	rows = availability(item)
	assert set(rows) == {"TN1", "TN2"}  # the region TN has no warehouse: it holds nothing itself
	assert rows["TN1"]["actual_qty"] == bin_qty(org.warehouses["TN1 Vehicles"], item) + bin_qty(
		org.warehouses["TN1 Parts"], item
	)
	assert rows["TN1"]["actual_qty"] == 15
	assert rows["TN1"]["valuation_rate"] == pytest.approx((10 * 100 + 5 * 130) / 15)
	assert rows["TN1"]["warehouse"] == org.warehouses["TN1 Vehicles"]  # where most of it is
	assert rows["TN2"]["actual_qty"] == 7
	assert get_availability(items=[item], units=["TN2"]) == [rows["TN2"]]


def test_figures_follow_the_bins_at_every_step(org):
	item = "DT-AV-2"
	parts = org.warehouses["TN1 Parts"]
	for step in (
		lambda: receive(org, parts, {item: 12}),
		lambda: issue(org, parts, {item: 5}),
		lambda: receive(org, org.warehouses["TN1 Vehicles"], {item: 1}),
		lambda: issue(org, parts, {item: 7}),
	):
		step()
		expected = bin_qty(parts, item) + bin_qty(org.warehouses["TN1 Vehicles"], item)
		assert availability(item)["TN1"]["actual_qty"] == expected
	assert availability(item)["TN1"]["actual_qty"] == 1


def test_policy_safety_level_is_days_times_daily_consumption(org):
	item = "DT-AV-3"
	parts = org.warehouses["TN1 Parts"]
	receive(org, parts, {item: 100})
	issue(org, parts, {item: 90})  # 90 over the 90-day window: 1 a day; TN1 keeps TN's 5 days

	row = availability(item)["TN1"]
	assert row["actual_qty"] == 10
	assert row["safety_qty"] == 5
	assert row["available_to_transfer"] == 5


def test_transfers_are_not_consumption(org):
	item = "DT-AV-4"
	parts = org.warehouses["TN1 Parts"]
	receive(org, parts, {item: 100})
	issue(org, parts, {item: 18})  # consumption: 0.2 a day, 1 in 5 days
	moved = issue(org, parts, {item: 45})
	# as if it had been posted by a Cross Region Transfer (the custom field dms_transfer)
	frappe.db.set_value("Stock Entry", moved.name, "dms_transfer", "CRT-TEST-1")

	assert availability(item)["TN1"]["safety_qty"] == 1


def test_store_with_zero_safety_days_has_no_policy_level(org):
	item = "DT-AV-5"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 100})
	issue(org, org.warehouses["TN2 Vehicles"], {item: 90})
	row = availability(item)["TN2"]
	assert row["safety_qty"] == 0
	assert row["available_to_transfer"] == 10


@pytest.mark.parametrize(
	"manual, allow_below_policy, expected",
	[(8, 0, 8), (2, 0, 5), (2, 1, 2), (0, 1, 0)],
)
def test_manual_level_against_policy(org, manual, allow_below_policy, expected):
	item = "DT-AV-6"
	parts = org.warehouses["TN1 Parts"]
	receive(org, parts, {item: 100})
	issue(org, parts, {item: 90})  # policy level 5
	safety_level("TN1", item, manual, allow_below_policy)

	row = availability(item)["TN1"]
	assert row["safety_qty"] == expected
	assert row["available_to_transfer"] == 10 - expected


def test_a_unit_with_a_safety_level_and_no_stock_is_listed(org):
	safety_level("TS1", "DT-AV-7", 4)
	row = availability("DT-AV-7")["TS1"]
	assert (row["actual_qty"], row["safety_qty"], row["available_to_transfer"]) == (0, 4, 0)


def test_reserved_and_in_transit(org):
	item = "DT-AV-8"
	receive(org, org.warehouses["TN1 Vehicles"], {item: 20})
	transfer(org, "TN1", "TS1", item, 6, status="Approved")
	transfer(org, "TN1", "TS1", item, 9, status="In Transit", dispatched_qty=9, received_qty=2)
	transfer(org, "TN1", "TS1", item, 50)  # a draft reserves nothing

	rows = availability(item)
	assert rows["TN1"]["reserved_qty"] == 6
	assert rows["TN1"]["available_to_transfer"] == 14
	assert rows["TS1"]["in_transit_qty"] == 7
	assert rows["TS1"]["actual_qty"] == 0


def test_available_is_never_negative(org):
	item = "DT-AV-9"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 3})
	safety_level("TN2", item, 10)
	assert availability(item)["TN2"]["available_to_transfer"] == 0


def test_one_safety_level_per_unit_and_item(org):
	safety_level("TN1", "DT-AV-10", 3)
	with pytest.raises(DuplicateSafetyLevelError):
		safety_level("TN1", "DT-AV-10", 4)
	with pytest.raises(NegativeSafetyLevelError):
		safety_level("TN2", "DT-AV-10", -1)


def test_report_shows_quantities_of_every_unit_and_no_values(org):
	item = "DT-AV-11"
	receive(org, org.warehouses["TN1 Vehicles"], {item: 4})
	receive(org, org.warehouses["TS1 Vehicles"], {item: 6})

	frappe.set_user(org.users["tn1_user"])  # a store user sees the other region's quantities too
	columns, data = execute({"item_code": item})
	assert {(d["unit"], d["actual_qty"]) for d in data} == {("TN1", 4), ("TS1", 6)}
	fields = {c["fieldname"] for c in columns}
	assert not fields & {"valuation_rate", "value", "amount", "stock_value"}
	assert not any("valuation_rate" in d for d in data)


def test_report_item_group_filter(org):
	item = "DT-AV-12"
	receive(org, org.warehouses["TN2 Vehicles"], {item: 2})
	_, data = execute({"item_group": "All Item Groups"})
	assert ("TN2", item, 2) in {(d["unit"], d["item_code"], d["actual_qty"]) for d in data}
