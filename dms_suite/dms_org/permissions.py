"""How the org domain's records are narrowed (registered in hooks.py ``dms_permission_rules``).

- *DMS Org Unit*: a user sees the units of their subtree; a new unit is placed by its parent, and
  moving a unit needs the new parent in scope too (the tree fields themselves are the server's:
  dms_suite/dms_org/tree.py).
- *DMS Org Assignment*: by the unit assigned.
- The ERPNext transactions DMS staff work in: by the unit in their ``dms_org_unit`` field
  (dms_suite/dms_org/document_unit.py), a new one by the unit it will get on save.
- ERPNext masters and ledgers (Company, Warehouse, Cost Center, Bin, Stock Ledger Entry, GL Entry):
  by the User Permissions kept in step with the assignments (dms_suite/dms_org/user_permissions.py).
"""

import frappe

from dms_suite.dms_org.document_unit import ERPNEXT_TRANSACTION_DOCTYPES, place_new_document
from dms_suite.dms_org.user_permissions import ERPNEXT_LEDGER_DOCTYPES, ERPNEXT_MASTER_DOCTYPES
from dms_suite.permissions import WRITE_PTYPES, Rule, scope_condition, unit_rule, user_permission_rule


def rules() -> list[Rule]:
	return [
		Rule(
			"DMS Org Unit",
			condition=lambda user, units: scope_condition("`tabDMS Org Unit`.`name`", units),
			allows=org_unit_allows,
		),
		unit_rule("DMS Org Assignment", "org_unit"),
		*(unit_rule(doctype, place_new=place_new_document) for doctype in ERPNEXT_TRANSACTION_DOCTYPES),
		*(user_permission_rule(doctype) for doctype in ERPNEXT_MASTER_DOCTYPES + ERPNEXT_LEDGER_DOCTYPES),
	]


def org_unit_allows(doc, ptype: str | None, user: str, units: frozenset[str]) -> bool:
	parent = doc.get("parent_dms_org_unit") or ""
	stored = (
		None
		if doc.is_new()
		else frappe.db.get_value("DMS Org Unit", doc.name, ["name", "parent_dms_org_unit"])
	)
	if not stored:  # a new unit is placed by its parent
		return parent in units
	if doc.name not in units:
		return False
	if ptype in WRITE_PTYPES and parent != (stored[1] or ""):  # a move needs the new parent too
		return parent in units
	return True
