# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document

from dms_suite.dms_stock import approval, transfer


class CrossRegionTransfer(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dms_suite.dms_stock.doctype.dms_transfer_candidate.dms_transfer_candidate import (
			DMSTransferCandidate,
		)
		from dms_suite.dms_stock.doctype.dms_transfer_document.dms_transfer_document import (
			DMSTransferDocument,
		)
		from dms_suite.dms_stock.doctype.dms_transfer_item.dms_transfer_item import DMSTransferItem

		amended_from: DF.Link | None
		candidates: DF.Table[DMSTransferCandidate]
		carrier: DF.Data | None
		dispatched_on: DF.Datetime | None
		documents: DF.Table[DMSTransferDocument]
		expected_arrival: DF.Date | None
		explanation: DF.SmallText | None
		is_overdue: DF.Check
		items: DF.Table[DMSTransferItem]
		naming_series: DF.Literal["CRT-.YYYY.-"]
		needs_hq_approval: DF.Check
		needs_target_approval: DF.Check
		planner_key: DF.Data | None
		posting_date: DF.Date
		received_on: DF.Datetime | None
		rejection_reason: DF.SmallText | None
		rule: DF.Literal["Manual", "Nearest", "Lowest Cost"]
		source_company: DF.Link | None
		source_unit: DF.Link
		source_warehouse: DF.Link
		status: DF.Literal[
			"Draft",
			"Pending Approval",
			"Approved",
			"Rejected",
			"In Transit",
			"Partially Received",
			"Received",
			"Cancelled",
		]
		target_company: DF.Link | None
		target_unit: DF.Link
		target_warehouse: DF.Link
		total_qty: DF.Float
		total_value: DF.Currency
		tracking_no: DF.Data | None
		transfer_mode: DF.Literal["Same Company", "Inter Company"]
		transit_warehouse: DF.Link | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		transfer.validate_transfer(self)  # bad input, mode, transit warehouse, valuation, totals
		approval.set_route(self)  # which approvals this transfer needs
		approval.validate_state_change(self)  # who may move it to its new workflow state; status

	def before_submit(self):
		approval.prevent_self_approval(self)
		transfer.reserve(self)  # locks the source Bins: concurrent approvals cannot over-promise

	def on_change(self):
		approval.notify_approvers(self)

	def on_cancel(self):
		transfer.release(self)
