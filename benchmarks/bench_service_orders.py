"""Service-order list benchmark: the REST list of a store user over 200,000 service orders group-wide.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site> $BENCH/env/bin/python \
        benchmarks/bench_service_orders.py [--orders 200000] [--runs 30] [--keep] [--cleanup]

Adds ``--orders`` service orders spread over every store of the site (bulk inserts in chunks of
5,000, with two labour and two part lines each, named BENCH-SVC-…), and COMMITS them: the list is
measured over real HTTP against ``bench serve`` (its own process), which sees committed data only.
A site without the demo group gets a small benchmark group first (BENCH-SVC-G → two regions → six
stores, a store advisor and a region manager; committed, removed again by ``--cleanup``). Then, as
a service advisor of one store, it times

    GET /api/resource/Service Order                       (limit 20, newest first: the desk list)
    GET /api/resource/Service Order?filters=[status=Booked] (a status filter)

and prints median / p95, the query plan of the isolation condition and the machine. The rows are
deleted at the end unless ``--keep`` (benchmarks/bench_service_quality.py reuses them); ``--cleanup``
only deletes them. Target: <= 150 ms median and p95.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import BENCH, connect, describe, median_p95

PREFIX = "BENCH-SVC-"
DEMO_STORE_USER = "north.service@demo-dms.example"
DEMO_REGION_MANAGER = "north.manager@demo-dms.example"
# the benchmark's own group when the site has no demo: BENCH-SVC-G -> R1, R2 -> S1..S6
BENCH_STORE_USER = "bench.svc.advisor@example.com"
BENCH_REGION_MANAGER = "bench.svc.region@example.com"
BENCH_UNITS = {"R1": ("S1", "S2", "S3"), "R2": ("S4", "S5", "S6")}
STATUSES = ("Booked", "Checked In", "In Progress", "QC", "Ready", "Delivered", "Invoiced", "Closed")
CHUNK = 5000


def cleanup(frappe) -> int:
	"""Delete the benchmark's orders and its own group, if it made one; number of orders deleted."""
	count = delete_orders(frappe)
	remove_benchmark_org(frappe)
	return count


def delete_orders(frappe) -> int:
	count = frappe.db.count("Service Order", {"name": ("like", f"{PREFIX}%")})
	for table in ("DMS Service Labour", "DMS Service Part", "DMS Service Complaint"):
		frappe.db.sql(f"delete from `tab{table}` where parent like %s", f"{PREFIX}%")
	frappe.db.sql("delete from `tabService Order` where name like %s", f"{PREFIX}%")
	frappe.db.commit()
	return count


def users(frappe) -> tuple[str, str]:
	"""(store advisor, region manager): the demo's when the site has the demo group, else the benchmark's."""
	if frappe.db.exists("DMS Org Assignment", {"user": DEMO_STORE_USER}):
		return DEMO_STORE_USER, DEMO_REGION_MANAGER
	make_benchmark_org(frappe)
	return BENCH_STORE_USER, BENCH_REGION_MANAGER


def make_benchmark_org(frappe) -> None:
	"""A small committed group for a site without stores: BENCH-SVC-G -> BENCH-SVC-R1/R2 -> six stores,
	each with a warehouse, in the site's first company (or a new one); an advisor of S1, a manager of R1."""
	from tests.factories import assign, make_company, make_unit, make_user, make_warehouse

	if frappe.db.exists("DMS Org Unit", f"{PREFIX}G"):
		return
	company = frappe.db.get_value("Company", {}, "name", order_by="creation") or make_company(
		"Bench Service Co", "BSC"
	)
	make_unit(f"{PREFIX}G", "Group", company, unit_name="Bench Service Group")
	for region, stores in BENCH_UNITS.items():
		make_unit(f"{PREFIX}{region}", "Region", company, f"{PREFIX}G", unit_name=f"Bench Region {region}")
		for store in stores:
			warehouse = make_warehouse(f"{PREFIX}{store}", company)
			make_unit(
				f"{PREFIX}{store}",
				"Store",
				company,
				f"{PREFIX}{region}",
				unit_name=f"Bench Store {store}",
				stock_warehouse=warehouse,
			)
	assign(make_user(BENCH_STORE_USER, "DMS Service Advisor"), f"{PREFIX}S1")
	assign(make_user(BENCH_REGION_MANAGER, "DMS Region Manager"), f"{PREFIX}R1")
	frappe.db.commit()


def remove_benchmark_org(frappe) -> None:
	if not frappe.db.exists("DMS Org Unit", f"{PREFIX}G"):
		return
	for user in (BENCH_STORE_USER, BENCH_REGION_MANAGER):
		for name in frappe.get_all("DMS Org Assignment", {"user": user}, pluck="name"):
			frappe.delete_doc("DMS Org Assignment", name, force=True)
		frappe.delete_doc("User", user, force=True, ignore_missing=True)
	stores = [store for region in BENCH_UNITS.values() for store in region]
	for code in [*stores, *BENCH_UNITS, "G"]:  # leaves first: the tree keeps no orphans
		warehouse = frappe.db.get_value("DMS Org Unit", f"{PREFIX}{code}", "stock_warehouse")
		frappe.delete_doc("DMS Org Unit", f"{PREFIX}{code}", force=True)
		if warehouse:
			frappe.delete_doc("Warehouse", warehouse, force=True)
	frappe.db.commit()


def generate(frappe, orders: int) -> float:
	"""Bulk-insert ``orders`` orders with their lines over the demo stores; seconds taken."""
	from frappe.utils import now_datetime

	started = time.perf_counter()
	stores = frappe.get_all(
		"DMS Org Unit", filters={"unit_type": "Store"}, fields=["name", "company", "stock_warehouse"]
	)
	if not stores:
		sys.exit("the site has no Store org units")
	categories = frappe.get_all("DMS Service Category", pluck="name") or ["Maintenance"]
	activity = frappe.db.get_value("Activity Type", {}) or "Workshop Labour"
	parts = frappe.get_all("Item", filters={"item_group": "Parts"}, pluck="name") or ["PT-OIL-FILTER"]
	now = now_datetime()
	rng = random.Random(5)
	order_fields = ["name", "creation", "modified", "modified_by", "owner", "docstatus", "idx",
		"naming_series", "status", "customer", "customer_name", "dealer_unit", "model", "dms_org_unit",
		"company", "warehouse", "appointment", "booked_via", "checked_in_on", "delivered_on",
		"turnaround_hours", "rating", "is_repeat_repair", "labour_total", "parts_total", "grand_total",
		"currency", "labour_hours", "part_lines", "parts_filled"]  # fmt: skip
	line_fields = ["name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "parent",
		"parenttype", "parentfield"]  # fmt: skip
	for start in range(0, orders, CHUNK):
		rows, complaints, labour, part_rows = [], [], [], []
		for n in range(start, min(start + CHUNK, orders)):
			name = f"{PREFIX}{n:07d}"
			store = stores[n % len(stores)]
			# 20,000 customers with two units each (names only: the list and the report join neither)
			customer = f"{PREFIX}CUST-{n % 20_000:05d}"
			unit = frappe._dict(
				name=f"{PREFIX}UNIT-{n % 40_000:05d}",
				customer=customer,
				customer_name=customer,
				model="Sedan A1",
			)
			status = rng.choice(STATUSES)
			appointment = now - timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
			done = status in ("Delivered", "Invoiced", "Closed")
			checked_in = appointment if status != "Booked" else None
			turnaround = rng.uniform(2, 72) if done else 0
			modified = appointment + timedelta(hours=turnaround or 1)
			docstatus = 1 if status in STATUSES[4:] else 0
			shorts = [1 if rng.random() < 0.1 else 0 for _line in (1, 2)]
			rows.append((name, appointment, modified, "Administrator", "Administrator", docstatus, 0,
				"SVC-.YYYY.-", status, unit.customer, unit.customer_name, unit.name, unit.model, store.name,
				store.company, store.stock_warehouse, appointment, rng.choice(("Desk", "Portal")), checked_in,
				checked_in + timedelta(hours=turnaround) if done else None, turnaround,
				rng.randint(1, 5) if done and rng.random() < 0.6 else 0, 1 if rng.random() < 0.04 else 0,
				400, 300, 700, "CNY", 3, 2, 2 - sum(shorts)))  # fmt: skip
			base = (appointment, modified, "Administrator", "Administrator", docstatus)
			complaints.append((f"{name}-C", *base, 1, name, "Service Order", "complaints",
				rng.choice(categories), "Benchmark complaint", "Customer"))  # fmt: skip
			for i in (1, 2):
				labour.append((f"{name}-L{i}", *base, i, name, "Service Order", "labour", activity,
					f"TECH-{store.name}-{rng.randrange(4)}", 1.5, 100, 150, "Customer", store.name,
					appointment.date()))  # fmt: skip
				part_rows.append((f"{name}-P{i}", *base, i, name, "Service Order", "parts", rng.choice(parts),
					1, 150, 150, "Customer", 1, "Reserved", shorts[i - 1]))  # fmt: skip
		frappe.db.bulk_insert("Service Order", order_fields, rows)
		frappe.db.bulk_insert(
			"DMS Service Complaint", [*line_fields, "category", "description", "bill_to"], complaints
		)
		frappe.db.bulk_insert("DMS Service Labour", [*line_fields, "activity_type", "technician", "hours", "rate",
			"amount", "bill_to", "store", "work_date"], labour)  # fmt: skip
		frappe.db.bulk_insert("DMS Service Part", [*line_fields, "item_code", "qty", "rate", "amount", "bill_to",
			"reserved_qty", "status", "was_short"], part_rows)  # fmt: skip
		frappe.db.commit()
	frappe.db.sql("analyze table `tabService Order`, `tabDMS Service Labour`, `tabDMS Service Part`")
	return time.perf_counter() - started


def serve(site: str) -> tuple[subprocess.Popen, str]:
	import socket

	import requests

	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		port = sock.getsockname()[1]
	process = subprocess.Popen(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", site, "serve", "--port", str(port),
		 "--noreload", "--nothreading"],
		cwd=BENCH / "sites", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
	)  # fmt: skip
	base = f"http://127.0.0.1:{port}"
	for _ in range(120):
		try:
			requests.get(f"{base}/api/method/ping", timeout=2)
			return process, base
		except requests.ConnectionError:
			time.sleep(0.25)
	process.terminate()
	sys.exit("bench serve did not start")


def session(frappe, user: str) -> str:
	"""A Redis-only session for ``user`` (like tests/test_http.py)."""
	from frappe.utils import now

	sid = frappe.generate_hash()
	data = frappe._dict(user=user, sid=sid, session_ip="127.0.0.1", last_updated=now(), creation=now(),
		session_expiry="06:00:00", full_name=user, user_type="System User")  # fmt: skip
	frappe.cache.hset("session", sid, frappe._dict(user=user, sid=sid, data=data))
	return sid


def time_list(base: str, sid: str, runs: int, **params) -> tuple[list[float], int]:
	import requests

	params = {"limit_page_length": 20, "order_by": "modified desc", **params}
	params = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()}
	samples, rows = [], 0
	with requests.Session() as http:
		http.cookies.set("sid", sid)
		http.get(f"{base}/api/resource/Service Order", params=params, timeout=30)  # warm the worker
		for _ in range(runs):
			started = time.perf_counter()
			response = http.get(f"{base}/api/resource/Service Order", params=params, timeout=30)
			samples.append((time.perf_counter() - started) * 1000)
			assert response.status_code == 200, response.text[:300]
			rows = len(response.json()["data"])
	return samples, rows


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--orders", type=int, default=200_000)
	parser.add_argument("--runs", type=int, default=30)
	parser.add_argument("--keep", action="store_true", help="leave the orders for bench_service_quality.py")
	parser.add_argument("--cleanup", action="store_true", help="only delete the benchmark's orders")
	args = parser.parse_args()

	sys.path.insert(0, str(Path(__file__).parent.parent))  # tests.factories makes the benchmark group
	frappe = connect()
	print(describe(frappe))
	if args.cleanup:
		print(f"deleted {cleanup(frappe)} benchmark orders")
		return
	users(frappe)  # the stores to spread the orders over
	present = frappe.db.count("Service Order", {"name": ("like", f"{PREFIX}%")})
	if present < args.orders:
		delete_orders(frappe)
		print(
			f"generated {args.orders:,} service orders (+{4 * args.orders:,} lines) in {generate(frappe, args.orders):.1f} s"
		)
	total = frappe.db.count("Service Order")
	store_user = users(frappe)[0]
	store = frappe.db.get_value("DMS Org Assignment", {"user": store_user}, "org_unit")
	in_store = frappe.db.count("Service Order", {"dms_org_unit": store})
	print(f"{total:,} service orders group-wide; {store_user} sees store {store}: {in_store:,}")

	frappe.set_user(store_user)
	from dms_suite.permissions import get_permission_query_conditions

	condition = get_permission_query_conditions(store_user, "Service Order")
	frappe.set_user("Administrator")
	plan = frappe.db.sql(
		f"explain select name from `tabService Order` where {condition} order by modified desc limit 20",
		as_dict=True,
	)
	print("isolation:", condition)
	for row in plan:
		print(f"  plan: table {row.table} type {row.type} key {row.key} rows {row.rows} {row.Extra or ''}")

	customer = frappe.db.get_value(
		"Service Order", {"dms_org_unit": store, "name": ("like", f"{PREFIX}%")}, "customer"
	)
	process, base = serve(os.environ["DMS_SITE"])
	sid = session(frappe, store_user)
	frappe.db.commit()
	try:
		for label, params in (
			("list, newest first", {}),
			("list, status = Booked", {"filters": [["status", "=", "Booked"]]}),
			("list, fields + customer filter", {"fields": ["name", "status", "customer_name", "appointment"],
				"filters": [["customer", "=", customer]]}),
		):  # fmt: skip
			samples, rows = time_list(base, sid, args.runs, **params)
			median, p95 = median_p95(samples)
			print(
				f"REST {label:<32} {rows:>2} rows  median {median:6.1f} ms  p95 {p95:6.1f} ms  (target <= 150 ms)"
			)
	finally:
		frappe.cache.hdel("session", sid)
		process.terminate()
		process.wait(timeout=20)
		if not args.keep:
			print(f"deleted {cleanup(frappe)} benchmark orders")
		frappe.destroy()


if __name__ == "__main__":
	main()
