# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document

from dms_suite.dms_sales import handover


class DMSCustomerAccessRequest(Document):
	"""A store's request to serve a customer it cannot see (rules: dms_suite/dms_sales/handover.py)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		decision_note: DF.SmallText | None
		lookup_type: DF.Literal["Phone", "VIN"]
		lookup_value: DF.Data
		owning_unit: DF.Link | None
		reason: DF.SmallText
		requesting_unit: DF.Link
		status: DF.Literal["Pending", "Approved", "Closed"]
	# end: auto-generated types

	def before_validate(self):
		if self.is_new():
			handover.prepare_request(self)

	def validate(self):
		handover.validate_request(self)

	def after_insert(self):
		handover.ask_the_owning_store(self)
