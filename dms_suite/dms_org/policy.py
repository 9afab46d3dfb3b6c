"""Org policies: business parameters set per org unit and inherited down the tree.

A unit *sets* a policy by having a row for it in its Policies table. A unit that does not set a
policy takes the value of its nearest ancestor that does, and a policy nobody sets on the path to
the root takes the default below. ``0`` is a real value (a store may set zero safety days), which
is why policies live in rows rather than in numeric fields that Frappe stores as 0 when empty.

Resolving is one query for the whole tree (every unit with every ancestor's rows, ordered from the
root down), cached in Redis and dropped whenever any org unit changes.
"""

from dataclasses import dataclass
from typing import Any

import frappe
from frappe import _
from frappe.utils import cint, flt

CACHE_KEY = "dms_suite:effective_policies"


class InvalidPolicyValueError(frappe.ValidationError):
	pass


@dataclass(frozen=True)
class PolicyType:
	label: str
	kind: str  # "int" | "amount" | "percent" | "choice"
	default: Any = None
	choices: tuple[str, ...] = ()


# The one list of policies. Adding a policy: add it here and to the Select options of
# DMS Org Unit Policy.policy (a test keeps the two in step).
POLICIES: dict[str, PolicyType] = {
	"safety_stock_days": PolicyType("Safety Stock Days", "int", default=0),
	"transfer_rule": PolicyType("Default Transfer Rule", "choice", "Nearest", ("Nearest", "Lowest Cost")),
	"transfer_approval_limit": PolicyType("Transfer Approval Limit", "amount", default=0.0),
	# quotations: above each discount limit the next level approves (store manager, region, HQ);
	# nobody may give more than the maximum; above the amounts, the region and then finance and sales
	"discount_approval_limit": PolicyType("Discount Approval Limit (%)", "percent", default=0.0),
	"region_discount_limit": PolicyType("Region Approval Above Discount (%)", "percent", default=10.0),
	"hq_discount_limit": PolicyType("HQ Approval Above Discount (%)", "percent", default=15.0),
	"max_discount_percent": PolicyType("Maximum Discount (%)", "percent", default=30.0),
	"region_approval_amount": PolicyType("Region Approval Above Amount", "amount", default=0.0),
	"dual_approval_amount": PolicyType("Finance and Sales Approval Above Amount", "amount", default=0.0),
	"monthly_sales_target": PolicyType("Monthly Sales Target", "amount", default=0.0),
	"consumption_window_days": PolicyType("Consumption Window (Days)", "int", default=90),
	"freight_rate_per_km": PolicyType("Freight Rate per km", "amount", default=0.0),
	"freight_rate_per_unit": PolicyType("Freight Rate per Unit", "amount", default=0.0),
	"shipment_lead_days": PolicyType("Shipment Lead Time (Days)", "int", default=3),
	"lead_assignment_rule": PolicyType(
		"Lead Assignment Rule", "choice", "Round Robin", ("Round Robin", "Least Open Leads")
	),
	# after-sales: a unit back with a complaint of the same category within these days is a repeat
	# repair; a technician's daily hours are the capacity labour utilisation is measured against
	"repeat_repair_days": PolicyType("Repeat Repair Window (Days)", "int", default=30),
	"technician_hours_per_day": PolicyType("Technician Hours per Day", "amount", default=8.0),
	# dealer projects: material is needed on site this many days before its task starts, and is
	# requested (just in time) once its need date is this many days away
	"site_lead_days": PolicyType("Material On-Site Lead Time (Days)", "int", default=2),
	"supply_lead_days": PolicyType("Material Supply Lead Time (Days)", "int", default=7),
}


def parse_policy_value(policy: str, raw: Any) -> Any:
	"""Return the typed value of a policy row, or throw a translated error."""
	spec = POLICIES.get(policy)
	if not spec:
		frappe.throw(_("Unknown policy {0}").format(frappe.bold(policy)), InvalidPolicyValueError)

	text = str(raw if raw is not None else "").strip()
	if spec.kind == "choice":
		if text not in spec.choices:
			frappe.throw(
				_("{0} must be one of {1}").format(frappe.bold(spec.label), ", ".join(spec.choices)),
				InvalidPolicyValueError,
			)
		return text

	try:
		number = float(text)
	except ValueError:
		number = None
	if number is None or number < 0 or (spec.kind == "int" and number != int(number)):
		kind = _("a whole number") if spec.kind == "int" else _("a number")
		frappe.throw(
			_("{0} must be {1} not below zero, not {2}").format(
				frappe.bold(spec.label), kind, frappe.bold(text)
			),
			InvalidPolicyValueError,
		)
	if spec.kind == "percent" and number > 100:
		frappe.throw(_("{0} cannot exceed 100").format(frappe.bold(spec.label)), InvalidPolicyValueError)
	return cint(number) if spec.kind == "int" else flt(number)


def get_effective_policy(unit: str) -> dict[str, Any]:
	"""The effective policies of one unit: ``{policy: value}`` for every known policy."""
	return get_effective_policies([unit])[unit]


def get_effective_policies(units: list[str] | None = None) -> dict[str, dict[str, Any]]:
	"""Effective policies of many units at once (all units when ``units`` is None).

	Raises ``frappe.DoesNotExistError`` for a unit that is not in the tree.
	"""
	resolved = frappe.cache.get_value(CACHE_KEY, generator=_resolve_all_units)
	if units is None:
		return resolved
	missing = [u for u in units if u not in resolved]
	if missing:
		frappe.throw(_("DMS Org Unit {0} not found").format(", ".join(missing)), frappe.DoesNotExistError)
	return {u: resolved[u] for u in units}


def get_policy_sources(unit: str) -> dict[str, str]:
	"""For each policy set on the path to the root: the unit whose row gives ``unit`` its value
	(one query). A policy missing here comes from the defaults."""
	rows = frappe.db.sql(
		"""
		select policy.policy, ancestor.name
		from `tabDMS Org Unit` unit
		join `tabDMS Org Unit` ancestor on ancestor.lft <= unit.lft and ancestor.rgt >= unit.rgt
		join `tabDMS Org Unit Policy` policy
			on policy.parent = ancestor.name and policy.parenttype = 'DMS Org Unit'
			and policy.parentfield = 'policies'
		where unit.name = %s
		order by ancestor.lft
		""",
		unit,
	)
	return dict(rows)  # deeper rows come later and win


def clear_policy_cache() -> None:
	frappe.cache.delete_value(CACHE_KEY)


def _resolve_all_units() -> dict[str, dict[str, Any]]:
	"""One query: every unit joined with the policy rows of itself and all its ancestors.

	Rows come ordered root-first per unit, so a later (deeper) row overrides an earlier one.
	"""
	defaults = {key: spec.default for key, spec in POLICIES.items()}
	rows = frappe.db.sql(
		"""
		select unit.name, policy.policy, policy.value
		from `tabDMS Org Unit` unit
		left join `tabDMS Org Unit` ancestor
			on ancestor.lft <= unit.lft and ancestor.rgt >= unit.rgt
		left join `tabDMS Org Unit Policy` policy
			on policy.parent = ancestor.name and policy.parenttype = 'DMS Org Unit'
			and policy.parentfield = 'policies'
		order by unit.name, ancestor.lft, policy.idx
		"""
	)
	resolved: dict[str, dict[str, Any]] = {}
	for unit, policy, value in rows:
		effective = resolved.setdefault(unit, dict(defaults))
		if policy in POLICIES:
			effective[policy] = parse_policy_value(policy, value)
	return resolved
