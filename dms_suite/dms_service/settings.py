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


def configure() -> None:
	"""Idempotent: fills only what is empty or missing."""
	ensure_labour_item()
	settings = frappe.get_single("DMS Service Settings")
	changed = False
	if not settings.labour_item and frappe.db.exists("Item", LABOUR_ITEM):
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


def ensure_labour_item() -> str | None:
	"""The labour service item, made when ERPNext's setup has made item groups and units (on a site
	installed before its setup wizard, the next migrate or the first invoice makes it)."""
	if frappe.db.exists("Item", LABOUR_ITEM):
		return LABOUR_ITEM
	group = "Services" if frappe.db.exists("Item Group", "Services") else "All Item Groups"
	uom = next((uom for uom in ("Hour", "Nos") if frappe.db.exists("UOM", uom)), None)
	if not frappe.db.exists("Item Group", group) or not uom:
		return None
	frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": LABOUR_ITEM,
			"item_name": "Workshop Labour",
			"item_group": group,
			"stock_uom": uom,
			"is_stock_item": 0,
			"is_sales_item": 1,
			"include_item_in_manufacturing": 0,
			"description": "Workshop labour billed by the hour (service orders).",
		}
	).insert(ignore_permissions=True)
	return LABOUR_ITEM
