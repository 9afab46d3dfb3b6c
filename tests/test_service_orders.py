"""Service orders: booking to invoice through the shipped workflow, parts held as Stock Entries,
billing per payer in the store's company, repeat repairs, ratings and isolation."""

from datetime import timedelta

import pytest

import frappe
import frappe.client
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, flt, now_datetime

from dms_suite.dms_service import billing, orders, parts, quality

from .factories import assign, make_user
from .service_fixture import ACTIVITY, CATEGORY, NORTH, OTHER_CATEGORY, PART, TN1_PARTS, book, finish, work


def job_stock(item=PART, warehouse=None):
	warehouse = warehouse or parts.store_warehouses("TN1").jobs
	return flt(frappe.db.get_value("Bin", {"item_code": item, "warehouse": warehouse}, "actual_qty"))


def test_booking_to_invoice_through_the_workflow(shop):
	order = book(shop)
	assert order.status == "Booked" and order.booked_on
	assert order.company == NORTH and order.warehouse == TN1_PARTS

	order = work(order, shop)
	assert order.checked_in_on and order.started_on and order.advisor == "Administrator"
	assert [row.check for row in order.qc_checks] == ["Road test", "Torque checked"]
	# the technician's own Activity Cost, else the Activity Type's rate
	assert [row.rate for row in order.labour] == [150, 100]
	assert order.labour_total == 400 and order.parts_total == 160 and order.grand_total == 560
	# parts held in the store's job warehouse by a submitted Material Transfer
	assert order.parts[0].status == "Reserved" and order.parts[0].reserved_qty == 2
	assert job_stock() == 2
	assert frappe.db.count("Stock Entry", {"dms_service_order": order.name, "docstatus": 1}) == 1

	order = finish(order)
	assert order.docstatus == 1 and order.status == "Delivered" and order.qc_by == "Administrator"
	assert order.turnaround_hours >= 0 and order.delivered_on

	order = apply_workflow(order, "Invoice")
	assert order.status == "Invoiced" and order.invoiced_on
	owner_invoice = frappe.get_doc("Sales Invoice", order.sales_invoice)
	warranty_invoice = frappe.get_doc("Sales Invoice", order.warranty_invoice)
	assert owner_invoice.customer == "DT Service Owner" and warranty_invoice.customer == "DT Warranty Maker"
	for invoice in (owner_invoice, warranty_invoice):
		assert invoice.docstatus == 1 and invoice.company == NORTH and invoice.dms_org_unit == "TN1"
		assert invoice.dms_service_order == order.name
	assert owner_invoice.net_total == 2 * 150 + 2 * 80 and warranty_invoice.net_total == 100
	# the parts leave stock through the owner's invoice, at their cost, in the ledgers
	assert owner_invoice.update_stock == 1 and job_stock() == 0
	assert frappe.db.exists("Stock Ledger Entry", {"voucher_no": owner_invoice.name, "item_code": PART})
	assert frappe.db.exists("GL Entry", {"voucher_no": owner_invoice.name, "is_cancelled": 0})

	# invoicing again reuses the invoices; cancelling one reopens the order for billing
	assert billing.make_invoices(order) == {"Customer": owner_invoice.name, "Warranty": warranty_invoice.name}
	warranty_invoice.cancel()
	order.reload()
	assert order.status == "Delivered" and not order.warranty_invoice and order.sales_invoice

	order = apply_workflow(order, "Invoice")
	assert order.warranty_invoice and order.warranty_invoice != warranty_invoice.name
	order = apply_workflow(order, "Close")
	assert order.status == "Closed" and order.closed_on


@pytest.mark.parametrize(
	"change, error",
	[
		({"appointment": "past"}, orders.AppointmentInPastError),
		({"dealer_unit": "other"}, orders.UnitNotOfCustomerError),
		({"store": "TN"}, orders.NotAStoreError),
	],
)
def test_bad_bookings_are_refused_and_nothing_written(shop, change, error):
	fields = {}
	if change.get("appointment"):
		fields["appointment"] = now_datetime() - timedelta(days=1)
	if change.get("dealer_unit"):
		fields["dealer_unit"] = shop.other_unit
	if change.get("store"):
		fields["store"] = change["store"]
	before = frappe.db.count("Service Order")
	with pytest.raises(error):
		book(shop, **fields)
	assert frappe.db.count("Service Order") == before


def test_parts_must_come_from_the_stores_own_warehouse(shop):
	order = book(shop)
	order.warehouse = "TN2 Vehicles - DTN"
	with pytest.raises(orders.WarehouseNotOfStoreError):
		order.save()


def test_invoicing_before_qc_and_delivery_is_refused(shop):
	order = work(book(shop), shop)
	with pytest.raises(billing.NotReadyForInvoiceError):
		billing.make_invoices(order)
	assert not frappe.db.exists("Sales Invoice", {"dms_service_order": order.name})
	# QC with a failed check does not pass: the order stays a draft
	order = apply_workflow(order, "Send to QC")
	with pytest.raises(orders.QCNotPassedError):
		apply_workflow(order, "Pass QC")
	assert frappe.db.get_value("Service Order", order.name, ["status", "docstatus"]) == ("QC", 0)


def test_short_parts_wait_and_are_held_when_stock_comes(shop):
	order = work(book(shop), shop, part_qty=7)  # 5 in stock
	row = order.parts[0]
	assert row.status == "Short" and row.was_short and row.reserved_qty == 0
	assert frappe.db.get_value("DMS Service Part", row.name, "status") == "Short"
	with pytest.raises(orders.QCNotPassedError):  # a job cannot pass QC without its parts
		finish(order)
	order.reload()
	order.parts[0].qty = 5
	order.save()
	assert order.parts[0].status == "Reserved" and order.parts[0].was_short  # counted against the fill rate
	assert job_stock() == 5


def test_retried_saves_post_only_the_difference(shop):
	order = work(book(shop), shop, part_qty=2)
	order.save()
	parts.sync_reservations(order)  # a retried request
	assert frappe.db.count("Stock Entry", {"dms_service_order": order.name, "docstatus": 1}) == 1
	order.parts[0].qty = 1
	order.save()  # the surplus goes back to the parts warehouse
	assert job_stock() == 1
	assert frappe.db.count("Stock Entry", {"dms_service_order": order.name, "docstatus": 1}) == 2
	order = apply_workflow(order, "Cancel Order")
	assert order.status == "Cancelled" and order.cancelled_on
	assert job_stock() == 0 and order.parts[0].status == "Released"


def test_two_orders_never_hold_the_same_last_parts(shop):
	first = work(book(shop), shop, part_qty=4)
	second = work(book(shop), shop, part_qty=4)
	assert first.parts[0].status == "Reserved" and second.parts[0].status == "Short"
	assert job_stock() == 4


def test_repeat_repair_within_the_policy_window(shop):
	first = finish(work(book(shop), shop))
	# back with the same category: flagged, pointing at the first order
	again = book(shop)
	assert again.is_repeat_repair and again.repeat_of == first.name
	assert again.complaints[0].is_repeat
	# another category is not a repeat
	assert not book(shop, category=OTHER_CATEGORY).is_repeat_repair
	# outside the window: the first delivery was 31 days ago with the default 30-day policy
	frappe.db.set_value("Service Order", first.name, "delivered_on", add_days(now_datetime(), -31))
	again.save()
	assert not again.is_repeat_repair and not again.repeat_of


def test_rating_after_delivery_on_the_scale_once(shop):
	order = work(book(shop), shop)
	with pytest.raises(quality.RatingError):
		quality.rate_service(order.name, 5)  # not delivered yet
	order = finish(order)
	for bad in (0, 6, "five", -1):
		with pytest.raises(quality.RatingError):
			quality.rate_service(order.name, bad)
	assert not frappe.db.get_value("Service Order", order.name, "rating")
	quality.rate_service(order.name, 4, "Quick and clean")
	stored = frappe.db.get_value(
		"Service Order", order.name, ["rating", "rating_comment", "rated_by"], as_dict=True
	)
	assert stored == {"rating": 4, "rating_comment": "Quick and clean", "rated_by": "Administrator"}
	with pytest.raises(quality.RatingError):
		quality.rate_service(order.name, 5)


def test_store_users_see_their_stores_orders_and_their_customers_units(shop):
	order = book(shop)
	outsider = make_user("dt.ts1.advisor@example.com", "DMS Service Advisor")
	assign(outsider, "TS1")
	frappe.set_user(shop.advisor)
	assert frappe.has_permission("Service Order", "read", order.name)
	assert order.name in frappe.get_list("Service Order", pluck="name")
	assert shop.unit in frappe.get_list("Dealer Unit", pluck="name")
	readings = frappe.client.get_list(
		"DMS Unit Reading", parent="Dealer Unit", fields=["parent"], limit_page_length=0
	)
	assert shop.unit in {row["parent"] for row in readings}
	frappe.set_user(outsider)
	assert not frappe.has_permission("Service Order", "read", order.name)
	assert order.name not in frappe.get_list("Service Order", pluck="name")
	assert shop.unit not in frappe.get_list("Dealer Unit", pluck="name")
	assert not frappe.has_permission("Dealer Unit", "read", shop.unit)
	# nor their child rows (frappe.client.get_list on the child table with parent=…)
	rows = frappe.client.get_list(
		"DMS Service Complaint", parent="Service Order", fields=["parent"], limit_page_length=0
	)
	assert order.name not in {row["parent"] for row in rows}
	readings = frappe.client.get_list(
		"DMS Unit Reading", parent="Dealer Unit", fields=["parent"], limit_page_length=0
	)
	assert shop.unit not in {row["parent"] for row in readings}


def test_advisor_works_an_order_with_their_own_rights(shop):
	frappe.set_user(shop.advisor)
	order = finish(work(book(shop), shop))
	assert order.status == "Delivered" and order.advisor == shop.advisor
	order = apply_workflow(order, "Invoice")
	assert frappe.db.get_value("Sales Invoice", order.sales_invoice, "docstatus") == 1


def test_customer_profile_lists_service_history_in_scope(shop):
	from dms_suite.dms_sales.customers import get_customer_profile

	order = book(shop)
	assert [row.name for row in get_customer_profile("DT Service Owner")["service_orders"]] == [order.name]


def test_a_store_booked_by_a_customer_of_another_region_sees_the_customer_and_unit(shop):
	south = make_user("dt.ts1.booked@example.com", "DMS Service Advisor")
	assign(south, "TS1")
	frappe.set_user(south)
	assert not frappe.has_permission("Customer", "read", "DT Service Owner")
	assert not frappe.has_permission("Dealer Unit", "read", shop.unit)
	frappe.set_user("Administrator")
	order = book(shop, store="TS1")
	frappe.set_user(south)
	assert frappe.has_permission("Service Order", "read", order.name)
	assert frappe.has_permission("Customer", "read", "DT Service Owner")
	assert frappe.has_permission("Dealer Unit", "read", shop.unit)
