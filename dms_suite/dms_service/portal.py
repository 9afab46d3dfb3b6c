"""What a customer sees on the service portal, read for their own customers only.

A portal user belongs to a customer the way ERPNext links them: a row in the Customer's *Portal
Users* table (``erpnext.controllers.website_list_for_contact.get_parents_for_user``). Every read
below is one query filtered by those customers; names a customer asks for that are not theirs are
answered exactly like names that do not exist, so nothing leaks.
"""

import frappe
from frappe import _
from frappe.utils import add_days, now_datetime

from dms_suite.dms_service.orders import DONE_STATES, WORK_STATES

# what the customer sees as still at the dealer: booked, in the workshop, or ready to collect
OPEN_STATES = ("Booked", *WORK_STATES, "Ready")
# the live status covers open orders and those changed this recently (a delivery the customer awaits)
RECENT_DAYS = 30


class NotAPortalCustomerError(frappe.PermissionError):
	pass


def portal_customers(user: str | None = None) -> list[str]:
	"""The customers ``user`` is a portal user of; refuses guests and users of no customer."""
	user = user or frappe.session.user
	customers = (
		frappe.db.sql_list(
			"select parent from `tabPortal User` where parenttype = 'Customer' and user = %s order by parent",
			user,
		)
		if user != "Guest"
		else []
	)
	if not customers:
		frappe.throw(
			_("Log in with the account your dealer linked to you to see your service."),
			NotAPortalCustomerError,
			title=_("Not a Customer Account"),
		)
	return customers


def require_customer(path: str) -> list[str]:
	"""For a page: guests go to the login and come back; a user of no customer gets the clear error."""
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = f"/login?redirect-to={path}"
		raise frappe.Redirect
	return portal_customers()


def not_found(doctype: str, name: str):
	"""The same answer for another customer's record and for no record at all."""
	frappe.throw(_("{0} {1} not found").format(_(doctype), name), frappe.DoesNotExistError)


def own_unit(dealer_unit: str, customers: list[str]) -> str:
	customer = frappe.db.get_value("Dealer Unit", dealer_unit, "customer")
	if not dealer_unit or customer not in customers:
		not_found("Dealer Unit", dealer_unit)
	return customer


def own_order(order: str, customers: list[str]) -> frappe._dict:
	row = frappe.db.get_value("Service Order", order, ["name", "customer", "status"], as_dict=True)
	if not order or not row or row.customer not in customers:
		not_found("Service Order", order)
	return row


def units(customers: list[str]) -> list[dict]:
	return frappe.db.sql(
		"""
		select name, vin, unit_type, model, registration_no, current_reading, reading_uom,
			warranty_end, customer
		from `tabDealer Unit` where customer in %(customers)s order by model, name
		""",
		{"customers": tuple(customers)},
		as_dict=True,
	)


def orders(customers: list[str], states: tuple[str, ...], limit: int = 50) -> list[dict]:
	return frappe.db.sql(
		"""
		select so.name, so.status, so.dealer_unit, so.model, so.appointment, so.modified,
			so.delivered_on, so.grand_total, so.currency, so.rating, so.is_repeat_repair,
			unit.unit_name as store_name,
			(select group_concat(complaint.description separator '; ')
				from `tabDMS Service Complaint` complaint
				where complaint.parent = so.name and complaint.parenttype = 'Service Order') as complaints
		from `tabService Order` so
		left join `tabDMS Org Unit` unit on unit.name = so.dms_org_unit
		where so.customer in %(customers)s and so.status in %(states)s and so.docstatus < 2
		order by so.appointment desc
		limit %(limit)s
		""",
		{"customers": tuple(customers), "states": states, "limit": limit},
		as_dict=True,
	)


def quotations(customers: list[str]) -> list[dict]:
	return frappe.db.sql(
		"""
		select name, transaction_date, valid_till, grand_total, currency, status
		from `tabQuotation`
		where quotation_to = 'Customer' and party_name in %(customers)s and docstatus = 1
			and status = 'Open'
		order by transaction_date desc
		limit 50
		""",
		{"customers": tuple(customers)},
		as_dict=True,
	)


def invoices(customers: list[str]) -> list[dict]:
	return frappe.db.sql(
		"""
		select name, posting_date, grand_total, outstanding_amount, currency, status, dms_service_order
		from `tabSales Invoice`
		where customer in %(customers)s and docstatus = 1
		order by posting_date desc, name desc
		limit 50
		""",
		{"customers": tuple(customers)},
		as_dict=True,
	)


def status_of_orders(customers: list[str], recent_days: int = RECENT_DAYS) -> list[dict]:
	"""The live part of the portal page (polled every few seconds): the status of each open order
	and of each order changed in the last ``recent_days``."""
	return frappe.db.sql(
		"""
		select name, status, modified
		from `tabService Order`
		where customer in %(customers)s and docstatus < 2
			and (status in %(open)s or modified >= %(since)s)
		order by appointment desc
		limit 100
		""",
		{
			"customers": tuple(customers),
			"open": OPEN_STATES,
			"since": add_days(now_datetime(), -recent_days),
		},
		as_dict=True,
	)


def stores() -> list[dict]:
	return frappe.get_all(
		"DMS Org Unit", filters={"unit_type": "Store"}, fields=["name", "unit_name"], order_by="unit_name"
	)


def categories() -> list[str]:
	return frappe.get_all("DMS Service Category", pluck="name", order_by="name")


def page_context(user: str | None = None) -> dict:
	"""Everything the /service page shows, for the logged-in customer."""
	customers = portal_customers(user)
	return {
		"customers": customers,
		"units": units(customers),
		"open_orders": orders(customers, OPEN_STATES),
		"history": orders(customers, DONE_STATES),
		"quotations": quotations(customers),
		"invoices": invoices(customers),
	}
