"""The demo's after-sales scene, built through the real services, workflow and portal API.

- Zhang Wei owns a Sedan A1 (a Dealer Unit keyed by its VIN) and logs in to the customer portal as
  zhang.wei@demo-dms.example.
- Twelve days ago Beijing (N-BJ) replaced his brake pads: booked, checked in, worked, QC passed,
  delivered, invoiced in Demo Auto North, rated 4.
- Today he books again from the portal: the brakes squeal again. The order is flagged as a repeat
  repair of the first. The advisor checks it in, adds the "Seasonal Check" package (North's winter
  maintenance variant of HQ's package), a technician's labour and brake pads under warranty; the
  parts are held as a Stock Entry; QC passes, the car is delivered and invoiced: the owner's invoice
  and the manufacturer's warranty invoice, both in the store's company. He rates it 5 on the portal.
- A third visit is booked from the portal for tomorrow (its live status is on the portal page).

Packages: HQ's "10,000 km Service" and "Seasonal Check"; North's variant "Winter Maintenance", South's
"Rainy-Season Check".

Idempotent: each visit is made only when the unit has fewer orders than the scene needs.
"""

from contextlib import contextmanager

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_to_date, now_datetime

STORE = "N-BJ"
COMPANY = "Demo Auto North"
OWNER = "Zhang Wei"
PORTAL_USER = "zhang.wei@demo-dms.example"
ADVISOR = "north.service@demo-dms.example"
WARRANTY_CUSTOMER = "Demo Motors Warranty"
MODEL = "VH-SEDAN-A1"
ACTIVITY = "Workshop Labour"
TECHNICIAN = ("Zhao", "Gang")
CATEGORIES = ("Brakes", "Maintenance")


def build_service_scene(created, group_unit: str) -> dict:
	from dms_suite.dms_service.settings import configure as ensure_service_settings

	ensure_service_settings()
	for category in CATEGORIES:
		if not frappe.db.exists("DMS Service Category", category):
			frappe.get_doc({"doctype": "DMS Service Category", "category_name": category}).insert(
				ignore_permissions=True
			)
	ensure_customers(created)
	ensure_portal_user(created)
	technician = ensure_technician(created)
	packages = ensure_packages(created, group_unit)
	unit = ensure_unit(created)

	orders = frappe.get_all("Service Order", filters={"dealer_unit": unit}, pluck="name", order_by="creation")
	if len(orders) < 1:
		orders.append(earlier_visit(unit, technician))
		created["Service Order"] += 1
	if len(orders) < 2:
		orders.append(portal_repair(unit, technician, packages["Seasonal Check"]))
		created["Service Order"] += 1
	if len(orders) < 3:
		with as_user(PORTAL_USER):
			from dms_suite.api.portal import book_appointment

			booked = book_appointment(
				dealer_unit=unit,
				store=STORE,
				appointment=str(add_to_date(now_datetime(), days=1, hours=2)),
				category="Maintenance",
				description="10,000 km service",
			)
		orders.append(booked["name"])
		created["Service Order"] += 1
	return {"unit": unit, "orders": orders, "packages": packages}


def service_summary(scene: dict) -> list[str]:
	lines = [f"  Service: unit {scene['unit']} of {OWNER} (portal login {PORTAL_USER})"]
	for order in frappe.get_all(
		"Service Order",
		filters={"name": ("in", scene["orders"])},
		fields=[
			"name",
			"status",
			"booked_via",
			"is_repeat_repair",
			"repeat_of",
			"rating",
			"sales_invoice",
			"warranty_invoice",
			"grand_total",
		],
		order_by="creation",
	):
		details = [f"{order.status}, booked via {order.booked_via}"]
		if order.is_repeat_repair:
			details.append(f"repeat repair of {order.repeat_of}")
		if order.sales_invoice or order.warranty_invoice:
			details.append(
				"invoices " + ", ".join(filter(None, (order.sales_invoice, order.warranty_invoice)))
			)
		if order.rating:
			details.append(f"rated {order.rating}/5")
		lines.append(f"    {order.name}: " + "; ".join(details))
	return lines


@contextmanager
def as_user(user: str):
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		yield
	finally:
		frappe.set_user(previous)


# ---------------------------------------------------------------------------------------------
# master data of the scene


def ensure_customers(created) -> None:
	if not frappe.db.exists("Customer", WARRANTY_CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": WARRANTY_CUSTOMER,
				"customer_type": "Company",
				"customer_group": "Commercial",
				"territory": "North China",
				"dms_org_unit": STORE,
			}
		).insert(ignore_permissions=True)
		created["Customer"] += 1
	settings = frappe.get_single("DMS Service Settings")
	if not settings.default_warranty_customer:
		settings.default_warranty_customer = WARRANTY_CUSTOMER
		settings.save(ignore_permissions=True)


def ensure_portal_user(created) -> None:
	"""A website user linked to the customer the way ERPNext links portal users (Portal Users)."""
	if not frappe.db.exists("User", PORTAL_USER):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": PORTAL_USER,
				"first_name": "Zhang",
				"last_name": "Wei",
				"user_type": "Website User",
				"send_welcome_email": 0,
				"roles": [{"role": "Customer"}],
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
		created["User"] += 1
	customer = frappe.get_doc("Customer", OWNER)
	if not any(row.user == PORTAL_USER for row in customer.get("portal_users") or []):
		customer.append("portal_users", {"user": PORTAL_USER})
		customer.save(ignore_permissions=True)


def ensure_technician(created) -> str:
	if not frappe.db.exists("Activity Type", ACTIVITY):
		frappe.get_doc({"doctype": "Activity Type", "activity_type": ACTIVITY, "billing_rate": 180}).insert(
			ignore_permissions=True
		)
	first, last = TECHNICIAN
	employee = frappe.db.get_value("Employee", {"first_name": first, "last_name": last, "company": COMPANY})
	if not employee:
		employee = (
			frappe.get_doc(
				{
					"doctype": "Employee",
					"first_name": first,
					"last_name": last,
					"gender": "Male",
					"date_of_birth": "1988-03-12",
					"date_of_joining": "2019-06-01",
					"company": COMPANY,
					"designation": None,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		created["Employee"] += 1
	if not frappe.db.exists("Activity Cost", {"employee": employee, "activity_type": ACTIVITY}):
		frappe.get_doc(
			{"doctype": "Activity Cost", "employee": employee, "activity_type": ACTIVITY, "billing_rate": 220}
		).insert(ignore_permissions=True)
	return employee


PACKAGES = {
	# name: (defining unit key, based on, labour [(description, hours)], parts [(item, qty)])
	"10,000 km Service": ("group", None, [("Oil change and inspection", 1.5)], [("PT-OIL-FILTER", 1)]),
	"Seasonal Check": ("group", None, [("Seasonal inspection", 1.0)], []),
	"Winter Maintenance": (
		"NORTH",
		"Seasonal Check",
		[("Winter check: battery, heating, antifreeze", 1.5)],
		[("PT-BATTERY", 1)],
	),
	"Rainy-Season Check": (
		"SOUTH",
		"Seasonal Check",
		[("Rainy-season check: wipers, seals, brakes", 1.0)],
		[("PT-WIPER", 2)],
	),
}


def ensure_packages(created, group_unit: str) -> dict[str, str]:
	names = {}
	for package_name, (unit_key, based_on, labour, parts) in PACKAGES.items():
		unit = group_unit if unit_key == "group" else unit_key
		name = frappe.db.get_value("DMS Service Package", {"package_name": package_name, "org_unit": unit})
		if not name:
			name = (
				frappe.get_doc(
					{
						"doctype": "DMS Service Package",
						"package_name": package_name,
						"org_unit": unit,
						"based_on": names.get(based_on),
						"labour": [
							{"activity_type": ACTIVITY, "description": description, "hours": hours}
							for description, hours in labour
						],
						"parts": [{"item_code": item, "qty": qty} for item, qty in parts],
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
			created["DMS Service Package"] += 1
		names[package_name] = name
	return names


def ensure_unit(created) -> str:
	from dms_suite.demo.builder import VEHICLES, make_vin

	vin = make_vin(VEHICLES["sedan"], 900001)
	if not frappe.db.exists("Dealer Unit", vin):
		frappe.get_doc(
			{
				"doctype": "Dealer Unit",
				"vin": vin,
				"unit_type": "Vehicle",
				"customer": OWNER,
				"item_code": MODEL,
				"registration_no": "BJ-A12345",
				"selling_unit": STORE,
				"sold_on": add_days(now_datetime().date(), -400),
				"warranty_customer": WARRANTY_CUSTOMER,
				"warranty_start": add_days(now_datetime().date(), -400),
				"warranty_end": add_days(now_datetime().date(), 695),
				"reading_uom": "km",
				"readings": [{"reading_date": add_days(now_datetime().date(), -400), "reading": 12}],
			}
		).insert(ignore_permissions=True)
		created["Dealer Unit"] += 1
	return vin


# ---------------------------------------------------------------------------------------------
# the visits


def earlier_visit(unit: str, technician: str) -> str:
	"""Brake pads replaced twelve days ago (the stamps are moved back after the fact)."""
	from dms_suite.dms_service.orders import book_service
	from dms_suite.dms_service.quality import rate_service

	with as_user(ADVISOR):
		order = book_service(
			OWNER,
			unit,
			STORE,
			now_datetime(),
			[{"category": "Brakes", "description": "Brake pads worn, grinding noise"}],
		)
		order.reading_in = 9800
		order = apply_workflow(order, "Check In")
		order.append("labour", {"activity_type": ACTIVITY, "technician": technician, "hours": 2})
		order.append("parts", {"item_code": "PT-BRAKE-PAD", "qty": 1})
		order.save()
		order = deliver(apply_workflow(order, "Start Work"))
		order = apply_workflow(order, "Invoice")
		rate_service(order.name, 4, "Good work, a little slow.")
	days_back = {
		field: add_days(order.get(field), -12)
		for field in (
			"booked_on",
			"checked_in_on",
			"started_on",
			"qc_on",
			"ready_on",
			"delivered_on",
			"invoiced_on",
		)
		if order.get(field)
	}
	frappe.db.set_value(
		"Service Order",
		order.name,
		{**days_back, "appointment": days_back["booked_on"]},
		update_modified=False,
	)
	return order.name


def portal_repair(unit: str, technician: str, package: str) -> str:
	"""Booked from the portal: flagged as a repeat repair, worked, invoiced to owner and warranty."""
	from dms_suite.api.portal import book_appointment, rate_service

	with as_user(PORTAL_USER):
		booked = book_appointment(
			dealer_unit=unit,
			store=STORE,
			appointment=str(add_to_date(now_datetime(), minutes=30)),
			category="Brakes",
			description="The brakes squeal again since the last visit",
		)
	with as_user(ADVISOR):
		order = frappe.get_doc("Service Order", booked["name"])
		order.reading_in = 10450
		order.package = package  # the store gets North's winter variant of HQ's seasonal check
		order.complaints[0].bill_to = "Warranty"
		order.save()
		order = apply_workflow(order, "Check In")
		for row in order.labour:
			row.technician = technician
		order.append(
			"labour",
			{
				"activity_type": ACTIVITY,
				"technician": technician,
				"hours": 1,
				"description": "Brake caliper service",
				"bill_to": "Warranty",
			},
		)
		order.append("parts", {"item_code": "PT-BRAKE-PAD", "qty": 1, "bill_to": "Warranty"})
		order.save()
		order = deliver(apply_workflow(order, "Start Work"))
		order = apply_workflow(order, "Invoice")
	with as_user(PORTAL_USER):
		rate_service(order=order.name, rating=5, comment="Fixed for good this time, thank you.")
	return order.name


def deliver(order):
	order = apply_workflow(order, "Send to QC")
	for row in order.qc_checks:
		row.passed = 1
	order.save()
	return apply_workflow(apply_workflow(order, "Pass QC"), "Deliver")
