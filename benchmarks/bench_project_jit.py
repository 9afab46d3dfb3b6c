"""The just-in-time supply job over 1,000 active projects (``raise_jit_requests``): the first run,
which requests what the due lines lack (transfer proposals, submitted Material Requests), the run
after it, which finds nothing left to request, and the next day's run, which requests the lines that
fell due overnight (what the daily schedule does). Target: <= 10 s.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site with the demo> $BENCH/env/bin/python benchmarks/bench_project_jit.py

1,000 projects over the demo's nine stores, 5 tasks and 20 material lines each (20,000 lines), task
starts spread over the next 180 days; all bulk-made and rolled back at the end.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import connect, describe
from project_data import make_projects


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--projects", type=int, default=1000)
	parser.add_argument("--tasks", type=int, default=5)
	parser.add_argument("--lines", type=int, default=20)
	parser.add_argument("--spread", type=int, default=180)
	args = parser.parse_args()
	frappe = connect()
	print(describe(frappe))
	from dms_suite.dms_projects import supply

	stores = frappe.get_all(
		"DMS Org Unit", filters={"unit_type": "Store"}, fields=["name", "company"], as_list=True
	)
	try:
		make_projects(frappe, stores, args.projects, args.tasks, args.lines, args.spread)
		print(
			f"{frappe.db.count('Project', {'status': 'Open'}):,} open projects,"
			f" {frappe.db.count('DMS Task Material'):,} material lines over {len(stores)} stores"
		)
		from frappe.utils import add_days, nowdate

		runs = (("first run (the backlog)", nowdate()), ("second run, same day", nowdate()),
			("next day's run", add_days(nowdate(), 1)))  # fmt: skip
		for label, day in runs:
			started = time.perf_counter()
			made = supply.raise_jit_requests(day)
			elapsed = time.perf_counter() - started
			requested = frappe.db.sql(
				"select count(*), sum(material_request is not null), sum(transfer is not null)"
				" from `tabDMS Task Material` where requested_qty > 0"
			)[0]
			print(
				f"{label}: {elapsed:.2f} s (target <= 10 s); {len(made['material_requests'])} material requests,"
				f" {len(made['transfers'])} transfer proposals; lines requested so far: {requested[0]}"
				f" ({requested[1] or 0} by purchase, {requested[2] or 0} by transfer)"
			)
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
