"""Whitelisted methods of the org tree. Each checks permission before it reads."""

from typing import Any

import frappe

from dms_suite.org.policy import get_effective_policies


@frappe.whitelist(methods=["GET"])
def get_effective_policy(unit: str) -> dict[str, Any]:
	"""Effective policies of one org unit (the user must be able to read the unit)."""
	frappe.has_permission("DMS Org Unit", "read", unit, throw=True)
	return get_effective_policies([unit])[unit]
