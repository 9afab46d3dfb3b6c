"""Duplicate check benchmark: ms per incoming lead against a group with many leads and customers.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site with the demo> $BENCH/env/bin/python benchmarks/bench_lead_duplicates.py [--rows 200000]

Inserts ``--rows`` customers and ``--rows`` leads with normalised keys (one INSERT ... SELECT each, from
MariaDB's sequence engine), then times, for 1,000 incoming enquiries (half of them duplicates of a
customer or a lead, half new): the check alone (normalise phone, email and tax id + the one duplicate
query) and the whole intake of a new lead (check + insert of the Lead with its hooks). Everything is
rolled back.
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


def fill(frappe, rows: int) -> None:
	for doctype, prefix, mobile, extra_cols, extra_vals in (
		(
			"Customer",
			"BCUST",
			"139",
			"customer_name, customer_type",
			"concat('Bench customer ', seq), 'Individual'",
		),
		("Lead", "BLEAD", "138", "lead_name, status", "concat('Bench lead ', seq), 'Lead'"),
	):
		frappe.db.sql(
			f"""
			insert into `tab{doctype}` (name, {extra_cols}, dms_phone_key, dms_email_key, dms_tax_key,
				creation, modified, owner, modified_by, docstatus)
			select concat('{prefix}-', seq), {extra_vals},
				concat('+86{mobile}', lpad(seq, 8, '0')),
				concat('{prefix.lower()}', seq, '@bench.example'),
				concat('{prefix}TAX', seq),
				now(), now(), 'Administrator', 'Administrator', 0
			from seq_1_to_{rows}
			"""
		)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--rows", type=int, default=200_000)
	parser.add_argument("--enquiries", type=int, default=1000)
	args = parser.parse_args()

	frappe = connect()

	from dms_suite.dms_sales.leads import (
		find_duplicate,
		intake_lead,
		normalise_email,
		normalise_phone,
		normalise_tax_id,
	)

	store = frappe.db.get_value("DMS Org Unit", {"unit_type": "Store"}, "name", order_by="lft")
	try:
		print("machine:", describe(frappe))
		start = time.perf_counter()
		fill(frappe, args.rows)
		counts = {d: frappe.db.count(d) for d in ("Customer", "Lead")}
		print(
			f"data: {counts['Customer']:,} customers, {counts['Lead']:,} leads (filled in {time.perf_counter() - start:.1f} s)"
		)

		rng = random.Random(7)
		enquiries = []
		for i in range(args.enquiries):
			seq = rng.randint(1, args.rows)
			kind = i % 4  # customer phone, lead email, customer tax id, new person
			if kind == 0:
				enquiries.append({"mobile_no": f"139-{seq:08d}", "email_id": None, "dms_tax_id": None})
			elif kind == 1:
				enquiries.append(
					{"mobile_no": None, "email_id": f"BLead{seq}@bench.example", "dms_tax_id": None}
				)
			elif kind == 2:
				enquiries.append({"mobile_no": None, "email_id": None, "dms_tax_id": f"bcust tax {seq}"})
			else:
				enquiries.append(
					{"mobile_no": f"+86 137 {i:04d} {seq % 10000:04d}", "email_id": None, "dms_tax_id": None}
				)

		def check(row):
			phone = normalise_phone(row["mobile_no"], "China")
			return find_duplicate(
				phone, normalise_email(row["email_id"]), normalise_tax_id(row["dms_tax_id"])
			)

		timings, found = [], 0
		for row in enquiries:
			t = time.perf_counter()
			found += bool(check(row))
			timings.append((time.perf_counter() - t) * 1000)
		print(
			f"duplicate check ({len(enquiries)} enquiries, {found} duplicates found): "
			"median {:.2f} ms, p95 {:.2f} ms".format(*median_p95(timings))
		)

		plan = frappe.db.sql(
			"explain select name from `tabLead` where dms_email_key = 'blead1@bench.example' limit 1",
			as_dict=True,
		)[0]
		print(f"plan of one branch: table {plan['table']}, key {plan['key']}, rows {plan['rows']}")

		intake = []
		for i in range(100):
			t = time.perf_counter()
			result = intake_lead(
				{"first_name": f"Bench {i}", "mobile_no": f"+86 136 {i:04d} 7777"}, "Website", store
			)
			intake.append((time.perf_counter() - t) * 1000)
			assert result["created"]
		print(
			"intake of a new lead (check + Lead insert with hooks, 100 leads): "
			"median {:.1f} ms, p95 {:.1f} ms".format(*median_p95(intake))
		)
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
