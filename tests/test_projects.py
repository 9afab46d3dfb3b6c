"""Dealer projects and their tasks: budgets and equipment, dependency cycles, dates, material plans
with need dates from the inherited lead time, the Gantt board's data and drag, and isolation."""

import pytest

import frappe
from frappe.utils import add_days, getdate, nowdate

from erpnext.projects.doctype.task.task import CircularReferenceError

from dms_suite.api import projects as api
from dms_suite.dms_projects import board
from dms_suite.dms_projects.project import InvalidProjectError
from dms_suite.dms_projects.tasks import InvalidMaterialLineError, TaskDependencyCycleError

from .project_fixture import BOLT, CRANE, STEEL, SURVEY, make_project, make_task


def test_project_takes_its_store_and_budget(site):
	project = frappe.get_doc("Project", site.project)
	assert project.dms_org_unit == "TN1"
	assert {row.cost_type: row.amount for row in project.dms_budget} == {
		"Materials": 40000,
		"Labour": 20000,
		"Equipment": 15000,
	}


def test_bad_project_input_is_refused_and_nothing_written(site):
	count = frappe.db.count("Project")
	with pytest.raises(frappe.NonNegativeError):
		make_project("DT Negative Budget", dms_budget=[{"cost_type": "Labour", "amount": -5}])
	with pytest.raises(InvalidProjectError, match="already set"):
		make_project(
			"DT Twice Budget",
			dms_budget=[{"cost_type": "Labour", "amount": 5}, {"cost_type": "Labour", "amount": 6}],
		)
	with pytest.raises(InvalidProjectError, match="before its delivery"):
		make_project(
			"DT Early Return",
			dms_equipment=[
				{
					"item_code": STEEL,
					"delivery_date": add_days(nowdate(), 5),
					"return_date": add_days(nowdate(), 2),
				}
			],
		)
	assert frappe.db.count("Project") == count


def test_task_ending_before_it_starts_is_refused(site):
	with pytest.raises(frappe.exceptions.InvalidDates):
		make_task(site.project, "DT Backwards", 5, 1, exp_end_date=add_days(nowdate(), 1))
	assert not frappe.db.exists("Task", {"subject": "DT Backwards"})


def test_dependency_cycle_is_refused_before_anything_is_written(site):
	a = make_task(site.project, "DT Dig", 0, 3)
	b = make_task(site.project, "DT Pour", 3, 3, depends_on=[a.name])
	c = make_task(site.project, "DT Cure", 6, 3, depends_on=[b.name])
	a.reload()
	a.append("depends_on", {"task": c.name})
	with pytest.raises(TaskDependencyCycleError, match="DT Dig"):
		a.save()
	assert not frappe.db.exists("Task Depends On", {"parent": a.name})
	a.reload()
	a.append("depends_on", {"task": a.name})
	with pytest.raises(TaskDependencyCycleError, match="itself"):
		a.save()
	# ERPNext's own code and tests (Task test_circular_reference) catch ERPNext's error: ours is one
	a.reload()
	a.append("depends_on", {"task": c.name})
	with pytest.raises(CircularReferenceError):
		a.save()


def test_material_line_for_a_non_stock_item_is_refused(site):
	with pytest.raises(InvalidMaterialLineError, match=SURVEY):
		make_task(site.project, "DT Survey", 0, 2, materials=[(SURVEY, 1)])
	with pytest.raises(InvalidMaterialLineError, match="above zero"):
		make_task(site.project, "DT Zero", 0, 2, materials=[(STEEL, 0)])
	assert not frappe.db.exists("Task", {"subject": ("in", ["DT Survey", "DT Zero"])})


def test_need_date_is_task_start_less_the_inherited_site_lead_time(site):
	region = frappe.get_doc("DMS Org Unit", "TN")
	region.append("policies", {"policy": "site_lead_days", "value": "4"})
	region.save()
	task = make_task(site.project, "DT Steelwork", 20, 5, materials=[(STEEL, 10), (BOLT, 40)])
	start = getdate(task.exp_start_date)
	assert [(row.need_date, row.lead_days) for row in task.dms_materials] == [
		(add_days(start, -4), 4),
		(add_days(start, -4), 4),
	]
	assert task.dms_org_unit == "TN1"


def test_dragging_a_task_moves_its_dependants_and_need_dates(site):
	frappe.set_user(site.pm)
	first = make_task(site.project, "DT Foundation", 10, 5, materials=[(STEEL, 5)])
	second = make_task(site.project, "DT Frame", 15, 5, depends_on=[first.name], materials=[(BOLT, 8)])
	data = api.move_task(first.name, add_days(nowdate(), 14), add_days(nowdate(), 18))
	second.reload()
	first.reload()
	# ERPNext moves the dependant to the day after the new end, keeping its length
	assert (getdate(second.exp_start_date), getdate(second.exp_end_date)) == (
		getdate(add_days(nowdate(), 19)),
		getdate(add_days(nowdate(), 23)),
	)
	assert getdate(first.dms_materials[0].need_date) == getdate(add_days(nowdate(), 12))
	assert getdate(second.dms_materials[0].need_date) == getdate(add_days(nowdate(), 17))
	assert {t["id"]: t["start"] for t in data["tasks"]}[second.name] == str(add_days(nowdate(), 19))


def test_drag_refused_for_a_user_who_cannot_write_and_for_backwards_dates(site):
	task = make_task(site.project, "DT Fence", 5, 2)
	frappe.set_user(site.other_pm)  # assigned to TS1: TN1's plan is not theirs
	with pytest.raises(frappe.PermissionError):
		api.move_task(task.name, add_days(nowdate(), 7), add_days(nowdate(), 8))
	with pytest.raises(frappe.PermissionError):
		api.get_board(site.project)
	frappe.set_user(site.org.users["tn1_user"])  # a store user: TN1, but no project role
	with pytest.raises(frappe.PermissionError):
		api.move_task(task.name, add_days(nowdate(), 7), add_days(nowdate(), 8))
	frappe.set_user(site.pm)
	with pytest.raises(board.InvalidTaskDatesError):
		api.move_task(task.name, add_days(nowdate(), 9), add_days(nowdate(), 8))
	frappe.set_user("Administrator")
	assert getdate(frappe.db.get_value("Task", task.name, "exp_start_date")) == getdate(
		add_days(nowdate(), 5)
	)


def test_projects_and_tasks_are_isolated_by_store(site):
	task = make_task(site.project, "DT Signage", 5, 2)
	frappe.set_user(site.pm)
	assert site.project in frappe.get_list("Project", pluck="name")
	assert task.name in frappe.get_list("Task", pluck="name")
	frappe.set_user(site.other_pm)
	assert site.project not in frappe.get_list("Project", pluck="name")
	assert task.name not in frappe.get_list("Task", pluck="name")
	assert not frappe.has_permission("Task", "read", doc=task.name)
	assert not frappe.get_list("DMS Task Material", filters={"parent": task.name}, parent_doctype="Task")


def test_board_data_with_critical_path_materials_and_equipment(site):
	project = frappe.get_doc("Project", site.project)
	project.append(
		"dms_equipment",
		{
			"item_code": CRANE,
			"description": "Crawler crane",
			"delivery_date": add_days(nowdate(), 2),
			"return_date": add_days(nowdate(), 20),
		},
	)
	project.save()
	a = make_task(site.project, "DT A", 0, 5, materials=[(STEEL, 1), (BOLT, 2)])
	b = make_task(site.project, "DT B", 5, 5, depends_on=[a.name])
	c = make_task(site.project, "DT C", 10, 5, depends_on=[b.name], is_milestone=1)
	d = make_task(site.project, "DT D", 2, 3)  # in parallel, with slack
	late = make_task(site.project, "DT Late", -10, 3)
	frappe.set_user(site.pm)
	data = api.get_board(site.project)
	tasks = {t["id"]: t for t in data["tasks"]}
	assert {name for name, t in tasks.items() if t["critical"]} == {a.name, b.name, c.name}
	assert tasks[b.name]["dependencies"] == [a.name]
	assert tasks[late.name]["overdue"] and not tasks[d.name]["overdue"]
	assert tasks[c.name]["is_milestone"]
	materials = {m["task"]: m for m in data["materials"]}
	assert materials[a.name]["lines"] == 2 and materials[a.name]["undelivered"] == 2
	assert [e["label"] for e in data["equipment"]] == ["Crawler crane"]
	assert data["project"]["can_write"]
	portfolio = api.get_portfolio("TN1")
	assert site.project in [p["id"] for p in portfolio["projects"]]
	frappe.set_user(site.other_pm)
	assert site.project not in [p["id"] for p in api.get_portfolio()["projects"]]


def test_critical_path_of_a_plan():
	day = getdate("2027-03-01")

	def task(start, end):
		return frappe._dict(exp_start_date=add_days(day, start), exp_end_date=add_days(day, end))

	tasks = {"a": task(0, 4), "b": task(5, 9), "c": task(0, 2), "d": task(10, 12)}
	dependencies = {"a": [], "b": ["a"], "c": [], "d": ["b", "c"]}
	assert board.critical_tasks(tasks, dependencies) == {"a", "b", "d"}


def test_erpnext_keeps_its_own_dependency_rows(site):
	"""ERPNext's own code decides what a dependency row's project is (its form fills it in, its
	rescheduling reads it): dms_suite does not fill it in behind ERPNext's back."""
	first = make_task(site.project, "DT Survey plot", 0, 2)
	second = frappe.get_doc(
		{
			"doctype": "Task",
			"project": site.project,
			"subject": "DT Level plot",
			"exp_start_date": add_days(nowdate(), 2),
			"exp_end_date": add_days(nowdate(), 3),
			"depends_on": [{"task": first.name}],
		}
	).insert()
	assert frappe.db.get_value("Task Depends On", {"parent": second.name}, "project") is None
