"""ERPNext's helpers that hand a person's contact details to a form, masked for masked roles.

The fields are masked on the doctypes themselves (dms_suite/dms_sales/masking.py). These whitelisted
methods compute and return the same details outside any document, so they are wrapped: for a user
who may not read a customer's contact details (permission level 2 on Customer), phones and emails
come back empty and addresses are rendered without them.

- ``frappe.contacts.doctype.contact.contact.get_contact_details`` (a form's contact person);
- ``frappe.contacts.doctype.address.address.get_address_display`` (a form's address text);
- ``erpnext.accounts.party.get_party_details`` (what a sales form fills in when a customer is picked);
- ``frappe.model.mapper.make_mapped_doc`` and the mappers ERPNext's forms call through it or
  directly (*Create → Quotation* on a Customer or Lead): the new document comes back without the
  fields its user may not read, as Frappe's form load would show it.
"""

import json

import frappe
from frappe.contacts.doctype.address import address as frappe_address
from frappe.contacts.doctype.contact import contact as frappe_contact
from frappe.model import mapper as frappe_mapper

from erpnext.accounts import party as erpnext_party
from erpnext.crm.doctype.lead import lead as erpnext_lead
from erpnext.selling.doctype.customer import customer as erpnext_customer

from dms_suite.dms_sales.customers import SENSITIVE_PERMLEVEL
from dms_suite.permissions import get_user_units

CONTACT_KEYS = ("contact_mobile", "contact_email", "contact_phone", "mobile_no", "email_id", "phone")
ADDRESS_KEYS = (
	("customer_address", "address_display"),
	("shipping_address_name", "shipping_address"),
	("party_address", "address_display"),
)


def reads_contact_details() -> bool:
	return frappe.session.user == "Administrator" or SENSITIVE_PERMLEVEL in frappe.get_meta(
		"Customer"
	).get_permlevel_access("read")


def masked_address_display(address: str | None) -> str | None:
	"""An address rendered without its phone, fax and email."""
	if not address or not frappe.db.exists("Address", address):
		return None
	return render_without_contact(frappe.get_cached_doc("Address", address).as_dict())


def render_without_contact(values: dict) -> str | None:
	"""Frappe's address rendering of ``values`` without the phone, fax and email."""
	return frappe_address.render_address({**values, "phone": None, "fax": None, "email_id": None})


@frappe.whitelist()
def get_contact_details(contact: str) -> dict:
	details = frappe_contact.get_contact_details(contact)
	return details if reads_contact_details() else without_phones_and_emails(details)


def without_phones_and_emails(details: dict) -> dict:
	for key in CONTACT_KEYS:
		if key in details:
			details[key] = None
	return details


@frappe.whitelist()
def get_address_display(address_dict: dict | str | None) -> str | None:
	if reads_contact_details() or not address_dict:
		return frappe_address.get_address_display(address_dict)
	if isinstance(address_dict, str) and not address_dict.startswith("{"):
		frappe.get_cached_doc("Address", address_dict).check_permission()
		return masked_address_display(address_dict)
	values = address_dict
	if isinstance(address_dict, str):
		try:
			values = json.loads(address_dict)
		except ValueError:
			values = None
	if not isinstance(values, dict):
		frappe.throw(frappe._("An address is a name or a dictionary of its fields"), frappe.ValidationError)
	return render_without_contact(values)


@frappe.whitelist()
def get_party_details(
	party: str | None = None,
	account: str | None = None,
	party_type: str = "Customer",
	company: str | None = None,
	posting_date: str | None = None,
	bill_date: str | None = None,
	price_list: str | None = None,
	currency: str | None = None,
	doctype: str | None = None,
	ignore_permissions: bool = False,
	fetch_payment_terms_template: bool = True,
	party_address: str | None = None,
	company_address: str | None = None,
	shipping_address: str | None = None,
	dispatch_address: str | None = None,
	pos_profile: str | None = None,
) -> dict:
	details = erpnext_party.get_party_details(
		party=party,
		account=account,
		party_type=party_type,
		company=company,
		posting_date=posting_date,
		bill_date=bill_date,
		price_list=price_list,
		currency=currency,
		doctype=doctype,
		# the party's own permission check is not for a narrowed DMS user to switch off
		ignore_permissions=ignore_permissions and get_user_units() is None,
		fetch_payment_terms_template=fetch_payment_terms_template,
		party_address=party_address,
		company_address=company_address,
		shipping_address=shipping_address,
		dispatch_address=dispatch_address,
		pos_profile=pos_profile,
	)
	if reads_contact_details():
		return details
	without_phones_and_emails(details)
	for name_key, display_key in ADDRESS_KEYS:
		if display_key in details:
			details[display_key] = masked_address_display(details.get(name_key))
	return details


def readable(doc):
	"""A (new, unsaved) document without the fields its user may not read, as a form load gives it."""
	if doc is not None and hasattr(doc, "apply_fieldlevel_read_permissions"):
		doc.apply_fieldlevel_read_permissions()
	return doc


@frappe.whitelist()
def make_mapped_doc(
	method: str, source_name: str, selected_children: str | list | None = None, args: str | dict | None = None
):
	return readable(frappe_mapper.make_mapped_doc(method, source_name, selected_children, args))


@frappe.whitelist()
def make_quotation_from_customer(source_name: str, target_doc: str | dict | None = None):
	return readable(erpnext_customer.make_quotation(source_name, target_doc))


@frappe.whitelist()
def make_quotation_from_lead(source_name: str, target_doc: str | dict | None = None):
	return readable(erpnext_lead.make_quotation(source_name, target_doc))


@frappe.whitelist()
def make_opportunity_from_lead(source_name: str, target_doc: str | dict | None = None):
	return readable(erpnext_lead.make_opportunity(source_name, target_doc))
