"""Billing a service order through ERPNext's Sales Invoice, in the store's company.

The workflow's *Invoice* action (Delivered → Invoiced) makes one submitted Sales Invoice per payer:
the owner for customer-paid lines and the unit's warranty customer (the manufacturer's warranty
account; DMS Service Settings gives a default) for warranty lines. Labour is billed as the labour
service item (hours at the rate); parts are issued from the store's job warehouse by the invoice itself
(``update_stock``), so revenue and cost of the parts land in the same document. Taxes come from the
company's default Sales Taxes and Charges Template and payment terms from the customer, as ERPNext
fills them for any invoice.

Invoicing is idempotent: an invoice already made for the order and payer is reused. Cancelling an
invoice takes the order back to Delivered so it can be billed again.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, nowdate

from dms_suite.dms_service.orders import SERVICE_ORDER_LINK, ServiceOrderError

CUSTOM_FIELDS = {"Sales Invoice": [SERVICE_ORDER_LINK]}

# bill_to of a line → the Service Order field holding that payer's invoice
INVOICE_FIELDS = {"Customer": "sales_invoice", "Warranty": "warranty_invoice"}


class NotReadyForInvoiceError(ServiceOrderError):
	pass


class NoWarrantyCustomerError(ServiceOrderError):
	pass


def make_invoices(doc) -> dict[str, str]:
	"""Submit the order's Sales Invoices (one per payer); bill_to → invoice name."""
	if doc.docstatus != 1 or doc.status not in ("Delivered", "Invoiced"):
		frappe.throw(
			_("{0} has not been through QC and delivered, so it cannot be invoiced yet (it is {1}).").format(
				frappe.bold(doc.name), _(doc.status)
			),
			NotReadyForInvoiceError,
			title=_("Not Ready to Invoice"),
		)
	lines = defaultdict(list)
	for row in doc.labour:
		lines[row.bill_to or "Customer"].append(("labour", row))
	for row in doc.parts:
		lines[row.bill_to or "Customer"].append(("part", row))
	if not lines:
		frappe.throw(
			_("{0} has no labour or parts to invoice; close it instead.").format(frappe.bold(doc.name)),
			NotReadyForInvoiceError,
			title=_("Nothing to Invoice"),
		)
	invoices = {}
	for bill_to, rows in lines.items():
		customer = payer(doc, bill_to)
		invoices[bill_to] = existing_invoice(doc.name, customer) or make_invoice(doc, customer, rows)
		doc.set(INVOICE_FIELDS[bill_to], invoices[bill_to])
	return invoices


def payer(doc, bill_to: str) -> str:
	if bill_to != "Warranty":
		return doc.customer
	customer = frappe.db.get_value("Dealer Unit", doc.dealer_unit, "warranty_customer") or (
		frappe.db.get_single_value("DMS Service Settings", "default_warranty_customer")
	)
	if not customer:
		frappe.throw(
			_(
				"{0} has warranty work but unit {1} names no warranty customer and DMS Service Settings has no default."
			).format(frappe.bold(doc.name), frappe.bold(doc.dealer_unit)),
			NoWarrantyCustomerError,
			title=_("No Warranty Customer"),
		)
	return customer


def existing_invoice(order: str, customer: str) -> str | None:
	return frappe.db.get_value(
		"Sales Invoice", {"dms_service_order": order, "customer": customer, "docstatus": 1}, "name"
	)


def make_invoice(doc, customer: str, rows: list) -> str:
	from erpnext.controllers.accounts_controller import get_default_taxes_and_charges

	labour_item = frappe.db.get_single_value("DMS Service Settings", "labour_item")
	if not labour_item:
		from dms_suite.dms_service.settings import ensure_labour_item

		labour_item = ensure_labour_item()
		if labour_item:
			frappe.db.set_single_value("DMS Service Settings", "labour_item", labour_item)
	if any(kind == "labour" for kind, _row in rows) and not labour_item:
		frappe.throw(
			_("Set the Labour Item in DMS Service Settings before invoicing labour."),
			NotReadyForInvoiceError,
			title=_("No Labour Item"),
		)
	cost_center = frappe.db.get_value("DMS Org Unit", doc.dms_org_unit, "cost_center")
	invoice = frappe.new_doc("Sales Invoice")
	invoice.update(
		{
			"company": doc.company,
			"customer": customer,
			"posting_date": nowdate(),
			"currency": doc.currency,
			"dms_org_unit": doc.dms_org_unit,
			"dms_service_order": doc.name,
			"cost_center": cost_center,
			"update_stock": 1 if any(kind == "part" for kind, _row in rows) else 0,
			"remarks": _("Service order {0}, unit {1}").format(doc.name, doc.dealer_unit),
		}
	)
	for kind, row in rows:
		if kind == "labour":
			description = " · ".join(filter(None, (row.activity_type, row.description, row.technician)))
			invoice.append(
				"items",
				{
					"item_code": labour_item,
					"description": description,
					"qty": flt(row.hours),
					"rate": flt(row.rate),
					"cost_center": cost_center,
				},
			)
		else:
			invoice.append(
				"items",
				{
					"item_code": row.item_code,
					"qty": flt(row.qty),
					"rate": flt(row.rate),
					"warehouse": doc.wip_warehouse,
					"cost_center": cost_center,
				},
			)
	invoice.set_missing_values()
	# the order's rates are what the customer was told: ERPNext's price lists and rules must not replace them
	invoice.ignore_pricing_rule = 1
	for item, (_kind, row) in zip(invoice.items, rows, strict=True):
		item.price_list_rate = item.rate = flt(row.rate)
		item.discount_percentage = item.margin_rate_or_amount = 0
	if not invoice.taxes:
		invoice.update(get_default_taxes_and_charges("Sales Taxes and Charges Template", company=doc.company))
	invoice.flags.ignore_permissions = True  # the workflow authorised the Invoice action on the order
	invoice.insert()
	invoice.submit()
	return invoice.name


def on_invoice_cancel(invoice, method=None) -> None:
	"""A cancelled service invoice takes its order back to Delivered, ready to be billed again."""
	if not invoice.get("dms_service_order"):
		return
	order = frappe.get_doc("Service Order", invoice.dms_service_order)
	updates = {field: None for field in INVOICE_FIELDS.values() if order.get(field) == invoice.name}
	if order.status == "Invoiced":
		updates.update({"status": "Delivered", "invoiced_on": None})
	if updates:
		order.db_set(updates)
		order.add_comment("Info", _("Invoice {0} was cancelled.").format(invoice.name))
