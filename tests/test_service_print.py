"""Print formats: the job card of a service order and the customer's invoice, as HTML and PDF."""

import frappe
from frappe.model.workflow import apply_workflow

from .service_fixture import book, finish, work


def test_job_card_and_invoice_render_to_pdf(shop, web_server, monkeypatch):
	order = apply_workflow(finish(work(book(shop), shop)), "Invoice")
	card = frappe.get_print("Service Order", order.name, print_format="DMS Job Card")
	for text in (
		order.name,
		order.dealer_unit,
		"Squeal when braking",
		"DT Workshop Labour",
		"DT-SVC-PART",
		"Road test",
	):
		assert text in card, text
	assert order.get_formatted("grand_total") in card

	invoice = frappe.get_print("Sales Invoice", order.sales_invoice, print_format="DMS Service Invoice")
	store = frappe.db.get_value("DMS Org Unit", order.dms_org_unit, "unit_name")
	for text in (
		order.sales_invoice,
		order.name,
		order.dealer_unit,
		store,
		"DT Service Owner",
		"DT-SVC-PART",
	):
		assert text in invoice, text

	# wkhtmltopdf fetches the print styles from the site's URL: point it at the test's web server
	monkeypatch.setitem(frappe.local.conf, "host_name", web_server)
	for doctype, name, print_format in (
		("Service Order", order.name, "DMS Job Card"),
		("Sales Invoice", order.sales_invoice, "DMS Service Invoice"),
	):
		pdf = frappe.get_print(doctype, name, print_format=print_format, as_pdf=True)
		assert pdf[:5] == b"%PDF-" and len(pdf) > 5000
