"""Dealer projects: the Gantt board, moving a task, issuing material, running just-in-time supply.

Each method checks permission first; the reads after that are of the one project checked."""

import frappe
from frappe import _

from dms_suite.dms_projects import board, supply


@frappe.whitelist(methods=["GET"])
def get_board(project: str) -> dict:
	"""Everything the board draws for one project, in one call."""
	frappe.has_permission("Project", "read", doc=project, throw=True)
	return board.board_data(project)


@frappe.whitelist(methods=["POST"])
def move_task(task: str, start: str, end: str) -> dict:
	"""The board's drag: new planned dates for a task (ERPNext moves its dependants on)."""
	frappe.has_permission("Task", "write", doc=task, throw=True)
	return board.move_task(task, start, end)


@frappe.whitelist(methods=["GET"])
def get_portfolio(unit: str | None = None) -> dict:
	"""One bar per project the user may read (frappe.get_list applies the org isolation)."""
	if unit:
		frappe.has_permission("DMS Org Unit", "read", doc=unit, throw=True)
	return board.portfolio_data(unit)


@frappe.whitelist(methods=["POST"])
def issue_materials(task: str) -> str:
	"""Issue the task's outstanding material from the store by a Material Issue; returns its name."""
	# issuing delivers the task's plan lines and posts stock: write on the task, submit on the entry
	# (the entry itself is checked again, with its store, when it is inserted and submitted)
	frappe.has_permission("Task", "write", doc=task, throw=True)
	frappe.has_permission("Stock Entry", "create", throw=True)
	frappe.has_permission("Stock Entry", "submit", throw=True)
	return supply.issue_materials(task)


@frappe.whitelist(methods=["POST"])
def run_jit() -> str:
	"""Queue the just-in-time supply run now (it also runs daily); progress shows on the desk."""
	frappe.has_permission("Material Request", "create", throw=True)
	supply.enqueue_jit()
	return _("Just-in-time supply is queued.")
