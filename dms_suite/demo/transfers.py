"""The demo's cross-region stock scene, built through the real services and workflow.

Guangzhou (S-GZ) must keep 30 hydraulic hoses and has none. The planner, by Guangzhou's rule
(nearest), takes what Xiamen (S-XM, same region and company) can spare above its own safety level,
10, and the rest, 20, from Nanjing (E-NJ, East region, another company). The first transfer needs
the South region manager's approval; the second the East manager's and then the South manager's.
Both are dispatched through transit warehouses; Xiamen's arrives in full, Nanjing's in part (15
received, 2 damaged and written off, 3 still on the road).

Idempotent: every step runs only from the state before it.
"""

import frappe
from frappe.model.workflow import apply_workflow

ITEM = "PT-HYD-HOSE"
SAFETY_LEVELS = {"S-GZ": 30, "S-XM": 30}
REQUESTER = "south.store@demo-dms.example"
MANAGERS = {"SOUTH": "south.manager@demo-dms.example", "EAST": "east.manager@demo-dms.example"}


def build_transfer_scene(created) -> list[str]:
	from dms_suite.dms_stock import planner

	ensure_safety_levels(created)
	names = frappe.get_all(
		"Cross Region Transfer",
		filters={"planner_key": f"S-GZ|{ITEM}", "docstatus": ("<", 2)},
		pluck="name",
		order_by="creation",
	)
	if not names:
		names = planner.create_proposals(planner.compute_plan(units=None, items=[ITEM]))
		created["Cross Region Transfer"] += len(names)
	for name in names:
		approve(name)
		ship(name)
	return names


def ensure_safety_levels(created) -> None:
	present = set(
		frappe.get_all(
			"DMS Safety Level",
			filters={"item_code": ITEM, "org_unit": ("in", list(SAFETY_LEVELS))},
			pluck="org_unit",
		)
	)
	for unit, qty in SAFETY_LEVELS.items():
		if unit not in present:
			frappe.get_doc(
				{"doctype": "DMS Safety Level", "org_unit": unit, "item_code": ITEM, "safety_qty": qty}
			).insert(ignore_permissions=True)
			created["DMS Safety Level"] += 1


def approve(name: str) -> None:
	"""Walk the approval chain as the people who own each step."""
	steps = {
		"Draft": (REQUESTER, "Submit for Approval"),
		"Pending Source Approval": ("source", "Approve"),
		"Pending Target Approval": ("target", "Approve"),
	}
	current = frappe.session.user
	try:
		for _ in range(len(steps)):
			doc = frappe.get_doc("Cross Region Transfer", name)
			if doc.workflow_state not in steps:
				return
			who, action = steps[doc.workflow_state]
			if who in ("source", "target"):
				who = MANAGERS[region_of(doc.get(f"{who}_unit"))]
			frappe.set_user(who)
			apply_workflow(doc, action)
	finally:
		frappe.set_user(current)


def region_of(unit: str) -> str:
	return frappe.db.get_value("DMS Org Unit", unit, "parent_dms_org_unit")


def ship(name: str) -> None:
	from dms_suite.dms_stock import transfer

	doc = frappe.get_doc("Cross Region Transfer", name)
	if doc.status == "Approved":
		transfer.dispatch(doc, carrier="Demo Freight", tracking_no=f"DF-{name}")
		doc.reload()
	if doc.status == "In Transit" and not any(row.received_qty for row in doc.items):
		if doc.transfer_mode == "Same Company":
			transfer.receive(doc, {row.item_code: row.qty for row in doc.items})
		else:  # part of it arrives, some damaged; the rest is still on the road
			transfer.receive(doc, {ITEM: 15}, damaged={ITEM: 2})


def transfer_summary() -> list[dict]:
	rows = frappe.db.sql(
		"""
		select transfer.name, transfer.source_unit, transfer.target_unit, transfer.rule,
			transfer.transfer_mode as mode, transfer.status, sum(row.qty) as qty, min(row.item_code) as item,
			(select count(*) from `tabDMS Transfer Document` document
				where document.parent = transfer.name and document.parenttype = 'Cross Region Transfer') as documents
		from `tabCross Region Transfer` transfer
		join `tabDMS Transfer Item` row on row.parent = transfer.name and row.parenttype = 'Cross Region Transfer'
		where transfer.planner_key = %s and transfer.docstatus < 2
		group by transfer.name
		order by transfer.creation
		""",
		f"S-GZ|{ITEM}",
		as_dict=True,
	)
	return rows
