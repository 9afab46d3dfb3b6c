# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document

from dms_suite.dms_sales import campaigns


class DMSCampaignVariant(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dms_suite.dms_sales.doctype.dms_campaign_item.dms_campaign_item import DMSCampaignItem

		campaign: DF.Link
		campaign_max_discount: DF.Percent
		campaign_valid_from: DF.Date | None
		campaign_valid_upto: DF.Date | None
		discount_percentage: DF.Percent
		enabled: DF.Check
		items: DF.Table[DMSCampaignItem]
		org_unit: DF.Link
		valid_from: DF.Date | None
		valid_upto: DF.Date | None
	# end: auto-generated types

	def validate(self):
		campaigns.validate_variant(self)

	def on_update(self):
		campaigns.sync_pricing_rules(self)

	def on_trash(self):
		campaigns.remove_pricing_rules(self.name)
