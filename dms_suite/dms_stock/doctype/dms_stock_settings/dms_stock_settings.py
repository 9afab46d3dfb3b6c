# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document


class DMSStockSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		planner_frequency: DF.Literal["Off", "Hourly", "Every 6 Hours", "Daily"]
		planner_last_run: DF.Datetime | None
	# end: auto-generated types

	pass
