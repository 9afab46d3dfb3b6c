# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document


class DMSFollowupStep(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal["", "Call", "Visit", "Test Drive", "Email", "Message", "Other"]
		day_offset: DF.Int
		description: DF.SmallText | None
		drop: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		step_code: DF.Data
	# end: auto-generated types

	pass
