# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class DMSCampaignTally(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		leads: DF.Int
		org_unit: DF.Link | None
		orders: DF.Int
		quotations: DF.Int
		revenue: DF.Currency
		tally_date: DF.Date | None
	# end: auto-generated types

	pass


def on_doctype_update():
	"""The results report reads a campaign's rows over a period."""
	frappe.db.add_index("DMS Campaign Tally", ["campaign", "tally_date", "org_unit"], "campaign_date_unit")
