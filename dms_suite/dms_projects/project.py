"""The dealer project: an ERPNext Project at a store, for a group customer.

ERPNext's Project already has the company, customer, dates, status, % complete and its own costing
totals (timesheets, purchases, consumed material). A dealer project adds, in custom fields: the org
unit (``dms_org_unit``, the store; from dms_suite.dms_org.document_unit like every ERPNext transaction),
the project manager, the site address, the contract value, the budget by cost type, the equipment
on site (units of the customer register or items, with delivery and return dates), the documents
shared with the customer, and the delay flag the daily check keeps (dms_suite/dms_projects/delays.py).
"""

import frappe
from frappe import _
from frappe.utils import getdate

COST_TYPES = ("Materials", "Labour", "Equipment", "Other")

CUSTOM_FIELDS = {
	"Project": [
		{
			"fieldname": "dms_dealer_section",
			"fieldtype": "Section Break",
			"label": "Dealer Project",
			"insert_after": "sales_order",
		},
		{
			"fieldname": "dms_project_manager",
			"fieldtype": "Link",
			"options": "User",
			"label": "Project Manager",
			"insert_after": "dms_dealer_section",
			"description": "Is told when the project falls behind.",
		},
		{
			"fieldname": "dms_site_address",
			"fieldtype": "Link",
			"options": "Address",
			"label": "Site Address",
			"insert_after": "dms_project_manager",
		},
		{
			"fieldname": "dms_dealer_column",
			"fieldtype": "Column Break",
			"insert_after": "dms_site_address",
		},
		{
			"fieldname": "dms_contract_value",
			"fieldtype": "Currency",
			"options": "Company:company:default_currency",
			"label": "Contract Value",
			"insert_after": "dms_dealer_column",
			"non_negative": 1,
		},
		{
			"fieldname": "dms_is_delayed",
			"fieldtype": "Check",
			"label": "Delayed",
			"read_only": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
			"insert_after": "dms_contract_value",
		},
		{
			"fieldname": "dms_delay_reason",
			"fieldtype": "Small Text",
			"label": "Delay",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "dms_is_delayed",
			"insert_after": "dms_is_delayed",
		},
		{
			"fieldname": "dms_budget",
			"fieldtype": "Table",
			"options": "DMS Project Budget",
			"label": "Budget by Cost Type",
			"insert_after": "dms_delay_reason",
		},
		{
			"fieldname": "dms_equipment",
			"fieldtype": "Table",
			"options": "DMS Project Equipment",
			"label": "Equipment on Site",
			"insert_after": "dms_budget",
		},
		{
			"fieldname": "dms_documents",
			"fieldtype": "Table",
			"options": "DMS Project Document",
			"label": "Documents",
			"insert_after": "dms_equipment",
		},
	],
}


class InvalidProjectError(frappe.ValidationError):
	pass


def validate_project(doc, method=None):
	"""doc_events ``validate`` of Project."""
	validate_budget(doc)
	validate_equipment(doc)
	keep_delay_flag(doc)


def keep_delay_flag(doc) -> None:
	"""The delay flag is the daily check's (dms_suite/dms_projects/delays.py), never the form's."""
	if doc.is_new():
		doc.dms_is_delayed, doc.dms_delay_reason = 0, None
		return
	doc.dms_is_delayed, doc.dms_delay_reason = frappe.db.get_value(
		"Project", doc.name, ["dms_is_delayed", "dms_delay_reason"]
	) or (0, None)


def validate_budget(doc) -> None:
	"""One row per cost type, none negative (Frappe's ``non_negative`` refuses a negative amount)."""
	seen = set()
	for row in doc.get("dms_budget") or []:
		if row.cost_type in seen:
			frappe.throw(
				_("Row {0}: the budget for {1} is already set in another row.").format(
					row.idx, frappe.bold(_(row.cost_type))
				),
				InvalidProjectError,
			)
		seen.add(row.cost_type)


def validate_equipment(doc) -> None:
	for row in doc.get("dms_equipment") or []:
		if not row.dealer_unit and not row.item_code:
			frappe.throw(
				_("Row {0}: name the unit (VIN or serial) or the item of the equipment.").format(row.idx),
				InvalidProjectError,
			)
		if row.return_date and getdate(row.return_date) < getdate(row.delivery_date):
			frappe.throw(
				_("Row {0}: equipment cannot be returned on {1}, before its delivery on {2}.").format(
					row.idx, frappe.bold(row.return_date), frappe.bold(row.delivery_date)
				),
				InvalidProjectError,
			)


def budget_by_type(projects: list[str]) -> dict[str, dict[str, float]]:
	"""project → {cost type → budget}, one query."""
	if not projects:
		return {}
	result = {name: dict.fromkeys(COST_TYPES, 0.0) for name in projects}
	for project, cost_type, amount in frappe.db.sql(
		"""
		select parent, cost_type, sum(amount) from `tabDMS Project Budget`
		where parenttype = 'Project' and parent in %(projects)s
		group by parent, cost_type
		""",
		{"projects": tuple(projects)},
	):
		result[project][cost_type] = float(amount or 0)
	return result
