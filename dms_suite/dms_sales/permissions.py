"""How the sales domain's records are narrowed (registered in hooks.py ``dms_permission_rules``).

- Campaign variants and tallies, follow-up plans: by their org unit. A customer access request by
  the asking store and the store that owns the customer (dms_suite/dms_sales/handover.py). A
  contract by the unit of the quotation or order it is for (dms_suite/dms_sales/contracts.py).
- *Customer*, the group customer pool (dms_suite/dms_sales/customers.py): one Customer serves the
  whole group. A DMS user sees a customer that one of their units owns (``dms_org_unit``) or has
  served (a row in its ``DMS Customer Unit`` table, kept on submit of quotations, orders, deliveries
  and invoices and on booking a service order), and every internal customer (a group company).
  ERPNext documents without a rule of their own that name a customer follow it (Rule.narrows_links).
- *Contact* and *Address* (Frappe lets every desk user read all of them: role "All"): only as
  visible as a customer or lead they are linked to; those linked to neither (a supplier's, a
  company's) are left to Frappe, whose own hooks for both still apply.
"""

import frappe

from dms_suite.dms_org.document_unit import place_new_document
from dms_suite.permissions import WRITE_PTYPES, Rule, record_condition, unit_rule, visible_names

PARTY_DOCTYPES = ("Contact", "Address")
PARTY_LINK_DOCTYPES = ("Customer", "Lead")


def rules() -> list[Rule]:
	return [
		unit_rule("DMS Campaign Variant", "org_unit"),
		unit_rule("DMS Campaign Tally", "org_unit"),
		unit_rule("DMS Follow-up Plan", "org_unit"),
		unit_rule("DMS Customer Access Request", "requesting_unit", "owning_unit"),
		unit_rule("Contract", place_new=place_new_document),
		Rule("Customer", condition=customer_condition, allows=customer_allows, narrows_links=True),
		*(party_rule(doctype) for doctype in PARTY_DOCTYPES),
	]


def customer_condition(user: str, units: frozenset[str]) -> str:
	table = "`tabCustomer`"
	if not units:
		return "1=0"
	values = ", ".join(frappe.db.escape(unit) for unit in sorted(units))
	return (
		f"({table}.`dms_org_unit` in ({values}) or {table}.`is_internal_customer` = 1"
		" or exists (select 1 from `tabDMS Customer Unit` served"
		f" where served.`org_unit` in ({values}) and served.`parent` = {table}.`name`"
		" and served.`parenttype` = 'Customer'))"
	)


def customer_allows(doc, ptype: str | None, user: str, units: frozenset[str]) -> bool:
	"""A new customer is checked against the unit it will be given (its creator's). A write is judged
	on the stored record (setting ``is_internal_customer`` does not open a customer), and moving the
	owning unit needs both the stored and the new unit in scope."""
	if doc.is_new():
		if doc.get("is_internal_customer"):
			return True
		from dms_suite.dms_sales.customers import default_owning_unit

		return (doc.get("dms_org_unit") or default_owning_unit(user)) in units
	unit, internal = doc.get("dms_org_unit"), doc.get("is_internal_customer")
	if ptype in WRITE_PTYPES:
		stored = (
			frappe.db.get_value("Customer", doc.name, ["dms_org_unit", "is_internal_customer"], as_dict=True)
			or frappe._dict()
		)
		if (unit or None) != (stored.dms_org_unit or None):
			return bool(stored.dms_org_unit in units and unit in units)
		internal = stored.is_internal_customer
	if internal or unit in units:
		return True
	return bool(
		frappe.db.exists(
			"DMS Customer Unit",
			{"parenttype": "Customer", "parent": doc.name, "org_unit": ("in", list(units))},
		)
	)


def party_rule(doctype: str) -> Rule:
	return Rule(
		doctype, condition=lambda user, units: party_condition(doctype, user, units), allows=party_allows
	)


def party_condition(doctype: str, user: str, units: frozenset[str]) -> str:
	doctype_sql = frappe.db.escape(doctype)
	link = (
		f"select 1 from `tabDynamic Link` link where link.parenttype = {doctype_sql}"
		f" and link.parent = `tab{doctype}`.name"
	)
	party_doctypes = ", ".join(frappe.db.escape(d) for d in PARTY_LINK_DOCTYPES)
	visible = [
		f"exists ({link} and link.link_doctype = {frappe.db.escape(party)} and link.link_name in"
		f" (select `tab{party}`.name from `tab{party}` where {record_condition(party, user, units)}))"
		for party in PARTY_LINK_DOCTYPES
	]
	return f"(not exists ({link} and link.link_doctype in ({party_doctypes})) or {' or '.join(visible)})"


def party_allows(doc, ptype: str | None, user: str, units: frozenset[str]) -> bool | None:
	parties = {
		party: {link.link_name for link in doc.get("links") or [] if link.link_doctype == party}
		for party in PARTY_LINK_DOCTYPES
	}
	if not any(parties.values()):
		return None
	return any(visible_names(party, names, user, units) for party, names in parties.items() if names)
