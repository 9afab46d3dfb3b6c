"""DMS Project Cost: one project's budget against its actual cost per cost type (from native
records, dms_suite/dms_projects/costing.py), with contract value, margin and earned value."""

import frappe
from frappe import _

from dms_suite.dms_projects.costing import project_figures
from dms_suite.dms_projects.project import COST_TYPES


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.project:
		frappe.throw(_("Choose a project."))
	frappe.has_permission("Project", "read", doc=filters.project, throw=True)
	figures = project_figures([filters.project])[filters.project]
	currency = frappe.get_cached_value(
		"Company", frappe.db.get_value("Project", filters.project, "company"), "default_currency"
	)
	rows = []
	for cost_type in COST_TYPES:
		budget, actual = figures["budget"][cost_type], figures["actual"][cost_type]
		rows.append(_row(_(cost_type), budget, actual, currency))
	rows.append({**_row(_("Total"), figures["total_budget"], figures["total_actual"], currency), "bold": 1})
	return columns(), rows, None, chart(rows[:-1]), summary(figures, currency)


def _row(label, budget, actual, currency):
	return {
		"cost_type": label,
		"budget": budget,
		"actual": actual,
		"variance": budget - actual,
		"used_pct": actual * 100 / budget if budget else None,
		"currency": currency,
	}


def columns():
	return [
		{"fieldname": "cost_type", "label": _("Cost Type"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "budget",
			"label": _("Budget"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 140,
		},
		{
			"fieldname": "actual",
			"label": _("Actual"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 140,
		},
		{
			"fieldname": "variance",
			"label": _("Budget Left"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 140,
		},
		{"fieldname": "used_pct", "label": _("Used %"), "fieldtype": "Percent", "width": 100},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]


def chart(rows):
	return {
		"data": {
			"labels": [row["cost_type"] for row in rows],
			"datasets": [
				{"name": _("Budget"), "values": [row["budget"] for row in rows]},
				{"name": _("Actual"), "values": [row["actual"] for row in rows]},
			],
		},
		"type": "bar",
	}


def summary(figures, currency):
	def money(label, value, indicator="Blue"):
		return {
			"label": label,
			"value": value,
			"datatype": "Currency",
			"currency": currency,
			"indicator": indicator,
		}

	def ratio(label, value):
		if value is None:
			return {"label": label, "value": "–", "datatype": "Data", "indicator": "Grey"}
		return {
			"label": label,
			"value": round(value, 2),
			"datatype": "Float",
			"indicator": "Green" if value >= 1 else "Red",
		}

	margin = figures["margin"]
	return [
		money(_("Contract Value"), figures["contract_value"]),
		money(_("Budget"), figures["total_budget"]),
		money(_("Actual Cost"), figures["total_actual"], "Orange"),
		money(_("Margin"), margin, "Green" if margin >= 0 else "Red"),
		{"label": _("Planned Progress"), "value": round(figures["planned_pct"], 1), "datatype": "Percent"},
		{"label": _("Actual Progress"), "value": round(figures["actual_pct"], 1), "datatype": "Percent"},
		money(_("Planned Value (PV)"), figures["planned_value"]),
		money(_("Earned Value (EV)"), figures["earned_value"]),
		ratio(_("CPI (EV / AC)"), figures["cpi"]),
		ratio(_("SPI (EV / PV)"), figures["spi"]),
	]
