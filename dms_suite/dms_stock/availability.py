"""Group-wide availability: what every org unit holds, owes, expects and must keep, per item.

The stock of a unit is the Bins of its own stock warehouses (its Stock Warehouse and the rows of its
Warehouses table); a unit without warehouses holds nothing itself (a region does not add up its
stores). Per (unit, item):

- actual_qty: the Bins (so the figures agree with ERPNext's own at every moment);
- reserved_qty: held by approved, undispatched transfers out of the unit's warehouses;
- in_transit_qty: dispatched towards the unit and not yet received or settled;
- safety_qty: the level in force (below);
- available_to_transfer: max(0, actual - reserved - safety), what another unit may be given;
- valuation_rate: the Bins' valuation, weighted by quantity.

Safety level in force: the policy level is the unit's effective ``safety_stock_days`` x its average
daily consumption (outgoing Stock Ledger Entries of its warehouses over its effective
``consumption_window_days``, leaving out the movements of Cross Region Transfers, which are not
consumption); a DMS Safety Level row sets a manual level. The manual level wins when it allows going
below the policy, otherwise the higher of the two is in force.

Everything is a handful of set-based queries, whatever the number of units and items. No
permission is applied here: callers decide what the user may see (quantities of other units are
shared group-wide; values and documents are not).
"""

from collections import defaultdict
from dataclasses import dataclass, field

import frappe
from frappe.utils import add_days, flt, getdate, nowdate

from dms_suite.dms_org.policy import get_effective_policies
from dms_suite.dms_stock import quantities


@dataclass
class Unit:
	name: str
	unit_type: str
	company: str | None
	stock_warehouse: str | None
	latitude: float | None
	longitude: float | None
	warehouses: list[str] = field(default_factory=list)
	parts_warehouse: str | None = None  # the first warehouse kept for parts


def load_units(units: list[str] | None = None) -> dict[str, Unit]:
	"""Org units with their own stock warehouses (two queries)."""
	if units is not None and not units:
		return {}
	filters = {"name": ("in", units)} if units is not None else {}
	result = {
		row.name: Unit(
			row.name,
			row.unit_type,
			row.company,
			row.stock_warehouse,
			row.latitude,
			row.longitude,
			[row.stock_warehouse] if row.stock_warehouse else [],
		)
		for row in frappe.get_all(
			"DMS Org Unit",
			filters=filters,
			fields=["name", "unit_type", "company", "stock_warehouse", "latitude", "longitude"],
			order_by="lft",
		)
	}
	rows = frappe.get_all(
		"DMS Org Unit Warehouse",
		# a store's job warehouse holds parts already taken by service orders: not available stock
		filters={"parenttype": "DMS Org Unit", "purpose": ("!=", "Service Jobs")}
		| ({"parent": ("in", list(result))} if units is not None else {}),
		fields=["parent", "warehouse", "purpose"],
		order_by="parent, idx",
	)
	for row in rows:
		unit = result.get(row.parent)
		if unit and row.warehouse and row.warehouse not in unit.warehouses:
			unit.warehouses.append(row.warehouse)
		if unit and row.purpose == "Parts" and not unit.parts_warehouse:
			unit.parts_warehouse = row.warehouse
	return result


def get_availability(items: list[str] | None = None, units: list[str] | None = None) -> list[dict]:
	"""One row per (unit, item) the unit stocks (a Bin in its warehouses), must keep (a DMS Safety
	Level) or has in transit, for the given items and units (all when None)."""
	if (items is not None and not items) or (units is not None and not units):
		return []
	unit_map = load_units(units)
	units_of_warehouse = defaultdict(list)
	for unit in unit_map.values():
		for warehouse in unit.warehouses:
			units_of_warehouse[warehouse].append(unit.name)
	warehouses = list(units_of_warehouse)

	rows: dict[tuple[str, str], dict] = {}

	def row(unit: str, item: str) -> dict:
		key = (unit, item)
		if key not in rows:
			rows[key] = {
				"unit": unit,
				"item_code": item,
				"actual_qty": 0.0,
				"reserved_qty": 0.0,
				"in_transit_qty": 0.0,
				"safety_qty": 0.0,
				"available_to_transfer": 0.0,
				"valuation_rate": 0.0,
				"warehouse": None,  # the unit's warehouse holding the most of the item
				"_value": 0.0,
				"_most": None,
			}
		return rows[key]

	for warehouse, item, actual, rate in _bins(warehouses, items):
		actual, rate = float(actual or 0), float(rate or 0)
		for unit in units_of_warehouse[warehouse]:
			r = row(unit, item)
			r["actual_qty"] += actual
			r["_value"] += actual * rate
			r["valuation_rate"] = r["valuation_rate"] or rate  # used when nothing is in stock
			if r["_most"] is None or actual > r["_most"]:
				r["_most"], r["warehouse"] = actual, warehouse

	for (warehouse, item), qty in quantities.reserved_qty(warehouses, items).items():
		for unit in units_of_warehouse.get(warehouse, ()):
			row(unit, item)["reserved_qty"] += qty

	for (unit, item), qty in quantities.in_transit_qty(units, items).items():
		if unit in unit_map:
			row(unit, item)["in_transit_qty"] += qty

	for (unit, item), qty in get_safety_levels(unit_map, items).items():
		row(unit, item)["safety_qty"] = qty

	for r in rows.values():
		if r["actual_qty"] > 0:
			r["valuation_rate"] = r["_value"] / r["actual_qty"]
		r["available_to_transfer"] = max(0.0, r["actual_qty"] - r["reserved_qty"] - r["safety_qty"])
		del r["_value"], r["_most"]
	return [rows[key] for key in sorted(rows)]


def get_safety_levels(
	unit_map: dict[str, Unit], items: list[str] | None = None
) -> dict[tuple[str, str], float]:
	"""(unit, item) -> safety level in force, for the units given (three queries at most)."""
	if not unit_map:
		return {}
	policies = get_effective_policies(list(unit_map))
	consumption = _consumption(unit_map, policies, items)
	levels = {}
	for (unit, item), used in consumption.items():
		window = policies[unit]["consumption_window_days"]
		levels[(unit, item)] = flt(policies[unit]["safety_stock_days"] * used / window, 3) if window else 0.0

	level = frappe.qb.DocType("DMS Safety Level")
	query = (
		frappe.qb.from_(level)
		.select(level.org_unit, level.item_code, level.safety_qty, level.allow_below_policy)
		.where(level.org_unit.isin(list(unit_map)))
	)
	if items is not None:
		query = query.where(level.item_code.isin(items))
	for unit, item, qty, allow_below_policy in query.run():
		qty = float(qty or 0)
		levels[(unit, item)] = qty if allow_below_policy else max(qty, levels.get((unit, item), 0.0))
	return {key: qty for key, qty in levels.items() if qty}


def _bins(warehouses: list[str], items: list[str] | None) -> list[tuple]:
	if not warehouses:
		return []
	conditions = ["bin.warehouse in %(warehouses)s"]
	values = {"warehouses": tuple(warehouses)}
	if items is not None:
		conditions.append("bin.item_code in %(items)s")
		values["items"] = tuple(items)
	return frappe.db.sql(
		f"""
		select bin.warehouse, bin.item_code, bin.actual_qty, bin.valuation_rate
		from `tabBin` bin
		where {" and ".join(conditions)}
		""",
		values,
	)


def _consumption(
	unit_map: dict[str, Unit], policies: dict[str, dict], items: list[str] | None
) -> dict[tuple[str, str], float]:
	"""(unit, item) -> quantity that left the unit's warehouses over its consumption window, other
	than by Cross Region Transfers. One grouped query: one condition per distinct window."""
	today = getdate(nowdate())
	start_of_warehouse = {}  # a warehouse listed by two units counts over the longer window
	units_of_warehouse = defaultdict(list)
	for unit in unit_map.values():
		policy = policies[unit.name]
		if not unit.warehouses or not policy["safety_stock_days"] or not policy["consumption_window_days"]:
			continue
		start = add_days(today, -policy["consumption_window_days"])
		for warehouse in unit.warehouses:
			start_of_warehouse[warehouse] = min(start, start_of_warehouse.get(warehouse, start))
			units_of_warehouse[warehouse].append(unit.name)
	if not start_of_warehouse:
		return {}

	warehouses_by_start = defaultdict(list)
	for warehouse, start in start_of_warehouse.items():
		warehouses_by_start[start].append(warehouse)
	values = {"end": today}
	windows = []
	for i, (start, warehouses) in enumerate(warehouses_by_start.items()):
		values[f"warehouses_{i}"] = tuple(warehouses)
		values[f"start_{i}"] = start
		windows.append(f"(sle.warehouse in %(warehouses_{i})s and sle.posting_date >= %(start_{i})s)")
	item_condition = ""
	if items is not None:
		item_condition = "and sle.item_code in %(items)s"
		values["items"] = tuple(items)
	rows = frappe.db.sql(
		f"""
		select sle.warehouse, sle.item_code, -sum(sle.actual_qty)
		from `tabStock Ledger Entry` sle
		left join `tabStock Entry` entry
			on sle.voucher_type = 'Stock Entry' and entry.name = sle.voucher_no
		left join `tabDelivery Note` note
			on sle.voucher_type = 'Delivery Note' and note.name = sle.voucher_no
		where sle.is_cancelled = 0 and sle.actual_qty < 0 and sle.posting_date <= %(end)s
			and ({" or ".join(windows)}) {item_condition}
			and ifnull(entry.dms_transfer, '') = '' and ifnull(note.dms_transfer, '') = ''
		group by sle.warehouse, sle.item_code
		""",
		values,
	)
	totals = defaultdict(float)
	for warehouse, item, qty in rows:
		for unit in units_of_warehouse[warehouse]:
			totals[(unit, item)] += flt(qty)
	return dict(totals)
