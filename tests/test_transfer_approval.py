"""The approval chain of a Cross Region Transfer (Frappe Workflow "Cross Region Transfer Approval").

Every step is taken as the user who owns it, through ``frappe.model.workflow.apply_workflow``, as the
desk's workflow buttons do. The workflow is installed from the shipped file inside each test.
"""

import pytest

import frappe
from frappe.model.workflow import WorkflowTransitionError, apply_workflow

from dms_suite.dms_stock import approval
from dms_suite.dms_stock.approval import (
	APPROVED,
	CANCELLED,
	PENDING_HQ,
	PENDING_SOURCE,
	PENDING_TARGET,
	REJECTED,
	ApprovalError,
	RejectionReasonRequiredError,
	SelfApprovalError,
)

from .factories import assign, make_unit, make_user

ITEM = "DT-APPROVAL-1"
TN1 = "TN1 Vehicles - DTN"
TN2 = "TN2 Vehicles - DTN"
TS1 = "TS1 Vehicles - DTS"
SOUTH_MANAGER = "dt.south.manager@example.com"


@pytest.fixture
def setup(org):
	"""The workflow, 10 of ITEM at 100 in TN1 Vehicles, and a manager for the South region."""
	approval.install_workflow()
	if not frappe.db.exists("Item", ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ITEM,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"valuation_rate": 100,
			}
		).insert()
	receipt = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": org.companies["north"],
			"items": [{"item_code": ITEM, "qty": 10, "basic_rate": 100, "t_warehouse": TN1}],
		}
	).insert()
	receipt.submit()
	if not frappe.db.exists("User", SOUTH_MANAGER):
		make_user(SOUTH_MANAGER, "DMS Region Manager")
		assign(SOUTH_MANAGER, "TS")
	return frappe._dict(
		org,
		requester=org.users["tn1_user"],
		north=org.users["north_manager"],
		south=SOUTH_MANAGER,
		exec=org.users["exec"],
	)


def make_transfer(owner, target="TN2", target_wh=TN2, qty=2):
	frappe.set_user(owner)
	try:
		return frappe.get_doc(
			{
				"doctype": "Cross Region Transfer",
				"source_unit": "TN1",
				"source_warehouse": TN1,
				"target_unit": target,
				"target_warehouse": target_wh,
				"items": [{"item_code": ITEM, "qty": qty, "valuation_rate": 100}],
			}
		).insert()
	finally:
		frappe.set_user("Administrator")


def act(user, doc, action):
	"""``user`` takes ``action`` on the stored transfer; returns the transfer as stored afterwards."""
	frappe.set_user(user)
	try:
		apply_workflow(frappe.get_doc(doc.doctype, doc.name), action)
	finally:
		frappe.set_user("Administrator")
	return frappe.get_doc(doc.doctype, doc.name)


def open_todos(doc) -> set[str]:
	return set(
		frappe.get_all(
			"ToDo",
			filters={"reference_type": doc.doctype, "reference_name": doc.name, "status": "Open"},
			pluck="allocated_to",
		)
	)


def set_group_limit(limit: str):
	group = frappe.get_doc("DMS Org Unit", "TG")
	group.append("policies", {"policy": "transfer_approval_limit", "value": limit})
	group.save()


def test_install_is_idempotent_and_restores_the_file(setup):
	name = approval.install_workflow()
	workflow = frappe.get_doc("Workflow", name)
	assert workflow.is_active and workflow.document_type == "Cross Region Transfer"
	assert not workflow.send_email_alert
	assert {row.state for row in workflow.states} == set(approval.STATUS_BY_STATE)
	approvals = [row for row in workflow.transitions if row.action in ("Approve", "Reject")]
	assert approvals and not any(row.allow_self_approval for row in approvals)

	modified = workflow.modified
	approval.install_workflow()
	assert frappe.db.get_value("Workflow", name, "modified") == modified  # nothing written

	workflow.transitions = [row for row in workflow.transitions if row.next_state != PENDING_HQ]
	workflow.save()
	approval.install_workflow()
	restored = frappe.get_doc("Workflow", name)
	assert len(restored.transitions) == len(approvals) + 6  # 4 submit-for-approval rows, 2 cancel rows
	assert {row.next_state for row in restored.transitions} >= {PENDING_HQ}


def test_regions_of_units(setup):
	make_unit("TX1", "Store", setup.companies["group"], "TG")  # a store right under the group
	assert approval.get_regions(["TN1", "TN2", "TS1", "TN", "TX1"]) == {
		"TN1": "TN",
		"TN2": "TN",
		"TS1": "TS",
		"TN": "TN",
		"TX1": "TX1",
	}


def test_store_to_store_in_region_needs_only_the_region_manager(setup):
	doc = make_transfer(setup.requester)
	assert (doc.workflow_state, doc.status) == ("Draft", "Draft")
	assert not doc.needs_target_approval and not doc.needs_hq_approval

	doc = act(setup.requester, doc, "Submit for Approval")
	assert (doc.workflow_state, doc.status) == (PENDING_SOURCE, "Pending Approval")
	assert open_todos(doc) == {setup.north}

	doc = act(setup.north, doc, "Approve")
	assert (doc.workflow_state, doc.status, doc.docstatus) == (APPROVED, "Approved", 1)
	assert open_todos(doc) == set()
	assert frappe.db.count("ToDo", {"reference_name": doc.name, "status": "Closed"}) == 1


def test_cross_region_needs_both_region_managers(setup):
	doc = make_transfer(setup.requester, "TS1", TS1)
	assert doc.needs_target_approval and not doc.needs_hq_approval
	doc = act(setup.requester, doc, "Submit for Approval")
	assert open_todos(doc) == {setup.north}

	# the target region's manager sees the transfer but cannot decide the source step
	with pytest.raises(frappe.PermissionError):
		act(setup.south, doc, "Approve")
	with pytest.raises(frappe.PermissionError):
		act(setup.south, doc, "Reject")

	doc = act(setup.north, doc, "Approve")
	assert (doc.workflow_state, doc.docstatus) == (PENDING_TARGET, 0)
	assert open_todos(doc) == {setup.south}

	# and the source manager cannot decide the target step
	with pytest.raises(frappe.PermissionError):
		act(setup.north, doc, "Approve")

	doc = act(setup.south, doc, "Approve")
	assert (doc.workflow_state, doc.status, doc.docstatus) == (APPROVED, "Approved", 1)
	assert open_todos(doc) == set()


def test_above_the_group_limit_needs_hq(setup):
	set_group_limit("150")  # the transfer is worth 2 x 100
	doc = make_transfer(setup.requester)
	assert doc.total_value == 200 and doc.needs_hq_approval and not doc.needs_target_approval

	doc = act(setup.requester, doc, "Submit for Approval")
	doc = act(setup.north, doc, "Approve")
	assert (doc.workflow_state, doc.docstatus) == (PENDING_HQ, 0)
	assert setup.exec in open_todos(doc) and setup.north not in open_todos(doc)

	with pytest.raises(WorkflowTransitionError):  # a region manager has no HQ step
		act(setup.north, doc, "Approve")

	doc = act(setup.exec, doc, "Approve")
	assert (doc.workflow_state, doc.docstatus) == (APPROVED, 1)
	assert open_todos(doc) == set()


def test_cross_region_above_the_limit_needs_three_approvals(setup):
	set_group_limit("150")
	doc = make_transfer(setup.requester, "TS1", TS1)
	doc = act(setup.requester, doc, "Submit for Approval")
	doc = act(setup.north, doc, "Approve")
	assert doc.workflow_state == PENDING_TARGET
	doc = act(setup.south, doc, "Approve")
	assert doc.workflow_state == PENDING_HQ
	doc = act(setup.exec, doc, "Approve")
	assert (doc.workflow_state, doc.docstatus) == (APPROVED, 1)


def test_below_the_limit_no_hq(setup):
	set_group_limit("500")
	doc = make_transfer(setup.requester)
	assert not doc.needs_hq_approval


def test_requester_cannot_approve_own_transfer(setup):
	doc = make_transfer(setup.north)
	doc = act(setup.north, doc, "Submit for Approval")
	assert setup.north not in open_todos(doc)  # nobody is asked to approve their own request

	with pytest.raises(frappe.ValidationError, match="Self approval"):
		act(setup.north, doc, "Approve")

	# nor around the workflow: setting the state and submitting directly
	frappe.set_user(setup.north)
	doc = frappe.get_doc(doc.doctype, doc.name)
	doc.workflow_state = APPROVED
	with pytest.raises(SelfApprovalError):
		doc.submit()
	frappe.set_user("Administrator")
	assert frappe.db.get_value(doc.doctype, doc.name, ["workflow_state", "docstatus"]) == (PENDING_SOURCE, 0)


def test_submit_outside_the_chain_is_refused(setup):
	doc = make_transfer(setup.requester, "TS1", TS1)
	doc = act(setup.requester, doc, "Submit for Approval")
	frappe.set_user(setup.exec)  # may submit transfers, but not skip the region managers
	with pytest.raises(ApprovalError):
		frappe.get_doc(doc.doctype, doc.name).submit()
	frappe.set_user("Administrator")
	assert frappe.db.get_value(doc.doctype, doc.name, "docstatus") == 0


def test_reject_needs_a_reason_and_tells_the_requester(setup):
	doc = make_transfer(setup.requester)
	doc = act(setup.requester, doc, "Submit for Approval")

	with pytest.raises(RejectionReasonRequiredError):
		act(setup.north, doc, "Reject")
	assert frappe.db.get_value(doc.doctype, doc.name, "workflow_state") == PENDING_SOURCE

	frappe.set_user(setup.north)
	approval.reject(doc.name, "TN2 has enough stock")
	frappe.set_user("Administrator")
	doc = frappe.get_doc(doc.doctype, doc.name)
	assert (doc.workflow_state, doc.status, doc.docstatus) == (REJECTED, "Rejected", 0)
	assert doc.rejection_reason == "TN2 has enough stock"
	assert open_todos(doc) == {setup.requester}
	assert frappe.db.exists(
		"Comment",
		{
			"reference_name": doc.name,
			"comment_type": "Comment",
			"content": ("like", "%TN2 has enough stock%"),
		},
	)
	with pytest.raises(WorkflowTransitionError):  # a rejected transfer stays rejected
		act(setup.north, doc, "Approve")


def test_desk_reject_stores_the_reason_of_the_steps_approver_only(setup):
	"""The desk asks for the reason, stores it (set_rejection_reason), then runs the workflow's Reject."""
	doc = make_transfer(setup.requester)
	doc = act(setup.requester, doc, "Submit for Approval")
	colleague = make_user("dt.tn1.colleague@example.com", "DMS Store User")
	assign(colleague, "TN1")
	for user, error in (
		(setup.south, frappe.PermissionError),  # not the source region's approver
		(colleague, frappe.PermissionError),  # the source unit in scope, but no approver's role
		(setup.requester, SelfApprovalError),
		(setup.north, RejectionReasonRequiredError),  # blank reason
	):
		frappe.set_user(user)
		with pytest.raises(error):
			approval.set_rejection_reason(doc.name, "  " if user == setup.north else "no")
	frappe.set_user("Administrator")
	assert not frappe.db.get_value(doc.doctype, doc.name, "rejection_reason")

	frappe.set_user(setup.north)
	approval.set_rejection_reason(doc.name, "Beijing keeps its stock")
	doc = act(setup.north, frappe.get_doc(doc.doctype, doc.name), "Reject")
	assert (doc.workflow_state, doc.rejection_reason) == (REJECTED, "Beijing keeps its stock")
	frappe.set_user(setup.north)
	with pytest.raises(ApprovalError):  # no longer pending
		approval.set_rejection_reason(doc.name, "again")


def test_cancelled_transfer_cannot_be_approved(setup):
	doc = make_transfer(setup.requester)
	doc = act(setup.requester, doc, "Submit for Approval")
	doc = act(setup.north, doc, "Approve")
	doc = act(setup.north, doc, "Cancel")
	assert (doc.workflow_state, doc.status, doc.docstatus) == (CANCELLED, "Cancelled", 2)

	for user in (setup.north, setup.exec):
		with pytest.raises(WorkflowTransitionError):
			act(user, doc, "Approve")
	assert frappe.db.get_value(doc.doctype, doc.name, "docstatus") == 2


def test_store_user_cannot_approve(setup):
	doc = make_transfer(setup.requester)
	doc = act(setup.requester, doc, "Submit for Approval")
	with pytest.raises(WorkflowTransitionError):
		act(setup.requester, doc, "Approve")


def test_steps_cannot_be_skipped(setup):
	doc = make_transfer(setup.requester, "TS1", TS1)
	doc = act(setup.requester, doc, "Submit for Approval")
	frappe.set_user(setup.north)  # may decide the source step, but the target manager comes next
	doc = frappe.get_doc(doc.doctype, doc.name)
	doc.workflow_state = APPROVED
	with pytest.raises(approval.ApprovalRouteError):
		doc.submit()
	frappe.set_user("Administrator")
	assert frappe.db.get_value(doc.doctype, doc.name, "workflow_state") == PENDING_SOURCE
