"""Portal enquiry page: a prospect asks a store about a model; the answer becomes a lead."""

import frappe
from frappe import _

no_cache = 1


def get_context(context):
	context.title = _("Ask your dealer")
	context.stores = frappe.get_all(
		"DMS Org Unit",
		filters={"unit_type": "Store"},
		fields=["name", "unit_name"],
		order_by="unit_name",
	)
	context.models = frappe.get_all(
		"Item",
		filters={"is_sales_item": 1, "has_serial_no": 1, "disabled": 0},
		fields=["name", "item_name"],
		order_by="item_name",
		limit=200,
	)
	return context
