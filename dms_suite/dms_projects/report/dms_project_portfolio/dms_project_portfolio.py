"""DMS Project Portfolio: the projects of a store or region (every unit the user may see when no
unit is chosen), per project or added up per store or region: contract value, budget, actual
cost, margin, planned and actual progress, earned value and delays.

Which projects: ``frappe.get_list("Project")``, so the org isolation applies; their figures: a fixed
number of grouped queries over those projects (dms_suite/dms_projects/costing.py)."""

import frappe
from frappe import _

from dms_suite.dms_projects.board import units_within
from dms_suite.dms_projects.costing import project_figures

SUMMED = ("contract_value", "total_budget", "total_actual", "margin", "planned_value", "earned_value")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = filters.group_by or "Project"
	projects = visible_projects(filters)
	figures = project_figures([p.name for p in projects])
	rows = [project_row(p, figures[p.name]) for p in projects]
	if group_by != "Project":
		rows = grouped(rows, group_by)
	return columns(group_by), rows


def visible_projects(filters) -> list:
	conditions = {}
	if not filters.include_closed:
		conditions["status"] = "Open"
	if filters.org_unit:
		frappe.has_permission("DMS Org Unit", "read", doc=filters.org_unit, throw=True)
		conditions["dms_org_unit"] = ("in", units_within(filters.org_unit))
	return frappe.get_list(
		"Project",
		filters=conditions,
		fields=["name", "project_name", "customer", "dms_org_unit", "company", "dms_is_delayed"],
		order_by="dms_org_unit asc, name asc",
		limit_page_length=0,
	)


def project_row(project, figures) -> dict:
	return {
		"project": project.name,
		"project_name": project.project_name,
		"customer": project.customer,
		"store": project.dms_org_unit,
		"currency": frappe.get_cached_value("Company", project.company, "default_currency"),
		**{key: figures[key] for key in SUMMED},
		"margin_pct": figures["margin_pct"],
		"planned_pct": figures["planned_pct"],
		"actual_pct": figures["actual_pct"],
		"cpi": figures["cpi"],
		"spi": figures["spi"],
		"delayed": 1 if project.dms_is_delayed else 0,
		"projects": 1,
	}


def grouped(rows: list[dict], group_by: str) -> list[dict]:
	"""Add up per store, or per region (the store's parent unit); progress weighted by budget."""
	parent = {}
	if group_by == "Region":
		parent = dict(
			frappe.db.sql(
				"select name, parent_dms_org_unit from `tabDMS Org Unit` where name in %(units)s",
				{"units": tuple({row["store"] for row in rows}) or ("",)},
			)
		)
	groups: dict[str, dict] = {}
	for row in rows:
		key = parent.get(row["store"], row["store"]) if group_by == "Region" else row["store"]
		total = groups.setdefault(
			key,
			{
				"store": key,
				"currency": row["currency"],
				"projects": 0,
				"delayed": 0,
				**dict.fromkeys(SUMMED, 0.0),
			},
		)
		total["projects"] += 1
		total["delayed"] += row["delayed"]
		for field in SUMMED:
			total[field] += row[field] or 0.0
	for total in groups.values():
		bac, cost = total["total_budget"], total["total_actual"]
		total["planned_pct"] = total["planned_value"] * 100 / bac if bac else 0.0
		total["actual_pct"] = total["earned_value"] * 100 / bac if bac else 0.0
		total["margin_pct"] = (
			total["margin"] * 100 / total["contract_value"] if total["contract_value"] else None
		)
		total["cpi"] = total["earned_value"] / cost if cost else None
		total["spi"] = total["earned_value"] / total["planned_value"] if total["planned_value"] else None
	return [groups[key] for key in sorted(groups)]


def columns(group_by: str) -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 130}
	unit_label = _("Region") if group_by == "Region" else _("Store")
	head = (
		[
			{
				"fieldname": "project",
				"label": _("Project"),
				"fieldtype": "Link",
				"options": "Project",
				"width": 130,
			},
			{"fieldname": "project_name", "label": _("Name"), "fieldtype": "Data", "width": 180},
			{
				"fieldname": "customer",
				"label": _("Customer"),
				"fieldtype": "Link",
				"options": "Customer",
				"width": 150,
			},
		]
		if group_by == "Project"
		else [{"fieldname": "projects", "label": _("Projects"), "fieldtype": "Int", "width": 90}]
	)
	return [
		*head,
		{
			"fieldname": "store",
			"label": unit_label,
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"width": 100,
		},
		{"fieldname": "contract_value", "label": _("Contract Value"), **money},
		{"fieldname": "total_budget", "label": _("Budget"), **money},
		{"fieldname": "total_actual", "label": _("Actual Cost"), **money},
		{"fieldname": "margin", "label": _("Margin"), **money},
		{"fieldname": "margin_pct", "label": _("Margin %"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "planned_pct", "label": _("Planned %"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "actual_pct", "label": _("Actual %"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "earned_value", "label": _("Earned Value"), **money},
		{"fieldname": "cpi", "label": _("CPI"), "fieldtype": "Float", "precision": 2, "width": 70},
		{"fieldname": "spi", "label": _("SPI"), "fieldtype": "Float", "precision": 2, "width": 70},
		{"fieldname": "delayed", "label": _("Delayed"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]
