"""Whitelisted methods of the org tree. Each checks permission before it reads."""

from typing import Any

import frappe
from frappe import _

from dms_suite.dms_org.policy import POLICIES, get_effective_policies, get_policy_sources


@frappe.whitelist(methods=["GET"])
def get_effective_policy(unit: str) -> dict[str, Any]:
	"""Effective policies of one org unit (the user must be able to read the unit)."""
	frappe.has_permission("DMS Org Unit", "read", unit, throw=True)
	return get_effective_policies([unit])[unit]


@frappe.whitelist(methods=["GET"])
def get_policy_overview(unit: str) -> list[dict[str, Any]]:
	"""Each policy of ``unit`` with its value and the unit it comes from (None: the default)."""
	frappe.has_permission("DMS Org Unit", "read", unit, throw=True)
	values = get_effective_policies([unit])[unit]
	sources = get_policy_sources(unit)
	return [
		{"policy": policy, "value": value, "source": sources.get(policy)} for policy, value in values.items()
	]
