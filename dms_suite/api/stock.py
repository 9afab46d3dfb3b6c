"""Whitelisted methods of cross-region stock. Each checks permission before it acts."""

import frappe
from frappe import _
from frappe.utils.background_jobs import create_job_id

PLANNER_ROLES = ("DMS Stock Controller", "DMS Region Manager", "DMS Group Executive", "System Manager")
PLANNER_JOB_ID = "dms_suite:replenishment_planner"


class PlannerNotPermittedError(frappe.PermissionError):
	pass


@frappe.whitelist(methods=["POST"])
def enqueue_planner() -> str:
	"""Queue a run of the replenishment planner for the whole group (once: a run already queued or
	running is not queued again). Returns the job id."""
	if not set(PLANNER_ROLES) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a {0} may run the replenishment planner").format(
				frappe.bold(", ".join(_(role) for role in PLANNER_ROLES[:3]))
			),
			PlannerNotPermittedError,
		)
	frappe.enqueue(
		"dms_suite.dms_stock.planner.run_planner",
		queue="long",
		timeout=1800,
		job_id=PLANNER_JOB_ID,
		deduplicate=True,
	)
	return create_job_id(PLANNER_JOB_ID)  # the id RQ knows the job by (site-prefixed)
