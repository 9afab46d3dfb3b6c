"""The isolation matrix: each role x each read path -> exactly the allowed records.

Paths: desk list (frappe.desk.reportview.get, as the list view and report view call it), its count,
/api/resource list and get (frappe.api.v1 handlers), frappe.client.get_list / get_count /
get_value / get, link search (frappe.desk.search.search_link), the form loader
(frappe.desk.form.load.getdoc) and a report of ours (frappe.desk.query_report.run).
"""

import json

import pytest

import frappe
import frappe.api.v1
import frappe.client
import frappe.desk.form.load
import frappe.desk.reportview
import frappe.desk.search

from .org_fixture import EXPECTED_UNITS, USERS

ALL_UNITS = {"TG", "TN", "TN1", "TN2", "TS", "TS1"}
USER_KEYS = list(USERS)


def as_user(org, key):
	frappe.set_user(org.users[key])


def ours(names):
	"""Only the fixture's units (the site may hold demo units too)."""
	return set(names) & ALL_UNITS


def visible_via_reportview(doctype, field="name"):
	frappe.local.form_dict = frappe._dict(
		doctype=doctype, fields=json.dumps([f"`tab{doctype}`.`{field}`"]), limit_page_length=0
	)
	result = frappe.desk.reportview.get()
	return {row[0] for row in result["values"]} if result else set()


def count_via_reportview(doctype):
	frappe.local.form_dict = frappe._dict(
		doctype=doctype, filters=json.dumps([[doctype, "name", "in", sorted(ALL_UNITS)]])
	)
	return frappe.desk.reportview.get_count()


def visible_via_rest_list(doctype):
	frappe.local.form_dict = frappe._dict(fields=json.dumps(["name"]), limit_page_length="0")
	return {row["name"] for row in frappe.api.v1.document_list(doctype)}


def readable_via_rest_get(doctype, name):
	frappe.local.form_dict = frappe._dict()
	try:
		frappe.api.v1.read_doc(doctype, name)
		return True
	except frappe.PermissionError:
		return False


def readable_via_form(doctype, name):
	frappe.local.response = frappe._dict(docs=[])
	try:
		frappe.desk.form.load.getdoc(doctype, name)
		return bool(frappe.local.response.docs)
	except frappe.PermissionError:
		return False
	finally:
		frappe.local.response = frappe._dict()
		frappe.clear_messages()


def readable_via_client_get(doctype, name):
	try:
		frappe.client.get(doctype, name)
		return True
	except frappe.PermissionError:
		return False


@pytest.mark.parametrize("key", USER_KEYS)
def test_org_units_on_every_list_path(org, key):
	expected = EXPECTED_UNITS[key]
	as_user(org, key)
	assert ours(frappe.get_list("DMS Org Unit", pluck="name")) == expected
	assert ours(visible_via_reportview("DMS Org Unit")) == expected
	assert count_via_reportview("DMS Org Unit") == len(expected)
	assert ours(visible_via_rest_list("DMS Org Unit")) == expected
	assert (
		ours(r["name"] for r in frappe.client.get_list("DMS Org Unit", fields=["name"], limit_page_length=0))
		== expected
	)
	assert frappe.client.get_count("DMS Org Unit", filters={"name": ("in", sorted(ALL_UNITS))}) == len(
		expected
	)
	assert (
		ours(r["value"] for r in frappe.desk.search.search_link("DMS Org Unit", "", page_length=100))
		== expected
	)


@pytest.mark.parametrize("key", USER_KEYS)
def test_org_units_on_every_single_record_path(org, key):
	expected = EXPECTED_UNITS[key]
	as_user(org, key)
	for unit in sorted(ALL_UNITS):
		allowed = unit in expected
		assert frappe.has_permission("DMS Org Unit", "read", unit) == allowed, unit
		assert readable_via_rest_get("DMS Org Unit", unit) == allowed, unit
		assert readable_via_client_get("DMS Org Unit", unit) == allowed, unit
		assert readable_via_form("DMS Org Unit", unit) == allowed, unit
		value = frappe.client.get_value("DMS Org Unit", "company", {"name": unit})
		assert bool(value) == allowed, unit


@pytest.mark.parametrize("key", [k for k in USER_KEYS if k != "ts1_sales"])
def test_assignments_follow_the_same_scope(org, key):
	"""Every fixture unit has an assignment, so a user sees exactly the assignments of their units."""
	expected = EXPECTED_UNITS[key]
	as_user(org, key)
	rows = frappe.get_list("DMS Org Assignment", fields=["name", "org_unit"], limit_page_length=0)
	assert ours(r.org_unit for r in rows) == expected
	assert all(r.org_unit in expected or key == "exec" for r in rows)
	rest = {
		r["name"] for r in frappe.client.get_list("DMS Org Assignment", fields=["name"], limit_page_length=0)
	}
	assert rest == {r.name for r in rows}


def test_a_role_without_read_permission_sees_nothing_even_in_scope(org):
	"""Function permission (roles) and data permission (scope) are separate: both must allow."""
	as_user(org, "ts1_sales")
	assert not frappe.has_permission("DMS Org Assignment", "read")
	with pytest.raises(frappe.PermissionError):
		frappe.get_list("DMS Org Assignment")


def test_our_report_is_scoped(org):
	import frappe.desk.query_report

	as_user(org, "north_manager")
	result = frappe.desk.query_report.run("DMS Org Unit Policies", filters={})
	assert (
		ours(row["unit"] for row in result["result"] if isinstance(row, dict))
		== EXPECTED_UNITS["north_manager"]
	)
	as_user(org, "exec")
	result = frappe.desk.query_report.run("DMS Org Unit Policies", filters={})
	assert ours(row["unit"] for row in result["result"] if isinstance(row, dict)) == ALL_UNITS


def test_region_manager_writes_only_inside_the_region(org):
	as_user(org, "north_manager")
	store = frappe.get_doc(
		{
			"doctype": "DMS Org Unit",
			"unit_code": "TN9",
			"unit_name": "North new store",
			"unit_type": "Store",
			"parent_dms_org_unit": "TN",
			"company": org.companies["north"],
		}
	).insert()
	assert store.name == "TN9"

	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "DMS Org Unit",
				"unit_code": "TS9",
				"unit_name": "South store",
				"unit_type": "Store",
				"parent_dms_org_unit": "TS",
				"company": org.companies["south"],
			}
		).insert()
	assert not frappe.db.exists("DMS Org Unit", "TS9")

	# moving a north store into the south region needs write access there
	tn2 = frappe.get_doc("DMS Org Unit", "TN2")
	tn2.parent_dms_org_unit = "TS"
	with pytest.raises(frappe.PermissionError):
		tn2.save()
	assert frappe.db.get_value("DMS Org Unit", "TN2", "parent_dms_org_unit") == "TN"


def test_record_of_another_region_cannot_be_saved_into_scope_by_name(org):
	"""A PUT on /api/resource loads by name and saves the caller's values: the stored record counts."""
	south_assignment = frappe.db.get_value(
		"DMS Org Assignment", {"org_unit": "TS1", "user": org.users["ts1_sales"]}
	)
	as_user(org, "north_manager")
	frappe.local.form_dict = frappe._dict(data=json.dumps({"org_unit": "TN1"}))
	with pytest.raises(frappe.PermissionError):
		frappe.api.v1.update_doc("DMS Org Assignment", south_assignment)
	frappe.set_user("Administrator")
	assert frappe.db.get_value("DMS Org Assignment", south_assignment, "org_unit") == "TS1"


def test_region_manager_cannot_delete_another_regions_assignment(org):
	south_assignment = frappe.db.get_value(
		"DMS Org Assignment", {"org_unit": "TS1", "user": org.users["ts1_sales"]}
	)
	as_user(org, "north_manager")
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("DMS Org Assignment", south_assignment)
	assert frappe.db.exists("DMS Org Assignment", south_assignment)


def test_scope_follows_assignment_changes_at_once(org):
	as_user(org, "tn1_user")
	assert ours(frappe.get_list("DMS Org Unit", pluck="name")) == {"TN1"}
	frappe.set_user("Administrator")
	extra = frappe.get_doc(
		{"doctype": "DMS Org Assignment", "user": org.users["tn1_user"], "org_unit": "TS"}
	).insert()
	as_user(org, "tn1_user")
	assert ours(frappe.get_list("DMS Org Unit", pluck="name")) == {"TN1", "TS", "TS1"}
	frappe.set_user("Administrator")
	extra.delete()
	as_user(org, "tn1_user")
	assert ours(frappe.get_list("DMS Org Unit", pluck="name")) == {"TN1"}


def test_new_descendant_is_visible_to_the_ancestors_users(org):
	frappe.get_doc(
		{
			"doctype": "DMS Org Unit",
			"unit_code": "TS2",
			"unit_name": "South 2",
			"unit_type": "Store",
			"parent_dms_org_unit": "TS",
			"company": org.companies["south"],
		}
	).insert()
	as_user(org, "accountant")
	assert "TS2" in frappe.get_list("DMS Org Unit", pluck="name")
	as_user(org, "ts1_sales")
	assert "TS2" not in frappe.get_list("DMS Org Unit", pluck="name")


def test_assigning_to_a_missing_unit_is_refused(org):
	before = frappe.db.count("DMS Org Assignment")
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc(
			{"doctype": "DMS Org Assignment", "user": org.users["tn1_user"], "org_unit": "NO-SUCH"}
		).insert()
	assert frappe.db.count("DMS Org Assignment") == before


def test_duplicate_assignment_is_refused(org):
	from dms_suite.dms_org.doctype.dms_org_assignment.dms_org_assignment import DuplicateAssignmentError

	before = frappe.db.count("DMS Org Assignment")
	with pytest.raises(DuplicateAssignmentError):
		frappe.get_doc(
			{"doctype": "DMS Org Assignment", "user": org.users["tn1_user"], "org_unit": "TN1"}
		).insert()
	assert frappe.db.count("DMS Org Assignment") == before


def test_tree_view_shows_only_the_users_branch(org):
	from dms_suite.dms_org.doctype.dms_org_unit.dms_org_unit import get_children

	as_user(org, "north_manager")
	assert ours(row["value"] for row in get_children("DMS Org Unit")) == {"TN"}
	assert {row["value"] for row in get_children("DMS Org Unit", parent="TN")} == {"TN1", "TN2"}
	assert {row["value"] for row in get_children("DMS Org Unit", parent="TS")} == set()
	as_user(org, "two_stores")  # two stores in two regions: two roots
	assert ours(row["value"] for row in get_children("DMS Org Unit")) == {
		"TN2",
		"TS1",
	}
	as_user(org, "exec")
	assert "TG" in {row["value"] for row in get_children("DMS Org Unit")}
	assert {row["value"] for row in get_children("DMS Org Unit", parent="TG")} == {"TN", "TS"}


def test_effective_policy_api_checks_permission_first(org):
	from dms_suite.api.org import get_effective_policy, get_policy_overview

	as_user(org, "tn1_user")
	assert get_effective_policy("TN1")["safety_stock_days"] == 5
	overview = {row["policy"]: (row["value"], row["source"]) for row in get_policy_overview("TN1")}
	assert overview["safety_stock_days"] == (5, "TN")
	assert overview["transfer_rule"] == ("Nearest", "TG")  # read from a unit the user cannot open
	assert overview["transfer_approval_limit"] == (0.0, None)
	with pytest.raises(frappe.PermissionError):
		get_effective_policy("TS1")
	with pytest.raises(frappe.PermissionError):
		get_policy_overview("TS1")


@pytest.fixture
def global_search_hits(org):
	"""Index TN1 and TS1 in global search (a MyISAM table: not rolled back, so removed here)."""
	settings = frappe.get_single("Global Search Settings")
	settings.append("allowed_in_global_search", {"document_type": "DMS Org Unit"})
	settings.save()
	frappe.cache.hdel("global_search", "search_priorities")
	for unit in ("TN1", "TS1"):
		frappe.db.sql(
			"insert into __global_search (doctype, name, title, content) values (%s, %s, %s, %s)",
			("DMS Org Unit", unit, unit, f"dmsglobalprobe store {unit}"),
		)
	yield
	frappe.db.sql("delete from __global_search where content like 'dmsglobalprobe%%'")
	frappe.cache.hdel("global_search", "search_priorities")


def test_global_search_returns_only_readable_records(org, global_search_hits):
	from frappe.handler import get_attr

	search = get_attr(
		frappe.get_hooks("override_whitelisted_methods")["frappe.utils.global_search.search"][-1]
	)
	as_user(org, "tn1_user")
	assert {hit["name"] for hit in search("dmsglobalprobe")} == {"TN1"}
	as_user(org, "two_stores")
	assert {hit["name"] for hit in search("dmsglobalprobe")} == {"TS1"}
	as_user(org, "exec")
	assert {hit["name"] for hit in search("dmsglobalprobe")} == {"TN1", "TS1"}


def test_child_rows_follow_their_parent_record(org):
	"""Frappe checks child tables against the parent doctype only; rows must follow the parent record."""
	import frappe.client

	as_user(org, "tn1_user")
	rows = frappe.client.get_list(
		"DMS Org Unit Policy", fields=["parent"], parent="DMS Org Unit", limit_page_length=0
	)
	assert ours(r["parent"] for r in rows) == set()  # TN1 sets no policy; TG, TN, TN2, TS rows are not theirs
	rows = frappe.client.get_list(
		"DMS Org Unit Warehouse", fields=["parent"], parent="DMS Org Unit", limit_page_length=0
	)
	assert ours(r["parent"] for r in rows) == {"TN1"}
	assert (
		frappe.client.get_value("DMS Org Unit Policy", "value", {"parent": "TG"}, parent="DMS Org Unit") == {}
	)

	get = frappe.get_attr(frappe.get_hooks("override_whitelisted_methods")["frappe.client.get"][-1])
	assert get("DMS Org Unit Warehouse", filters={"parent": "TN1"}, parent="DMS Org Unit")["parent"] == "TN1"
	with pytest.raises(frappe.PermissionError):
		get("DMS Org Unit Policy", filters={"parent": "TG"}, parent="DMS Org Unit")

	as_user(org, "exec")
	rows = frappe.client.get_list(
		"DMS Org Unit Policy", fields=["parent"], parent="DMS Org Unit", limit_page_length=0
	)
	assert ours(r["parent"] for r in rows) == {"TG", "TN", "TN2", "TS"}
