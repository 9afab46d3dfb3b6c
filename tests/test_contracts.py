"""Contracts from clause templates, versioned by amendment, and order tracking for sales."""

import pytest

import frappe

from dms_suite.api import sales as sales_api
from dms_suite.dms_sales.contracts import ContractDocumentError, make_contract
from dms_suite.dms_sales.report.dms_order_tracking import dms_order_tracking

from .test_quotations import ITEM, PRICE_LIST, act, make_quotation, sales

TEMPLATE = "DT Vehicle Sale"


@pytest.fixture
def approved(sales):  # noqa: F811 (the fixture imported above)
	if not frappe.db.exists("Contract Template", TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Contract Template",
				"title": TEMPLATE,
				"contract_terms": "<p>{{ party_name }} buys {{ items[0].qty }} x {{ items[0].item_code }}.</p>",
			}
		).insert()
	doc = act(sales.people.seller, make_quotation(sales, 8), "Submit for Approval")
	doc = act(sales.people.store, doc, "Approve")
	assert doc.docstatus == 1
	return frappe._dict(sales=sales, quotation=doc)


def test_contract_from_a_clause_template_and_its_versions(approved):
	store_manager = approved.sales.people.store
	frappe.set_user(store_manager)
	name = sales_api.make_contract("Quotation", approved.quotation.name, TEMPLATE)
	assert sales_api.make_contract("Quotation", approved.quotation.name, TEMPLATE) == name  # no second one
	contract = frappe.get_doc("Contract", name)
	assert "DT Quote Customer buys 1.0 x DT-QUOTE-SUV" in contract.contract_terms
	assert (contract.party_name, contract.dms_org_unit, contract.dms_version) == (
		"DT Quote Customer",
		"TN1",
		1,
	)

	contract.is_signed = 1
	contract.submit()
	contract.cancel()
	amended = frappe.copy_doc(contract)
	amended.amended_from, amended.docstatus = contract.name, 0  # what the desk's Amend does
	amended.contract_terms += "<p>Delivery in Beijing.</p>"
	amended.insert()
	assert (amended.name, amended.dms_version) == (f"{contract.name}-1", 2)
	history = sales_api.get_contract_history(amended.name)
	assert [(row.name, row.dms_version, row.docstatus) for row in history] == [
		(contract.name, 1, 2),
		(amended.name, 2, 0),
	]
	frappe.set_user("Administrator")


def test_contracts_are_isolated_with_their_document(approved):
	name = make_contract("Quotation", approved.quotation.name, TEMPLATE).name
	south = approved.sales.people.south
	assert not frappe.has_permission("Contract", "read", name, user=south)
	assert frappe.has_permission("Contract", "read", name, user=approved.sales.people.store)
	frappe.set_user(south)  # nor can the south make one on the north's quotation by hand
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "Contract",
				"party_type": "Customer",
				"party_name": "DT Quote Customer",
				"start_date": frappe.utils.nowdate(),
				"document_type": "Quotation",
				"document_name": approved.quotation.name,
			}
		).insert()
	frappe.set_user("Administrator")


def test_contract_only_for_quotations_and_orders(approved):
	with pytest.raises(ContractDocumentError):
		make_contract("Sales Invoice", "anything", TEMPLATE)


def test_order_tracking_shows_the_way_to_delivery(approved):
	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	order = make_sales_order(approved.quotation.name)
	order.delivery_date = frappe.utils.add_days(None, -3)  # promised three days ago
	order.transaction_date = frappe.utils.add_days(None, -10)
	order.dms_org_unit = "TN1"
	order.insert()
	order.submit()

	frappe.set_user(approved.sales.people.seller)
	_columns, rows = dms_order_tracking.execute({"open_only": 1})
	mine = {row.sales_order: row for row in rows}
	assert mine[order.name].status == "To Deliver and Bill"
	assert (mine[order.name].per_delivered, mine[order.name].days_late) == (0, 3)
	frappe.set_user(approved.sales.people.south)
	_columns, rows = dms_order_tracking.execute({"open_only": 1})
	assert order.name not in {row.sales_order for row in rows}  # another region's order
	frappe.set_user("Administrator")


@pytest.mark.parametrize("document_type", ["", "NaN", "User"])
def test_the_api_refuses_a_document_type_it_does_not_make_contracts_for(document_type):
	from .test_attacks import call

	with pytest.raises(ContractDocumentError):  # not Frappe's AttributeError on a blank doctype (a 500)
		call(
			"dms_suite.api.sales.make_contract", document_type=document_type, document_name="x", template="y"
		)
