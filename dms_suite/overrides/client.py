"""``frappe.client.get`` for child rows: the row is only as readable as its parent record.

Frappe checks a child table against its parent *doctype* only, so ``frappe.client.get("Stock Entry
Detail", filters={"parent": "<another store's entry>"}, parent="Stock Entry")`` would return another
store's row. Lists of child rows are narrowed by ``dms_suite.permissions.child_table_condition``.
"""

import frappe
import frappe.client


@frappe.whitelist()
def get(
	doctype: str, name: str | None = None, filters: str | dict | None = None, parent: str | None = None
) -> dict:
	result = frappe.client.get(doctype, name=name, filters=filters, parent=parent)
	if frappe.is_table(doctype) and result.get("parenttype") and result.get("parent"):
		frappe.has_permission(result["parenttype"], "read", result["parent"], throw=True)
	return result
