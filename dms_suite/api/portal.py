"""The customer service portal's API (pages in dms_suite/www/service/).

Every method first resolves the logged-in user's customers (dms_suite/dms_service/portal.py) and
answers another customer's unit, order or quotation exactly like a missing one.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime

from dms_suite.dms_service import portal

# the record on the quotation (stored once, whatever the customer's language)
ACCEPTED_ON_PORTAL = "Accepted by the customer on the portal"


@frappe.whitelist(methods=["POST"])
def book_appointment(dealer_unit: str, store: str, appointment: str, category: str, description: str) -> dict:
	"""Book a service for one of the customer's units. A double click returns the first booking."""
	from dms_suite.dms_service.orders import book_service

	customers = portal.portal_customers()
	customer = portal.own_unit(dealer_unit, customers)
	if not (description or "").strip():
		frappe.throw(_("Tell us what needs doing."), frappe.ValidationError, title=_("Missing Description"))
	when = get_datetime(appointment)
	# two clicks arriving together: the second waits for the first's booking, then finds it
	frappe.db.get_value("Dealer Unit", dealer_unit, "name", for_update=True)
	existing = frappe.db.get_value(
		"Service Order",
		{
			"dealer_unit": dealer_unit,
			"dms_org_unit": store,
			"appointment": when,
			"status": ("!=", "Cancelled"),
			"docstatus": ("<", 2),
		},
		["name", "status"],
		as_dict=True,
	)
	if existing:
		return existing
	order = book_service(
		customer,
		dealer_unit,
		store,
		when,
		[{"category": category, "description": description.strip()[:2000]}],
		via="Portal",
		ignore_permissions=True,  # the unit was checked to be the customer's
	)
	return {"name": order.name, "status": order.status}


@frappe.whitelist(methods=["GET", "POST"])
def get_service_status() -> list[dict]:
	"""Status of the customer's orders (the page polls this)."""
	return portal.status_of_orders(portal.portal_customers())


@frappe.whitelist(methods=["POST"])
def rate_service(order: str, rating: int, comment: str | None = None) -> dict:
	"""Rate one of the customer's finished services (1 to 5, once)."""
	from dms_suite.dms_service import quality

	portal.own_order(order, portal.portal_customers())
	quality.rate_service(order, rating, comment, ignore_permissions=True)
	return {"name": order, "rating": frappe.db.get_value("Service Order", order, "rating")}


@frappe.whitelist(methods=["POST"])
def accept_quotation(quotation: str) -> dict:
	"""The customer accepts an open quotation: recorded on it (once) for the salesperson."""
	customers = portal.portal_customers()
	row = frappe.db.get_value(
		"Quotation",
		quotation,
		["party_name", "quotation_to", "docstatus", "status"],
		as_dict=True,
		for_update=True,  # two clicks at once record one acceptance
	)
	if not row or row.quotation_to != "Customer" or row.party_name not in customers or row.docstatus != 1:
		portal.not_found("Quotation", quotation)
	if row.status != "Open":
		frappe.throw(
			_("Quotation {0} is {1}; only an open quotation can be accepted.").format(
				frappe.bold(quotation), _(row.status)
			),
			frappe.ValidationError,
			title=_("Quotation Not Open"),
		)
	if not frappe.db.exists(
		"Comment",
		{"reference_doctype": "Quotation", "reference_name": quotation, "content": ACCEPTED_ON_PORTAL},
	):
		frappe.get_doc(
			{
				"doctype": "Comment",
				"comment_type": "Info",
				"reference_doctype": "Quotation",
				"reference_name": quotation,
				"content": ACCEPTED_ON_PORTAL,
				"comment_email": frappe.session.user,
			}
		).insert(ignore_permissions=True)
	return {"name": quotation, "accepted": True}
