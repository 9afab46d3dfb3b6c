# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt
"""Live results of a joint campaign per region (or per store): leads, quotations, orders, revenue,
conversion. The figures come from dms_suite.dms_sales.campaigns.campaign_results, which reads only the
documents of the units the user may see."""

import frappe
from frappe import _
from frappe.utils import cint

from dms_suite.dms_sales.campaigns import campaign_results


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	rows = campaign_results(
		campaign=filters.get("campaign"),
		from_date=filters.get("from_date"),
		to_date=filters.get("to_date"),
		per_unit=cint(filters.get("per_unit")),
	)
	return get_columns(), rows, None, get_chart(rows), get_summary(rows)


def get_columns() -> list[dict]:
	return [
		{
			"fieldname": "org_unit",
			"label": _("Org Unit"),
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"width": 120,
		},
		{"fieldname": "unit_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "unit_type", "label": _("Type"), "fieldtype": "Data", "width": 80},
		{
			"fieldname": "region",
			"label": _("Region"),
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"width": 100,
		},
		{"fieldname": "leads", "label": _("Leads"), "fieldtype": "Int", "width": 90},
		{"fieldname": "quotations", "label": _("Quotations"), "fieldtype": "Int", "width": 100},
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 90},
		{"fieldname": "revenue", "label": _("Revenue"), "fieldtype": "Currency", "width": 140},
		{
			"fieldname": "conversion_rate",
			"label": _("Conversion %"),
			"fieldtype": "Percent",
			"width": 110,
			"description": _(
				"Submitted sales orders ÷ quotations (draft or submitted) naming the campaign in the period, × 100"
			),
		},
	]


def get_chart(rows: list[dict]) -> dict:
	return {
		"data": {
			"labels": [row["org_unit"] or row["unit_name"] for row in rows],
			"datasets": [
				{"name": _("Leads"), "values": [row["leads"] for row in rows]},
				{"name": _("Quotations"), "values": [row["quotations"] for row in rows]},
				{"name": _("Orders"), "values": [row["orders"] for row in rows]},
			],
		},
		"type": "bar",
	}


def get_summary(rows: list[dict]) -> list[dict]:
	quotations = sum(row["quotations"] for row in rows)
	orders = sum(row["orders"] for row in rows)
	return [
		{"label": _("Leads"), "value": sum(row["leads"] for row in rows), "datatype": "Int"},
		{"label": _("Quotations"), "value": quotations, "datatype": "Int"},
		{"label": _("Orders"), "value": orders, "datatype": "Int"},
		{"label": _("Revenue"), "value": sum(row["revenue"] for row in rows), "datatype": "Currency"},
		{
			"label": _("Conversion %"),
			"value": round(100.0 * orders / quotations, 2) if quotations else 0,
			"datatype": "Percent",
		},
	]
