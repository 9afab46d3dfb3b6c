"""A customer's contact details are masked wherever ERPNext keeps a copy of them.

The group customer pool puts a customer's phone, email and identity numbers at permission level 2
(dms_suite/dms_sales/customers.py). ERPNext copies the same details into the customer's Contacts and
Addresses, the Lead it came from, and every quotation, order, delivery and invoice
(``contact_mobile``, ``contact_email``). Here the copies go to the same level, read (and written) by
the same roles, so the mask holds on every doctype the person's details live in, on every path
Frappe applies levels to: form, REST, ``frappe.client``, report view and export, link search
columns, and, through ``dms_suite.overrides.db_query``, filters and sorting.

A masked role still *enters* these details on a document it creates (a walk-in lead's phone, the
contact ERPNext makes for it): on insert the fields are kept (``before_insert``); afterwards they
cannot read them, and a save of theirs keeps the stored values (Frappe's own reset).

ERPNext's whitelisted helpers that hand the same details to a form (``get_contact_details``,
``get_address_display``, ``get_party_details``, the mappers behind *Create → Quotation*) are wrapped
in ``dms_suite.overrides.contact_details``.
"""

import frappe

from dms_suite.dms_sales.customers import (
	SENSITIVE_PERMLEVEL,
	SENSITIVE_READERS,
	SENSITIVE_WRITERS,
	add_sensitive_rules,
	remove_sensitive_rules,
	set_sensitive_level,
)

# the copies of a customer's details (fields that do not exist on this site are skipped)
CONTACT_FIELDS = ("contact_mobile", "contact_email", "contact_phone")
MASKED_COPIES: dict[str, tuple[str, ...]] = {
	"Contact": ("email_id", "phone", "mobile_no", "email_ids", "phone_nos"),
	# the rows themselves, for a list of them by parent (a child's levels are its parent's rules)
	"Contact Phone": ("phone",),
	"Contact Email": ("email_id",),
	"Address": ("phone", "fax", "email_id"),
	"Lead": (
		"email_id",
		"mobile_no",
		"phone",
		"whatsapp_no",
		"fax",
		"dms_tax_id",
		"dms_phone_key",
		"dms_email_key",
		"dms_tax_key",
	),
	"Opportunity": (*CONTACT_FIELDS, "phone"),
	"Quotation": CONTACT_FIELDS,
	"Sales Order": CONTACT_FIELDS,
	"Delivery Note": CONTACT_FIELDS,
	"Sales Invoice": CONTACT_FIELDS,
}


def masked_fields(doctype: str) -> tuple[str, ...]:
	meta = frappe.get_meta(doctype)
	return tuple(field for field in MASKED_COPIES.get(doctype, ()) if meta.has_field(field))


def configure() -> None:
	"""The copies to level 2, and level-2 rules for the roles that read a customer's details.

	Idempotent. Custom DocPerms replace a doctype's standard ones, so those are copied first
	(``setup_custom_perms``, what the Role Permission Manager does). A reader role gets a level-2 rule
	only on a doctype it (or an ERPNext role of its profile) can already read, with the level-0 rule
	Frappe wants beside it.
	"""
	from dms_suite.setup import ERPNEXT_ROLES

	for doctype in MASKED_COPIES:
		set_sensitive_level(doctype, MASKED_COPIES[doctype])
		meta = frappe.get_meta(doctype)
		if not meta.istable:  # a child table has no rules of its own
			# the rules in force (Frappe's meta holds the Custom DocPerms where there are any)
			level_zero = [rule for rule in meta.permissions if not rule.permlevel]
			rules = {}
			for role in SENSITIVE_READERS:
				through = {role, *ERPNEXT_ROLES.get(role, ()), "All"}
				if any(rule.role in through and rule.read for rule in level_zero):
					rules[role] = role in SENSITIVE_WRITERS and any(
						rule.role in through and rule.write for rule in level_zero
					)
			add_sensitive_rules(doctype, rules)
		frappe.clear_cache(doctype=doctype)


def before_uninstall() -> None:
	for doctype in MASKED_COPIES:
		frappe.db.delete(
			"Property Setter",
			{"doc_type": doctype, "field_name": ("in", MASKED_COPIES[doctype]), "property": "permlevel"},
		)
		remove_sensitive_rules(doctype)
		frappe.clear_cache(doctype=doctype)


def keep_entered_details(doc, method=None) -> None:
	"""doc_events ``before_insert``: what a masked role types into a new document is kept.

	Frappe resets fields at a level the user cannot write to their defaults on insert; the phone of a
	walk-in lead (and of the Contact ERPNext makes from it) would be lost.
	"""
	fields = masked_fields(doc.doctype)
	if fields:
		keep = list(doc.flags.get("ignore_permlevel_for_fields") or [])
		doc.flags.ignore_permlevel_for_fields = [*keep, *fields]
