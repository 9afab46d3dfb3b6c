# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document

from dms_suite.dms_service.packages import validate_package


class DMSServicePackage(Document):
	"""HQ's package or a unit's variant of it; the rules live in dms_suite/dms_service/packages.py."""

	def validate(self):
		validate_package(self)
