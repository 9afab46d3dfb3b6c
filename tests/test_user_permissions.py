"""Assignments maintain ERPNext User Permissions, and ERPNext documents are isolated through them."""

import pytest

import frappe
import frappe.desk.search

from dms_suite.dms_org.user_permissions import sync_user_permissions

from .factories import make_warehouse


def managed(user):
	return {
		(row.allow, row.for_value)
		for row in frappe.get_all(
			"User Permission", filters={"user": user, "dms_managed": 1}, fields=["allow", "for_value"]
		)
	}


def cost_center(name, company):
	return f"{name} - {frappe.get_cached_value('Company', company, 'abbr')}"


def test_store_user_gets_their_store_only(org):
	north = org.companies["north"]
	assert managed(org.users["tn1_user"]) == {
		("Company", north),
		("Warehouse", org.warehouses["TN1 Vehicles"]),
		("Warehouse", org.warehouses["TN1 Parts"]),
		("Cost Center", cost_center("TN1", north)),
	}


def test_region_manager_gets_the_whole_region(org):
	north = org.companies["north"]
	transit = frappe.db.get_value("DMS Org Unit", "TN", "transit_warehouse")
	assert managed(org.users["north_manager"]) == {
		("Company", north),
		("Warehouse", org.warehouses["TN1 Vehicles"]),
		("Warehouse", org.warehouses["TN1 Parts"]),
		("Warehouse", org.warehouses["TN2 Vehicles"]),
		("Warehouse", transit),
		("Cost Center", frappe.get_cached_value("Company", north, "cost_center")),
		("Cost Center", cost_center("TN1", north)),
		("Cost Center", cost_center("TN2", north)),
	}


def test_user_of_two_stores_in_two_regions_gets_both(org):
	assert managed(org.users["two_stores"]) == {
		("Company", org.companies["north"]),
		("Company", org.companies["south"]),
		("Warehouse", org.warehouses["TN2 Vehicles"]),
		("Warehouse", org.warehouses["TS1 Vehicles"]),
		("Cost Center", cost_center("TN2", org.companies["north"])),
		("Cost Center", cost_center("TS1", org.companies["south"])),
	}


def test_unrestricted_and_unassigned_users_get_none(org):
	assert managed(org.users["exec"]) == set()
	assert managed(org.users["unassigned"]) == set()


def test_removing_an_assignment_removes_its_permissions_only(org):
	user = org.users["two_stores"]
	name = frappe.db.get_value("DMS Org Assignment", {"user": user, "org_unit": "TS1"})
	frappe.delete_doc("DMS Org Assignment", name)
	assert ("Company", org.companies["south"]) not in managed(user)
	assert ("Warehouse", org.warehouses["TS1 Vehicles"]) not in managed(user)
	assert ("Warehouse", org.warehouses["TN2 Vehicles"]) in managed(user)


def test_hand_made_user_permission_is_left_alone(org):
	user = org.users["tn1_user"]
	manual = frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": user,
			"allow": "Warehouse",
			"for_value": org.warehouses["TS1 Vehicles"],
		}
	).insert()
	result = sync_user_permissions([user])
	assert result == {"added": 0, "removed": 0}
	assert frappe.db.exists("User Permission", manual.name)
	for name in frappe.get_all("DMS Org Assignment", filters={"user": user}, pluck="name"):
		frappe.delete_doc("DMS Org Assignment", name)
	assert managed(user) == set()
	assert frappe.db.exists("User Permission", manual.name)


def test_changing_a_store_mapping_updates_its_users(org):
	extra = make_warehouse("TN1 Workshop", org.companies["north"])
	store = frappe.get_doc("DMS Org Unit", "TN1")
	store.append("warehouses", {"warehouse": extra, "purpose": "Parts"})
	store.save()
	assert ("Warehouse", extra) in managed(org.users["tn1_user"])
	assert ("Warehouse", extra) in managed(org.users["north_manager"])  # assigned to the region above
	assert ("Warehouse", extra) not in managed(org.users["two_stores"])


def test_becoming_group_executive_drops_managed_permissions(org):
	user = frappe.get_doc("User", org.users["tn1_user"])
	user.add_roles("DMS Group Executive")
	assert managed(user.name) == set()
	user.remove_roles("DMS Group Executive")
	assert ("Company", org.companies["north"]) in managed(user.name)


def test_sync_is_idempotent(org):
	users = list(org.users.values())
	assert sync_user_permissions(users) == {"added": 0, "removed": 0}


def make_stock_entry(org, store, company, target=None, **fields):
	"""A draft Material Receipt into ``target`` (default: the store's vehicles warehouse)."""
	item = "DT-PART-1"
	if not frappe.db.exists("Item", item):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"valuation_rate": 100,
			}
		).insert(ignore_permissions=True)
	warehouse = target or org.warehouses[f"{store} Vehicles"]
	return frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": org.companies[company],
			"items": [{"item_code": item, "qty": 1, "basic_rate": 100, "t_warehouse": warehouse}],
			**fields,
		}
	).insert()


@pytest.fixture
def stock_entries(org):
	"""A draft Material Receipt per store; none carries a header warehouse (as ERPNext leaves it when
	rows go to several warehouses), so only the org unit can tell them apart."""
	return {
		store: make_stock_entry(org, store, company).name
		for store, company in (("TN1", "north"), ("TN2", "north"), ("TS1", "south"))
	}


@pytest.mark.parametrize(
	"key, stores",
	[
		("exec", {"TN1", "TN2", "TS1"}),
		("north_manager", {"TN1", "TN2"}),
		("tn1_user", {"TN1"}),
		("two_stores", {"TN2", "TS1"}),
		("unassigned", set()),
	],
)
def test_erpnext_documents_follow_the_assignments(org, stock_entries, key, stores):
	for store, name in stock_entries.items():
		assert frappe.db.get_value("Stock Entry", name, "dms_org_unit") == store
	frappe.set_user(org.users[key])
	ours = set(stock_entries.values())
	assert set(frappe.get_list("Stock Entry", pluck="name", limit_page_length=0)) & ours == {
		stock_entries[s] for s in stores
	}
	assert frappe.client.get_count("Stock Entry", filters={"name": ("in", sorted(ours))}) == len(stores)
	rows = frappe.client.get_list(
		"Stock Entry Detail", fields=["parent"], parent="Stock Entry", limit_page_length=0
	)
	assert {r["parent"] for r in rows} & ours == {stock_entries[s] for s in stores}
	for store, name in stock_entries.items():
		assert frappe.has_permission("Stock Entry", "read", name) == (store in stores), (key, store)

	warehouses = {
		r["value"] for r in frappe.desk.search.search_link("Warehouse", "Vehicles", page_length=100)
	}
	assert warehouses & set(org.warehouses.values()) == {org.warehouses[f"{s} Vehicles"] for s in stores}


def test_store_user_sees_their_dispatch_to_the_region_transit_warehouse(org):
	"""The transfer's warehouses are not all the store's; the document is the store's all the same."""
	transit = frappe.db.get_value("DMS Org Unit", "TN", "transit_warehouse")
	frappe.set_user(org.users["tn1_user"])
	entry = make_stock_entry(
		org,
		"TN1",
		"north",
		target=transit,
		stock_entry_type="Material Transfer",
		dms_org_unit="TN1",
		items=[
			{
				"item_code": "DT-PART-1",
				"qty": 1,
				"s_warehouse": org.warehouses["TN1 Parts"],
				"t_warehouse": transit,
			}
		],
	)
	assert entry.dms_org_unit == "TN1"
	assert entry.name in frappe.get_list("Stock Entry", pluck="name")
	frappe.set_user(org.users["two_stores"])
	assert not frappe.has_permission("Stock Entry", "read", entry.name)


def test_store_user_cannot_file_a_document_in_another_store(org):
	frappe.set_user(org.users["tn1_user"])
	before = frappe.db.count("Stock Entry")
	with pytest.raises(frappe.PermissionError):
		make_stock_entry(org, "TN2", "north")  # into TN2's warehouse: TN2's document
	with pytest.raises(frappe.PermissionError):
		make_stock_entry(org, "TN1", "north", dms_org_unit="TN2")
	frappe.set_user("Administrator")
	assert frappe.db.count("Stock Entry") == before


def test_unplaced_document_cannot_be_claimed_by_saving_a_unit_into_it(org):
	"""A PUT on /api/resource with the caller's own unit must not adopt a document that has none."""
	import json

	import frappe.api.v1

	entry = make_stock_entry(org, "TN1", "north")
	frappe.db.set_value("Stock Entry", entry.name, "dms_org_unit", None)
	frappe.set_user(org.users["tn1_user"])
	frappe.local.form_dict = frappe._dict(data=json.dumps({"dms_org_unit": "TN1"}))
	with pytest.raises(frappe.PermissionError):
		frappe.api.v1.update_doc("Stock Entry", entry.name)
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Stock Entry", entry.name, "dms_org_unit") is None


def test_org_unit_of_another_company_is_refused(org):
	from dms_suite.dms_org.document_unit import OrgUnitMismatchError

	with pytest.raises(OrgUnitMismatchError, match="belongs to company"):
		make_stock_entry(org, "TN1", "north", dms_org_unit="TS1")


def test_document_without_warehouse_takes_the_creators_unit(org):
	"""A Material Request with no warehouse yet: the store user's own store."""
	frappe.set_user(org.users["tn1_user"])
	request = frappe.get_doc(
		{
			"doctype": "Material Request",
			"material_request_type": "Purchase",
			"company": org.companies["north"],
			"schedule_date": frappe.utils.add_days(frappe.utils.nowdate(), 7),
			"items": [
				{
					"item_code": make_stock_entry(org, "TN1", "north").items[0].item_code,
					"qty": 2,
					"schedule_date": frappe.utils.add_days(frappe.utils.nowdate(), 7),
					"warehouse": org.warehouses["TN1 Parts"],
				}
			],
		}
	).insert()
	assert request.dms_org_unit == "TN1"
	frappe.set_user("Administrator")
	request.dms_org_unit = None
	request.items[0].warehouse = None
	from dms_suite.dms_org.document_unit import derive_org_unit

	assert derive_org_unit(request) == "TN"  # Administrator has no assignment: the company's top unit


def test_plain_erpnext_user_is_not_narrowed(org, stock_entries):
	"""Isolation applies to DMS users; an ERPNext user without a DMS role keeps ERPNext's behaviour."""
	from .factories import make_user

	user = make_user("dt.plain.stock@example.com", "Stock User")
	frappe.set_user(user)
	assert set(stock_entries.values()) <= set(
		frappe.get_list("Stock Entry", pluck="name", limit_page_length=0)
	)


def test_unassigned_dms_user_sees_no_company(org):
	frappe.set_user(org.users["unassigned"])
	assert frappe.get_list("Company", pluck="name") == []
	assert not frappe.has_permission("Company", "read", org.companies["north"])


@pytest.mark.parametrize(
	"key, companies",
	[
		("tn1_user", {"north"}),
		("north_manager", {"north"}),
		("two_stores", {"north", "south"}),
		("accountant", {"south"}),
	],
)
def test_users_see_their_own_companies_and_no_other(org, key, companies):
	"""Warehouse and Cost Center permissions must not hide the user's Company (whose default cost
	center is the region's): permissions apply to the work doctypes that link to them."""
	frappe.set_user(org.users[key])
	expected = {org.companies[c] for c in companies}
	assert set(frappe.get_list("Company", pluck="name")) & set(org.companies.values()) == expected
	assert {r["value"] for r in frappe.desk.search.search_link("Company", "DT", page_length=50)} == expected
	assert frappe.has_permission("Company", "read", org.companies["group"]) is False
