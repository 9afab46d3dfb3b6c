"""What the number check (dms_suite/validation.py, doc_events "*" before_validate) adds to a save.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site> $BENCH/env/bin/python benchmarks/bench_number_check.py \
        [--rows 500] [--runs 50]

Builds (does not save) a Stock Entry with ``--rows`` item rows, every number field filled, and times
``check_numbers`` on it. Prints median / p95 per call, the share per row, and the machine.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import connect, describe, median_p95


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--rows", type=int, default=500)
	parser.add_argument("--runs", type=int, default=50)
	args = parser.parse_args()
	frappe = connect()
	print(describe(frappe))
	from dms_suite.validation import NUMBER_FIELDTYPES, check_numbers

	row_fields = [
		df.fieldname
		for df in frappe.get_meta("Stock Entry Detail").fields
		if df.fieldtype in NUMBER_FIELDTYPES
	]
	doc = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"items": [{field: 1.5 for field in row_fields} for _ in range(args.rows)],
		}
	)
	samples = []
	for _ in range(args.runs):
		start = time.perf_counter()
		check_numbers(doc)
		samples.append((time.perf_counter() - start) * 1000)
	median, p95 = median_p95(samples)
	print(
		f"Stock Entry, {args.rows} rows x {len(row_fields)} number fields: median {median:.2f} ms, p95 {p95:.2f} ms"
	)
	print(f"per row: {median * 1000 / args.rows:.1f} us")
	frappe.destroy()


if __name__ == "__main__":
	main()
