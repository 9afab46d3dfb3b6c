"""Campaign results benchmark: the *DMS Campaign Results* report over 100,000 quotations and their orders.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site> $BENCH/env/bin/python benchmarks/bench_campaign_results.py \
        [--quotations 100000] [--order-rate 0.35] [--leads 40000] [--stores 50] [--runs 20]

Builds a synthetic group inside one transaction: 1 group unit, 5 regions, ``--stores`` stores (through
the documents), one joint campaign with a variant per region (through the documents: their Pricing
Rules are made too), and, with frappe.db.bulk_insert, ``--leads`` leads, ``--quotations`` quotations
and ``--order-rate`` of them as submitted sales orders. A fifth of the leads, quotations and orders
name another campaign, so the report has to pick its campaign's rows out of the rest. Bulk inserts
bypass the doc_events that keep the tallies (*DMS Campaign Tally*, per campaign, unit and day), so the
tallies are rebuilt as migrate does (timed). Then it runs the report (execute(), as the desk does)
several times per mode, as an unrestricted user and as a region manager, and prints median / p95 and
the machine. Everything is rolled back at the end (commit is disabled while it runs). Target: <= 1 s.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import connect, describe, median_p95

BENCH = Path(os.environ.get("DMS_BENCH", "/home/frappe/frappe-bench"))
PREFIX = "BC"
REGIONS = 5
DAYS = 90


def build_group(frappe, stores: int) -> tuple[str, list[str], list[str]]:
	"""Units through the documents (few). Returns (company, regions, stores)."""
	company = frappe.db.get_value("Company", {"is_group": 1}) or frappe.db.get_value("Company", {})
	frappe.flags.in_import = True  # the bench is about the report, not about building the tree

	def unit(code, unit_type, parent):
		frappe.get_doc(
			{
				"doctype": "DMS Org Unit",
				"unit_code": code,
				"unit_name": code,
				"unit_type": unit_type,
				"parent_dms_org_unit": parent,
				"company": company,
			}
		).insert(ignore_permissions=True)

	unit(f"{PREFIX}-G", "Group", None)
	regions = [f"{PREFIX}-R{r}" for r in range(REGIONS)]
	for region in regions:
		unit(region, "Region", f"{PREFIX}-G")
	codes = [f"{PREFIX}-S{s:02d}" for s in range(stores)]
	for s, code in enumerate(codes):
		unit(code, "Store", regions[s % REGIONS])
	frappe.flags.in_import = False
	return company, regions, codes


def build_campaigns(frappe, regions: list[str], start, end) -> tuple[str, str]:
	from frappe.utils import now_datetime

	now = now_datetime()
	frappe.db.bulk_insert(
		"Item",
		fields=["name", "creation", "modified", "owner", "modified_by", "item_code", "item_name",
			"item_group", "stock_uom", "is_stock_item", "is_sales_item", "description"],
		values=[(f"{PREFIX}-MODEL", now, now, "Administrator", "Administrator", f"{PREFIX}-MODEL",
			f"{PREFIX}-MODEL", "All Item Groups", "Nos", 0, 1, "model")],
	)  # fmt: skip
	names = []
	for title in (f"{PREFIX} Joint Campaign", f"{PREFIX} Other Campaign"):
		names.append(
			frappe.get_doc(
				{
					"doctype": "Campaign",
					"campaign_name": title,
					"dms_org_unit": f"{PREFIX}-G",
					"dms_max_discount": 10,
					"dms_valid_from": start,
					"dms_valid_upto": end,
					"dms_items": [{"item_code": f"{PREFIX}-MODEL"}],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	for r, region in enumerate(regions):
		frappe.get_doc(
			{"doctype": "DMS Campaign Variant", "campaign": names[0], "org_unit": region,
				"discount_percentage": 4 + r}
		).insert(ignore_permissions=True)  # fmt: skip
	return names[0], names[1]


def bulk_documents(frappe, company, stores, campaigns, quotations, order_rate, leads, start) -> dict:
	"""Leads, quotations and submitted sales orders (bulk inserts); returns what was written."""
	from frappe.utils import add_days, now_datetime

	now = now_datetime()
	meta = (now, now, "Administrator", "Administrator")
	rng = random.Random(5)
	main, other = campaigns

	def pick_campaign():
		return main if rng.random() < 0.8 else other

	frappe.db.bulk_insert(
		"Lead",
		fields=["name", "creation", "modified", "owner", "modified_by", "first_name", "lead_name",
			"status", "company", "campaign_name", "dms_org_unit"],
		values=(
			(f"{PREFIX}-LEAD-{i:07d}", add_days(start, rng.randrange(DAYS)), now, "Administrator",
				"Administrator", f"Lead {i}", f"Lead {i}", "Lead", company, pick_campaign(), rng.choice(stores))
			for i in range(leads)
		),
	)  # fmt: skip

	quotation_rows, order_rows = [], []
	for i in range(quotations):
		date = add_days(start, rng.randrange(DAYS))
		unit, campaign, amount = rng.choice(stores), pick_campaign(), rng.randrange(80_000, 400_000)
		docstatus = 1 if rng.random() < 0.7 else rng.choice((0, 2))
		quotation_rows.append((f"{PREFIX}-QTN-{i:07d}", *meta, docstatus, company, date, campaign, unit,
			"Customer", "CNY", 1, amount, amount))  # fmt: skip
		if docstatus == 1 and rng.random() < order_rate:
			order_rows.append((f"{PREFIX}-SO-{i:07d}", *meta, 1, company, add_days(date, 3), campaign, unit,
				"CNY", 1, amount, amount))  # fmt: skip
	frappe.db.bulk_insert(
		"Quotation",
		fields=["name", "creation", "modified", "owner", "modified_by", "docstatus", "company",
			"transaction_date", "campaign", "dms_org_unit", "quotation_to", "currency", "conversion_rate",
			"net_total", "base_net_total"],
		values=quotation_rows,
	)  # fmt: skip
	frappe.db.bulk_insert(
		"Sales Order",
		fields=["name", "creation", "modified", "owner", "modified_by", "docstatus", "company",
			"transaction_date", "campaign", "dms_org_unit", "currency", "conversion_rate", "net_total",
			"base_net_total"],
		values=order_rows,
	)  # fmt: skip
	return {"leads": leads, "quotations": len(quotation_rows), "orders": len(order_rows)}


def region_manager(frappe, region: str) -> str:
	email = "bc.region.manager@example.com"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "BC",
			"send_welcome_email": 0,
			"user_type": "System User",
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)
	user.add_roles("DMS Region Manager", "Sales Manager")
	frappe.get_doc({"doctype": "DMS Org Assignment", "user": email, "org_unit": region}).insert(
		ignore_permissions=True
	)
	return email


def measure(
	frappe, execute, filters: dict, runs: int, user: str = "Administrator"
) -> tuple[list[float], list]:
	frappe.set_user(user)
	try:
		execute(filters)  # warm: meta, the user's scope
		timings = []
		for _ in range(runs):
			start = time.perf_counter()
			result = execute(filters)
			timings.append(time.perf_counter() - start)
		return timings, result[1]
	finally:
		frappe.set_user("Administrator")


def summary(timings: list[float]) -> str:
	median, p95 = median_p95(timings)
	return f"median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms (n={len(timings)})"


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--quotations", type=int, default=100_000)
	parser.add_argument("--order-rate", type=float, default=0.35, help="of submitted quotations")
	parser.add_argument("--leads", type=int, default=40_000)
	parser.add_argument("--stores", type=int, default=50)
	parser.add_argument("--runs", type=int, default=20)
	args = parser.parse_args()

	frappe = connect()

	from frappe.utils import add_days, nowdate

	from dms_suite.dms_sales.report.dms_campaign_results.dms_campaign_results import execute

	real_commit = frappe.db.commit

	def no_commit(*a, **k):
		raise RuntimeError("the benchmark must not commit")

	frappe.db.commit = no_commit
	try:
		print("machine:", describe(frappe))
		start_date = add_days(nowdate(), -DAYS)
		start = time.perf_counter()
		company, regions, stores = build_group(frappe, args.stores)
		campaigns = build_campaigns(frappe, regions, start_date, add_days(nowdate(), 30))
		written = bulk_documents(
			frappe, company, stores, campaigns, args.quotations, args.order_rate, args.leads, start_date
		)
		print(
			f"data: {written['quotations']} quotations, {written['orders']} submitted sales orders, "
			f"{written['leads']} leads over {len(stores)} stores in {len(regions)} regions, 80% naming the "
			f"campaign; built in {time.perf_counter() - start:.1f} s (one transaction, rolled back)"
		)
		filters = {"campaign": campaigns[0], "from_date": start_date, "to_date": nowdate()}
		# bulk inserts bypass the doc_events that keep the tallies: build them the way migrate does
		from dms_suite.dms_sales.campaigns import rebuild_tallies

		start = time.perf_counter()
		rebuild_tallies()
		tallies = frappe.db.count("DMS Campaign Tally")
		print(
			f"rebuild_tallies(): {time.perf_counter() - start:.2f} s for {tallies} tally rows (campaign x unit x day)"
		)
		manager = region_manager(frappe, regions[0])
		for label, mode_filters, user in (
			("per region, unrestricted user", filters, "Administrator"),
			("per store, unrestricted user", {**filters, "per_unit": 1}, "Administrator"),
			("per region, every campaign", {**filters, "campaign": None}, "Administrator"),
			("per store, region manager (1 region)", {**filters, "per_unit": 1}, manager),
		):
			timings, rows = measure(frappe, execute, mode_filters, args.runs, user)
			counted = sum(row["quotations"] for row in rows)
			print(
				f"report {label}: {summary(timings)}; {len(rows)} rows, {counted} quotations counted (target <= 1 s)"
			)
	finally:
		frappe.db.commit = real_commit
		frappe.db.rollback()
		from dms_suite.permissions import clear_scope_cache

		clear_scope_cache()
		frappe.destroy()


if __name__ == "__main__":
	main()
