"""Cost, margin and earned value of dealer projects, read from native records only.

Actual cost by cost type, each from the documents ERPNext itself costs a project with
(erpnext/projects/doctype/project/project.py and ``StockEntry.update_cost_in_project``):

- Materials: submitted Stock Entries carrying the project, rows that leave stock (no target
  warehouse), at valuation (``amount``), exactly ERPNext's ``total_consumed_material_cost``;
- Labour: submitted Timesheet rows of the project (``costing_amount`` = hours x the employee's
  Activity Cost), ERPNext's ``total_costing_amount``;
- Purchases: submitted Purchase Invoice rows of the project (``base_net_amount``), ERPNext's
  ``total_purchase_cost``, each under the row's DMS cost type (Equipment for a hired crane, say),
  else Materials for a stock item and Other for anything else.

Earned value, from the tasks' planned dates and progress (each task weighted by its planned days):
planned % = days of work that should be done by today / all planned days; actual % = days weighted
by progress / all planned days; with the budget as the budget at completion (BAC): PV = planned % x
BAC, EV = actual % x BAC, AC = actual cost, CPI = EV / AC, SPI = EV / PV.

Every figure for any number of projects is a fixed number of grouped queries.
"""

from collections import defaultdict

import frappe
from frappe.utils import flt, getdate, nowdate

from dms_suite.dms_projects.project import COST_TYPES, budget_by_type

CUSTOM_FIELDS = {
	"Purchase Invoice Item": [
		{
			"fieldname": "dms_cost_type",
			"fieldtype": "Select",
			"options": "\n" + "\n".join(COST_TYPES),
			"label": "Project Cost Type",
			"insert_after": "project",
			"depends_on": "project",
			"description": "Under which budget line of the project this cost falls; empty: Materials for a stock item, else Other.",
		}
	],
}


def actual_costs(projects: list[str]) -> dict[str, dict[str, float]]:
	"""project → {cost type → actual cost}: three grouped queries."""
	result = {name: dict.fromkeys(COST_TYPES, 0.0) for name in projects}
	if not projects:
		return result
	values = {"projects": tuple(projects)}
	for project, amount in frappe.db.sql(
		"""
		select entry.project, sum(detail.amount)
		from `tabStock Entry` entry
		join `tabStock Entry Detail` detail on detail.parent = entry.name and detail.parenttype = 'Stock Entry'
		where entry.docstatus = 1 and entry.project in %(projects)s and ifnull(detail.t_warehouse, '') = ''
		group by entry.project
		""",
		values,
	):
		result[project]["Materials"] += flt(amount)
	for project, amount in frappe.db.sql(
		"""
		select project, sum(costing_amount) from `tabTimesheet Detail`
		where docstatus = 1 and project in %(projects)s
		group by project
		""",
		values,
	):
		result[project]["Labour"] += flt(amount)
	for project, cost_type, amount in frappe.db.sql(
		"""
		select row.project,
			coalesce(nullif(row.dms_cost_type, ''), if(item.is_stock_item = 1, 'Materials', 'Other')),
			sum(row.base_net_amount)
		from `tabPurchase Invoice Item` row
		left join `tabItem` item on item.name = row.item_code
		where row.docstatus = 1 and row.project in %(projects)s
		group by 1, 2
		""",
		values,
	):
		result[project][cost_type] += flt(amount)
	return result


def schedule_progress(projects: list[str], today=None) -> dict[str, dict[str, float]]:
	"""project → planned %, actual % (by planned days) and late tasks: one grouped query."""
	result = defaultdict(lambda: {"planned_pct": 0.0, "actual_pct": 0.0, "late_tasks": 0, "tasks": 0})
	if not projects:
		return result
	for project, days, planned, earned, late, count in frappe.db.sql(
		"""
		select project,
			sum(datediff(exp_end_date, exp_start_date) + 1),
			sum(least(greatest(datediff(%(today)s, exp_start_date) + 1, 0), datediff(exp_end_date, exp_start_date) + 1)),
			sum((datediff(exp_end_date, exp_start_date) + 1) * if(status = 'Completed', 100, progress) / 100),
			sum(status not in ('Completed', 'Cancelled') and exp_end_date < %(today)s),
			count(*)
		from `tabTask`
		where project in %(projects)s and status not in ('Cancelled', 'Template') and is_group = 0
			and exp_start_date is not null and exp_end_date is not null
		group by project
		""",
		{"projects": tuple(projects), "today": getdate(today or nowdate())},
	):
		days = flt(days)
		result[project] = {
			"planned_pct": flt(planned) * 100 / days if days else 0.0,
			"actual_pct": flt(earned) * 100 / days if days else 0.0,
			"late_tasks": int(late or 0),
			"tasks": int(count or 0),
		}
	return result


def project_figures(projects: list[str], today=None) -> dict[str, dict]:
	"""Per project: budget and actual by cost type, contract value, margin and earned value."""
	if not projects:
		return {}
	budgets = budget_by_type(projects)
	actuals = actual_costs(projects)
	progress = schedule_progress(projects, today)
	contract = dict(
		frappe.db.sql(
			"select name, dms_contract_value from `tabProject` where name in %(projects)s",
			{"projects": tuple(projects)},
		)
	)
	figures = {}
	for project in projects:
		budget, actual = budgets[project], actuals[project]
		bac, cost = sum(budget.values()), sum(actual.values())
		value = flt(contract.get(project))
		schedule = progress[project]
		pv = schedule["planned_pct"] * bac / 100
		ev = schedule["actual_pct"] * bac / 100
		figures[project] = {
			"budget": budget,
			"actual": actual,
			"total_budget": bac,
			"total_actual": cost,
			"contract_value": value,
			"margin": value - cost,
			"margin_pct": (value - cost) * 100 / value if value else None,
			"planned_pct": schedule["planned_pct"],
			"actual_pct": schedule["actual_pct"],
			"late_tasks": schedule["late_tasks"],
			"planned_value": pv,
			"earned_value": ev,
			"cpi": ev / cost if cost else None,
			"spi": ev / pv if pv else None,
		}
	return figures
