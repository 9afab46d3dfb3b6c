# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt
"""Stock availability across the whole group: quantities per org unit and item.

Any DMS stock user may see other units' availability, so this report reads the quantities of ALL
units, not only those in the user's org scope. It shows quantities only (held, reserved, in transit,
safety level, available to transfer): no valuation, amounts or documents, which stay behind the
org-scope permissions of the documents themselves.
"""

import frappe
from frappe import _

from dms_suite.dms_stock.availability import get_availability, load_units


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	items = _items(filters)
	rows = get_availability(items=items)
	units = load_units()
	names = _item_names({r["item_code"] for r in rows})
	data = [
		{
			"unit": r["unit"],
			"unit_type": units[r["unit"]].unit_type,
			"item_code": r["item_code"],
			"item_name": names.get(r["item_code"]),
			"actual_qty": r["actual_qty"],
			"reserved_qty": r["reserved_qty"],
			"in_transit_qty": r["in_transit_qty"],
			"safety_qty": r["safety_qty"],
			"available_to_transfer": r["available_to_transfer"],
		}
		for r in rows
		if any(r[f] for f in ("actual_qty", "reserved_qty", "in_transit_qty", "safety_qty"))
	]
	data.sort(key=lambda d: (d["item_code"], d["unit"]))
	return get_columns(), data


def get_columns() -> list[dict]:
	return [
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 160},
		{"fieldname": "item_name", "label": _("Item Name"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "unit",
			"label": _("Org Unit"),
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"width": 120,
		},
		{"fieldname": "unit_type", "label": _("Unit Type"), "fieldtype": "Data", "width": 90},
		{"fieldname": "actual_qty", "label": _("Actual"), "fieldtype": "Float", "width": 100},
		{"fieldname": "reserved_qty", "label": _("Reserved"), "fieldtype": "Float", "width": 100},
		{"fieldname": "in_transit_qty", "label": _("In Transit"), "fieldtype": "Float", "width": 100},
		{"fieldname": "safety_qty", "label": _("Safety Level"), "fieldtype": "Float", "width": 110},
		{
			"fieldname": "available_to_transfer",
			"label": _("Available to Transfer"),
			"fieldtype": "Float",
			"width": 150,
		},
	]


def _items(filters) -> list[str] | None:
	"""The items the filters ask for (None: all); an item group includes its sub-groups."""
	if filters.get("item_code"):
		return [filters.item_code]
	if not filters.get("item_group"):
		return None
	lft, rgt = frappe.db.get_value("Item Group", filters.item_group, ["lft", "rgt"]) or (0, 0)
	item = frappe.qb.DocType("Item")
	group = frappe.qb.DocType("Item Group")
	return (
		frappe.qb.from_(item)
		.join(group)
		.on(group.name == item.item_group)
		.select(item.name)
		.where(group.lft >= lft)
		.where(group.rgt <= rgt)
	).run(pluck=True)


def _item_names(items: set[str]) -> dict[str, str]:
	if not items:
		return {}
	return dict(
		frappe.get_all(
			"Item", filters={"name": ("in", list(items))}, fields=["name", "item_name"], as_list=True
		)
	)
