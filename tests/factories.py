"""Small get-or-create helpers for tests, on ERPNext's own ones where they exist."""

import frappe


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


def _make_company_node(
	doctype: str, name: str, company: str, name_field: str, parent_field: str, **props
) -> str:
	"""Get-or-create a warehouse or cost center ``<name> - <abbr>`` under the company's root group."""
	full = f"{name} - {frappe.get_cached_value('Company', company, 'abbr')}"
	if not frappe.db.exists(doctype, full):
		root = frappe.db.get_value(
			doctype, {"company": company, "is_group": 1, parent_field: ("is", "not set")}
		)
		frappe.get_doc(
			{"doctype": doctype, name_field: name, "company": company, parent_field: root, **props}
		).insert()
	return full


def make_warehouse(name: str, company: str, **properties) -> str:
	return _make_company_node("Warehouse", name, company, "warehouse_name", "parent_warehouse", **properties)


def make_cost_center(name: str, company: str) -> str:
	return _make_company_node("Cost Center", name, company, "cost_center_name", "parent_cost_center")


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


def make_item(code: str, is_stock_item: int = 1, **fields) -> str:
	"""Get-or-create an item in the root group, counted in Nos."""
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": is_stock_item,
				**fields,
			}
		).insert()
	return code


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


def make_technician(first_name: str, company: str, activity_type: str, **rates) -> str:
	"""An Employee of ``company`` with their own Activity Cost for ``activity_type`` (``billing_rate``,
	``costing_rate``)."""
	employee = frappe.get_doc(
		{
			"doctype": "Employee",
			"first_name": first_name,
			"gender": "Male",
			"date_of_birth": "1990-01-01",
			"date_of_joining": "2020-01-01",
			"company": company,
		}
	).insert()
	frappe.get_doc(
		{"doctype": "Activity Cost", "employee": employee.name, "activity_type": activity_type, **rates}
	).insert()
	return employee.name
