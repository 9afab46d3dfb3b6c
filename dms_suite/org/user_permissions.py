"""Native ERPNext isolation: User Permissions kept in step with DMS org assignments.

ERPNext documents (Stock Entry, Quotation, Sales Invoice, Delivery Note…) are not ours to hook, so
a user's org assignments are turned into Frappe User Permissions on the companies, warehouses and
cost centers of the units they may see. Frappe then applies them on every path (lists, forms,
REST, reports, link search) like any hand-made User Permission.

Each permission is made *applicable for* the ERPNext doctypes DMS users work in
(``dms_suite.permissions.ERPNEXT_DOCTYPES``) that link to it, not for all doctypes: a store user's
Cost Center permission must narrow Stock Entries, not hide their Company record because the
company's default cost center is the region's.

Rows written here carry ``dms_managed = 1``; only those are ever removed, so a User Permission an
administrator made by hand is left alone. Users with an unrestricted role get none (they see all).
"""

import frappe
from frappe.utils import now

from dms_suite.permissions import ERPNEXT_DOCTYPES, UNRESTRICTED_ROLES

MANAGED_DOCTYPES = ("Company", "Warehouse", "Cost Center")


def applicable_doctypes(allow: str) -> list[str]:
	"""The work doctypes a permission on ``allow`` narrows: ``allow`` itself and those linking to it.

	Among the managed masters only Company narrows the others (a warehouse or cost center belongs to
	a company); a Company record is not hidden because its default warehouse or cost center is one
	the user may not use.
	"""
	doctypes = []
	for doctype in ERPNEXT_DOCTYPES:
		if doctype in MANAGED_DOCTYPES and doctype != allow and allow != "Company":
			continue
		meta = frappe.get_meta(doctype)
		links = [
			df for df in meta.get_link_fields() if df.options == allow and not df.ignore_user_permissions
		]
		if doctype == allow or links:
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
