"""What the isolation rules cost on the list paths: the "*" rule and the masked-field guard.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site> $BENCH/env/bin/python benchmarks/bench_isolation_overhead.py \
        [--files 100000] [--runs 50] [--user south.store@demo-dms.example]

Needs the demo group (``bench --site <site> dms-demo``). Inside one transaction that is rolled back at
the end, it adds ``--files`` File rows attached to the demo's documents (Sales Orders, Stock Entries,
Quotations, Customers: doctypes with a rule) and to Items (shared), with frappe.db.bulk_insert. Then,
as the narrowed demo user and as Administrator (no rule applies), it times the list queries the desk
runs (first page of 20, newest first, and the count):

- File (the reference rule: a file is as visible as the record it is attached to);
- Account (the company rule), Contact (the party rule), Stock Entry Detail by parent (the child rule);
- Customer with a filter on a readable field (the masked-field guard parses every filter).

It prints median / p95 per query and user, and the machine.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import connect, describe, median_p95

BENCH = Path(os.environ.get("DMS_BENCH", "/home/frappe/frappe-bench"))


def add_files(frappe, count: int) -> int:
	targets = []
	for doctype in ("Sales Order", "Stock Entry", "Quotation", "Customer", "Item"):
		targets += [(doctype, name) for name in frappe.get_all(doctype, pluck="name")]
	now = frappe.utils.now()
	rows = []
	for i in range(count):
		doctype, name = random.choice(targets)
		rows.append(
			(
				f"bench-iso-{i:07d}",
				now,
				now,
				"Administrator",
				"Administrator",
				f"bench-{i}.txt",
				f"/private/files/bench-{i}.txt",
				1,
				doctype,
				name,
				"Home/Attachments",
			)
		)
	frappe.db.bulk_insert(
		"File",
		(
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"file_name",
			"file_url",
			"is_private",
			"attached_to_doctype",
			"attached_to_name",
			"folder",
		),
		rows,
		chunk_size=10_000,
	)
	return count


def time_query(frappe, runs: int, fn) -> tuple[float, float]:
	fn()  # warm the caches (meta, scope)
	samples = []
	for _ in range(runs):
		start = time.perf_counter()
		fn()
		samples.append((time.perf_counter() - start) * 1000)
	return median_p95(samples)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--files", type=int, default=100_000)
	parser.add_argument("--runs", type=int, default=50)
	parser.add_argument("--user", default="south.store@demo-dms.example")
	args = parser.parse_args()

	frappe = connect()
	print(describe(frappe))
	if not frappe.db.exists("User", args.user):
		sys.exit(
			f"no user {args.user}: build the demo first (bench --site {os.environ['DMS_SITE']} dms-demo)"
		)
	from dms_suite.overrides.db_query import install

	install()  # as the before_request hook does in a web worker
	real_commit = frappe.db.commit
	frappe.db.commit = lambda *a, **k: None
	try:
		start = time.perf_counter()
		add_files(frappe, args.files)
		print(f"{args.files:,} File rows added in {time.perf_counter() - start:.1f} s")
		queries = {
			"File, first page": lambda: frappe.get_list(
				"File", fields=["name", "file_name"], limit_page_length=20
			),
			"File, count": lambda: frappe.get_list("File", fields=["count(*) as n"], limit_page_length=0),
			"Account, first page": lambda: frappe.get_list("Account", fields=["name"], limit_page_length=20),
			"Contact, first page": lambda: frappe.get_list("Contact", fields=["name"], limit_page_length=20),
			"Stock Entry Detail by parent": lambda: frappe.get_list(
				"Stock Entry Detail", parent_doctype="Stock Entry", fields=["name"], limit_page_length=20
			),
			"Customer, filtered": lambda: frappe.get_list(
				"Customer", filters={"customer_name": ("like", "%a%")}, fields=["name"], limit_page_length=20
			),
		}
		print(f"{'query':32} {'user':36} {'median ms':>10} {'p95 ms':>8}")
		for label, fn in queries.items():
			for user in ("Administrator", args.user):
				frappe.set_user(user)
				try:
					median, p95 = time_query(frappe, args.runs, fn)
				except frappe.PermissionError:
					print(f"{label:32} {user:36} {'no read permission':>19}")
					continue
				finally:
					frappe.set_user("Administrator")
				print(f"{label:32} {user:36} {median:10.1f} {p95:8.1f}")
	finally:
		frappe.db.rollback()
		frappe.db.commit = real_commit
		frappe.destroy()


if __name__ == "__main__":
	main()
