# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt
"""Every org unit the user may see, with the policies in force there and where each comes from."""

import frappe
from frappe import _

from dms_suite.dms_org.policy import POLICIES, get_effective_policies


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	conditions = {}
	if filters.get("company"):
		conditions["company"] = filters.company
	if filters.get("unit_type"):
		conditions["unit_type"] = filters.unit_type

	# get_list applies the user's org scope (dms_suite.permissions): no unit outside it is read
	units = frappe.get_list(
		"DMS Org Unit",
		fields=["name", "unit_name", "unit_type", "parent_dms_org_unit", "company", "lft"],
		filters=conditions,
		order_by="lft",
		limit_page_length=0,
	)
	policies = get_effective_policies([u.name for u in units])
	data = [
		{
			"unit": unit.name,
			"unit_name": unit.unit_name,
			"unit_type": unit.unit_type,
			"parent_unit": unit.parent_dms_org_unit,
			"company": unit.company,
			**policies[unit.name],
		}
		for unit in units
	]
	return get_columns(), data


def get_columns() -> list[dict]:
	columns = [
		{
			"fieldname": "unit",
			"label": _("Org Unit"),
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"width": 120,
		},
		{"fieldname": "unit_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "unit_type", "label": _("Type"), "fieldtype": "Data", "width": 80},
		{
			"fieldname": "parent_unit",
			"label": _("Parent"),
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"width": 100,
		},
		{
			"fieldname": "company",
			"label": _("Company"),
			"fieldtype": "Link",
			"options": "Company",
			"width": 160,
		},
	]
	fieldtypes = {"int": "Int", "amount": "Currency", "percent": "Percent", "choice": "Data"}
	columns += [
		{"fieldname": key, "label": _(spec.label), "fieldtype": fieldtypes[spec.kind], "width": 130}
		for key, spec in POLICIES.items()
	]
	return columns
