"""How the service domain's records are narrowed (registered in hooks.py ``dms_permission_rules``).

- *Service Order*: by its store (``dms_org_unit``; dms_suite/dms_service/orders.py).
- *Dealer Unit* (a customer's vehicle or machine) is serviced wherever its owner goes in the group:
  it is as visible as its owner, and a write needs the stored owner visible too.
- *DMS Service Package*: visible to the units at and below the unit that defines it (the variants
  they may use) and to the units above it (who oversee it); written only by the defining unit's own.
"""

import frappe

from dms_suite.dms_org.document_unit import place_new_document
from dms_suite.permissions import (
	WRITE_PTYPES,
	Rule,
	record_condition,
	scope_condition,
	unit_rule,
	units_and_ancestors,
	visible_names,
)


def rules() -> list[Rule]:
	return [
		unit_rule("Service Order", place_new=place_new_document),
		Rule("Dealer Unit", condition=dealer_unit_condition, allows=dealer_unit_allows),
		Rule("DMS Service Package", condition=package_condition, allows=package_allows),
	]


def dealer_unit_condition(user: str, units: frozenset[str]) -> str:
	return (
		"`tabDealer Unit`.customer in (select `tabCustomer`.name from `tabCustomer`"
		f" where {record_condition('Customer', user, units)})"
	)


def dealer_unit_allows(doc, ptype: str | None, user: str, units: frozenset[str]) -> bool:
	customers = {doc.get("customer") or ""}
	if ptype in WRITE_PTYPES and not doc.is_new():
		customers.add(frappe.db.get_value("Dealer Unit", doc.name, "customer") or "")
	return visible_names("Customer", customers, user, units) == customers


def package_condition(user: str, units: frozenset[str]) -> str:
	return scope_condition("`tabDMS Service Package`.org_unit", units_and_ancestors(units))


def package_allows(doc, ptype: str | None, user: str, units: frozenset[str]) -> bool:
	"""Read: at, above or below the user's units. Write: the defining unit must be the user's own."""
	if ptype in WRITE_PTYPES:
		stored = None if doc.is_new() else frappe.db.get_value("DMS Service Package", doc.name, "org_unit")
		return doc.get("org_unit") in units and (stored is None or stored in units)
	return doc.get("org_unit") in units_and_ancestors(units)
