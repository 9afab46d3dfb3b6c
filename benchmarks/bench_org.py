"""Org tree benchmark: policy resolution, user scope and scoped lists on a 500-unit tree.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site> $BENCH/env/bin/python benchmarks/bench_org.py [--units 500]

Builds a synthetic tree (1 group, regions of ~25 stores) inside one transaction, measures, prints
the figures and the machine, and rolls everything back. The site needs dms_suite installed and
ERPNext set up (the demo command does both).
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import connect, describe

BENCH = Path(os.environ.get("DMS_BENCH", "/home/frappe/frappe-bench"))


def timed(fn, repeat=20):
	samples = []
	for _ in range(repeat):
		start = time.perf_counter()
		fn()
		samples.append((time.perf_counter() - start) * 1000)
	samples.sort()
	return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


class QueryCounter:
	def __init__(self, frappe):
		self.frappe, self.count = frappe, 0

	def __enter__(self):
		self.original = self.frappe.db.sql

		def counting(*args, **kwargs):
			self.count += 1
			return self.original(*args, **kwargs)

		self.frappe.db.sql = counting
		return self

	def __exit__(self, *exc):
		self.frappe.db.sql = self.original


def build_tree(frappe, units: int):
	"""A group, regions and stores in the group's company, with policies sprinkled over all levels."""
	company = frappe.db.get_value("Company", {"is_group": 1}) or frappe.db.get_value("Company", {})
	frappe.flags.in_import = True  # the bench is about reading the tree, not about building it
	names = []

	def unit(code, unit_type, parent, policies=()):
		doc = frappe.get_doc(
			{
				"doctype": "DMS Org Unit",
				"unit_code": code,
				"unit_name": code,
				"unit_type": unit_type,
				"parent_dms_org_unit": parent,
				"company": company,
				"policies": [{"policy": k, "value": v} for k, v in policies],
			}
		)
		doc.insert(ignore_permissions=True)
		names.append(code)

	unit("BM-G", "Group", None, [("safety_stock_days", "10"), ("transfer_rule", "Nearest")])
	stores_per_region = 25
	regions = -(-(units - 1) // (stores_per_region + 1))
	made = 1
	for r in range(regions):
		if made >= units:
			break
		unit(f"BM-R{r}", "Region", "BM-G", [("safety_stock_days", str(5 + r % 7))] if r % 2 else [])
		made += 1
		for s in range(stores_per_region):
			if made >= units:
				break
			unit(
				f"BM-R{r}-S{s}",
				"Store",
				f"BM-R{r}",
				[("monthly_sales_target", "100000")] if s % 5 == 0 else [],
			)
			made += 1
	frappe.flags.in_import = False
	return names


def scoped_transactions(frappe, units, entries):
	"""Stock Entry list (page of 20, newest first) and count for a store user, over ``entries`` headers
	spread over all units. Synthetic header rows (bulk insert, rolled back): this measures the
	isolation condition on the list query, not posting."""
	from frappe.utils import add_to_date, now_datetime

	company = frappe.db.get_value("DMS Org Unit", units[0], "company")
	base = now_datetime()
	start = time.perf_counter()
	frappe.db.bulk_insert(
		"Stock Entry",
		fields=[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
			"company",
			"purpose",
			"stock_entry_type",
			"posting_date",
			"dms_org_unit",
		],
		values=(
			(
				f"BM-STE-{i:07d}",
				add_to_date(base, seconds=-i),
				add_to_date(base, seconds=-i),
				"Administrator",
				"Administrator",
				1,
				company,
				"Material Receipt",
				"Material Receipt",
				base.date(),
				units[i % len(units)],
			)
			for i in range(entries)
		),
		chunk_size=5_000,
	)
	print(
		f"stock entries: {entries} synthetic headers over {len(units)} units inserted in {time.perf_counter() - start:.1f} s"
	)
	for email in ("bm.store@example.com", "bm.region@example.com", "Administrator"):
		frappe.set_user(email)
		med, p95 = timed(
			lambda: frappe.get_list(
				"Stock Entry",
				fields=["name", "posting_date", "dms_org_unit"],
				order_by="creation desc",
				limit_page_length=20,
			)
		)
		count = (
			frappe.db.count("Stock Entry")
			if email == "Administrator"
			else len(frappe.get_list("Stock Entry", limit_page_length=0))
		)
		cmed, cp95 = timed(
			lambda: frappe.get_list("Stock Entry", fields=["count(*) as n"], limit_page_length=0)
		)
		frappe.set_user("Administrator")
		print(
			f"  Stock Entry list as {email} ({count} visible): page of 20 median {med:.1f} ms, p95 {p95:.1f} ms;"
			f" count median {cmed:.1f} ms, p95 {cp95:.1f} ms"
		)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--units", type=int, default=500)
	parser.add_argument("--entries", type=int, default=100_000, help="synthetic Stock Entry headers")
	args = parser.parse_args()

	frappe = connect()

	from dms_suite.dms_org.policy import clear_policy_cache, get_effective_policies, get_effective_policy
	from dms_suite.dms_org.user_permissions import sync_user_permissions
	from dms_suite.permissions import clear_scope_cache, get_permission_query_conditions

	try:
		print("machine:", describe(frappe))
		start = time.perf_counter()
		names = build_tree(frappe, args.units)
		print(f"tree: {len(names)} units built in {time.perf_counter() - start:.1f} s (inside a transaction)")

		def cold_all():
			clear_policy_cache()
			frappe.local.cache = {}
			get_effective_policies(names)

		with QueryCounter(frappe) as counter:
			cold_all()
		med, p95 = timed(cold_all)
		print(
			f"policies, all {len(names)} units, cold cache: median {med:.1f} ms, p95 {p95:.1f} ms, {counter.count} query"
		)

		get_effective_policies(names)

		def next_request():
			frappe.local.cache = {}  # a new request: Redis hit, no request-local copy
			get_effective_policy(names[-1])

		med, p95 = timed(next_request, repeat=200)
		print(f"policies, one unit, warm Redis cache (new request): median {med:.3f} ms, p95 {p95:.3f} ms")
		med, p95 = timed(lambda: get_effective_policy(names[-1]), repeat=200)
		print(f"policies, one unit, same request: median {med:.4f} ms, p95 {p95:.4f} ms")

		# a store user and a region manager
		for email, unit in (("bm.store@example.com", names[-1]), ("bm.region@example.com", "BM-R0")):
			if not frappe.db.exists("User", email):
				user = frappe.get_doc(
					{"doctype": "User", "email": email, "first_name": "bm", "send_welcome_email": 0}
				)
				user.flags.no_welcome_mail = True
				user.insert(ignore_permissions=True)
				user.add_roles("DMS Store User", "Sales User", "Stock User")
			frappe.get_doc({"doctype": "DMS Org Assignment", "user": email, "org_unit": unit}).insert(
				ignore_permissions=True
			)

		for email in ("bm.store@example.com", "bm.region@example.com"):

			def cold_scope(email=email):
				clear_scope_cache([email])
				get_permission_query_conditions(email, "DMS Org Unit")

			med, p95 = timed(cold_scope)
			print(f"scope condition for {email}, cold: median {med:.2f} ms, p95 {p95:.2f} ms")
			frappe.set_user(email)
			med, p95 = timed(
				lambda: frappe.get_list("DMS Org Unit", fields=["name", "unit_type"], limit_page_length=0)
			)
			visible = len(frappe.get_list("DMS Org Unit", limit_page_length=0))
			frappe.set_user("Administrator")
			print(f"  scoped list as {email}: {visible} units visible, median {med:.2f} ms, p95 {p95:.2f} ms")
		med, p95 = timed(
			lambda: frappe.get_list("DMS Org Unit", fields=["name", "unit_type"], limit_page_length=0)
		)
		print(f"  unscoped list as Administrator: median {med:.2f} ms, p95 {p95:.2f} ms")

		scoped_transactions(frappe, names, args.entries)

		users = ["bm.store@example.com", "bm.region@example.com"]
		med, p95 = timed(lambda: sync_user_permissions(users), repeat=10)
		print(f"user permission sync (2 users, nothing to change): median {med:.2f} ms")
	finally:
		frappe.db.rollback()
		clear_policy_cache()
		clear_scope_cache()
		frappe.destroy()


if __name__ == "__main__":
	main()
