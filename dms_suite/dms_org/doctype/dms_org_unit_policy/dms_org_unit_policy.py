# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document


class DMSOrgUnitPolicy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		policy: DF.Literal[
			"safety_stock_days",
			"transfer_rule",
			"transfer_approval_limit",
			"discount_approval_limit",
			"monthly_sales_target",
			"consumption_window_days",
			"freight_rate_per_km",
			"freight_rate_per_unit",
			"shipment_lead_days",
		]
		value: DF.Data
	# end: auto-generated types

	pass
