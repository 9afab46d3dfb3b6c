"""Native ERPNext isolation: User Permissions kept in step with DMS org assignments.

A user's org assignments become Frappe User Permissions on the companies, warehouses and cost
centers of the units they may see, so ERPNext's masters and ledgers (Company, Warehouse, Cost
Center, Bin, Stock Ledger Entry, GL Entry) and every link picker to them are narrowed by Frappe
itself on every path. ERPNext transactions are narrowed by their org unit instead
(dms_suite/dms_org/permissions.py); of these permissions only Company applies to them.

Each permission is made *applicable for* the doctypes it should narrow, not for all doctypes:
a store's Warehouse permission must narrow the stock ledger, not hide the store's own transfer to
the region's transit warehouse, nor the Company record whose default cost center is the region's.

Rows written here carry ``dms_managed = 1``; only those are ever removed, so a User Permission an
administrator made by hand is left alone. Unrestricted users get none (they see all).
"""

import frappe
from frappe.utils import now

from dms_suite.dms_org.document_unit import ERPNEXT_TRANSACTION_DOCTYPES
from dms_suite.permissions import UNRESTRICTED_ROLES

# ERPNext masters and ledgers narrowed by these User Permissions (dms_suite/dms_org/permissions.py)
ERPNEXT_MASTER_DOCTYPES = ("Company", "Warehouse", "Cost Center")
ERPNEXT_LEDGER_DOCTYPES = ("Bin", "Stock Ledger Entry", "GL Entry")
ERPNEXT_DOCTYPES = ERPNEXT_MASTER_DOCTYPES + ERPNEXT_LEDGER_DOCTYPES + ERPNEXT_TRANSACTION_DOCTYPES
MANAGED_DOCTYPES = ERPNEXT_MASTER_DOCTYPES


def applicable_doctypes(allow: str) -> list[str]:
	"""The doctypes a permission on ``allow`` narrows.

	Company: every DMS-relevant ERPNext doctype linking to Company. Warehouse and Cost Center: the
	master itself and the ledgers linking to it.
	"""
	candidates = ERPNEXT_DOCTYPES if allow == "Company" else ERPNEXT_LEDGER_DOCTYPES
	doctypes = [allow]
	for doctype in candidates:
		if doctype == allow:
			continue
		if any(
			df.options == allow and not df.ignore_user_permissions
			for df in frappe.get_meta(doctype).get_link_fields()
		):
			doctypes.append(doctype)
	return doctypes


def sync_user_permissions(users: list[str] | set[str]) -> dict[str, int]:
	"""Make the managed User Permissions of ``users`` match their assignments.

	Set-based: one query for what should exist, one for what exists, one delete, one insert.
	Returns ``{"added": n, "removed": m}``.
	"""
	users = sorted({u for u in users if u})
	if not users:
		return {"added": 0, "removed": 0}

	applicable = {allow: applicable_doctypes(allow) for allow in MANAGED_DOCTYPES}
	wanted = {
		(user, allow, value, doctype)
		for user, allow, value in _wanted_permissions(users)
		for doctype in applicable[allow]
	}
	existing = frappe.db.sql(
		"""
		select name, user, allow, for_value, ifnull(applicable_for, '') as applicable_for,
			apply_to_all_doctypes, dms_managed
		from `tabUser Permission`
		where user in %(users)s and allow in %(doctypes)s
		""",
		{"users": users, "doctypes": MANAGED_DOCTYPES},
		as_dict=True,
	)
	present = {(row.user, row.allow, row.for_value, row.applicable_for) for row in existing}
	# a hand-made permission for all doctypes already covers every work doctype
	covered = {(row.user, row.allow, row.for_value) for row in existing if row.apply_to_all_doctypes}
	stale = [
		row.name
		for row in existing
		if row.dms_managed and (row.user, row.allow, row.for_value, row.applicable_for) not in wanted
	]
	missing = sorted(key for key in wanted - present if key[:3] not in covered)

	if stale:
		frappe.db.delete("User Permission", {"name": ("in", stale)})
	if missing:
		timestamp, owner = now(), frappe.session.user
		frappe.db.bulk_insert(
			"User Permission",
			fields=[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"docstatus",
				"user",
				"allow",
				"for_value",
				"applicable_for",
				"apply_to_all_doctypes",
				"is_default",
				"hide_descendants",
				"dms_managed",
			],
			values=[
				(
					frappe.generate_hash(length=10),
					timestamp,
					timestamp,
					owner,
					owner,
					0,
					user,
					allow,
					value,
					doctype,
					0,
					0,
					0,
					1,
				)
				for user, allow, value, doctype in missing
			],
		)
	if stale or missing:
		for user in users:
			frappe.cache.hdel("user_permissions", user)
	return {"added": len(missing), "removed": len(stale)}


def _wanted_permissions(users: list[str]) -> set[tuple[str, str, str]]:
	"""(user, doctype, value) for every company, warehouse and cost center in each user's subtrees."""
	rows = frappe.db.sql(
		"""
		select assignment.user, unit.name, unit.company, unit.cost_center,
			unit.stock_warehouse, unit.transit_warehouse, unit_warehouse.warehouse
		from `tabDMS Org Assignment` assignment
		join `tabDMS Org Unit` assigned on assigned.name = assignment.org_unit
		join `tabDMS Org Unit` unit on unit.lft >= assigned.lft and unit.rgt <= assigned.rgt
		left join `tabDMS Org Unit Warehouse` unit_warehouse
			on unit_warehouse.parent = unit.name and unit_warehouse.parenttype = 'DMS Org Unit'
		where assignment.user in %(users)s
			and exists (
				select 1 from `tabHas Role` has_role
				where has_role.parent = assignment.user and has_role.parenttype = 'User'
					and has_role.role like 'DMS %%'
			)
			and not exists (
				select 1 from `tabHas Role` has_role
				where has_role.parent = assignment.user and has_role.parenttype = 'User'
					and has_role.role in %(unrestricted)s
			)
		""",
		{"users": users, "unrestricted": tuple(UNRESTRICTED_ROLES)},
	)
	wanted = set()
	for user, _unit, company, cost_center, stock_wh, transit_wh, unit_wh in rows:
		for doctype, value in (
			("Company", company),
			("Cost Center", cost_center),
			("Warehouse", stock_wh),
			("Warehouse", transit_wh),
			("Warehouse", unit_wh),
		):
			if value:
				wanted.add((user, doctype, value))
	return wanted


def users_assigned_within(units: list[str]) -> list[str]:
	"""Users whose assignment covers any of ``units`` (assigned to it or to one of its ancestors)."""
	if not units:
		return []
	return frappe.db.sql_list(
		"""
		select distinct assignment.user
		from `tabDMS Org Unit` unit
		join `tabDMS Org Unit` ancestor on ancestor.lft <= unit.lft and ancestor.rgt >= unit.rgt
		join `tabDMS Org Assignment` assignment on assignment.org_unit = ancestor.name
		where unit.name in %(units)s
		""",
		{"units": units},
	)
