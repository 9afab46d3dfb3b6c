"""Quotation approvals (dms_suite/dms_sales/quotations.py and the shipped Workflow): the route by discount
and amount from the store's inherited policies, the chain store -> region -> HQ, finance and sales in
parallel, self approval, scope, bounds, and orders only from approved prices."""

import pytest

import frappe
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError, apply_workflow

from dms_suite.dms_sales import quotations
from dms_suite.dms_sales.quotations import (
	APPROVED,
	DRAFT,
	PENDING_BOTH,
	PENDING_FINANCE,
	PENDING_HQ,
	PENDING_REGION,
	PENDING_SALES,
	PENDING_STORE,
	REJECTED,
	DiscountBeyondBoundError,
	QuotationSelfApprovalError,
	UnapprovedOrderError,
)

from .factories import assign, make_user

ITEM = "DT-QUOTE-SUV"
PRICE_LIST = "DT Selling"
LIST_PRICE = 100_000


@pytest.fixture
def sales(org):
	"""Policies on the group (store limit 5%, region 10%, HQ 15%, maximum 30%), a priced model, a
	customer, and the people of the north: seller, store manager, accountant, and a southern manager."""
	quotations.configure()  # the workflow (a site where it was removed by a test gets it back)
	group = frappe.get_doc("DMS Org Unit", "TG")
	group.policies = [
		row
		for row in group.policies
		if row.policy not in ("discount_approval_limit", "region_discount_limit", "hq_discount_limit")
	]
	for policy, value in (
		("discount_approval_limit", 5),
		("region_discount_limit", 10),
		("hq_discount_limit", 15),
		("max_discount_percent", 30),
	):
		group.append("policies", {"policy": policy, "value": value})
	group.save()

	if not frappe.db.exists("Price List", PRICE_LIST):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": PRICE_LIST, "selling": 1, "currency": "CNY"}
		).insert()
	if not frappe.db.exists("Item", ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ITEM,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,  # approvals are about prices; stock is not needed here
			}
		).insert()
	if not frappe.db.exists("Item Price", {"item_code": ITEM, "price_list": PRICE_LIST}):
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": ITEM,
				"price_list": PRICE_LIST,
				"price_list_rate": LIST_PRICE,
			}
		).insert()
	people = frappe._dict(
		seller=make_user("dt.tn1.seller@example.com", "DMS Sales"),
		store=make_user("dt.tn1.manager@example.com", "DMS Store Manager"),
		region=org.users["north_manager"],
		hq=org.users["exec"],
		finance=make_user("dt.north.accountant@example.com", "DMS Accountant"),
		both=make_user("dt.north.both@example.com", "DMS Store Manager", "DMS Accountant"),
		south=make_user("dt.ts1.manager@example.com", "DMS Store Manager"),
	)
	for user, unit in (
		(people.seller, "TN1"),
		(people.store, "TN1"),
		(people.finance, "TN"),
		(people.both, "TN"),
		(people.south, "TS1"),
	):
		assign(user, unit)
	if not frappe.db.exists("Customer", "DT Quote Customer"):
		frappe.set_user(people.seller)  # the store's own customer
		frappe.get_doc({"doctype": "Customer", "customer_name": "DT Quote Customer"}).insert()
		frappe.set_user("Administrator")
	return frappe._dict(org=org, people=people)


def set_policy(unit, policy, value):
	doc = frappe.get_doc("DMS Org Unit", unit)
	doc.policies = [row for row in doc.policies if row.policy != policy]
	doc.append("policies", {"policy": policy, "value": value})
	doc.save()


def make_quotation(sales, discount=0.0, qty=1, user=None):
	frappe.set_user(user or sales.people.seller)
	try:
		return frappe.get_doc(
			{
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": "DT Quote Customer",
				"company": sales.org.companies["north"],
				"dms_org_unit": "TN1",
				"selling_price_list": PRICE_LIST,
				"currency": "CNY",
				"items": [{"item_code": ITEM, "qty": qty, "discount_percentage": discount}],
			}
		).insert()
	finally:
		frappe.set_user("Administrator")


def act(user, doc, action):
	frappe.set_user(user)
	try:
		apply_workflow(frappe.get_doc("Quotation", doc.name), action)
	finally:
		frappe.set_user("Administrator")
	return frappe.get_doc("Quotation", doc.name)


def test_route_by_discount(sales):
	for discount, level in ((0, 0), (5, 0), (8, 1), (12, 2), (20, 3)):
		doc = make_quotation(sales, discount)
		assert (doc.dms_discount_percent, doc.dms_approval_level) == (discount, level), discount


def test_no_approval_needed_submits_the_quotation(sales):
	doc = act(sales.people.seller, make_quotation(sales, 3), "Submit")
	assert (doc.workflow_state, doc.docstatus) == (APPROVED, 1)


def test_store_manager_approves_a_small_discount(sales):
	doc = act(sales.people.seller, make_quotation(sales, 8), "Submit for Approval")
	assert doc.workflow_state == PENDING_STORE
	doc = act(sales.people.store, doc, "Approve")
	assert (doc.workflow_state, doc.docstatus) == (APPROVED, 1)


def test_each_level_approves_in_turn_up_to_hq(sales):
	doc = act(sales.people.seller, make_quotation(sales, 20), "Submit for Approval")
	doc = act(sales.people.store, doc, "Approve")
	assert doc.workflow_state == PENDING_REGION
	with pytest.raises((WorkflowPermissionError, WorkflowTransitionError)):  # not the region's step
		act(sales.people.store, doc, "Approve")
	doc = act(sales.people.region, doc, "Approve")
	assert (doc.workflow_state, doc.docstatus) == (PENDING_HQ, 0)
	doc = act(sales.people.hq, doc, "Approve")
	assert (doc.workflow_state, doc.docstatus) == (APPROVED, 1)


def test_an_amount_above_the_region_limit_needs_the_region(sales):
	set_policy("TN", "region_approval_amount", 150_000)
	assert make_quotation(sales, 0, qty=1).dms_approval_level == 0
	assert make_quotation(sales, 0, qty=2).dms_approval_level == 2


def test_a_discount_beyond_the_policy_is_refused_and_nothing_written(sales):
	before = frappe.db.count("Quotation")
	with pytest.raises(DiscountBeyondBoundError):
		make_quotation(sales, 31)
	assert frappe.db.count("Quotation") == before
	set_policy("TN1", "max_discount_percent", 40)  # a store may be allowed more
	assert make_quotation(sales, 31).dms_approval_level == 3


def test_nobody_approves_their_own_quotation(sales):
	doc = make_quotation(sales, 8, user=sales.people.store)
	doc = act(sales.people.store, doc, "Submit for Approval")
	with pytest.raises(QuotationSelfApprovalError):
		act(sales.people.store, doc, "Approve")
	assert frappe.db.get_value("Quotation", doc.name, "workflow_state") == PENDING_STORE


def test_an_approver_outside_the_store_cannot_approve(sales):
	doc = act(sales.people.seller, make_quotation(sales, 8), "Submit for Approval")
	for action in ("Approve", "Reject"):
		with pytest.raises(frappe.PermissionError):
			act(sales.people.south, doc, action)
	assert frappe.db.get_value("Quotation", doc.name, "workflow_state") == PENDING_STORE
	# the check holds where Frappe's read check does not reach (a document handed over in memory)
	doc = frappe.get_doc("Quotation", doc.name)
	doc.load_doc_before_save()
	doc.workflow_state = APPROVED
	frappe.set_user(sales.people.south)
	try:
		with pytest.raises(frappe.PermissionError, match="outside your org units"):
			quotations.check_state_change(doc)
	finally:
		frappe.set_user("Administrator")


def test_finance_and_sales_approve_in_parallel_above_the_amount(sales):
	set_policy("TN", "dual_approval_amount", 50_000)
	doc = act(sales.people.seller, make_quotation(sales, 0), "Submit for Approval")
	assert doc.workflow_state == PENDING_BOTH
	# finance first this time
	doc = act(sales.people.finance, doc, "Approve as Finance")
	assert (doc.workflow_state, doc.dms_finance_approver) == (PENDING_SALES, sales.people.finance)
	doc = act(sales.people.store, doc, "Approve as Sales")
	assert (doc.workflow_state, doc.docstatus, doc.dms_sales_approver) == (APPROVED, 1, sales.people.store)

	# after the chain, and never one person for both sides
	other = act(sales.people.seller, make_quotation(sales, 8), "Submit for Approval")
	other = act(sales.people.store, other, "Approve")
	assert other.workflow_state == PENDING_BOTH
	other = act(sales.people.both, other, "Approve as Sales")
	assert other.workflow_state == PENDING_FINANCE
	with pytest.raises(QuotationSelfApprovalError):
		act(sales.people.both, other, "Approve as Finance")
	assert act(sales.people.finance, other, "Approve as Finance").workflow_state == APPROVED


def test_rejected_quotation_is_revised_and_starts_again(sales):
	doc = act(sales.people.seller, make_quotation(sales, 8), "Submit for Approval")
	doc = act(sales.people.store, doc, "Reject")
	assert (doc.workflow_state, doc.docstatus) == (REJECTED, 0)
	doc = act(sales.people.seller, doc, "Revise")
	assert doc.workflow_state == DRAFT


def test_orders_only_from_approved_prices(sales):
	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	def order(**fields):
		return frappe.get_doc(
			{
				"doctype": "Sales Order",
				"customer": "DT Quote Customer",
				"company": sales.org.companies["north"],
				"dms_org_unit": "TN1",
				"selling_price_list": PRICE_LIST,
				"currency": "CNY",
				"delivery_date": frappe.utils.add_days(None, 7),
				"items": [{"item_code": ITEM, "qty": 1, "discount_percentage": 12}],
				**fields,
			}
		)

	with pytest.raises(UnapprovedOrderError):  # round the chain
		order().insert()
	order(items=[{"item_code": ITEM, "qty": 1, "discount_percentage": 4}]).insert()  # no approval needed

	doc = act(sales.people.seller, make_quotation(sales, 12), "Submit for Approval")
	doc = act(sales.people.store, doc, "Approve")
	doc = act(sales.people.region, doc, "Approve")
	assert doc.docstatus == 1
	sales_order = make_sales_order(doc.name)
	sales_order.delivery_date = frappe.utils.add_days(None, 7)
	sales_order.dms_org_unit = "TN1"
	sales_order.insert()
	sales_order.items[0].discount_percentage = 14  # more than was approved
	sales_order.items[0].rate = 0
	with pytest.raises(UnapprovedOrderError):
		sales_order.save()
