"""Just-in-time supply of project material plans and issues to the site, as native documents:
the store's free stock (above its safety level) first, else a transfer proposal from the nearest
unit that can spare it, else a Material Request; never twice for one line."""

import pytest

import frappe
from frappe.utils import add_days, flt, getdate, nowdate

from dms_suite.api import projects as api
from dms_suite.dms_projects import supply

from .factories import assign, make_user
from .project_fixture import BOLT, CEMENT, STEEL, TN1_PARTS, make_task


def lines_of(task) -> dict[str, frappe._dict]:
	return {
		row.item_code: row
		for row in frappe.get_all(
			"DMS Task Material",
			filters={"parent": task.name, "parenttype": "Task"},
			fields=[
				"name",
				"item_code",
				"qty",
				"requested_qty",
				"delivered_qty",
				"supply_status",
				"material_request",
				"transfer",
			],
		)
	}


def test_due_lines_are_supplied_from_stock_then_by_transfer_then_by_purchase(site):
	# due: needed on site within the store's supply lead time (default 7 days, site lead 2 days)
	task = make_task(site.project, "DT Deck", 5, 4, materials=[(STEEL, 20), (BOLT, 30), (CEMENT, 12)])
	later = make_task(site.project, "DT Paint", 40, 4, materials=[(CEMENT, 3)])
	made = supply.raise_jit_requests()
	lines = lines_of(task)
	# TN1 holds 50 steel with no safety level: covered by stock, nothing requested
	assert (lines[STEEL].requested_qty, lines[STEEL].supply_status) == (0, "Planned")
	# TS1 can spare the bolts: a draft transfer proposal to TN1's parts warehouse
	transfer = frappe.get_doc("Cross Region Transfer", lines[BOLT].transfer)
	assert transfer.name in made["transfers"] and transfer.status == "Draft"
	assert (transfer.source_unit, transfer.target_unit, transfer.target_warehouse) == (
		"TS1",
		"TN1",
		TN1_PARTS,
	)
	assert [(row.item_code, row.qty) for row in transfer.items] == [(BOLT, 30)]
	assert (lines[BOLT].requested_qty, lines[BOLT].supply_status) == (30, "Transfer Proposed")
	# nobody has cement: a submitted Material Request for the project, dated the need date
	request = frappe.get_doc("Material Request", lines[CEMENT].material_request)
	assert request.name in made["material_requests"] and request.docstatus == 1
	assert (request.material_request_type, request.company, request.dms_org_unit) == (
		"Purchase",
		"DT North",
		"TN1",
	)
	[row] = [row for row in request.items if row.dms_task_material == lines[CEMENT].name]
	assert (row.qty, row.project, row.warehouse) == (12, site.project, TN1_PARTS)
	assert getdate(row.schedule_date) == getdate(add_days(task.exp_start_date, -2))
	assert lines[CEMENT].supply_status == "Requested"
	# the later task is not due yet
	assert lines_of(later)[CEMENT].requested_qty == 0

	# a second run requests nothing for these lines again
	again = supply.raise_jit_requests()
	ours = {lines[BOLT].name, lines[CEMENT].name, lines_of(later)[CEMENT].name}
	assert not frappe.get_all(
		"Material Request Item",
		filters={
			"parent": ("in", again["material_requests"] or [""]),
			"dms_task_material": ("in", list(ours)),
		},
	)
	assert lines_of(task) == lines


def test_a_stale_task_form_cannot_undo_what_was_requested(site):
	task = make_task(site.project, "DT Drains", 3, 2, materials=[(CEMENT, 6)])
	supply.raise_jit_requests()
	requested = lines_of(task)[CEMENT]
	task.description = "Saved from a form opened before the run"
	task.save()  # its rows still say nothing was requested
	assert lines_of(task)[CEMENT] == requested
	supply.raise_jit_requests()
	assert frappe.db.count("Material Request Item", {"dms_task_material": requested.name}) == 1


def test_the_store_safety_level_is_respected(site):
	frappe.get_doc(
		{"doctype": "DMS Safety Level", "org_unit": "TN1", "item_code": STEEL, "safety_qty": 45}
	).insert()
	task = make_task(site.project, "DT Rails", 3, 2, materials=[(STEEL, 20)])
	supply.raise_jit_requests()
	line = lines_of(task)[STEEL]
	# 50 on hand less 45 to keep: the store spares 5, the other 15 are bought (no other unit has steel)
	assert line.material_request and line.requested_qty == 15
	[row] = frappe.get_all("Material Request Item", filters={"dms_task_material": line.name}, fields=["qty"])
	assert row.qty == 15


def test_cancelled_material_request_frees_its_lines(site):
	task = make_task(site.project, "DT Kerb", 3, 2, materials=[(CEMENT, 4)])
	supply.raise_jit_requests()
	line = lines_of(task)[CEMENT]
	request = frappe.get_doc("Material Request", line.material_request)
	request.cancel()
	line = lines_of(task)[CEMENT]
	assert (line.requested_qty, line.material_request, line.supply_status) == (0, None, "Planned")
	supply.raise_jit_requests()
	assert lines_of(task)[CEMENT].material_request not in (None, request.name)


def test_rejected_or_deleted_transfer_proposal_frees_its_lines(site):
	from frappe.model.workflow import apply_workflow

	from dms_suite.dms_stock import approval

	task = make_task(site.project, "DT Barriers", 3, 2, materials=[(BOLT, 10)])
	supply.raise_jit_requests()
	line = lines_of(task)[BOLT]
	assert (line.requested_qty, line.supply_status) == (10, "Transfer Proposed")
	transfer = frappe.get_doc("Cross Region Transfer", line.transfer)
	apply_workflow(transfer, "Submit for Approval")
	south_manager = make_user("dt.south.manager@example.com", "DMS Region Manager")
	assign(south_manager, "TS")  # the source region decides first
	frappe.set_user(south_manager)
	approval.reject(transfer.name, "Bolts are kept for TS1's own site")
	frappe.set_user("Administrator")
	line = lines_of(task)[BOLT]
	assert (line.requested_qty, line.transfer, line.supply_status) == (0, None, "Planned")

	supply.raise_jit_requests()  # proposed again, and this proposal is simply deleted
	again = lines_of(task)[BOLT].transfer
	assert again and again != transfer.name
	frappe.delete_doc("Cross Region Transfer", again)
	assert (lines_of(task)[BOLT].requested_qty, lines_of(task)[BOLT].transfer) == (0, None)


def test_issue_to_the_project_is_a_material_issue_costed_by_erpnext(site):
	task = make_task(site.project, "DT Beams", 1, 3, materials=[(STEEL, 12), (CEMENT, 2)])
	frappe.set_user(site.pm)
	entry_name = api.issue_materials(task.name)
	frappe.set_user("Administrator")
	entry = frappe.get_doc("Stock Entry", entry_name)
	assert (entry.purpose, entry.project, entry.docstatus) == ("Material Issue", site.project, 1)
	# cement is not in stock: only the steel went out
	assert [(row.item_code, row.qty, row.s_warehouse) for row in entry.items] == [(STEEL, 12, TN1_PARTS)]
	lines = lines_of(task)
	assert (lines[STEEL].delivered_qty, lines[STEEL].supply_status) == (12, "Delivered")
	assert lines[CEMENT].delivered_qty == 0
	# the Stock Ledger and ERPNext's own project costing agree with the issue
	value = -flt(
		frappe.db.get_value(
			"Stock Ledger Entry", {"voucher_no": entry_name, "is_cancelled": 0}, "stock_value_difference"
		)
	)
	assert value == pytest.approx(1200)
	assert flt(frappe.db.get_value("Project", site.project, "total_consumed_material_cost")) == pytest.approx(
		1200
	)
	# a second click issues nothing more: steel is delivered and cement is still not in stock
	with pytest.raises(supply.NothingToIssueError, match=CEMENT):
		api.issue_materials(task.name)
	entry.cancel()
	assert lines_of(task)[STEEL].delivered_qty == 0


def test_issue_refused_outside_the_users_units(site):
	task = make_task(site.project, "DT Posts", 1, 3, materials=[(STEEL, 2)])
	frappe.set_user(site.other_pm)
	with pytest.raises(frappe.PermissionError):
		api.issue_materials(task.name)
	frappe.set_user("Administrator")
	assert lines_of(task)[STEEL].delivered_qty == 0
