# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class NegativeSafetyLevelError(frappe.ValidationError):
	pass


class DuplicateSafetyLevelError(frappe.ValidationError):
	pass


class DMSSafetyLevel(Document):
	def validate(self):
		self.validate_qty()
		self.validate_unique()

	def validate_qty(self):
		if (self.safety_qty or 0) < 0:
			frappe.throw(
				_("Safety Quantity cannot be below zero, not {0}").format(frappe.bold(self.safety_qty)),
				NegativeSafetyLevelError,
			)

	def validate_unique(self):
		other = frappe.db.exists(
			"DMS Safety Level",
			{"org_unit": self.org_unit, "item_code": self.item_code, "name": ("!=", self.name)},
		)
		if other:
			frappe.throw(
				_("{0} already has a safety level for {1}: {2}").format(
					frappe.bold(self.org_unit), frappe.bold(self.item_code), other
				),
				DuplicateSafetyLevelError,
			)


def on_doctype_update():
	"""One safety level per unit and item, enforced by the database too."""
	frappe.db.add_unique("DMS Safety Level", ["org_unit", "item_code"], constraint_name="unique_unit_item")
