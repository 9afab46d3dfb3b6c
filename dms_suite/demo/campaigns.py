"""The demo's joint campaign: HQ's Spring Drive with a North and an East variant, leads and
quotations naming it, two of them ordered, priced by ERPNext through the variants' Pricing Rules."""

import frappe
from frappe.utils import add_days, nowdate

from dms_suite.dms_sales.campaigns import campaign_results

DEMO_CAMPAIGN = "Spring Drive"
DEMO_MODELS = ("VH-SEDAN-A1", "VH-SUV-X5")
DEMO_MAX_DISCOUNT = 8
# region unit -> (discount %, model subset: empty = all the campaign's models)
DEMO_VARIANTS = {"NORTH": (5, ()), "EAST": (4, ("VH-SUV-X5",))}
# (store, region company, customer, model, ordered): quotations naming the campaign, some ordered
DEMO_SALES = (
	("N-BJ", "Demo Auto North", "Zhang Wei", "VH-SEDAN-A1", True),
	("N-TJ", "Demo Auto North", "Capital Logistics Beijing", "VH-SUV-X5", False),
	("E-SH", "Demo Auto East", "Li Na", "VH-SUV-X5", True),
	("E-HZ", "Demo Auto East", "Wang Fang", "VH-SUV-X5", False),
)
DEMO_LEADS = (("N-BJ", "Demo Auto North"), ("N-TJ", "Demo Auto North"), ("E-SH", "Demo Auto East"))


def build_demo_campaign(created, group_unit: str) -> dict:
	"""HQ's Spring Drive (two models, at most 8%) with a North variant (5%, both models) and an East
	one (4%, SUV only); leads and quotations naming it in four stores, two of them ordered, priced by
	ERPNext through the variants' Pricing Rules. Idempotent: each piece is made only when missing."""
	campaign = frappe.db.get_value("Campaign", {"campaign_name": DEMO_CAMPAIGN})
	if not campaign:
		campaign = (
			frappe.get_doc(
				{
					"doctype": "Campaign",
					"campaign_name": DEMO_CAMPAIGN,
					"description": "Joint spring campaign of the group: each region sets its own offer.",
					"dms_org_unit": group_unit,
					"dms_max_discount": DEMO_MAX_DISCOUNT,
					"dms_valid_from": add_days(nowdate(), -15),
					"dms_valid_upto": add_days(nowdate(), 45),
					"dms_items": [{"item_code": code} for code in DEMO_MODELS],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		created["Campaign"] += 1
	for region, (discount, models) in DEMO_VARIANTS.items():
		if not frappe.db.exists("DMS Campaign Variant", {"campaign": campaign, "org_unit": region}):
			frappe.get_doc(
				{
					"doctype": "DMS Campaign Variant",
					"campaign": campaign,
					"org_unit": region,
					"discount_percentage": discount,
					"items": [{"item_code": code} for code in models],
				}
			).insert(ignore_permissions=True)
			created["DMS Campaign Variant"] += 1
	for i, (store, company) in enumerate(DEMO_LEADS):
		email = f"spring.drive.{i + 1}@demo-dms.example"
		if not frappe.db.exists("Lead", {"email_id": email}):
			frappe.get_doc(
				{
					"doctype": "Lead",
					"first_name": "Spring Drive",
					"last_name": f"Prospect {i + 1}",
					"email_id": email,
					"source": "Event",
					"company": company,
					"dms_org_unit": store,
					"campaign_name": campaign,
				}
			).insert(ignore_permissions=True)
			created["Lead"] += 1
	for store, company, customer, model, ordered in DEMO_SALES:
		_demo_sale(created, campaign, store, company, customer, model, ordered)
	return {
		"campaign": campaign,
		"variants": frappe.get_all(
			"DMS Campaign Variant",
			filters={"campaign": campaign},
			fields=["org_unit", "discount_percentage"],
			order_by="org_unit",
		),
		"results": [row for row in campaign_results(campaign) if row["quotations"] or row["leads"]],
	}


def _demo_sale(created, campaign, store, company, customer, model, ordered) -> None:
	from frappe.model.workflow import apply_workflow, get_workflow_name

	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	quotation = frappe.db.get_value(
		"Quotation",
		{"campaign": campaign, "dms_org_unit": store, "party_name": customer, "docstatus": ("<", 2)},
		["name", "docstatus"],
		as_dict=True,
	)
	if not quotation:
		doc = frappe.get_doc(
			{
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": customer,
				"company": company,
				"dms_org_unit": store,
				"campaign": campaign,
				"items": [{"item_code": model, "qty": 1}],
			}
		).insert(ignore_permissions=True)
		created["Quotation"] += 1
		if get_workflow_name("Quotation"):
			apply_workflow(doc, "Submit")  # within the campaign's offer: no approval needed
		else:
			doc.submit()
		quotation = frappe._dict(name=doc.name, docstatus=1)
	if not ordered or frappe.db.exists(
		"Sales Order Item", {"prevdoc_docname": quotation.name, "docstatus": ("<", 2)}
	):
		return
	order = make_sales_order(quotation.name)
	order.delivery_date = add_days(nowdate(), 14)
	warehouse = frappe.db.get_value("DMS Org Unit", store, "stock_warehouse")
	order.set_warehouse = warehouse
	for row in order.items:
		row.warehouse = warehouse
	order.insert(ignore_permissions=True)
	order.submit()
	created["Sales Order"] += 1


def demo_campaign_summary(scene: dict) -> list[str]:
	variants = ", ".join(f"{v.org_unit} {v.discount_percentage:g}%" for v in scene["variants"])
	lines = [f"  Campaign {scene['campaign']}: variants {variants}"]
	for row in scene["results"]:
		lines.append(
			f"    {row['org_unit']:<6} {row['leads']} leads, {row['quotations']} quotations, {row['orders']} orders,"
			f" revenue {row['revenue']:,.2f}, conversion {row['conversion_rate']:g}%"
		)
	return lines
