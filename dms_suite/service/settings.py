"""*DMS Service Settings* (single): group-wide after-sales settings, with sensible defaults made on
install: the labour service item invoices bill hours under, a QC checklist, complaint categories."""

import frappe

LABOUR_ITEM = "SVC-LABOUR"
DEFAULT_QC_CHECKS = (
	"Road test / function test",
	"Work complete as ordered",
	"Fluids and torque checked",
	"Unit clean, no new damage",
)
DEFAULT_CATEGORIES = ("Engine", "Brakes", "Electrical", "Hydraulics", "Maintenance", "Body")


def after_install() -> None:
	"""Idempotent: fills only what is empty or missing."""
	if not frappe.db.exists("Item", LABOUR_ITEM):
		group = "Services" if frappe.db.exists("Item Group", "Services") else "All Item Groups"
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": LABOUR_ITEM,
				"item_name": "Workshop Labour",
				"item_group": group,
				"stock_uom": "Hour" if frappe.db.exists("UOM", "Hour") else "Nos",
				"is_stock_item": 0,
				"is_sales_item": 1,
				"include_item_in_manufacturing": 0,
				"description": "Workshop labour billed by the hour (service orders).",
			}
		).insert(ignore_permissions=True)
	settings = frappe.get_single("DMS Service Settings")
	changed = False
	if not settings.labour_item:
		settings.labour_item = LABOUR_ITEM
		changed = True
	if not settings.qc_checks:
		for check in DEFAULT_QC_CHECKS:
			settings.append("qc_checks", {"check": check})
		changed = True
	if changed:
		settings.flags.ignore_permissions = True
		settings.save()
	present = set(frappe.get_all("DMS Service Category", pluck="name"))
	for category in DEFAULT_CATEGORIES:
		if category not in present:
			frappe.get_doc({"doctype": "DMS Service Category", "category_name": category}).insert(
				ignore_permissions=True
			)
