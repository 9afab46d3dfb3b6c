# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class DMSCustomerUnit(Document):
	"""A store, region or group unit that has served a Customer (kept by dms_suite.dms_sales.customers)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		first_served: DF.Date | None
		last_served: DF.Date | None
		org_unit: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types

	pass


def on_doctype_update():
	"""The customer visibility test is ``exists (... where org_unit in (...) and parent = customer)``."""
	frappe.db.add_index("DMS Customer Unit", ["org_unit", "parent"])
