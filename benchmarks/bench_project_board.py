"""Gantt board data for a 500-task project with 2,000 material lines: the server time of
``dms_suite.dms_projects.board.board_data`` (what ``api.projects.get_board`` returns; 4 queries and the
critical path). Target: <= 300 ms.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site with the demo> $BENCH/env/bin/python benchmarks/bench_project_board.py [--runs 20]

The project is bulk-made at the demo's N-SJZ store and rolled back at the end.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import connect, describe, median_p95
from project_data import make_projects


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--runs", type=int, default=20)
	parser.add_argument("--tasks", type=int, default=500)
	parser.add_argument("--lines", type=int, default=2000)
	args = parser.parse_args()
	frappe = connect()
	print(describe(frappe))
	from dms_suite.dms_projects.board import board_data

	try:
		[project] = make_projects(frappe, [("N-SJZ", "Demo Auto North")], 1, args.tasks, args.lines, 0)
		board_data(project)  # warm the caches once, as a second page load would
		samples, size = [], 0
		for _ in range(args.runs):
			started = time.perf_counter()
			data = board_data(project)
			samples.append(time.perf_counter() - started)
			size = len(json.dumps(data, default=str))
		median, p95 = median_p95(samples)
		critical = sum(t["critical"] for t in data["tasks"])
		print(
			f"board_data: {len(data['tasks'])} tasks, {sum(m['lines'] for m in data['materials'])} material lines,"
			f" {critical} critical, {size / 1024:.0f} KiB JSON; {args.runs} runs:"
			f" median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (target <= 300 ms)"
		)
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
