"""Where each sales order stands between order and delivery: for the sales staff of its store.

Orders come through ``frappe.get_list``, so a user sees only the orders of their org units (the
same permission module as the desk); the deliveries of those orders are read in one query.
"""

import frappe
from frappe import _
from frappe.utils import date_diff, flt, getdate, nowdate

OPEN_STATUSES = ("To Deliver and Bill", "To Deliver", "To Bill", "On Hold")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), rows(filters)


def columns() -> list[dict]:
	return [
		{"fieldname": "sales_order", "label": _("Sales Order"), "fieldtype": "Link", "options": "Sales Order", "width": 160},
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Link", "options": "Customer", "width": 160},
		{"fieldname": "dms_org_unit", "label": _("Store"), "fieldtype": "Link", "options": "DMS Org Unit", "width": 90},
		{"fieldname": "transaction_date", "label": _("Ordered On"), "fieldtype": "Date", "width": 100},
		{"fieldname": "delivery_date", "label": _("Promised For"), "fieldtype": "Date", "width": 100},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 140},
		{"fieldname": "per_delivered", "label": _("% Delivered"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "per_billed", "label": _("% Billed"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "last_delivery", "label": _("Last Delivery"), "fieldtype": "Date", "width": 110},
		{"fieldname": "days_late", "label": _("Days Late"), "fieldtype": "Int", "width": 90},
	]  # fmt: skip


def rows(filters) -> list[dict]:
	conditions = {"docstatus": 1}
	if filters.get("dms_org_unit"):
		conditions["dms_org_unit"] = filters.dms_org_unit
	if filters.get("customer"):
		conditions["customer"] = filters.customer
	if filters.get("open_only"):
		conditions["status"] = ("in", OPEN_STATUSES)
	if filters.get("from_date"):
		conditions["transaction_date"] = (">=", filters.from_date)
	orders = frappe.get_list(
		"Sales Order",
		filters=conditions,
		fields=[
			"name as sales_order",
			"customer",
			"dms_org_unit",
			"transaction_date",
			"delivery_date",
			"status",
			"per_delivered",
			"per_billed",
		],
		order_by="delivery_date asc, name asc",
		limit_page_length=filters.get("limit") or 2000,
	)
	deliveries = last_deliveries([order.sales_order for order in orders])
	today = getdate(nowdate())
	for order in orders:
		order.last_delivery = deliveries.get(order.sales_order)
		done = flt(order.per_delivered) >= 100
		reference = getdate(order.last_delivery) if done and order.last_delivery else today
		order.days_late = max(0, date_diff(reference, order.delivery_date)) if order.delivery_date else 0
	return orders


def last_deliveries(orders: list[str]) -> dict[str, str]:
	"""Sales order → posting date of its last submitted delivery (one query, for orders already
	permitted to the user)."""
	if not orders:
		return {}
	return dict(
		frappe.db.sql(
			"""
			select item.against_sales_order, max(note.posting_date)
			from `tabDelivery Note Item` item
			join `tabDelivery Note` note on note.name = item.parent and note.docstatus = 1
			where item.against_sales_order in %s
			group by item.against_sales_order
			""",
			(tuple(orders),),
		)
	)
