"""The TN1 workshop the service tests share: parts in stock, a technician with his own rate, a
customer with a unit, a warranty customer, an advisor (the ``shop`` fixture in conftest.py), and
the steps of an order through the workflow."""

from datetime import timedelta

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import now_datetime

from dms_suite.dms_service import orders

from .factories import assign, make_item, make_technician, make_user

PART = "DT-SVC-PART"
OIL = "DT-SVC-OIL"
NORTH = "DT North"
TN1_PARTS = "TN1 Parts - DTN"
ACTIVITY = "DT Workshop Labour"
CATEGORY = "DT Brakes"
OTHER_CATEGORY = "DT Electrical"


def build_shop(org):
	"""TN1's workshop: parts in stock, a technician with his own rate, a customer with a unit."""
	for code in (PART, OIL):
		make_item(code, valuation_rate=40)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": NORTH,
			"items": [
				{"item_code": PART, "qty": 5, "basic_rate": 40, "t_warehouse": TN1_PARTS},
				{"item_code": OIL, "qty": 1, "basic_rate": 10, "t_warehouse": TN1_PARTS},
			],
		}
	).insert()
	entry.submit()
	for name in (CATEGORY, OTHER_CATEGORY):
		if not frappe.db.exists("DMS Service Category", name):
			frappe.get_doc({"doctype": "DMS Service Category", "category_name": name}).insert()
	if not frappe.db.exists("Activity Type", ACTIVITY):
		frappe.get_doc({"doctype": "Activity Type", "activity_type": ACTIVITY, "billing_rate": 100}).insert()
	technician = make_technician("DT Technician", NORTH, ACTIVITY, billing_rate=150)
	customers = {}
	for name in ("DT Service Owner", "DT Warranty Maker", "DT Other Owner"):
		if not frappe.db.exists("Customer", name):
			frappe.get_doc({"doctype": "Customer", "customer_name": name, "dms_org_unit": "TN1"}).insert()
		customers[name] = name
	unit = make_unit(
		"DTSVCUNIT0000001",
		"DT Service Owner",
		warranty_customer="DT Warranty Maker",
		readings=[{"reading_date": "2026-01-01", "reading": 10}],
	)
	other_unit = make_unit("DTSVCUNIT0000002", "DT Other Owner")
	settings = frappe.get_single("DMS Service Settings")
	if not settings.labour_item:
		make_item("DT-SVC-LABOUR", is_stock_item=0)
		settings.labour_item = "DT-SVC-LABOUR"
	settings.set("qc_checks", [{"check": "Road test"}, {"check": "Torque checked"}])
	settings.save()
	advisor = make_user("dt.tn1.advisor@example.com", "DMS Service Advisor")
	assign(advisor, "TN1")
	return frappe._dict(
		org=org,
		technician=technician,
		unit=unit,
		other_unit=other_unit,
		advisor=advisor,
		receipt=entry.name,
	)


def make_unit(serial: str, customer: str, **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Dealer Unit",
				"vin": serial,
				"unit_type": "Equipment",
				"customer": customer,
				**fields,
			}
		)
		.insert()
		.name
	)


def book(shop, appointment=None, category=CATEGORY, **fields):
	return orders.book_service(
		fields.pop("customer", "DT Service Owner"),
		fields.pop("dealer_unit", shop.unit),
		fields.pop("store", "TN1"),
		appointment or now_datetime() + timedelta(hours=2),
		[{"category": category, "description": "Squeal when braking"}],
		**fields,
	)


def work(order, shop, part_qty=2, bill_to="Customer"):
	"""Check in, write the job (labour by the technician, parts), start work."""
	order = apply_workflow(order, "Check In")
	order.append("labour", {"activity_type": ACTIVITY, "technician": shop.technician, "hours": 2})
	order.append("labour", {"activity_type": ACTIVITY, "hours": 1, "bill_to": "Warranty"})
	order.append("parts", {"item_code": PART, "qty": part_qty, "rate": 80, "bill_to": bill_to})
	order.save()
	return apply_workflow(order, "Start Work")


def finish(order):
	order = apply_workflow(order, "Send to QC")
	for row in order.qc_checks:
		row.passed = 1
	order.save()
	order = apply_workflow(order, "Pass QC")
	return apply_workflow(order, "Deliver")
