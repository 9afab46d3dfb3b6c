# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

"""Service quality per store or region (dms_suite/dms_service/quality.py ``quality_rows``): orders,
turnaround, satisfaction, repeat repairs, labour utilisation, parts fill rate; the user's units only."""

import frappe
from frappe import _
from frappe.utils import add_days, today

from dms_suite.dms_service.quality import quality_rows


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	rows = quality_rows(
		filters.from_date or add_days(today(), -30),
		filters.to_date or today(),
		group_by=filters.group_by or "Store",
		org_unit=filters.org_unit,
	)
	return columns(filters), rows, None, chart(rows), summary(rows)


def columns(filters) -> list[dict]:
	unit_label = _("Region") if filters.group_by == "Region" else _("Store")
	return [
		{
			"fieldname": "org_unit",
			"label": unit_label,
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"width": 110,
		},
		{"fieldname": "unit_name", "label": _("Name"), "fieldtype": "Data", "width": 150},
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		{"fieldname": "delivered", "label": _("Delivered"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "avg_turnaround_hours",
			"label": _("Avg Turnaround (h)"),
			"fieldtype": "Float",
			"width": 140,
		},
		{"fieldname": "avg_rating", "label": _("Avg Rating (1-5)"), "fieldtype": "Float", "width": 120},
		{"fieldname": "rated", "label": _("Rated"), "fieldtype": "Int", "width": 70},
		{"fieldname": "repeat_repairs", "label": _("Repeat Repairs"), "fieldtype": "Int", "width": 120},
		{"fieldname": "repeat_rate", "label": _("Repeat Rate %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "labour_hours", "label": _("Labour Hours"), "fieldtype": "Float", "width": 110},
		{
			"fieldname": "labour_utilisation",
			"label": _("Labour Utilisation %"),
			"fieldtype": "Percent",
			"width": 150,
		},
		{
			"fieldname": "parts_fill_rate",
			"label": _("Parts Fill Rate %"),
			"fieldtype": "Percent",
			"width": 130,
		},
	]


def chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["unit_name"] for row in rows],
			"datasets": [{"name": _("Repeat Rate %"), "values": [row["repeat_rate"] or 0 for row in rows]}],
		},
		"type": "bar",
		"colors": ["#e24c4c"],
	}


def summary(rows: list[dict]) -> list[dict]:
	orders = sum(row["orders"] for row in rows)
	repeats = sum(row["repeat_repairs"] for row in rows)
	rated = sum(row["rated"] for row in rows)
	rating = sum((row["avg_rating"] or 0) * row["rated"] for row in rows)
	return [
		{"label": _("Orders"), "value": orders, "datatype": "Int"},
		{
			"label": _("Repeat Rate"),
			"value": round(100 * repeats / orders, 1) if orders else 0,
			"datatype": "Percent",
			"indicator": "Red" if orders and repeats / orders > 0.05 else "Green",
		},
		{"label": _("Avg Rating"), "value": round(rating / rated, 2) if rated else 0, "datatype": "Float"},
	]
