"""A dealer project at TN1 for the project tests (the ``site`` fixture in conftest.py): stock items
in TN1's parts warehouse, a non-stock item, a customer, a project manager per store, and helpers
to make tasks with material plans."""

import frappe
from frappe.utils import add_days, nowdate

from .factories import assign, make_item, make_user

NORTH = "DT North"
TN1_PARTS = "TN1 Parts - DTN"
STEEL = "DT-PRJ-STEEL"  # in stock at TN1
BOLT = "DT-PRJ-BOLT"  # in stock at TS1 only
CEMENT = "DT-PRJ-CEMENT"  # nowhere in stock
SURVEY = "DT-PRJ-SURVEY"  # not a stock item
CRANE = "DT-PRJ-CRANE"  # equipment hired for the site
CUSTOMER = "DT Project Client"
OTHER_CUSTOMER = "DT Other Client"
PM = "dt.tn1.pm@example.com"
OTHER_PM = "dt.ts1.pm@example.com"


def build_site(org):
	for code in (STEEL, BOLT, CEMENT):
		make_item(code, valuation_rate=100)
	make_item(SURVEY, is_stock_item=0)
	make_item(CRANE, is_stock_item=0)
	receipt(NORTH, TN1_PARTS, {STEEL: 50})
	receipt("DT South", "TS1 Vehicles - DTS", {BOLT: 100})
	for name in (CUSTOMER, OTHER_CUSTOMER):
		if not frappe.db.exists("Customer", name):
			frappe.get_doc({"doctype": "Customer", "customer_name": name, "dms_org_unit": "TN1"}).insert()
	pm = make_user(PM, "DMS Project Manager")
	assign(pm, "TN1")
	other_pm = make_user(OTHER_PM, "DMS Project Manager")
	assign(other_pm, "TS1")
	return frappe._dict(org=org, pm=pm, other_pm=other_pm, project=make_project("DT Bridge Site"))


def receipt(company: str, warehouse: str, quantities: dict[str, float], rate: float = 100) -> str:
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company,
			"items": [
				{"item_code": item, "qty": qty, "basic_rate": rate, "t_warehouse": warehouse}
				for item, qty in quantities.items()
			],
		}
	).insert()
	entry.submit()
	return entry.name


def make_project(name: str, customer: str = CUSTOMER, store: str = "TN1", **fields) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Project",
			"project_name": name,
			"company": NORTH if store.startswith("TN") else "DT South",
			"dms_org_unit": store,
			"customer": customer,
			"expected_start_date": add_days(nowdate(), -30),
			"expected_end_date": add_days(nowdate(), 120),
			"dms_project_manager": PM,
			"dms_contract_value": 100000,
			"percent_complete_method": "Task Progress",
			"dms_budget": [
				{"cost_type": "Materials", "amount": 40000},
				{"cost_type": "Labour", "amount": 20000},
				{"cost_type": "Equipment", "amount": 15000},
			],
			**fields,
		}
	).insert()
	return doc.name


def make_task(project: str, subject: str, start_in: int, days: int, depends_on=(), materials=(), **fields):
	"""A task starting ``start_in`` days from today, ``days`` long (both ends included)."""
	start = add_days(nowdate(), start_in)
	doc = frappe.get_doc(
		{
			"doctype": "Task",
			"project": project,
			"subject": subject,
			"exp_start_date": start,
			"exp_end_date": add_days(start, days - 1),
			# with the project, as ERPNext's Task form fills it in: ERPNext moves dependants on by it
			"depends_on": [{"task": task, "project": project} for task in depends_on],
			"dms_materials": [{"item_code": item, "qty": qty} for item, qty in materials],
			**fields,
		}
	).insert()
	return doc
