"""Service orders: a customer's unit at a store, from booking to delivery.

The life of an order is the shipped Workflow *DMS Service Order* (dms_suite/workflows/
service_order.json) on the ``status`` field:

    Booked → Checked In → In Progress → QC → Ready → Delivered → Invoiced → Closed
                                        ↖ Fail QC ↙        (Delivered → Closed: nothing to bill)
    Booked / Checked In → Cancelled

Booked to QC are drafts: complaints, labour and parts are still being written. Passing QC submits
the order (Ready): the job card is then fixed. Every state entered is stamped (``booked_on`` …
``closed_on``) so turnaround is measured from the record, not estimated.

Here: booking, the checks on every save, labour rates and totals, packages, repeat repairs and the
stamps. Parts reservation is dms_suite/dms_service/parts.py, invoicing dms_suite/dms_service/billing.py,
ratings dms_suite/dms_service/quality.py.
"""

from datetime import timedelta
from pathlib import Path

import frappe
from frappe import _
from frappe.utils import add_days, flt, get_datetime, now_datetime, time_diff_in_hours

from dms_suite.dms_org.policy import get_effective_policy

# the state each stamp records (the latest entry into it)
STATUS_TIMESTAMPS = {
	"Booked": "booked_on",
	"Checked In": "checked_in_on",
	"In Progress": "started_on",
	"QC": "qc_on",
	"Ready": "ready_on",
	"Delivered": "delivered_on",
	"Invoiced": "invoiced_on",
	"Closed": "closed_on",
	"Cancelled": "cancelled_on",
}
# the unit is in the workshop: its parts are held for it in the store's job warehouse
WORK_STATES = ("Checked In", "In Progress", "QC")
DONE_STATES = ("Delivered", "Invoiced", "Closed")
# a walk-in is booked "now": an appointment this close behind the clock is not in the past
BOOKING_GRACE = timedelta(minutes=15)


# the link back to the order on the ERPNext documents it makes (Stock Entry: parts/Sales Invoice: billing)
SERVICE_ORDER_LINK = {
	"fieldname": "dms_service_order",
	"fieldtype": "Link",
	"options": "Service Order",
	"label": "Service Order",
	"insert_after": "dms_org_unit",
	"read_only": 1,
	"search_index": 1,
	"no_copy": 1,
	"ignore_user_permissions": 1,
}


class ServiceOrderError(frappe.ValidationError):
	pass


class AppointmentInPastError(ServiceOrderError):
	pass


class NotAStoreError(ServiceOrderError):
	pass


class UnitNotOfCustomerError(ServiceOrderError):
	pass


class WarehouseNotOfStoreError(ServiceOrderError):
	pass


class InvalidServiceLineError(ServiceOrderError):
	pass


class QCNotPassedError(ServiceOrderError):
	pass


# ---------------------------------------------------------------------------------------------
# Booking
# ---------------------------------------------------------------------------------------------


def book_service(
	customer: str,
	dealer_unit: str,
	store: str,
	appointment,
	complaints: list[dict],
	via: str = "Desk",
	ignore_permissions: bool = False,
	advisor: str | None = None,
):
	"""Book a service appointment: a new Service Order in state Booked. Every rule of a saved order
	applies (the unit is the customer's, the store is a store, the appointment is not past)."""
	doc = frappe.new_doc("Service Order")
	doc.update(
		{
			"customer": customer,
			"dealer_unit": dealer_unit,
			"dms_org_unit": store,
			"appointment": appointment,
			"booked_via": via,
			"advisor": advisor,
		}
	)
	for complaint in complaints or []:
		doc.append(
			"complaints",
			{
				"category": complaint.get("category"),
				"description": complaint.get("description"),
				"bill_to": complaint.get("bill_to") or "Customer",
			},
		)
	doc.flags.ignore_permissions = ignore_permissions
	doc.insert()
	return doc


# ---------------------------------------------------------------------------------------------
# Every save
# ---------------------------------------------------------------------------------------------


def validate_service_order(doc) -> None:
	before = doc.get_doc_before_save()
	set_store(doc, before)
	validate_unit(doc)
	validate_appointment(doc, before)
	if doc.docstatus == 0:
		apply_package(doc, before)
		validate_lines(doc)
		flag_repeat_repairs(doc)
	set_totals(doc)
	on_status_change(doc, before)


def set_store(doc, before) -> None:
	"""The store gives the company that invoices and the warehouse parts come from; both are fixed
	once the unit is in the workshop (parts may already be held there)."""
	store = frappe.db.get_value(
		"DMS Org Unit", doc.dms_org_unit, ["unit_type", "company", "stock_warehouse"], as_dict=True
	)
	if not store or store.unit_type != "Store":
		frappe.throw(
			_("Service orders are taken at a store; {0} is not a store.").format(
				frappe.bold(doc.dms_org_unit)
			),
			NotAStoreError,
			title=_("Not a Store"),
		)
	if (
		before
		and before.status not in ("Booked",)
		and (before.dms_org_unit != doc.dms_org_unit or before.warehouse != doc.warehouse)
	):
		frappe.throw(
			_("The store and parts warehouse of {0} are fixed once it is checked in.").format(doc.name),
			WarehouseNotOfStoreError,
			title=_("Store Fixed"),
		)
	doc.company = store.company
	doc.currency = frappe.get_cached_value("Company", store.company, "default_currency")

	from dms_suite.dms_service.parts import store_warehouses

	warehouses = store_warehouses(doc.dms_org_unit)
	if not doc.warehouse:
		doc.warehouse = warehouses.parts
	if not doc.warehouse or doc.warehouse not in warehouses.stock:
		frappe.throw(
			_("Parts for {0} must come from a warehouse of store {1}; {2} is not one.").format(
				frappe.bold(doc.name or _("this service order")),
				frappe.bold(doc.dms_org_unit),
				frappe.bold(doc.warehouse or _("(none)")),
			),
			WarehouseNotOfStoreError,
			title=_("Warehouse Not of Store"),
		)
	doc.wip_warehouse = warehouses.jobs or doc.wip_warehouse


def validate_unit(doc) -> None:
	owner = frappe.db.get_value("Dealer Unit", doc.dealer_unit, "customer")
	if owner != doc.customer:
		frappe.throw(
			_("Unit {0} is not registered to customer {1}.").format(
				frappe.bold(doc.dealer_unit), frappe.bold(doc.customer)
			),
			UnitNotOfCustomerError,
			title=_("Wrong Unit"),
		)


def validate_appointment(doc, before) -> None:
	if doc.status != "Booked" or (before and before.appointment == doc.appointment):
		return
	if get_datetime(doc.appointment) < now_datetime() - BOOKING_GRACE:
		frappe.throw(
			_("The appointment {0} is in the past; choose a time from now on.").format(
				frappe.bold(frappe.utils.format_datetime(doc.appointment))
			),
			AppointmentInPastError,
			title=_("Appointment in the Past"),
		)


def apply_package(doc, before=None) -> None:
	"""A package chosen (or chosen again) adds its labour and parts once: the variant of the store's
	region (or the store's own) where there is one, else HQ's (dms_suite/dms_service/packages.py). Lines
	the advisor then removes stay removed."""
	if not doc.package or (before is not None and before.package == doc.package):
		return
	from dms_suite.dms_service.packages import effective_package, package_lines

	package = effective_package(doc.package, doc.dms_org_unit)
	doc.package = package
	if any(row.from_package == package for row in (*doc.labour, *doc.parts)):
		return
	lines = package_lines(package)
	for row in lines["labour"]:
		doc.append("labour", {**row, "from_package": package})
	for row in lines["parts"]:
		doc.append("parts", {**row, "from_package": package})


def validate_lines(doc) -> None:
	"""Labour at the technician's rate, parts priced and stocked: looked up for all lines at once."""
	for row in doc.labour:
		if flt(row.hours) <= 0:
			frappe.throw(
				_("Labour row {0}: hours must be more than zero.").format(row.idx),
				InvalidServiceLineError,
				title=_("Invalid Labour"),
			)
	if doc.labour:
		rates = labour_rates({(row.technician, row.activity_type) for row in doc.labour})
		for row in doc.labour:
			if not flt(row.rate):
				row.rate = rates.get((row.technician, row.activity_type)) or rates.get(
					(None, row.activity_type), 0
				)

	for row in doc.parts:
		if flt(row.qty) <= 0:
			frappe.throw(
				_("Parts row {0}: quantity must be more than zero.").format(row.idx),
				InvalidServiceLineError,
				title=_("Invalid Part"),
			)
	if doc.parts:
		items = {
			item.name: item
			for item in frappe.get_all(
				"Item",
				filters={"name": ("in", list({row.item_code for row in doc.parts}))},
				fields=["name", "is_stock_item", "has_serial_no", "has_batch_no", "disabled"],
			)
		}
		for row in doc.parts:
			item = items.get(row.item_code)
			if not item or not item.is_stock_item or item.disabled or item.has_serial_no or item.has_batch_no:
				frappe.throw(
					_(
						"Parts row {0}: {1} is not a part this workshop can issue (it must be an enabled stock item without serial or batch numbers)."
					).format(row.idx, frappe.bold(row.item_code)),
					InvalidServiceLineError,
					title=_("Invalid Part"),
				)
		prices = part_prices(doc, {row.item_code for row in doc.parts})
		for row in doc.parts:
			if not flt(row.rate):
				row.rate = prices.get(row.item_code, 0)


def labour_rates(keys: set[tuple[str | None, str]]) -> dict[tuple[str | None, str], float]:
	"""(technician, activity type) → billing rate: the technician's Activity Cost, else the Activity
	Type's own (keyed with technician None). Two queries."""
	activity_types = list({activity for _technician, activity in keys})
	employees = list({technician for technician, _activity in keys if technician})
	rates: dict[tuple[str | None, str], float] = {
		(None, row.name): flt(row.billing_rate)
		for row in frappe.get_all(
			"Activity Type", filters={"name": ("in", activity_types)}, fields=["name", "billing_rate"]
		)
	}
	if employees:
		for row in frappe.get_all(
			"Activity Cost",
			filters={"employee": ("in", employees), "activity_type": ("in", activity_types)},
			fields=["employee", "activity_type", "billing_rate"],
		):
			if flt(row.billing_rate):
				rates[(row.employee, row.activity_type)] = flt(row.billing_rate)
	return rates


def part_prices(doc, items: set[str]) -> dict[str, float]:
	"""Selling rates from the parts price list (DMS Service Settings, else ERPNext's selling
	default), in the order's currency. One query."""
	price_list = frappe.db.get_single_value("DMS Service Settings", "default_parts_price_list") or (
		frappe.db.get_single_value("Selling Settings", "selling_price_list")
	)
	if not price_list:
		return {}
	return {
		row.item_code: flt(row.price_list_rate)
		for row in frappe.get_all(
			"Item Price",
			filters={
				"price_list": price_list,
				"item_code": ("in", list(items)),
				"currency": doc.currency,
				"selling": 1,
			},
			fields=["item_code", "price_list_rate"],
			order_by="valid_from asc",
		)
	}


def set_totals(doc) -> None:
	"""Amounts and totals; and what the quality report sums per order, so that it reads the orders
	alone: labour hours, part lines and those filled from stock, and on each labour line its store
	and day (the technicians a store had on those days)."""
	work_date = get_datetime(doc.appointment).date() if doc.appointment else None
	for row in doc.labour:
		row.amount = flt(row.hours) * flt(row.rate)
		row.store, row.work_date = doc.dms_org_unit, work_date
	for row in doc.parts:
		row.amount = flt(row.qty) * flt(row.rate)
	doc.labour_total = sum(flt(row.amount) for row in doc.labour)
	doc.parts_total = sum(flt(row.amount) for row in doc.parts)
	doc.grand_total = doc.labour_total + doc.parts_total
	doc.labour_hours = sum(flt(row.hours) for row in doc.labour)
	doc.part_lines = len(doc.parts)
	doc.parts_filled = sum(1 for row in doc.parts if not row.was_short)


# ---------------------------------------------------------------------------------------------
# Repeat repairs
# ---------------------------------------------------------------------------------------------


def flag_repeat_repairs(doc) -> None:
	"""A complaint is a repeat repair when the same unit was delivered, within the store's
	``repeat_repair_days`` before this visit, from an order with a complaint of the same category.
	One query over the unit's recent orders."""
	categories = sorted({row.category for row in doc.complaints if row.category})
	arrival = get_datetime(doc.checked_in_on or doc.appointment or now_datetime())
	days = get_effective_policy(doc.dms_org_unit)["repeat_repair_days"]
	earlier = {}
	if categories and doc.dealer_unit:
		for order, category in frappe.db.sql(
			"""
			select so.name, complaint.category
			from `tabService Order` so
			join `tabDMS Service Complaint` complaint
				on complaint.parent = so.name and complaint.parenttype = 'Service Order'
			where so.dealer_unit = %(unit)s and so.name != %(name)s and so.docstatus = 1
				and so.delivered_on between %(since)s and %(arrival)s
				and complaint.category in %(categories)s
			order by so.delivered_on desc
			""",
			{
				"unit": doc.dealer_unit,
				"name": doc.name or "",
				"since": add_days(arrival, -int(days or 0)),
				"arrival": arrival,
				"categories": tuple(categories),
			},
		):
			earlier.setdefault(category, order)  # the latest delivery of each category
	for row in doc.complaints:
		row.repeat_of = earlier.get(row.category)
		row.is_repeat = 1 if row.repeat_of else 0
	repeats = [row.repeat_of for row in doc.complaints if row.repeat_of]
	doc.is_repeat_repair = 1 if repeats else 0
	doc.repeat_of = repeats[0] if repeats else None


# ---------------------------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------------------------


def on_status_change(doc, before) -> None:
	"""Stamp the state entered and do what entering it means."""
	if before is not None and before.status == doc.status:
		return
	now = now_datetime()
	doc.set(STATUS_TIMESTAMPS[doc.status], now)
	if doc.status == "Checked In":
		check_in(doc)
	elif doc.status == "Delivered":
		doc.turnaround_hours = (
			flt(time_diff_in_hours(doc.delivered_on, doc.checked_in_on), 2) if doc.checked_in_on else 0
		)


def check_in(doc) -> None:
	"""The unit arrives: the advisor takes it, the reading is recorded on the unit, and the QC
	checklist of the group's settings is laid out for the end of the job."""
	doc.advisor = doc.advisor or frappe.session.user
	if not doc.qc_checks:
		for row in frappe.get_single("DMS Service Settings").qc_checks:
			doc.append("qc_checks", {"check": row.check})
	if flt(doc.reading_in):
		from dms_suite.dms_service.units import record_reading

		record_reading(doc.dealer_unit, flt(doc.reading_in), doc.checked_in_on.date(), doc.name)


def before_submit(doc) -> None:
	"""Only passing QC submits the order: every check passed and every part in the job warehouse."""
	if doc.status != "Ready":
		frappe.throw(
			_("{0} is submitted by passing QC (it is {1}).").format(doc.name, _(doc.status)),
			QCNotPassedError,
			title=_("QC Not Passed"),
		)
	failed = [row.check for row in doc.qc_checks if not row.passed]
	if not doc.qc_checks or failed:
		frappe.throw(
			_("QC of {0} has not passed: {1}.").format(
				doc.name, ", ".join(failed) if failed else _("no checklist")
			),
			QCNotPassedError,
			title=_("QC Not Passed"),
		)
	short = [row.item_code for row in doc.parts if row.status != "Reserved"]
	if short:
		frappe.throw(
			_("Parts of {0} are not in the job warehouse yet: {1}. Reserve or remove them first.").format(
				doc.name, ", ".join(short)
			),
			QCNotPassedError,
			title=_("Parts Missing"),
		)
	doc.qc_by = frappe.session.user


def before_update_after_submit(doc) -> None:
	before = doc.get_doc_before_save()
	on_status_change(doc, before)
	if doc.status == "Invoiced" and before is not None and before.status != "Invoiced":
		from dms_suite.dms_service.billing import make_invoices

		make_invoices(doc)


def on_update_after_submit(doc) -> None:
	if doc.status == "Delivered":
		frappe.db.set_value("Dealer Unit", doc.dealer_unit, "last_service_order", doc.name)


def before_cancel(doc) -> None:
	"""A billed order is undone from its invoices first (cancelling one takes the order back)."""
	invoices = [doc.get(field) for field in ("sales_invoice", "warranty_invoice") if doc.get(field)]
	if invoices:
		frappe.throw(
			_("{0} is invoiced ({1}); cancel the invoices first.").format(doc.name, ", ".join(invoices)),
			ServiceOrderError,
			title=_("Invoiced"),
		)


# ---------------------------------------------------------------------------------------------
# Install, and the customer profile
# ---------------------------------------------------------------------------------------------

WORKFLOW_FILE = Path(__file__).parent.parent / "workflows" / "service_order.json"
# a store user's list: the isolation condition on the unit, newest first, also by status
# (benchmarks/bench_service_orders.py); a unit's earlier deliveries (repeat repairs)
INDEXES = {
	"Service Order": [
		("dms_org_unit", "modified"),
		("dms_org_unit", "status", "modified"),
		("dealer_unit", "delivered_on"),
	],
	# the quality report's technicians per store and period (covering)
	"DMS Service Labour": [("store", "work_date", "technician")],
}


def configure() -> None:
	from dms_suite.dms_stock.approval import install_workflow

	install_workflow(WORKFLOW_FILE)
	for doctype, indexes in INDEXES.items():
		for columns in indexes:
			frappe.db.add_index(doctype, list(columns), index_name="_".join(columns) + "_index")


def before_uninstall() -> None:
	for workflow in frappe.get_all("Workflow", filters={"document_type": "Service Order"}, pluck="name"):
		frappe.delete_doc("Workflow", workflow, ignore_permissions=True, force=True)


def customer_service_orders(customer: str, units: frozenset | None) -> list[dict]:
	"""The customer profile's service history (dms_suite/dms_sales/customers.py): orders of the user's
	units only, newest first."""
	from dms_suite.permissions import scope_condition

	condition = "" if units is None else " and " + scope_condition("so.dms_org_unit", units)
	return frappe.db.sql(
		f"""
		select so.name, so.status, so.dealer_unit, so.dms_org_unit as store, so.appointment,
			so.delivered_on, so.grand_total, so.rating, so.is_repeat_repair
		from `tabService Order` so
		where so.customer = %s and so.docstatus < 2{condition}
		order by so.appointment desc
		limit 50
		""",
		customer,
		as_dict=True,
	)
