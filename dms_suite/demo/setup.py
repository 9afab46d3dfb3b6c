"""ERPNext's own setup wizard, run once on a fresh site before the demo or the tests."""

import frappe
from frappe.utils import getdate

GROUP_COMPANY = "Demo Auto Group"
GROUP_ABBR = "DAG"


def ensure_erpnext_setup() -> bool:
	"""Complete ERPNext's setup wizard with the demo group as first company. Returns True if it ran.

	The wizard commits as it goes (Frappe's own behaviour); run it before any work that must be
	rolled back.
	"""
	if frappe.is_setup_complete():
		return False
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	year = getdate().year
	setup_complete(
		{
			"currency": "CNY",
			"full_name": "DMS Administrator",
			"company_name": GROUP_COMPANY,
			"company_abbr": GROUP_ABBR,
			"timezone": "Asia/Shanghai",
			"country": "China",
			"industry": "Automotive",
			"fy_start_date": f"{year}-01-01",
			"fy_end_date": f"{year}-12-31",
			"language": "English",
			"chart_of_accounts": "Standard",
			"email": "dms.admin@example.com",
			"password": frappe.generate_hash(length=16),
		}
	)
	frappe.db.set_value("Company", GROUP_COMPANY, "is_group", 1)
	frappe.db.commit()
	return True
