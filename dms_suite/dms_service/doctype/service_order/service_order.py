# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document

from dms_suite.dms_service import orders, parts


class ServiceOrder(Document):
	"""A job card; the rules live in dms_suite/dms_service/orders.py (life and checks), parts.py
	(reservation as Stock Entries) and billing.py (Sales Invoices)."""

	def validate(self):
		orders.validate_service_order(self)

	def on_update(self):
		parts.sync_reservations(self)

	def before_submit(self):
		orders.before_submit(self)

	def before_update_after_submit(self):
		orders.before_update_after_submit(self)

	def on_update_after_submit(self):
		orders.on_update_after_submit(self)

	def before_cancel(self):
		orders.before_cancel(self)

	def on_cancel(self):
		parts.sync_reservations(self)
