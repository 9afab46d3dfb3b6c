"""Cross Region Transfer: bad input, reservation, and posting as native ERPNext documents.

Approval is done by submitting the transfer directly (the approval workflow is tested on its own);
if a workflow is active for the doctype, it is switched off inside the test's transaction.
"""

import json

import pytest

import frappe
from frappe.utils import flt

from dms_suite.api import transfer as transfer_api
from dms_suite.dms_stock import transfer
from dms_suite.dms_stock.transfer import (
	DuplicateItemError,
	InsufficientStockError,
	InvalidQuantityError,
	InvalidTransferStateError,
	NonStockItemError,
	OverReceiptError,
	SameSourceAndTargetError,
	WarehouseNotInUnitError,
)
from dms_suite.validation import InvalidArgumentError

from .test_attacks import call

ITEM = "DT-XFER-1"
SERVICE = "DT-XFER-SERVICE"
TRANSIT_N = "Goods In Transit - DTN"
TN1 = "TN1 Vehicles - DTN"
TN2 = "TN2 Vehicles - DTN"
TS1 = "TS1 Vehicles - DTS"


@pytest.fixture
def stock(org):
	"""10 of ITEM at 100 in TN1 Vehicles (a submitted Material Receipt); no active transfer workflow."""
	for code, is_stock in ((ITEM, 1), (SERVICE, 0)):
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_group": "All Item Groups",
					"stock_uom": "Nos",
					"is_stock_item": is_stock,
					"valuation_rate": 100,
				}
			).insert()
	receive_stock(TN1, 10, org.companies["north"])
	for workflow in frappe.get_all("Workflow", {"document_type": "Cross Region Transfer", "is_active": 1}):
		frappe.db.set_value("Workflow", workflow.name, "is_active", 0)
	frappe.cache.delete_value("workflow_Cross Region Transfer")
	frappe.clear_cache(doctype="Cross Region Transfer")
	return org


def receive_stock(warehouse, qty, company, rate=100):
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company,
			"items": [{"item_code": ITEM, "qty": qty, "basic_rate": rate, "t_warehouse": warehouse}],
		}
	).insert()
	entry.submit()
	return entry


def make_transfer(source="TN1", target="TN2", qty=6, item=ITEM, source_wh=TN1, target_wh=TN2, rows=None):
	return frappe.get_doc(
		{
			"doctype": "Cross Region Transfer",
			"source_unit": source,
			"source_warehouse": source_wh,
			"target_unit": target,
			"target_warehouse": target_wh,
			"items": rows or [{"item_code": item, "qty": qty}],
		}
	).insert()


def bin_qty(warehouse, item=ITEM):
	return flt(frappe.db.get_value("Bin", {"item_code": item, "warehouse": warehouse}, "actual_qty"))


def sle_qty(voucher_no, warehouse):
	return flt(
		frappe.db.sql(
			"""select sum(actual_qty) from `tabStock Ledger Entry`
			where voucher_no = %s and warehouse = %s and is_cancelled = 0""",
			(voucher_no, warehouse),
		)[0][0]
	)


def posted(doctype, transfer_name, step=None):
	filters = {"dms_transfer": transfer_name, "docstatus": 1}
	if step:
		filters["dms_transfer_step"] = step
	return frappe.get_all(doctype, filters, pluck="name")


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"fields, exc",
	[
		({"target": "TN1", "target_wh": TN1}, SameSourceAndTargetError),
		({"qty": 0}, InvalidQuantityError),
		({"qty": -2}, InvalidQuantityError),
		({"item": SERVICE}, NonStockItemError),
		({"source_wh": TS1}, WarehouseNotInUnitError),
		({"target_wh": TS1}, WarehouseNotInUnitError),
		({"rows": [{"item_code": ITEM, "qty": 1}, {"item_code": ITEM, "qty": 2}]}, DuplicateItemError),
		# what a REST body can carry: refused with the field's name, not a database error (HTTP 500)
		*(
			({"qty": value}, InvalidArgumentError)
			for value in ("NaN", "Infinity", "-Infinity", "1e400", "1e12")
		),
	],
)
def test_bad_input_is_refused_and_nothing_written(stock, fields, exc):
	before = frappe.db.count("Cross Region Transfer")
	with pytest.raises(exc):
		make_transfer(**fields)
	assert frappe.db.count("Cross Region Transfer") == before


@pytest.mark.parametrize(
	"arguments",
	[
		{"received": "{not json"},
		{"received": "[1, 2]"},
		{"received": '"all of it"'},
		{"received": "7"},
		{"received": json.dumps({ITEM: "NaN"})},
		{"received": json.dumps({ITEM: -1})},
		{"received": '{"X": 1e400}'},
		{"received": json.dumps({ITEM: 1}), "short": "{"},
	],
)
def test_receive_refuses_a_malformed_body_before_anything_is_read(stock, arguments):
	with pytest.raises(InvalidArgumentError):
		call("dms_suite.api.transfer.receive", name="no such transfer", **arguments)


def test_dispatch_refuses_a_malformed_date(stock):
	for value in ("not-a-date", "2026-02-30"):
		with pytest.raises(InvalidArgumentError, match="date"):
			call("dms_suite.api.transfer.dispatch", name="no such transfer", expected_arrival=value)


def test_draft_computes_mode_transit_valuation_and_totals(stock):
	same = make_transfer(qty=6)
	assert same.transfer_mode == "Same Company"
	assert same.transit_warehouse == TRANSIT_N
	assert same.items[0].valuation_rate == 100
	assert (same.total_qty, same.total_value) == (6, 600)
	inter = make_transfer(target="TS1", target_wh=TS1, qty=2)
	assert inter.transfer_mode == "Inter Company"
	assert inter.transit_warehouse == TRANSIT_N  # the source region's, in the source company


# --- reservation ---------------------------------------------------------------------------------


def test_approval_reserves_and_refuses_over_promise(stock):
	first = make_transfer(qty=7)
	first.submit()
	assert first.status == "Approved"

	second = make_transfer(qty=4)
	with pytest.raises(InsufficientStockError):
		second.submit()
	assert frappe.db.get_value("Cross Region Transfer", second.name, "docstatus") == 0

	third = make_transfer(qty=3)
	third.submit()
	assert third.status == "Approved"
	assert bin_qty(TN1) == 10  # reservation moves no stock


def test_a_cancelled_transfer_cannot_be_approved(stock):
	doc = make_transfer(qty=1)
	doc.submit()
	doc.cancel()
	doc.docstatus = 1
	with pytest.raises(frappe.ValidationError, match="cancelled"):
		doc.save()
	assert frappe.db.get_value("Cross Region Transfer", doc.name, "status") == "Cancelled"


def test_cancel_releases_reservation_only_before_dispatch(stock):
	first = make_transfer(qty=10)
	first.submit()
	first.cancel()
	assert frappe.db.get_value("Cross Region Transfer", first.name, "status") == "Cancelled"
	again = make_transfer(qty=10)
	again.submit()  # the cancelled one no longer holds the stock

	transfer.dispatch(again)
	again.reload()
	with pytest.raises(InvalidTransferStateError):
		again.cancel()


# --- same company ----------------------------------------------------------------------------------


def test_same_company_dispatch_partial_receipts_and_short(stock):
	doc = make_transfer(qty=6)
	doc.submit()

	with pytest.raises(InvalidTransferStateError):
		transfer.receive(doc, {ITEM: 1})  # nothing in transit yet

	doc = transfer.dispatch(doc, carrier="Road Co", tracking_no="TRK-1")
	assert doc.status == "In Transit"
	assert doc.dispatched_on and doc.expected_arrival and doc.carrier == "Road Co"
	assert (bin_qty(TN1), bin_qty(TRANSIT_N)) == (4, 6)
	(dispatch_entry,) = posted("Stock Entry", doc.name, "dispatch")
	assert frappe.db.get_value("Stock Entry", dispatch_entry, "add_to_transit") == 1
	assert sle_qty(dispatch_entry, TN1) == -6 and sle_qty(dispatch_entry, TRANSIT_N) == 6

	# dispatching again (a retry, or a stale copy) posts nothing new
	transfer.dispatch(frappe.get_doc("Cross Region Transfer", doc.name))
	assert posted("Stock Entry", doc.name, "dispatch") == [dispatch_entry]

	doc = transfer.receive(doc, {ITEM: 3})
	assert doc.status == "Partially Received"
	assert (bin_qty(TRANSIT_N), bin_qty(TN2)) == (3, 3)
	(receipt,) = posted("Stock Entry", doc.name, "receipt-1")
	assert frappe.db.get_value("Stock Entry", receipt, "outgoing_stock_entry") == dispatch_entry
	assert sle_qty(receipt, TN2) == 3

	with pytest.raises(OverReceiptError):
		transfer.receive(doc, {ITEM: 3}, short={ITEM: 1})

	doc = transfer.receive(doc, {ITEM: 2}, short={ITEM: 1})
	assert doc.status == "Received" and doc.received_on
	assert (doc.items[0].received_qty, doc.items[0].short_qty) == (5, 1)
	assert (bin_qty(TN1), bin_qty(TRANSIT_N), bin_qty(TN2)) == (4, 0, 5)
	(settlement,) = posted("Stock Entry", doc.name, "settlement-2")
	assert frappe.db.get_value("Stock Entry", settlement, "stock_entry_type") == "Material Issue"
	assert f"{ITEM}: 1 short" in frappe.db.get_value("Stock Entry", settlement, "remarks")
	assert sle_qty(settlement, TRANSIT_N) == -1
	# the short unit's value is expensed in the ledger, not lost
	assert frappe.db.sql(
		"select sum(debit) from `tabGL Entry` where voucher_no = %s and is_cancelled = 0", settlement
	)[0][0] == pytest.approx(100)
	assert len(posted("Stock Entry", doc.name)) == 4
	assert [d.step for d in doc.documents] == ["dispatch", "receipt-1", "receipt-2", "settlement-2"]

	# what the steps wrote is what is stored, with a Version per step for the audit trail
	stored = frappe.get_doc("Cross Region Transfer", doc.name)
	assert (stored.status, stored.carrier, stored.tracking_no) == ("Received", "Road Co", "TRK-1")
	assert (stored.items[0].dispatched_qty, stored.items[0].received_qty, stored.items[0].short_qty) == (
		6,
		5,
		1,
	)
	assert [(d.step, d.docstatus) for d in stored.documents] == [
		(step, 1) for step in ("dispatch", "receipt-1", "receipt-2", "settlement-2")
	]
	assert str(stored.modified) == str(doc.modified)
	trail = [
		json.loads(data)
		for data in frappe.get_all(
			"Version",
			{"ref_doctype": "Cross Region Transfer", "docname": doc.name},
			pluck="data",
			order_by="creation",
		)
	]
	states = [new for change in trail for field, _old, new in change.get("changed", []) if field == "status"]
	assert states[-3:] == ["In Transit", "Partially Received", "Received"]
	assert sum(len(change.get("added", [])) for change in trail) == 4  # the four posted documents


def test_retried_receipt_reuses_the_posted_document(stock):
	doc = make_transfer(qty=4)
	doc.submit()
	doc = transfer.dispatch(doc)
	# a first attempt posted the receipt but did not get to record it on the transfer
	transfer.make_receipt_entry(doc, {ITEM: 2}, "receipt-1")

	doc = transfer.receive(doc, {ITEM: 2})
	assert len(posted("Stock Entry", doc.name, "receipt-1")) == 1
	assert (bin_qty(TRANSIT_N), bin_qty(TN2)) == (2, 2)
	assert doc.items[0].received_qty == 2


def test_a_resent_receipt_posts_once(stock):
	"""The same request sent again (its key) returns the first result; a new key is the next receipt."""
	doc = make_transfer(qty=4)
	doc.submit()
	doc = transfer.dispatch(doc)
	body = {"name": doc.name, "received": json.dumps({ITEM: 1}), "short": json.dumps({ITEM: 1})}
	first = call("dms_suite.api.transfer.receive", **body, request_key="dt-key-1")
	again = call("dms_suite.api.transfer.receive", **body, request_key="dt-key-1")
	assert [row["received_qty"] for row in again["items"]] == [1]
	assert [row["name"] for row in again["documents"]] == [row["name"] for row in first["documents"]]
	assert len(posted("Stock Entry", doc.name)) == 3  # dispatch, receipt-1, settlement-1
	assert (bin_qty(TRANSIT_N), bin_qty(TN2)) == (2, 1)
	keys = frappe.get_all(
		"DMS Transfer Document", {"parent": doc.name, "step": ("!=", "dispatch")}, pluck="request_key"
	)
	assert keys == ["dt-key-1", "dt-key-1"]

	call(
		"dms_suite.api.transfer.receive",
		name=doc.name,
		received=json.dumps({ITEM: 1}),
		request_key="dt-key-2",
	)
	assert (bin_qty(TRANSIT_N), bin_qty(TN2)) == (1, 2)
	with pytest.raises(InvalidArgumentError):
		call("dms_suite.api.transfer.receive", name=doc.name, received="{}", request_key="k" * 141)


# --- inter company -----------------------------------------------------------------------------------


def test_inter_company_through_internal_parties_at_valuation(stock):
	doc = make_transfer(target="TS1", target_wh=TS1, qty=4)
	doc.submit()
	doc = transfer.dispatch(doc)
	assert (bin_qty(TN1), bin_qty(TRANSIT_N)) == (6, 4)

	doc = transfer.receive(doc, {ITEM: 1})
	doc = transfer.receive(doc, {ITEM: 3})
	assert doc.status == "Received"
	assert (bin_qty(TRANSIT_N), bin_qty(TS1)) == (0, 4)

	customers = frappe.get_all("Customer", {"is_internal_customer": 1, "represents_company": "DT South"})
	suppliers = frappe.get_all("Supplier", {"is_internal_supplier": 1, "represents_company": "DT North"})
	assert len(customers) == len(suppliers) == 1

	notes = posted("Delivery Note", doc.name)
	receipts = posted("Purchase Receipt", doc.name)
	assert len(notes) == len(receipts) == 2
	assert {frappe.db.get_value("Delivery Note", n, "company") for n in notes} == {"DT North"}
	assert {frappe.db.get_value("Purchase Receipt", r, "company") for r in receipts} == {"DT South"}

	def gl(vouchers, account_type):
		return frappe.db.sql(
			"""select gle.company, sum(gle.debit), sum(gle.credit)
			from `tabGL Entry` gle join `tabAccount` account on account.name = gle.account
			where gle.voucher_no in %s and gle.is_cancelled = 0 and account.account_type = %s
			group by gle.company""",
			(tuple(vouchers), account_type),
		)

	# source company: stock leaves at valuation (Cr Stock, Dr Cost of Goods Sold)
	assert gl(notes, "Stock") == (("DT North", 0, 400),)
	assert gl(notes, "Cost of Goods Sold") == (("DT North", 400, 0),)
	# target company: stock arrives at the same valuation
	assert gl(receipts, "Stock") == (("DT South", 400, 0),)
	assert sle_qty(receipts[0], TS1) + sle_qty(receipts[1], TS1) == 4


# --- API permissions ---------------------------------------------------------------------------------


def test_api_dispatch_needs_the_source_unit_and_receive_the_target(stock):
	doc = make_transfer(qty=2)
	doc.submit()
	frappe.set_user(stock.users["two_stores"])  # TN2 (the target) and TS1, not TN1
	with pytest.raises(frappe.PermissionError):
		transfer_api.dispatch(doc.name)
	frappe.set_user(stock.users["tn1_user"])
	assert transfer_api.dispatch(doc.name, carrier="X")["status"] == "In Transit"
	with pytest.raises(frappe.PermissionError):
		transfer_api.receive(doc.name, {ITEM: 2})
	frappe.set_user(stock.users["two_stores"])
	frappe.session.sid, frappe.session.data.csrf_token = "a-session-id", "a-token"
	assert transfer_api.receive(doc.name, '{"DT-XFER-1": 2}')["status"] == "Received"
	# ERPNext's mapper ran as Administrator inside; the user's HTTP session came back untouched
	assert (frappe.session.user, frappe.session.sid, frappe.session.data.csrf_token) == (
		stock.users["two_stores"],
		"a-session-id",
		"a-token",
	)
	assert (
		frappe.get_doc("Stock Entry", posted("Stock Entry", doc.name, "receipt-1")[0]).owner
		== (stock.users["two_stores"])
	)


# --- serial numbers (vehicles) ----------------------------------------------------------------------


def test_serial_numbers_follow_the_vehicles(stock):
	vin_item = "DT-XFER-VIN"
	if not frappe.db.exists("Item", vin_item):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": vin_item,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_serial_no": 1,
				"valuation_rate": 1000,
			}
		).insert()
	vins = ["DTVIN-0001", "DTVIN-0002", "DTVIN-0003"]
	frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": stock.companies["north"],
			"items": [
				{
					"item_code": vin_item,
					"qty": 3,
					"basic_rate": 1000,
					"t_warehouse": TN1,
					"use_serial_batch_fields": 1,
					"serial_no": "\n".join(vins),
				}
			],
		}
	).insert().submit()

	doc = make_transfer(rows=[{"item_code": vin_item, "qty": 2, "serial_no": "\n".join(vins[:2])}])
	doc.submit()
	doc = transfer.dispatch(doc)
	assert {frappe.db.get_value("Serial No", vin, "warehouse") for vin in vins[:2]} == {TRANSIT_N}
	doc = transfer.receive(doc, {vin_item: 1})
	assert frappe.db.get_value("Serial No", vins[0], "warehouse") == TN2
	assert frappe.db.get_value("Serial No", vins[1], "warehouse") == TRANSIT_N
	doc = transfer.receive(doc, {vin_item: 1})
	assert doc.status == "Received"
	assert frappe.db.get_value("Serial No", vins[1], "warehouse") == TN2
	assert frappe.db.get_value("Serial No", vins[2], "warehouse") == TN1
