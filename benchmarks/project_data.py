"""Bulk-made dealer projects for the project benchmarks: projects, tasks (chains of dependencies) and
material lines written with frappe.db.bulk_insert (the hooks do not run; need dates are set here as
the Task hook would). Nothing commits: the benchmarks roll back."""

import random

from frappe.utils import add_days, now_datetime, nowdate

PREFIX = "BENCHPRJ"
ITEMS = (
	"PT-OIL-FILTER",
	"PT-HYD-HOSE",
	"PT-TYRE",
	"PT-BATTERY",
	"PT-WIPER",
	"PT-BRAKE-PAD",
	"PT-STEEL-PLATE",
)
SITE_LEAD = 2


def make_projects(
	frappe, stores: list[tuple[str, str]], projects: int, tasks: int, lines: int, spread_days: int, seed=7
):
	"""``projects`` open projects over (store, company) pairs, each with ``tasks`` tasks in chains of
	five and ``lines`` material lines spread over its tasks. Returns the project names."""
	rng = random.Random(seed)
	stamp, user, today = now_datetime(), "Administrator", nowdate()
	common = {"creation": stamp, "modified": stamp, "owner": user, "modified_by": user, "docstatus": 0}
	project_rows, task_rows, depends_rows, line_rows = [], [], [], []
	names = []
	for p in range(projects):
		store, company = stores[p % len(stores)]
		project = f"{PREFIX}-{p:05d}"
		names.append(project)
		first = rng.randint(-20, spread_days)
		project_rows.append({**common, "name": project, "project_name": f"Bench project {p}", "status": "Open",
			"company": company, "dms_org_unit": store, "percent_complete_method": "Task Progress",
			"expected_start_date": add_days(today, first), "expected_end_date": add_days(today, first + tasks * 4)})  # fmt: skip
		for t in range(tasks):
			task = f"{project}-T{t:04d}"
			start = add_days(today, first + (t % 50) * 3)
			previous = f"{project}-T{t - 1:04d}" if t % 5 else None
			task_rows.append({**common, "name": task, "subject": f"Task {t}", "project": project, "status": "Open",
				"exp_start_date": start, "exp_end_date": add_days(start, 3), "progress": rng.choice((0, 0, 20, 50)),
				"company": company, "dms_org_unit": store, "depends_on_tasks": f"{previous}," if previous else "",
				"lft": 0, "rgt": 0})  # fmt: skip
			if previous:
				depends_rows.append({**common, "name": f"{task}-D", "parent": task, "parenttype": "Task",
					"parentfield": "depends_on", "idx": 1, "task": previous, "project": project})  # fmt: skip
		for n in range(lines):
			t = n % tasks
			task_row = task_rows[-tasks + t]
			line_rows.append({**common, "name": f"{project}-L{n:05d}", "parent": task_row["name"], "parenttype": "Task",
				"parentfield": "dms_materials", "idx": n // tasks + 1, "item_code": rng.choice(ITEMS),
				"qty": rng.randint(1, 5), "uom": "Nos", "lead_days": SITE_LEAD,
				"need_date": add_days(task_row["exp_start_date"], -SITE_LEAD), "supply_status": "Planned",
				"delivered_qty": 0, "requested_qty": 0})  # fmt: skip
	for doctype, rows in (("Project", project_rows), ("Task", task_rows), ("Task Depends On", depends_rows),
		("DMS Task Material", line_rows)):  # fmt: skip
		if rows:
			fields = list(rows[0])
			frappe.db.bulk_insert(
				doctype, fields, [[row[f] for f in fields] for row in rows], chunk_size=5000
			)
	return names
