"""Small get-or-create helpers for tests, on ERPNext's own ones where they exist."""

import frappe
from frappe.utils import random_string


def make_company(name: str, abbr: str, parent: str | None = None, is_group: int = 0) -> str:
	if not frappe.db.exists("Company", name):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": abbr,
				"default_currency": "CNY",
				"country": "China",
				"is_group": is_group,
				"parent_company": parent,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert()
	return name


def make_warehouse(name: str, company: str, **properties) -> str:
	abbr = frappe.get_cached_value("Company", company, "abbr")
	full = f"{name} - {abbr}"
	if not frappe.db.exists("Warehouse", full):
		parent = frappe.db.get_value(
			"Warehouse", {"company": company, "is_group": 1, "parent_warehouse": ("is", "not set")}
		)
		frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": name,
				"company": company,
				"parent_warehouse": parent,
				**properties,
			}
		).insert()
	return full


def transit_warehouse(company: str) -> str:
	return frappe.db.get_value("Warehouse", {"company": company, "warehouse_type": "Transit", "is_group": 0})


def main_cost_center(company: str) -> str:
	return frappe.get_cached_value("Company", company, "cost_center")


def make_unit(code: str, unit_type: str, company: str, parent: str | None = None, **fields):
	doc = frappe.get_doc(
		{
			"doctype": "DMS Org Unit",
			"unit_code": code,
			"unit_name": fields.pop("unit_name", f"Unit {code}"),
			"unit_type": unit_type,
			"parent_dms_org_unit": parent,
			"company": company,
			**fields,
		}
	)
	return doc.insert()


def make_user(email: str, *roles: str) -> str:
	"""A desk user with the given DMS roles plus the ERPNext roles of their Role Profiles."""
	from dms_suite.setup import ERPNEXT_ROLES

	roles = tuple(dict.fromkeys(r for role in roles for r in (role, *ERPNEXT_ROLES.get(role, ()))))
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
		user.flags.no_welcome_mail = True
		user.insert()
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	return email


def assign(user: str, unit: str):
	return frappe.get_doc({"doctype": "DMS Org Assignment", "user": user, "org_unit": unit}).insert()


def unique(prefix: str) -> str:
	return f"{prefix}-{random_string(6).upper()}"
