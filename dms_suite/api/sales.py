"""Whitelisted methods of dealer-group sales. Each checks permission before it acts."""

import frappe
from frappe import _

from dms_suite.api.guests import limit_by_address
from dms_suite.dms_sales import contracts, handover
from dms_suite.dms_sales.leads import FEED_CHANNELS, intake_lead
from dms_suite.permissions import get_user_units


@frappe.whitelist(methods=["POST"])
def receive_lead(
	store: str,
	channel: str,
	first_name: str | None = None,
	last_name: str | None = None,
	company_name: str | None = None,
	mobile_no: str | None = None,
	phone: str | None = None,
	email_id: str | None = None,
	dms_tax_id: str | None = None,
	dms_interest_item: str | None = None,
	city: str | None = None,
	country: str | None = None,
	campaign_name: str | None = None,
	notes: str | None = None,
) -> dict:
	"""A lead from a feed (manufacturer, website, call centre) for ``store``.

	The caller (an integration user, by API key) needs the right to create leads and the store in
	its org scope. A duplicate of any lead or customer of the group is not created again: the
	enquiry is recorded on the existing record, whose name is returned, so a retried call is safe.
	"""
	frappe.has_permission("Lead", "create", throw=True)
	units = get_user_units()
	if units is not None and store not in units:
		frappe.throw(
			_("Store {0} is outside your org units").format(frappe.bold(store)), frappe.PermissionError
		)
	if channel not in FEED_CHANNELS:
		frappe.throw(
			_("Channel of a feed must be one of {0}").format(", ".join(FEED_CHANNELS)),
			frappe.ValidationError,
		)
	values = {key: value for key, value in locals().items() if key not in ("store", "channel", "units")}
	return intake_lead(values, channel, store)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@limit_by_address(limit=20, seconds=60 * 60)
def submit_enquiry(
	store: str,
	first_name: str,
	last_name: str | None = None,
	mobile_no: str | None = None,
	email_id: str | None = None,
	dms_interest_item: str | None = None,
	notes: str | None = None,
) -> dict:
	"""The portal enquiry page (/enquiry): anyone may ask; the answer never says whether the person
	was already known (that would leak the customer base)."""
	values = {key: value for key, value in locals().items() if key != "store"}
	intake_lead(values, "Portal", store)
	return {"message": _("Thank you. Your dealer will contact you shortly.")}


@frappe.whitelist(methods=["POST"])
def make_contract(document_type: str, document_name: str, template: str) -> str:
	"""A draft Contract for an approved quotation or an order, from a clause template; returns its name."""
	frappe.has_permission("Contract", "create", throw=True)
	contracts.check_document_type(document_type)  # before Frappe's check, which needs a doctype
	frappe.has_permission(document_type, "read", document_name, throw=True)
	return contracts.make_contract(document_type, document_name, template).name


@frappe.whitelist()
def get_contract_history(contract: str) -> list[dict]:
	"""Every version of a contract, first to last."""
	frappe.has_permission("Contract", "read", contract, throw=True)
	return contracts.contract_history(contract)


@frappe.whitelist(methods=["POST"])
def request_customer_access(
	lookup_type: str, lookup_value: str, reason: str, requesting_unit: str | None = None
) -> dict:
	"""Ask to serve a customer the store cannot see, found by exact phone or VIN. The answer is the
	same whether the group knows the customer or not (dms_suite/dms_sales/handover.py)."""
	return handover.request_access(lookup_type, lookup_value, reason, requesting_unit)


@frappe.whitelist(methods=["POST"])
def decide_customer_access(request: str, approve: bool, note: str | None = None) -> dict:
	"""A manager of the store that owns the customer grants or refuses a pending request."""
	return handover.decide(request, frappe.utils.sbool(approve), note)
