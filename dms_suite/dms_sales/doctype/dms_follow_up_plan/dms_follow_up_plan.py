# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document

from dms_suite.dms_sales import followup


class DMSFollowupPlan(Document):
	"""The follow-up steps one org unit sets for its new leads (rules: dms_suite/dms_sales/followup.py)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dms_suite.dms_sales.doctype.dms_follow_up_step.dms_follow_up_step import DMSFollowupStep

		enabled: DF.Check
		org_unit: DF.Link
		steps: DF.Table[DMSFollowupStep]
		title: DF.Data
		unit_type: DF.Data | None
	# end: auto-generated types

	def validate(self):
		followup.validate_plan(self)
