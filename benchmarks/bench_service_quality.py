"""Service quality benchmark: the *DMS Service Quality* report over 200,000 service orders.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site with the demo> $BENCH/env/bin/python \
        benchmarks/bench_service_orders.py --keep          # the 200,000 orders, committed
    cd $BENCH/apps/dms_suite && DMS_SITE=<site> $BENCH/env/bin/python benchmarks/bench_service_quality.py \
        [--runs 10] [--cleanup]

Runs the report (execute(), as the desk does) over a year of orders, per store and per region, as an
unrestricted user and as a region manager (the demo's North manager, or the benchmark group's), and prints median / p95 and the machine.
``--cleanup`` deletes the benchmark's orders (and its group) afterwards. Target: <= 2 s.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_service_orders import PREFIX, cleanup, users
from machine import connect, describe, median_p95


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--runs", type=int, default=10)
	parser.add_argument("--cleanup", action="store_true")
	args = parser.parse_args()

	sys.path.insert(0, str(Path(__file__).parent.parent))  # tests.factories (the benchmark group)
	frappe = connect()
	print(describe(frappe))
	from frappe.utils import add_days, today

	from dms_suite.dms_service.report.dms_service_quality.dms_service_quality import execute

	generated = frappe.db.count("Service Order", {"name": ("like", f"{PREFIX}%")})
	if not generated:
		sys.exit("no benchmark orders: run benchmarks/bench_service_orders.py --keep first")
	print(f"{frappe.db.count('Service Order'):,} service orders ({generated:,} generated)")
	filters = {"from_date": add_days(today(), -365), "to_date": today()}
	for user in ("Administrator", users(frappe)[1]):
		frappe.set_user(user)
		for group_by in ("Store", "Region"):
			samples, rows = [], []
			for _ in range(args.runs):
				started = time.perf_counter()
				rows = execute({**filters, "group_by": group_by})[1]
				samples.append(time.perf_counter() - started)
			median, p95 = median_p95(samples)
			orders = sum(row["orders"] for row in rows)
			print(
				f"{user:<32} per {group_by:<6} {len(rows):>2} rows, {orders:>7,} orders"
				f"  median {median:5.2f} s  p95 {p95:5.2f} s  (target <= 2 s)"
			)
	frappe.set_user("Administrator")
	if args.cleanup:
		print(f"deleted {cleanup(frappe)} benchmark orders")
	frappe.destroy()


if __name__ == "__main__":
	main()
