# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document

from dms_suite.dms_service.units import validate_dealer_unit, validate_vin


class DealerUnit(Document):
	"""A customer's vehicle or machine; the rules live in dms_suite/dms_service/units.py."""

	def autoname(self):
		self.vin = validate_vin(self.vin, self.unit_type)
		self.name = self.vin

	def validate(self):
		validate_dealer_unit(self)
