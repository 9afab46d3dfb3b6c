"""The org tree: valid shapes, ERPNext mapping, and bad input that writes nothing."""

import pytest

import frappe

from dms_suite.dms_org.tree import DuplicateOrgUnitError, OrgCycleError, OrgMappingError, OrgTreeError

from .factories import make_company, make_unit, make_warehouse


def unit_count():
	return frappe.db.count("DMS Org Unit")


def test_tree_is_nested_and_typed(org):
	tn = frappe.get_doc("DMS Org Unit", "TN")
	tn1 = frappe.get_doc("DMS Org Unit", "TN1")
	tg = frappe.get_doc("DMS Org Unit", "TG")
	assert tg.lft < tn.lft < tn1.lft < tn1.rgt < tn.rgt < tg.rgt
	assert (tg.is_group, tn.is_group, tn1.is_group) == (1, 1, 0)
	assert tn1.unit_name == "Unit TN1"


def test_store_may_be_its_own_company_under_the_region(org):
	own = make_company("DT North Store Co", "DTNS", parent=org.companies["north"])
	store = make_unit("TN3", "Store", own, "TN")
	assert store.company == own


@pytest.mark.parametrize(
	"kwargs, exc, message",
	[
		(
			{"unit_type": "Region", "company": "DT North", "parent": "TN1"},
			OrgTreeError,
			"cannot stand under a Store",
		),
		({"unit_type": "Store", "company": "DT North", "parent": None}, OrgTreeError, "needs a parent"),
		({"unit_type": "Group", "company": "DT Group", "parent": "TG"}, OrgTreeError, "root of the tree"),
		({"unit_type": "Store", "company": "DT South", "parent": "TN"}, OrgMappingError, "neither"),
		(
			{"unit_type": "Store", "company": "DT North", "parent": "NOPE"},
			frappe.LinkValidationError,
			"Could not find",
		),
	],
)
def test_impossible_trees_are_refused(org, kwargs, exc, message):
	before = unit_count()
	with pytest.raises(exc, match=message):
		make_unit("BAD1", kwargs["unit_type"], kwargs["company"], kwargs["parent"])
	assert unit_count() == before
	assert not frappe.db.exists("DMS Org Unit", "BAD1")


def test_missing_company_is_refused(org):
	before = unit_count()
	with pytest.raises(frappe.MandatoryError):
		frappe.get_doc(
			{
				"doctype": "DMS Org Unit",
				"unit_code": "BAD2",
				"unit_name": "x",
				"unit_type": "Store",
				"parent_dms_org_unit": "TN",
				"company": "",
			}
		).insert()
	assert unit_count() == before


def test_warehouse_of_another_company_is_refused(org):
	before = unit_count()
	with pytest.raises(OrgMappingError, match="belongs to company"):
		make_unit(
			"BAD3", "Store", org.companies["north"], "TN", stock_warehouse=org.warehouses["TS1 Vehicles"]
		)
	with pytest.raises(OrgMappingError, match="belongs to company"):
		make_unit(
			"BAD3",
			"Store",
			org.companies["north"],
			"TN",
			warehouses=[{"warehouse": org.warehouses["TS1 Vehicles"]}],
		)
	assert unit_count() == before


def test_transit_warehouse_must_be_of_type_transit(org):
	with pytest.raises(OrgMappingError, match="Transit"):
		make_unit(
			"BAD4", "Region", org.companies["north"], "TG", transit_warehouse=org.warehouses["TN1 Parts"]
		)


def test_group_warehouse_cannot_hold_store_stock(org):
	group_wh = frappe.db.get_value("Warehouse", {"company": org.companies["north"], "is_group": 1})
	with pytest.raises(OrgMappingError, match="group warehouse"):
		make_unit("BAD5", "Store", org.companies["north"], "TN", stock_warehouse=group_wh)


def test_cost_center_of_another_company_is_refused(org):
	south_cc = frappe.get_cached_value("Company", org.companies["south"], "cost_center")
	with pytest.raises(OrgMappingError, match="Cost Center"):
		make_unit("BAD6", "Store", org.companies["north"], "TN", cost_center=south_cc)


def test_duplicate_code_is_refused(org):
	before = unit_count()
	with pytest.raises(DuplicateOrgUnitError, match="already exists"):
		make_unit("TN1", "Store", org.companies["north"], "TN")
	assert unit_count() == before
	assert frappe.db.get_value("DMS Org Unit", "TN1", "parent_dms_org_unit") == "TN"


def test_cycle_is_refused(org):
	tn = frappe.get_doc("DMS Org Unit", "TN")
	tn.parent_dms_org_unit = "TN1"
	with pytest.raises((OrgCycleError, OrgTreeError)):
		tn.save()
	region = frappe.get_doc("DMS Org Unit", "TS")
	region.parent_dms_org_unit = "TS"
	with pytest.raises(OrgCycleError, match="own parent"):
		region.save()
	# a region under a sub-region of itself
	sub = make_unit("TN-SUB", "Region", org.companies["north"], "TN")
	tn.reload()
	tn.parent_dms_org_unit = sub.name
	with pytest.raises(OrgCycleError, match="inside it"):
		tn.save()
	assert frappe.db.get_value("DMS Org Unit", "TN", "parent_dms_org_unit") == "TG"


def test_store_cannot_have_children_and_parent_cannot_become_store(org):
	tn = frappe.get_doc("DMS Org Unit", "TN")
	tn.unit_type = "Store"
	with pytest.raises(OrgTreeError, match="child units"):
		tn.save()


def test_moving_a_store_between_regions_keeps_the_tree_consistent(org):
	make_warehouse("TN2b Vehicles", org.companies["south"])
	store = frappe.get_doc("DMS Org Unit", "TN2")
	store.parent_dms_org_unit = "TS"
	with pytest.raises(OrgMappingError):
		store.save()  # its company (DT North) is not under DT South
	store.reload()
	store.update(
		{
			"parent_dms_org_unit": "TS",
			"company": org.companies["south"],
			"stock_warehouse": None,
			"cost_center": None,
		}
	)
	store.save()
	ts = frappe.get_doc("DMS Org Unit", "TS")
	store.reload()
	assert ts.lft < store.lft < store.rgt < ts.rgt


def test_coordinates_are_range_checked(org):
	with pytest.raises(OrgTreeError, match="Latitude"):
		make_unit("BAD7", "Store", org.companies["north"], "TN", latitude=95)
