"""Quotation approvals by discount and amount, against the store's inherited policies, through the
Workflow shipped in dms_suite/workflows/quotation_approval.json; orders only from approved prices.

The route of a quotation is computed on every save from its discount and amount:

- discount % = what the customer is given off the price list: list value (qty x price list rate, or
  the rate where an item has no list price) against the net value after every discount;
- above the store's ``max_discount_percent``, or above the campaign's bound when the quotation
  names a campaign (dms_suite/dms_sales/campaigns.py), nobody may approve it: refused on save;
- approval level 0 (none), 1 store manager (above ``discount_approval_limit``), 2 region manager
  (above ``region_discount_limit``, or grand total above ``region_approval_amount``), 3 HQ (above
  ``hq_discount_limit``); each level approves in turn (store, then region, then HQ);
- above ``dual_approval_amount`` finance (DMS Accountant) and sales (Sales Manager) must both agree
  after the chain, in either order (two states, one per missing side), and not the same person.
  An amount policy of 0 is off. A discount within a campaign's offer needs no discount approval:
  HQ set the offer and the region its variant.

Every state change is checked here as well as by the Workflow: the approver has the quotation's org
unit in scope and is not its requester.
"""

from pathlib import Path

import frappe
from frappe import _
from frappe.model.workflow import get_workflow_name
from frappe.utils import flt

from dms_suite.dms_org.policy import get_effective_policy
from dms_suite.dms_sales.campaigns import campaign_discount_bound
from dms_suite.permissions import get_user_units

WORKFLOW_FILE = Path(__file__).parent.parent / "workflows" / "quotation_approval.json"
WORKFLOW_NAME = "DMS Quotation Approval"

DRAFT = "Draft"
PENDING_STORE = "Pending Store Approval"
PENDING_REGION = "Pending Region Approval"
PENDING_HQ = "Pending HQ Approval"
PENDING_BOTH = "Pending Sales and Finance Approval"
PENDING_FINANCE = "Pending Finance Approval"
PENDING_SALES = "Pending Sales Approval"
APPROVED = "Approved"
REJECTED = "Rejected"
PENDING_STATES = (PENDING_STORE, PENDING_REGION, PENDING_HQ, PENDING_BOTH, PENDING_FINANCE, PENDING_SALES)
LEVEL_STATES = (PENDING_STORE, PENDING_REGION, PENDING_HQ)
FINANCE_ROLE = "DMS Accountant"
SALES_ROLE = "Sales Manager"

CUSTOM_FIELDS = {
	"Quotation": [
		{
			"fieldname": "dms_approval_section",
			"fieldtype": "Section Break",
			"label": "Approval",
			"insert_after": "dms_org_unit",
			"collapsible": 1,
		},
		{
			"fieldname": "dms_discount_percent",
			"fieldtype": "Percent",
			"label": "Discount off List Price",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "dms_approval_section",
		},
		{
			"fieldname": "dms_approval_level",
			"fieldtype": "Int",
			"label": "Approval Level",
			"description": "0 none, 1 store manager, 2 region manager, 3 HQ (from the store's policies).",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "dms_discount_percent",
		},
		{
			"fieldname": "dms_needs_dual_approval",
			"fieldtype": "Check",
			"label": "Needs Finance and Sales Approval",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "dms_approval_level",
		},
		{
			"fieldname": "dms_approval_column",
			"fieldtype": "Column Break",
			"insert_after": "dms_needs_dual_approval",
		},
		{
			"fieldname": "dms_sales_approver",
			"fieldtype": "Link",
			"options": "User",
			"label": "Approved for Sales by",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "dms_approval_column",
		},
		{
			"fieldname": "dms_finance_approver",
			"fieldtype": "Link",
			"options": "User",
			"label": "Approved for Finance by",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": "dms_sales_approver",
		},
	],
}


class DiscountBeyondBoundError(frappe.ValidationError):
	pass


class QuotationSelfApprovalError(frappe.ValidationError):
	pass


class QuotationApprovalRouteError(frappe.ValidationError):
	pass


class UnapprovedOrderError(frappe.ValidationError):
	pass


# finance approves quotations without being a sales user: it reads, saves (the workflow's step) and
# submits (the last approval) them; ERPNext gives Quotation to sales roles only
FINANCE_PERMISSIONS = ("read", "write", "submit")


def configure() -> None:
	from dms_suite.dms_stock.approval import install_workflow

	add_finance_permissions()
	install_workflow(WORKFLOW_FILE)


def add_finance_permissions() -> None:
	from frappe.permissions import add_permission, update_permission_property

	if not frappe.db.exists("Custom DocPerm", {"parent": "Quotation", "role": FINANCE_ROLE, "permlevel": 0}):
		add_permission("Quotation", FINANCE_ROLE, 0)
	for ptype in FINANCE_PERMISSIONS:
		update_permission_property("Quotation", FINANCE_ROLE, 0, ptype, 1, validate=False)
	frappe.clear_cache(doctype="Quotation")


def before_uninstall() -> None:
	if frappe.db.exists("Workflow", WORKFLOW_NAME):
		frappe.delete_doc("Workflow", WORKFLOW_NAME, ignore_permissions=True, force=True)
	frappe.db.delete("Custom DocPerm", {"parent": "Quotation", "role": FINANCE_ROLE})
	frappe.clear_cache(doctype="Quotation")


# ---------------------------------------------------------------------------------------------------
# The route


def discount_percent(doc) -> float:
	"""Discount off the list price, in %, over all rows and the document's own discount."""
	listed = sum(flt(row.qty) * (flt(row.price_list_rate) or flt(row.rate)) for row in doc.items)
	if listed <= 0:
		return 0.0
	net = flt(doc.total) - flt(doc.discount_amount)
	return max(0.0, round((listed - net) / listed * 100, 2))


def approval_route(doc, discount: float, campaign_bound: float | None) -> tuple[int, bool]:
	"""(level, needs dual approval) of a quotation, by its store's effective policies."""
	policy = get_effective_policy(doc.dms_org_unit)
	amount = flt(doc.base_grand_total)
	counted = 0.0 if campaign_bound is not None else discount  # a campaign's offer is approved already
	level = 0
	if counted > flt(policy["discount_approval_limit"]):
		level = 1
	if counted > flt(policy["region_discount_limit"]) or (
		flt(policy["region_approval_amount"]) and amount > flt(policy["region_approval_amount"])
	):
		level = 2
	if counted > flt(policy["hq_discount_limit"]):
		level = 3
	dual = bool(flt(policy["dual_approval_amount"]) and amount > flt(policy["dual_approval_amount"]))
	return level, dual


def check_discount_bounds(doc, discount: float, campaign_bound: float | None) -> None:
	if campaign_bound is not None and discount > flt(campaign_bound) + 0.005:
		frappe.throw(
			_("Quotation {0} gives {1}% off: campaign {2} allows at most {3}% in this region.").format(
				frappe.bold(doc.name), discount, frappe.bold(doc.campaign), flt(campaign_bound)
			),
			DiscountBeyondBoundError,
			title=_("Discount Beyond the Campaign"),
		)
	maximum = flt(get_effective_policy(doc.dms_org_unit)["max_discount_percent"])
	if discount > maximum + 0.005:
		frappe.throw(
			_("Quotation {0} gives {1}% off: {2} allows at most {3}%, whoever approves.").format(
				frappe.bold(doc.name), discount, frappe.bold(doc.dms_org_unit), maximum
			),
			DiscountBeyondBoundError,
			title=_("Discount Beyond the Policy"),
		)


# ---------------------------------------------------------------------------------------------------
# doc_events of Quotation and Sales Order


def validate_quotation(doc, method=None) -> None:
	"""doc_events ``validate`` of Quotation (after its org unit is set): bounds, route, state change."""
	if not doc.dms_org_unit:
		return
	if doc.docstatus == 0:
		discount = discount_percent(doc)
		bound = campaign_discount_bound(doc)
		check_discount_bounds(doc, discount, bound)
		level, dual = approval_route(doc, discount, bound)
		doc.dms_discount_percent, doc.dms_approval_level, doc.dms_needs_dual_approval = discount, level, dual
	check_state_change(doc)


def check_state_change(doc) -> None:
	"""The acting user may take this step: an approver in scope, not the requester; the route holds."""
	if not get_workflow_name("Quotation"):
		return
	before = doc.get_doc_before_save()
	previous = (before.workflow_state or DRAFT) if before else DRAFT
	state = doc.workflow_state or DRAFT
	if previous == state or previous not in PENDING_STATES or bypasses_checks():
		if state == DRAFT and previous == REJECTED:
			doc.dms_sales_approver = doc.dms_finance_approver = None  # a revised quotation starts again
		return

	user = frappe.session.user
	units = get_user_units(user)
	if units is not None and doc.dms_org_unit not in units:  # approving or rejecting
		frappe.throw(
			_("You may not decide on quotation {0}: {1} is outside your org units").format(
				frappe.bold(doc.name), frappe.bold(doc.dms_org_unit)
			),
			frappe.PermissionError,
		)
	if state == REJECTED:  # any approver of the step may reject, the requester may withdraw
		return
	if user == doc.owner:
		frappe.throw(
			_("You prepared quotation {0}: another approver must decide on it").format(frappe.bold(doc.name)),
			QuotationSelfApprovalError,
			title=_("Self Approval"),
		)
	expected = next_states(doc, previous)
	if state not in expected:
		frappe.throw(
			_("Quotation {0} needs {1} next, not {2}").format(
				frappe.bold(doc.name), " / ".join(_(s) for s in expected), frappe.bold(_(state))
			),
			QuotationApprovalRouteError,
		)
	if previous in (PENDING_BOTH, PENDING_FINANCE, PENDING_SALES):
		record_side(doc, previous, state, user)


def next_states(doc, state: str) -> tuple[str, ...]:
	"""Where an approval in ``state`` may lead by the quotation's route (approval, not rejection)."""
	level, dual = int(doc.dms_approval_level or 0), bool(doc.dms_needs_dual_approval)
	after_chain = PENDING_BOTH if dual else APPROVED
	if state in LEVEL_STATES:
		position = LEVEL_STATES.index(state) + 1
		return (LEVEL_STATES[position],) if level > position else (after_chain,)
	if state == PENDING_BOTH:
		return (PENDING_FINANCE, PENDING_SALES)
	return (APPROVED,)


def record_side(doc, previous: str, state: str, user: str) -> None:
	"""Finance and sales: who approved which side; one person cannot be both."""
	sales_side = (previous, state) in ((PENDING_BOTH, PENDING_FINANCE), (PENDING_SALES, APPROVED))
	if sales_side:
		doc.dms_sales_approver = user
	else:
		doc.dms_finance_approver = user
	if doc.dms_sales_approver and doc.dms_sales_approver == doc.dms_finance_approver:
		frappe.throw(
			_("{0} approved quotation {1} for sales already: finance needs another person").format(
				frappe.bold(user), frappe.bold(doc.name)
			),
			QuotationSelfApprovalError,
			title=_("Two Approvers Needed"),
		)


def bypasses_checks() -> bool:
	return frappe.session.user == "Administrator" or bool(frappe.flags.in_install or frappe.flags.in_migrate)


def validate_sales_order(doc, method=None) -> None:
	"""doc_events ``validate`` of Sales Order: a discount that would need approval on a quotation
	comes only from an approved (submitted) quotation; an order cannot go round the chain."""
	if doc.docstatus != 0 or not doc.dms_org_unit or not get_workflow_name("Quotation"):
		return
	discount = discount_percent(doc)
	bound = campaign_discount_bound(doc)
	check_discount_bounds(doc, discount, bound)
	level, dual = approval_route(doc, discount, bound)
	if not (level or dual):
		return
	quotations = {row.prevdoc_docname for row in doc.items if row.get("prevdoc_docname")}
	approved = dict(
		frappe.get_all(
			"Quotation",
			filters={"name": ("in", list(quotations) or [""]), "docstatus": 1},
			fields=["name", "dms_discount_percent"],
			as_list=True,
		)
	)
	if (
		not quotations
		or quotations - set(approved)
		or any(not row.get("prevdoc_docname") for row in doc.items)
		or discount > max(flt(d) for d in approved.values()) + 0.005  # more than was approved
	):
		frappe.throw(
			_(
				"Sales Order {0} gives {1}% off: an order with a discount that needs approval must come from an approved quotation."
			).format(frappe.bold(doc.name), discount),
			UnapprovedOrderError,
			title=_("Approval Needed"),
		)
