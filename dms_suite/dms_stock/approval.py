"""Cross Region Transfer approval: the route a transfer takes, who may move it, who is told.

The chain itself is a Frappe Workflow shipped with the app (``dms_suite/workflows/cross_region_transfer.json``,
installed by ``install_workflow``):

	Draft → Pending Source Approval → [Pending Target Approval] → [Pending HQ Approval] → Approved

- the source region's manager approves every transfer;
- the target region's manager too when the target lies in another region (``needs_target_approval``);
- a Group Executive last when the value exceeds the source unit's ``transfer_approval_limit`` policy
  (``needs_hq_approval``).

The workflow's roles say *which kind* of user acts at each step; this module adds what a workflow
cannot say: the approver must have the step's unit in their org scope, nobody decides on their own
request, a rejection carries a reason, and a transfer is only submitted (and so reserves stock) by
walking the chain. Approvers get a ToDo when a step reaches them; it is closed when the step is done.
"""

import json
from pathlib import Path

import frappe
from frappe import _
from frappe.model.workflow import get_transitions, get_workflow_name
from frappe.utils import cstr, flt, now, nowdate

from dms_suite.dms_org.policy import get_effective_policy
from dms_suite.permissions import get_user_units
from dms_suite.sanitize import plain_text

WORKFLOW_FILE = Path(__file__).parent.parent / "workflows" / "cross_region_transfer.json"
DOCTYPE = "Cross Region Transfer"

DRAFT = "Draft"
PENDING_SOURCE = "Pending Source Approval"
PENDING_TARGET = "Pending Target Approval"
PENDING_HQ = "Pending HQ Approval"
APPROVED = "Approved"
REJECTED = "Rejected"
CANCELLED = "Cancelled"
PENDING_STATES = (PENDING_SOURCE, PENDING_TARGET, PENDING_HQ)

# workflow state -> document status (the status moves on by itself after approval: In Transit, Received…)
STATUS_BY_STATE = {
	DRAFT: "Draft",
	PENDING_SOURCE: "Pending Approval",
	PENDING_TARGET: "Pending Approval",
	PENDING_HQ: "Pending Approval",
	APPROVED: "Approved",
	REJECTED: "Rejected",
	CANCELLED: "Cancelled",
}

REGION_MANAGER = "DMS Region Manager"
GROUP_EXECUTIVE = "DMS Group Executive"


class ApprovalError(frappe.ValidationError):
	pass


class SelfApprovalError(ApprovalError):
	pass


class RejectionReasonRequiredError(ApprovalError):
	pass


class ApprovalRouteError(ApprovalError):
	pass


# ---------------------------------------------------------------------------------------------------
# Route: which approvals a transfer needs


def set_route(doc) -> None:
	"""Fill ``needs_target_approval`` and ``needs_hq_approval`` while the transfer is a draft."""
	if doc.docstatus != 0 or not (doc.source_unit and doc.target_unit):
		return
	regions = get_regions([doc.source_unit, doc.target_unit])
	doc.needs_target_approval = int(regions.get(doc.source_unit) != regions.get(doc.target_unit))

	limit = flt(get_effective_policy(doc.source_unit).get("transfer_approval_limit"))
	doc.needs_hq_approval = int(limit > 0 and transfer_value(doc) > limit)


def get_regions(units: list[str]) -> dict[str, str]:
	"""``{unit: its region}`` in one query: the nearest ancestor-or-self of type Region; a unit with no
	Region above it (a store right under the group) is its own region."""
	rows = frappe.db.sql(
		"""
		select unit.name, coalesce(
			(select region.name from `tabDMS Org Unit` region
			where region.unit_type = 'Region' and region.lft <= unit.lft and region.rgt >= unit.rgt
			order by region.lft desc limit 1),
			unit.name)
		from `tabDMS Org Unit` unit
		where unit.name in %(units)s
		""",
		{"units": tuple(set(units))},
	)
	return dict(rows)


def transfer_value(doc) -> float:
	"""The transfer's value: its total, or the rows' value when the total is not computed yet."""
	return flt(doc.total_value) or sum(flt(row.qty) * flt(row.valuation_rate) for row in doc.items)


def next_approval_state(doc, state: str) -> str:
	"""The state an approval in ``state`` leads to, by the transfer's route."""
	if state == PENDING_SOURCE and doc.needs_target_approval:
		return PENDING_TARGET
	if state in (PENDING_SOURCE, PENDING_TARGET) and doc.needs_hq_approval:
		return PENDING_HQ
	return APPROVED


# ---------------------------------------------------------------------------------------------------
# Guards on every state change


def validate_state_change(doc) -> None:
	"""Keep ``status`` in step with the workflow state; check the acting user may take the step."""
	state = doc.workflow_state or DRAFT
	before = doc.get_doc_before_save()
	previous = (before.workflow_state or DRAFT) if before else None
	changed = previous is not None and previous != state
	if doc.docstatus == 0 or changed:
		doc.status = STATUS_BY_STATE.get(state, doc.status)

	if not changed:
		return
	if previous in PENDING_STATES and not _bypasses_checks():
		check_approver(doc, previous)
		if state not in (REJECTED, next_approval_state(doc, previous)):
			frappe.throw(
				_("Transfer {0} needs {1} next, not {2}").format(
					frappe.bold(doc.name),
					frappe.bold(_(next_approval_state(doc, previous))),
					frappe.bold(_(state)),
				),
				ApprovalRouteError,
			)
	if state == REJECTED and not cstr(doc.rejection_reason).strip():
		frappe.throw(
			_("Give a reason to reject transfer {0}").format(frappe.bold(doc.name)),
			RejectionReasonRequiredError,
			title=_("Rejection Reason Required"),
		)


def check_approver(doc, state: str, user: str | None = None) -> None:
	"""``user`` may decide (approve or reject) the step ``state`` of ``doc``."""
	user = user or frappe.session.user
	if user == doc.owner:
		frappe.throw(
			_("You requested transfer {0}: another approver must decide on it").format(frappe.bold(doc.name)),
			SelfApprovalError,
		)

	units = get_user_units(user)
	if units is None:
		return
	if state == PENDING_HQ:
		frappe.throw(
			_("Only a Group Executive may decide the HQ approval of transfer {0}").format(
				frappe.bold(doc.name)
			),
			frappe.PermissionError,
		)
	unit = doc.source_unit if state == PENDING_SOURCE else doc.target_unit
	if unit not in units:
		frappe.throw(
			_("You may not decide {0} of transfer {1}: {2} is outside your org units").format(
				frappe.bold(_(state)), frappe.bold(doc.name), frappe.bold(unit)
			),
			frappe.PermissionError,
		)


def prevent_self_approval(doc) -> None:
	"""Before submit: a transfer is submitted only by its last approver, who is not its requester.

	Frappe enforces ``allow_self_approval`` only inside ``apply_workflow``, and a plain submit would
	jump the whole chain; both are closed here.
	"""
	if _bypasses_checks():
		return
	if frappe.session.user == doc.owner:
		frappe.throw(
			_("You requested transfer {0}: another approver must approve it").format(frappe.bold(doc.name)),
			SelfApprovalError,
		)
	if get_workflow_name(doc.doctype) and doc.workflow_state != APPROVED:
		frappe.throw(
			_("Transfer {0} is {1}: it is submitted by approving it through its approval chain").format(
				frappe.bold(doc.name), frappe.bold(_(doc.workflow_state or DRAFT))
			),
			ApprovalError,
		)


def _bypasses_checks() -> bool:
	return frappe.session.user == "Administrator" or bool(frappe.flags.in_install or frappe.flags.in_migrate)


@frappe.whitelist(methods=["POST"])
def reject(name: str, reason: str):
	"""Reject a pending transfer with a reason, in one call (the workflow's Reject takes no reason)."""
	from frappe.model.workflow import apply_workflow

	set_rejection_reason(name, reason)
	return apply_workflow(frappe.get_doc(DOCTYPE, name), "Reject")


@frappe.whitelist(methods=["POST"])
def set_rejection_reason(name: str, reason: str) -> None:
	"""Store the reason of a rejection about to be made (the desk asks for it before the workflow's
	Reject action, which refuses to reject without one). Only an approver of the current step may."""
	doc = frappe.get_doc(DOCTYPE, name)
	doc.check_permission("write")
	state = doc.workflow_state or DRAFT
	if doc.docstatus != 0 or state not in PENDING_STATES:
		frappe.throw(
			_("Transfer {0} is {1}: only a pending transfer can be rejected").format(
				frappe.bold(doc.name), frappe.bold(_(state))
			),
			ApprovalError,
		)
	check_approver(doc, state)
	if "Reject" not in {transition.action for transition in get_transitions(doc)}:
		# the unit is in the user's scope, but the workflow gives this step to another role
		frappe.throw(
			_("Only an approver of {0} may reject transfer {1}").format(
				frappe.bold(_(state)), frappe.bold(doc.name)
			),
			frappe.PermissionError,
		)
	reason = plain_text(reason, 1000)
	if not reason:
		frappe.throw(
			_("Give a reason to reject transfer {0}").format(frappe.bold(doc.name)),
			RejectionReasonRequiredError,
			title=_("Rejection Reason Required"),
		)
	doc.db_set("rejection_reason", reason, notify=True)


# ---------------------------------------------------------------------------------------------------
# Notifications


def notify_approvers(doc) -> None:
	"""On a state change: close the ToDos of the step just done, open ToDos for the next approvers,
	and tell the requester about a rejection."""
	before = doc.get_doc_before_save()
	if not before or (before.workflow_state or DRAFT) == (doc.workflow_state or DRAFT):
		return

	close_open_todos(doc)
	state = doc.workflow_state
	if state in PENDING_STATES:
		approvers = [user for user in get_approvers(doc, state) if user != doc.owner]
		description = _("Approve or reject transfer {0}: {1} → {2} ({3})").format(
			doc.name, doc.source_unit, doc.target_unit, _(state)
		)
		_assign(doc, approvers, description)
	elif state == REJECTED:
		reason = cstr(doc.rejection_reason).strip()
		doc.add_comment("Comment", _("Rejected by {0}: {1}").format(frappe.session.user, reason))
		if doc.owner != frappe.session.user:
			_assign(doc, [doc.owner], _("Transfer {0} was rejected: {1}").format(doc.name, reason))


def get_approvers(doc, state: str) -> list[str]:
	"""Enabled users who approve ``state`` of ``doc`` (one query).

	Source / target step: Region Managers assigned to the unit or one of its ancestors. HQ step:
	every Group Executive.
	"""
	if state == PENDING_HQ:
		return frappe.db.sql_list(
			"""
			select distinct user.name
			from `tabUser` user
			join `tabHas Role` role on role.parent = user.name and role.parenttype = 'User'
			where role.role = %s and user.enabled = 1
			order by user.name
			""",
			GROUP_EXECUTIVE,
		)
	unit = doc.source_unit if state == PENDING_SOURCE else doc.target_unit
	return frappe.db.sql_list(
		"""
		select distinct assignment.user
		from `tabDMS Org Unit` unit
		join `tabDMS Org Unit` assigned on assigned.lft <= unit.lft and assigned.rgt >= unit.rgt
		join `tabDMS Org Assignment` assignment on assignment.org_unit = assigned.name
		join `tabUser` user on user.name = assignment.user and user.enabled = 1
		join `tabHas Role` role on role.parent = user.name and role.parenttype = 'User' and role.role = %s
		where unit.name = %s
		order by assignment.user
		""",
		(REGION_MANAGER, unit),
	)


def close_open_todos(doc) -> None:
	"""Close every open ToDo of the transfer (one update) and clear its assignment list."""
	names = frappe.get_all(
		"ToDo",
		filters={"reference_type": doc.doctype, "reference_name": doc.name, "status": "Open"},
		pluck="name",
	)
	if not names:
		return
	todo = frappe.qb.DocType("ToDo")
	frappe.qb.update(todo).set(todo.status, "Closed").set(todo.modified, now()).where(
		todo.name.isin(names)
	).run()
	frappe.db.set_value(doc.doctype, doc.name, "_assign", "", update_modified=False)
	doc._assign = ""


def _assign(doc, users: list[str], description: str) -> None:
	"""Open a ToDo per user on the transfer (``assign_to.add`` would also e-mail each of them)."""
	for user in users:
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"reference_type": doc.doctype,
				"reference_name": doc.name,
				"description": description,
				"assigned_by": frappe.session.user,
				"date": nowdate(),
			}
		).insert(ignore_permissions=True)
	if users:
		doc._assign = frappe.db.get_value(doc.doctype, doc.name, "_assign")


# ---------------------------------------------------------------------------------------------------
# Installing the workflow


def install_workflow(path: Path = WORKFLOW_FILE) -> str:
	"""Create or update an approval Workflow (with its states and actions) from a shipped file
	(dms_suite/workflows/); by default the transfers' one.

	Idempotent: writes nothing when the site already matches the file.
	"""
	spec = json.loads(path.read_text())
	styles = spec.pop("state_styles", {})
	for state in dict.fromkeys(row["state"] for row in spec["states"]):
		if not frappe.db.exists("Workflow State", state):
			frappe.get_doc(
				{"doctype": "Workflow State", "workflow_state_name": state, "style": styles.get(state) or ""}
			).insert(ignore_permissions=True)
	for action in dict.fromkeys(row["action"] for row in spec["transitions"]):
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)

	name = spec["workflow_name"]
	if frappe.db.exists("Workflow", name):
		workflow = frappe.get_doc("Workflow", name)
		if _matches(workflow, spec):
			return name
		workflow.update({key: value for key, value in spec.items() if key not in ("states", "transitions")})
		workflow.set("states", spec["states"])
		workflow.set("transitions", spec["transitions"])
		workflow.save(ignore_permissions=True)
	else:
		frappe.get_doc(spec).insert(ignore_permissions=True)
	frappe.cache.hdel("workflow", spec["document_type"])
	return name


def _matches(workflow, spec: dict) -> bool:
	def norm(value):
		return cstr(value).strip()

	for key, value in spec.items():
		if key in ("states", "transitions", "doctype"):
			continue
		if norm(workflow.get(key)) != norm(value):
			return False
	for table in ("states", "transitions"):
		rows = workflow.get(table)
		if len(rows) != len(spec[table]):
			return False
		for row, wanted in zip(rows, spec[table], strict=True):
			if any(norm(row.get(key)) != norm(value) for key, value in wanted.items()):
				return False
	return True
