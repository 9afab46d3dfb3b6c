"""Parts of a service order, held for the job as native stock documents.

While the unit is in the workshop (Checked In, In Progress, QC) its parts lines are *reserved*: a
Material Transfer Stock Entry moves them from the store's parts warehouse into the store's job
warehouse (purpose "Service Jobs" in the store's Warehouses table), where nothing else can take
them. Lowering a line or cancelling the booking moves the surplus back the same way. The Sales
Invoice then *issues* them from the job warehouse (``update_stock``), so the cost of the parts
leaves stock in the same document that bills them (dms_suite/dms_service/billing.py).

What is held for an order is read from its submitted Stock Entries (``dms_service_order``), not
from counters on the lines: a retried save or a double click posts only the difference, never a
second reservation. Concurrent orders lock the source Bins first (the same ``for update`` in item
order as cross-region transfers), so two advisors never reserve the same last part, and stock
already promised to approved transfers is not taken.
"""

from collections import defaultdict
from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import flt

from dms_suite.dms_service.orders import SERVICE_ORDER_LINK, WORK_STATES

JOB_WAREHOUSE_PURPOSE = "Service Jobs"

CUSTOM_FIELDS = {"Stock Entry": [SERVICE_ORDER_LINK]}


class StoreWarehouses(NamedTuple):
	stock: set[str]  # warehouses parts may come from
	parts: str | None  # the default: the store's Parts warehouse, else its stock warehouse
	jobs: str | None  # the job warehouse, once made


def store_warehouses(store: str) -> StoreWarehouses:
	rows = frappe.db.sql(
		"""
		select unit.stock_warehouse, row.warehouse, row.purpose
		from `tabDMS Org Unit` unit
		left join `tabDMS Org Unit Warehouse` row
			on row.parent = unit.name and row.parenttype = 'DMS Org Unit'
		where unit.name = %s
		order by row.idx
		""",
		store,
		as_dict=True,
	)
	stock, parts, jobs = set(), None, None
	for row in rows:
		if row.stock_warehouse:
			stock.add(row.stock_warehouse)
		if row.purpose == JOB_WAREHOUSE_PURPOSE:
			jobs = jobs or row.warehouse
		elif row.warehouse:
			stock.add(row.warehouse)
			if row.purpose == "Parts" and not parts:
				parts = row.warehouse
	stock.discard(jobs)
	default = parts or (rows[0].stock_warehouse if rows else None)
	return StoreWarehouses(stock, default, jobs)


def ensure_job_warehouse(store: str) -> str:
	"""The store's job warehouse, made on first use next to its parts warehouse and added to the
	store's Warehouses table (so the store's users see its stock ledger)."""
	warehouses = store_warehouses(store)
	if warehouses.jobs:
		return warehouses.jobs
	unit = frappe.get_doc("DMS Org Unit", store)
	# beside the parts warehouse, booked to the same stock account (ERPNext's perpetual inventory)
	parent, account = frappe.db.get_value(
		"Warehouse", warehouses.parts or unit.stock_warehouse, ["parent_warehouse", "account"]
	)
	abbr = frappe.get_cached_value("Company", unit.company, "abbr")
	name = f"{unit.unit_code or unit.name} Service Jobs - {abbr}"
	if not frappe.db.exists("Warehouse", name):
		frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": f"{unit.unit_code or unit.name} Service Jobs",
				"company": unit.company,
				"parent_warehouse": parent,
				"account": account,
			}
		).insert(ignore_permissions=True)
		# ERPNext keeps each company's warehouse → stock account map for the rest of the request
		frappe.flags.pop("warehouse_account_map", None)
	unit.append("warehouses", {"warehouse": name, "purpose": JOB_WAREHOUSE_PURPOSE})
	unit.flags.ignore_permissions = True
	unit.save()
	return name


def held_quantities(order: str, job_warehouse: str | None) -> dict[str, float]:
	"""item → quantity the order's submitted Stock Entries hold in the job warehouse. One query."""
	if not job_warehouse:
		return {}
	return {
		item: flt(qty)
		for item, qty in frappe.db.sql(
			"""
			select detail.item_code,
				sum(case when detail.t_warehouse = %(job)s then detail.transfer_qty else 0 end)
				- sum(case when detail.s_warehouse = %(job)s then detail.transfer_qty else 0 end)
			from `tabStock Entry Detail` detail
			join `tabStock Entry` entry on entry.name = detail.parent
			where entry.dms_service_order = %(order)s and entry.docstatus = 1
			group by detail.item_code
			""",
			{"order": order, "job": job_warehouse},
		)
		if flt(qty) > 0
	}


def sync_reservations(doc) -> None:
	"""Hold in the job warehouse what the parts lines ask for, and no more (on every save).

	In the workshop states each item's lines are held in full or marked Short (retried on the next
	save); a cancelled booking holds nothing. Only the difference to what is held is posted.
	"""
	if doc.docstatus == 0 and doc.status in WORK_STATES:
		wanted = defaultdict(float)
		for row in doc.parts:
			wanted[row.item_code] += flt(row.qty)
	elif doc.status == "Cancelled" or doc.docstatus == 2:
		wanted = {}
	else:
		return
	if not wanted and not doc.wip_warehouse:
		return  # nothing asked, nothing ever held
	# one save at a time per order: a double click waits here and then finds the first one's entries
	frappe.db.sql("select name from `tabService Order` where name = %s for update", doc.name)
	held = held_quantities(doc.name, doc.wip_warehouse)

	surplus = {item: qty - flt(wanted.get(item)) for item, qty in held.items() if qty > flt(wanted.get(item))}
	if surplus:
		post_move(doc, surplus, doc.wip_warehouse, doc.warehouse)
		for item, qty in surplus.items():
			held[item] -= qty

	missing = {item: qty - held.get(item, 0) for item, qty in wanted.items() if qty > held.get(item, 0)}
	if missing:
		reservable = available_now(doc.warehouse, missing)
		if reservable:
			if not doc.wip_warehouse:
				doc.wip_warehouse = ensure_job_warehouse(doc.dms_org_unit)
				doc.db_set("wip_warehouse", doc.wip_warehouse, update_modified=False)
			post_move(doc, reservable, doc.warehouse, doc.wip_warehouse)
			for item, qty in reservable.items():
				held[item] = held.get(item, 0) + qty

	update_lines(doc, held)


def available_now(warehouse: str, missing: dict[str, float]) -> dict[str, float]:
	"""The items of ``missing`` the warehouse can give in full right now, under lock of their Bins:
	actual stock less what approved cross-region transfers have promised from it."""
	from dms_suite.dms_stock import quantities
	from dms_suite.dms_stock.transfer import lock_bins

	actual = lock_bins(warehouse, missing)
	promised = {
		item: qty
		for (_warehouse, item), qty in quantities.reserved_qty([warehouse], list(missing), lock=True).items()
	}
	return {
		item: qty for item, qty in missing.items() if flt(actual.get(item)) - flt(promised.get(item)) >= qty
	}


def post_move(doc, quantities: dict[str, float], source: str, target: str) -> str:
	"""A submitted Material Transfer for the order (its permission was checked on the order)."""
	entry = frappe.new_doc("Stock Entry")
	entry.update(
		{
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"company": doc.company,
			"from_warehouse": source,
			"to_warehouse": target,
			"dms_service_order": doc.name,
			"remarks": _("Parts for service order {0}").format(doc.name),
		}
	)
	for item, qty in sorted(quantities.items()):
		entry.append("items", {"item_code": item, "qty": qty, "s_warehouse": source, "t_warehouse": target})
	entry.flags.ignore_permissions = True
	entry.insert()
	entry.submit()
	return entry.name


def update_lines(doc, held: dict[str, float]) -> None:
	"""Spread what is held over the lines in order; store the lines' state in one statement."""
	remaining = dict(held)
	updates = {}
	working = doc.docstatus == 0 and doc.status in WORK_STATES
	for row in doc.parts:
		take = min(flt(row.qty), remaining.get(row.item_code, 0))
		remaining[row.item_code] = remaining.get(row.item_code, 0) - take
		row.reserved_qty = take
		if not working:
			row.status = "Released"
		elif take >= flt(row.qty):
			row.status = "Reserved"
		else:
			row.status = "Short"
			row.was_short = 1
		updates[row.name] = {
			"reserved_qty": row.reserved_qty,
			"status": row.status,
			"was_short": row.was_short,
		}
	if updates:
		frappe.db.bulk_update("DMS Service Part", updates, update_modified=False)
		doc.parts_filled = sum(1 for row in doc.parts if not row.was_short)
		doc.db_set("parts_filled", doc.parts_filled, update_modified=False)


@frappe.whitelist()
def retry_reservation(service_order: str) -> dict:
	"""Try again to hold the Short lines of an order (after stock came in)."""
	doc = frappe.get_doc("Service Order", service_order)
	doc.check_permission("write")
	sync_reservations(doc)
	return {"parts": [row.as_dict() for row in doc.parts]}
