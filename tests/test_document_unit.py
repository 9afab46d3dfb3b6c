"""The org unit of ERPNext transactions: placed on save, and backfilled set-based."""

import pytest

import frappe

from dms_suite.dms_org.document_unit import backfill_org_units, derive_org_unit

from .test_user_permissions import make_stock_entry


def test_unit_follows_the_warehouse_then_the_cost_center(org):
	entry = make_stock_entry(org, "TN2", "north")
	assert entry.dms_org_unit == "TN2"
	transit = frappe.db.get_value("DMS Org Unit", "TN", "transit_warehouse")
	assert (
		make_stock_entry(org, "TN1", "north", target=transit).dms_org_unit == "TN"
	)  # the region's warehouse
	entry.items[0].t_warehouse = None
	entry.items[0].cost_center = frappe.db.get_value("DMS Org Unit", "TN1", "cost_center")
	entry.dms_org_unit = None
	assert derive_org_unit(entry) == "TN1"


def count_queries(fn):
	queries = []
	original = frappe.db.sql

	def counting(*args, **kwargs):
		queries.append(args[0])
		return original(*args, **kwargs)

	frappe.db.sql = counting
	try:
		result = fn()
	finally:
		frappe.db.sql = original
	return result, len(queries)


@pytest.mark.parametrize("per_store", [1, 10])
def test_backfill_places_documents_without_a_query_per_document(org, per_store):
	placed = {
		make_stock_entry(org, store, company).name: store
		for store, company in (("TN1", "north"), ("TN2", "north"), ("TS1", "south"))
		for _ in range(per_store)
	}
	frappe.db.sql(
		"update `tabStock Entry` set dms_org_unit = null where name in %(names)s", {"names": tuple(placed)}
	)
	result, queries = count_queries(lambda: backfill_org_units(["Stock Entry"]))
	assert result == {"Stock Entry": len(placed)}
	assert (
		dict(
			frappe.get_all(
				"Stock Entry",
				filters={"name": ("in", list(placed))},
				fields=["name", "dms_org_unit"],
				as_list=True,
			)
		)
		== placed
	)
	assert queries <= 5  # maps (cached or 2), one read, one assignment read, one update: whatever the count


def test_backfill_uses_the_creators_assignment_when_nothing_else_places_it(org):
	"""A Quotation names no warehouse or cost center: it belongs to the creator's store."""
	item = make_stock_entry(org, "TS1", "south").items[0].item_code
	if not frappe.db.exists("Customer", "DT Customer"):
		frappe.get_doc({"doctype": "Customer", "customer_name": "DT Customer", "customer_group": "All Customer Groups",
						"territory": "All Territories", "dms_org_unit": "TS1"}).insert()  # fmt: skip
	frappe.set_user(org.users["two_stores"])
	quotation = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": "DT Customer",
			"company": org.companies["south"],
			"items": [{"item_code": item, "qty": 1, "rate": 100}],
		}
	).insert()
	frappe.set_user("Administrator")
	assert quotation.dms_org_unit == "TS1"
	frappe.db.set_value("Quotation", quotation.name, "dms_org_unit", None)
	assert backfill_org_units(["Quotation"])["Quotation"] >= 1
	assert frappe.db.get_value("Quotation", quotation.name, "dms_org_unit") == "TS1"
