# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

from frappe.model.document import Document


class DMSServiceLabour(Document):
	pass
