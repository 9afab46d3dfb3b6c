"""Quantities that Cross Region Transfers hold, in one query each (the shared definitions).

- reserved: approved (submitted, status Approved) and not yet dispatched, at the source warehouse;
- in transit: dispatched and neither received nor settled (short/damaged), towards the target unit;
- incoming: asked for and not yet dispatched (draft, pending or approved), towards the target unit;
- proposed: asked for and not yet approved (draft or pending), from the source unit.
"""

from collections import defaultdict

import frappe


def reserved_qty(
	warehouses: list[str] | None = None,
	items: list[str] | None = None,
	*,
	exclude: str | None = None,
	lock: bool = False,
) -> dict[tuple[str, str], float]:
	"""(source warehouse, item) → quantity reserved by approved, undispatched transfers.

	``lock``: a locking read, for an approval that already holds the Bin locks. Under MariaDB's
	REPEATABLE READ a plain select reads the snapshot taken when the request began and would miss an
	approval committed while we waited. SKIP LOCKED passes over transfers another transaction holds
	(one being approved is locked by its approver and is not approved yet); the parent is scanned
	first (STRAIGHT_JOIN) so only rows of approved transfers are locked.
	"""
	where = "transfer.docstatus = 1 and transfer.status = 'Approved'"
	if exclude:
		where += f" and transfer.name != {frappe.db.escape(exclude)}"
	return _sum(
		"transfer.source_warehouse",
		"row.qty - row.dispatched_qty",
		where,
		"transfer.source_warehouse",
		warehouses,
		items,
		lock=lock,
	)


def in_transit_qty(
	units: list[str] | None = None, items: list[str] | None = None
) -> dict[tuple[str, str], float]:
	"""(target unit, item) → quantity dispatched and not yet received or settled."""
	return _sum(
		"transfer.target_unit",
		"row.dispatched_qty - row.received_qty - row.short_qty - row.damaged_qty",
		"transfer.docstatus = 1 and transfer.status in ('In Transit', 'Partially Received')",
		"transfer.target_unit",
		units,
		items,
	)


def incoming_qty(
	units: list[str] | None = None, items: list[str] | None = None
) -> dict[tuple[str, str], float]:
	"""(target unit, item) → quantity on open transfers not yet dispatched (draft, pending, approved)."""
	return _sum(
		"transfer.target_unit",
		"row.qty - row.dispatched_qty",
		"transfer.docstatus < 2 and transfer.status in ('Draft', 'Pending Approval', 'Approved')",
		"transfer.target_unit",
		units,
		items,
	)


def proposed_qty(
	units: list[str] | None = None, items: list[str] | None = None
) -> dict[tuple[str, str], float]:
	"""(source unit, item) → quantity on transfers not yet approved (draft, pending approval): stock
	already offered from the source, which approval would turn into a reservation."""
	return _sum(
		"transfer.source_unit",
		"row.qty",
		"transfer.docstatus = 0 and transfer.status in ('Draft', 'Pending Approval')",
		"transfer.source_unit",
		units,
		items,
	)


def _sum(key_sql, qty_sql, where_sql, filter_sql, keys, items, lock=False) -> dict[tuple[str, str], float]:
	conditions = [where_sql]
	values = {}
	if keys is not None:
		if not keys:
			return {}
		conditions.append(f"{filter_sql} in %(keys)s")
		values["keys"] = tuple(keys)
	if items is not None:
		if not items:
			return {}
		conditions.append("row.item_code in %(items)s")
		values["items"] = tuple(items)
	rows = frappe.db.sql(
		f"""
		select {"straight_join" if lock else ""} {key_sql}, row.item_code, sum({qty_sql})
		from `tabCross Region Transfer` transfer
		join `tabDMS Transfer Item` row on row.parent = transfer.name and row.parenttype = 'Cross Region Transfer'
		where {" and ".join(conditions)}
		group by {key_sql}, row.item_code
		{"lock in share mode skip locked" if lock else ""}
		""",
		values,
	)
	totals = defaultdict(float)
	for key, item, qty in rows:
		if qty:
			totals[(key, item)] += float(qty)
	return dict(totals)
