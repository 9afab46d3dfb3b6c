"""Replenishment planner benchmark: compute_plan() against ERPNext's own reorder_item() on the same data.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site> $BENCH/env/bin/python benchmarks/bench_planner.py \
        [--stores 50] [--items 2000] [--reorder-stores 10]

Builds a synthetic group inside one transaction: 1 group unit, 5 regions, ``--stores`` stores with a
warehouse each, ``--items`` items, a Bin per (store, item) (a third of them below the safety level),
a DMS Safety Level per (store, item), and the same levels as Item Reorder rows (ERPNext's native
reorder). Items, Bins, safety levels and reorder rows are written with frappe.db.bulk_insert: this is
a benchmark of planning, not of posting. Everything is rolled back at the end (and commit is
disabled while it runs).

ERPNext's reorder_item() creates and submits Material Requests row by row; on the full data set that
takes many minutes, so it runs on the Item Reorder rows of ``--reorder-stores`` stores only and the
figure for all stores is extrapolated (printed as such).
"""

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import connect, describe

BENCH = Path(os.environ.get("DMS_BENCH", "/home/frappe/frappe-bench"))
SAFETY = 10
PREFIX = "BP"


def build_group(frappe, stores: int) -> tuple[list[str], list[str]]:
	"""Units and warehouses through the documents (few), returns (store units, warehouses)."""
	company = frappe.db.get_value("Company", {"is_group": 1}) or frappe.db.get_value("Company", {})
	root_warehouse = frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 1, "parent_warehouse": ("is", "not set")}
	)
	rng = random.Random(7)
	frappe.flags.in_import = True  # the bench is about planning, not about building the tree

	def unit(code, unit_type, parent, **fields):
		frappe.get_doc(
			{
				"doctype": "DMS Org Unit",
				"unit_code": code,
				"unit_name": code,
				"unit_type": unit_type,
				"parent_dms_org_unit": parent,
				"company": company,
				**fields,
			}
		).insert(ignore_permissions=True)

	unit(f"{PREFIX}-G", "Group", None, policies=[{"policy": "safety_stock_days", "value": "10"}])
	regions = 5
	for r in range(regions):
		unit(
			f"{PREFIX}-R{r}",
			"Region",
			f"{PREFIX}-G",
			policies=[{"policy": "transfer_rule", "value": "Lowest Cost" if r % 2 else "Nearest"}],
		)
	units, warehouses = [], []
	for s in range(stores):
		warehouse = frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": f"{PREFIX} Store {s:02d}",
				"company": company,
				"parent_warehouse": root_warehouse,
			}
		).insert(ignore_permissions=True)
		code = f"{PREFIX}-S{s:02d}"
		unit(
			code,
			"Store",
			f"{PREFIX}-R{s % regions}",
			stock_warehouse=warehouse.name,
			latitude=rng.uniform(22, 42),
			longitude=rng.uniform(104, 122),
		)
		units.append(code)
		warehouses.append(warehouse.name)
	frappe.flags.in_import = False
	return units, warehouses


def bulk_data(frappe, units, warehouses, items: int) -> tuple[list[str], int]:
	"""Items, Bins, safety levels and Item Reorder rows (bulk inserts). Returns (items, rows below)."""
	from frappe.utils import now_datetime

	now = now_datetime()
	meta = (now, now, "Administrator", "Administrator")
	codes = [f"{PREFIX}-ITEM-{i:05d}" for i in range(items)]
	frappe.db.bulk_insert(
		"Item",
		fields=[
			"name", "creation", "modified", "owner", "modified_by", "item_code", "item_name",
			"item_group", "stock_uom", "is_stock_item", "include_item_in_manufacturing", "valuation_rate",
			"description",
		],
		values=((code, *meta, code, code, "All Item Groups", "Nos", 1, 0, 100, code) for code in codes),
	)  # fmt: skip

	rng = random.Random(11)
	levels = {}
	below = 0
	for unit in units:
		for code in codes:
			if rng.random() < 1 / 3:
				qty = rng.randint(0, SAFETY - 1)
				below += 1
			else:
				qty = rng.randint(SAFETY, 4 * SAFETY)
			levels[(unit, code)] = qty
	warehouse_of = dict(zip(units, warehouses, strict=True))
	frappe.db.bulk_insert(
		"Bin",
		fields=[
			"name", "creation", "modified", "owner", "modified_by", "item_code", "warehouse", "stock_uom",
			"actual_qty", "projected_qty", "valuation_rate", "stock_value",
		],
		values=(
			(f"{PREFIX}-BIN-{i:07d}", *meta, code, warehouse_of[unit], "Nos", qty, qty,
				rate := 90 + (i % 21), qty * rate)
			for i, ((unit, code), qty) in enumerate(levels.items())
		),
	)  # fmt: skip
	frappe.db.bulk_insert(
		"DMS Safety Level",
		fields=[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"org_unit",
			"item_code",
			"safety_qty",
		],
		values=((f"{PREFIX}-SL-{i:07d}", *meta, unit, code, SAFETY) for i, (unit, code) in enumerate(levels)),
	)
	return codes, below, levels


def add_reorder_rows(frappe, units, warehouses, codes):
	from frappe.utils import now_datetime

	now = now_datetime()
	frappe.db.bulk_insert(
		"Item Reorder",
		fields=[
			"name", "creation", "modified", "owner", "modified_by", "parent", "parenttype", "parentfield",
			"idx", "warehouse", "warehouse_reorder_level", "warehouse_reorder_qty", "material_request_type",
		],
		values=(
			(f"{PREFIX}-IR-{w:02d}-{i:05d}", now, now, "Administrator", "Administrator", code, "Item",
				"reorder_levels", w + 1, warehouse, SAFETY, 1, "Transfer")
			for w, warehouse in enumerate(warehouses)
			for i, code in enumerate(codes)
		),
	)  # fmt: skip


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--stores", type=int, default=50)
	parser.add_argument("--items", type=int, default=2000)
	parser.add_argument(
		"--reorder-stores", type=int, default=10, help="stores whose rows reorder_item() sees"
	)
	parser.add_argument("--profile", action="store_true", help="print a profile of one compute_plan()")
	args = parser.parse_args()

	frappe = connect()

	from erpnext.stock.reorder_item import reorder_item

	from dms_suite.dms_org.policy import clear_policy_cache
	from dms_suite.dms_stock import planner

	real_commit = frappe.db.commit

	def no_commit(*a, **k):
		raise RuntimeError("the benchmark must not commit")

	frappe.db.commit = no_commit
	try:
		print("machine:", describe(frappe))
		start = time.perf_counter()
		units, warehouses = build_group(frappe, args.stores)
		codes, below, levels = bulk_data(frappe, units, warehouses, args.items)
		clear_policy_cache()
		print(
			f"data: {len(units)} stores x {len(codes)} items = {len(levels)} Bins and safety levels, "
			f"{below} below safety; built in {time.perf_counter() - start:.1f} s (one transaction)"
		)

		planner.compute_plan(units=units[:1], items=codes[:1])  # warm caches (meta, policies)
		timings = []
		for _ in range(3):
			start = time.perf_counter()
			plan = planner.compute_plan()
			timings.append(time.perf_counter() - start)
		mine = [p for p in plan if p["target_unit"].startswith(f"{PREFIX}-")]
		needs = {p["planner_key"] for p in mine}
		print(
			f"compute_plan() whole group: {min(timings):.2f} s best, {sorted(timings)[1]:.2f} s median of 3 "
			f"(target <= 5 s); {len(needs)} needs met by {len(mine)} proposals, "
			f"{sum(p['qty'] for p in mine):.0f} units moved"
		)

		if args.profile:
			import cProfile
			import pstats

			profile = cProfile.Profile()
			profile.runcall(planner.compute_plan)
			pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
		if not args.reorder_stores:
			return

		subset = warehouses[: args.reorder_stores]
		add_reorder_rows(frappe, units, subset, codes)
		frappe.db.set_single_value("Stock Settings", "auto_indent", 1)
		frappe.db.set_single_value("Stock Settings", "reorder_email_notify", 0)
		rows = len(subset) * len(codes)
		expected = sum(
			1 for (unit, _code), qty in levels.items() if unit in units[: len(subset)] and qty <= SAFETY
		)
		before = frappe.db.count("Material Request")
		start = time.perf_counter()
		reorder_item()
		elapsed = time.perf_counter() - start
		requests = frappe.db.count("Material Request") - before
		lines = frappe.db.sql(
			"""select count(*) from `tabMaterial Request Item` item
			join `tabMaterial Request` request on request.name = item.parent
			where item.warehouse in %s""",
			(tuple(subset),),
		)[0][0]
		print(
			f"erpnext reorder_item() on {rows} Item Reorder rows ({len(subset)} stores, measured): {elapsed:.1f} s, "
			f"{requests} Material Request(s) with {lines} lines ({expected} rows at or below the level)"
		)
		print(
			f"erpnext reorder_item() for all {len(levels)} rows (EXTRAPOLATED linearly x{len(units) / len(subset):g},"
			f" not measured): ~{elapsed * len(units) / len(subset):.0f} s"
		)
	finally:
		frappe.db.commit = real_commit
		frappe.db.rollback()
		clear_policy_cache()
		frappe.destroy()


if __name__ == "__main__":
	main()
