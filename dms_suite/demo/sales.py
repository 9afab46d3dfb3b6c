"""The demo's sales scene, built through the real services, hooks and workflow.

- Chen Ming asks the Beijing store (N-BJ) about the SUV X5 through the website feed: a lead, given to
  Beijing's salesperson by the store's assignment rule, with the follow-up plan North inherits from
  HQ (call, visit, test drive) plus North's own winter-check call, as ToDos with due dates.
- A week later he writes to Guangzhou (S-GZ) through the portal, his number written differently: the
  group-wide duplicate check links the enquiry to his lead instead of a second one.
- Beijing quotes him 12% off (ERPNext's Lead -> Quotation mapping): above the store manager's 10%, so
  the store manager approves and the quotation waits for the North region manager.
- Zhang Wei, a Beijing customer, walks into Guangzhou: Guangzhou's store user cannot see him and asks
  for access by his phone (dms_suite/dms_sales/handover.py); the request waits for Beijing's store manager.

Idempotent: each step runs only when what it makes is missing.
"""

import frappe
from frappe.model.workflow import apply_workflow

STORE = "N-BJ"
SELLER = "north.sales@demo-dms.example"
STORE_MANAGER = "north.store.manager@demo-dms.example"
MODEL = "VH-SUV-X5"
PROSPECT = {"first_name": "Chen", "last_name": "Ming", "mobile_no": "138 0000 8888"}
DISCOUNT = 12
MASKED_CUSTOMER = "Chen Jie"  # owned by Guangzhou
WALK_IN = ("Zhang Wei", "13910010002", "south.store@demo-dms.example")  # Beijing's customer at Guangzhou
SALES_POLICIES = {
	"discount_approval_limit": "5",
	"region_discount_limit": "10",
	"hq_discount_limit": "15",
	"max_discount_percent": "25",
}


def build_sales_scene(created, group_unit: str) -> dict:
	from dms_suite.dms_sales.leads import find_duplicate, intake_lead, normalise_phone

	ensure_policies(group_unit, created)
	ensure_follow_up_plans(group_unit, created)
	key = normalise_phone(PROSPECT["mobile_no"], "China")
	found = find_duplicate(key, None, None)
	if found:
		lead = found[1]
	else:
		lead = intake_lead(
			{**PROSPECT, "dms_interest_item": MODEL, "notes": "Wants a test drive of the SUV X5"},
			"Website",
			STORE,
		)["name"]
		created["Lead"] += 1
	if not frappe.db.exists("Comment", {"reference_name": lead, "content": ("like", "%Portal%S-GZ%")}):
		intake_lead(
			{"first_name": "Ming", "last_name": "Chen", "mobile_no": "+86 138-0000-8888"}, "Portal", "S-GZ"
		)
	quotation = ensure_quotation(lead, created)
	return {"lead": lead, "quotation": quotation, "access_request": ensure_access_request(created)}


def ensure_access_request(created) -> str:
	"""Guangzhou's pending request for Zhang Wei, asked as Guangzhou's store user."""
	from dms_suite.dms_sales import handover

	_customer, phone, asker = WALK_IN
	existing = frappe.db.get_value(
		"DMS Customer Access Request", {"owner": asker, "lookup_type": "Phone"}, "name"
	)
	if existing:
		return existing
	current = frappe.session.user
	frappe.set_user(asker)
	try:
		name = handover.request_access("Phone", phone, "Walk-in: wants his Sedan A1 serviced here", None)[
			"request"
		]
	finally:
		frappe.set_user(current)
	created["DMS Customer Access Request"] += 1
	return name


def ensure_policies(group_unit: str, created) -> None:
	unit = frappe.get_doc("DMS Org Unit", group_unit)
	present = {row.policy for row in unit.policies}
	missing = {policy: value for policy, value in SALES_POLICIES.items() if policy not in present}
	if missing:
		for policy, value in missing.items():
			unit.append("policies", {"policy": policy, "value": value})
		unit.save(ignore_permissions=True)
		created["DMS Org Unit Policy"] += len(missing)


FOLLOW_UP_PLANS = {  # unit -> (title, steps); the region's plan adds to HQ's
	"group": (
		"HQ follow-up",
		[
			("CALL", "Call", 0, "Welcome call: needs, budget, trade-in"),
			("VISIT", "Visit", 3, "Invite to the showroom"),
			("TD", "Test Drive", 7, "Test drive of the model of interest"),
		],
	),
	"NORTH": ("North follow-up", [("WINTER", "Call", 1, "Winter check: heating, tyres, battery")]),
}


def ensure_follow_up_plans(group_unit: str, created) -> None:
	for key, (title, steps) in FOLLOW_UP_PLANS.items():
		unit = group_unit if key == "group" else key
		if frappe.db.exists("DMS Follow-up Plan", {"org_unit": unit}):
			continue
		frappe.get_doc(
			{
				"doctype": "DMS Follow-up Plan",
				"org_unit": unit,
				"title": title,
				"steps": [
					{"step_code": code, "action": action, "day_offset": day, "description": text}
					for code, action, day, text in steps
				],
			}
		).insert(ignore_permissions=True)
		created["DMS Follow-up Plan"] += 1


def ensure_quotation(lead: str, created) -> str:
	from erpnext.crm.doctype.lead.lead import make_quotation

	name = frappe.db.get_value("Quotation", {"party_name": lead, "docstatus": ("<", 2)}, "name")
	current = frappe.session.user
	try:
		if not name:
			frappe.set_user(SELLER)
			quotation = make_quotation(lead)
			quotation.dms_org_unit = STORE
			quotation.append("items", {"item_code": MODEL, "qty": 1, "discount_percentage": DISCOUNT})
			quotation.insert()
			name = quotation.name
			created["Quotation"] += 1
		steps = {
			"Draft": (SELLER, "Submit for Approval"),
			"Pending Store Approval": (STORE_MANAGER, "Approve"),
		}
		for _ in range(len(steps)):
			doc = frappe.get_doc("Quotation", name)
			if doc.workflow_state not in steps:
				break
			user, action = steps[doc.workflow_state]
			frappe.set_user(user)
			apply_workflow(doc, action)
	finally:
		frappe.set_user(current)
	return name


def sales_summary(scene: dict) -> list[str]:
	lead = frappe.db.get_value(
		"Lead", scene["lead"], ["name", "lead_name", "lead_owner", "source", "dms_org_unit"], as_dict=True
	)
	duplicates = frappe.db.count(
		"Comment", {"reference_name": lead.name, "comment_type": "Info", "content": ("like", "%New enquiry%")}
	)
	quotation = frappe.db.get_value(
		"Quotation", scene["quotation"], ["name", "dms_discount_percent", "workflow_state"], as_dict=True
	)
	follow_ups = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Lead", "reference_name": lead.name, "dms_follow_up_step": ("is", "set")},
		pluck="dms_follow_up_step",
		order_by="date asc, dms_follow_up_step asc",
	)
	return [
		*masked_phone_lines(),
		f"  Lead {lead.name}: {lead.lead_name} via {lead.source} at {lead.dms_org_unit}, owner {lead.lead_owner}",
		f"  Follow-up plan (HQ + North): {', '.join(follow_ups) or 'none'} as ToDos",
		f"  Duplicate caught: {duplicates} later enquiry (Portal, S-GZ) linked to {lead.name}, no second lead",
		f"  Quotation {quotation.name}: {quotation.dms_discount_percent:g}% off - {quotation.workflow_state}",
		f"  Access request {scene['access_request']}: Guangzhou asks to serve {WALK_IN[0]} (Beijing's) - "
		f"{frappe.db.get_value('DMS Customer Access Request', scene['access_request'], 'status')}"
		f" (grant as {STORE_MANAGER})",
	]


def masked_phone_lines() -> list[str]:
	"""What a store user of Guangzhou reads of Chen Jie on the desk/REST read path (a salesperson's
	read would show the number and be written to the Access Log, so the summary does not do it)."""
	import frappe.client

	user, current = "south.store@demo-dms.example", frappe.session.user
	try:
		frappe.set_user(user)
		seen = frappe.client.get("Customer", MASKED_CUSTOMER)
	finally:
		frappe.set_user(current)
	return [
		f"  Masked phone: {user} reads {MASKED_CUSTOMER}'s mobile as {seen.get('dms_masked_mobile')}"
		f" (mobile_no {'withheld' if not seen.get('mobile_no') else 'SHOWN'})"
	]
