"""The group customer pool (dms_suite/dms_sales/customers.py): owning and serving units, the computed
profile without other units' amounts, masked sensitive fields on every read path, the access log,
consent flags."""

import json

import pytest

import frappe
import frappe.desk.search
from frappe.utils import add_days, today

from dms_suite.dms_sales.customers import (
	SENSITIVE_FIELDS,
	backfill_served_units,
	get_customer_profile,
	mask_phone,
)

PHONE = "13812345678"
SECRETS = {"tax_id": "DT-TAX-4711", "dms_id_number": "DT-ID-110101"}


def make_customer(name: str, unit: str | None = None, phone: str | None = PHONE, **fields):
	"""A customer with a primary contact (ERPNext creates it from mobile_no / email_id on insert)."""
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_group": "All Customer Groups",
			"territory": "All Territories",
			"dms_org_unit": unit,
			"mobile_no": phone,
			"email_id": f"{name.lower().replace(' ', '.')}@example.com",
			**SECRETS,
			**fields,
		}
	).insert()
	return doc.name


def service_item() -> str:
	if not frappe.db.exists("Item", "DT-SERVICE-1"):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "DT-SERVICE-1",
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert()
	return "DT-SERVICE-1"


COMPANY_OF = {"TN1": "north", "TN2": "north", "TS1": "south"}


def make_invoice(
	org, customer: str, unit: str, amount: float, posting_date: str | None = None, qty: int = 1, **fields
):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": org.companies[COMPANY_OF[unit]],
			"dms_org_unit": unit,
			"set_posting_time": 1,
			"posting_date": posting_date or today(),
			"due_date": posting_date or today(),
			"items": [{"item_code": service_item(), "qty": qty, "rate": amount}],
			**fields,
		}
	).insert()
	doc.submit()
	return doc


def make_order(org, customer: str, unit: str, amount: float):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer,
			"company": org.companies[COMPANY_OF[unit]],
			"dms_org_unit": unit,
			"transaction_date": today(),
			"delivery_date": add_days(today(), 7),
			"items": [{"item_code": service_item(), "qty": 1, "rate": amount}],
		}
	).insert()
	doc.submit()
	return doc


def visible(user: str, customer: str) -> tuple[bool, bool]:
	"""(the single-document check, the list query) for ``user``."""
	frappe.set_user(user)
	try:
		return (
			frappe.has_permission("Customer", "read", customer),
			customer in frappe.get_list("Customer", pluck="name", limit_page_length=0),
		)
	finally:
		frappe.set_user("Administrator")


# ---------------------------------------------------------------------------------------------
# owning unit and served units


def test_a_new_customer_belongs_to_its_creators_unit(org):
	frappe.set_user(org.users["tn1_user"])
	name = make_customer("DT Owned Customer", phone=None)
	assert frappe.db.get_value("Customer", name, "dms_org_unit") == "TN1"
	assert visible(org.users["tn1_user"], name) == (True, True)
	assert visible(org.users["north_manager"], name) == (True, True)
	assert visible(org.users["ts1_sales"], name) == (False, False)


def test_a_store_user_cannot_create_a_customer_for_another_unit(org):
	frappe.set_user(org.users["tn1_user"])
	with pytest.raises(frappe.PermissionError):
		make_customer("DT Foreign Customer", unit="TS1", phone=None)
	frappe.set_user("Administrator")
	assert not frappe.db.exists("Customer", {"customer_name": "DT Foreign Customer"})


def test_the_owning_unit_cannot_be_moved_out_of_scope(org):
	name = make_customer("DT Moved Customer", unit="TN1", phone=None)
	frappe.set_user(org.users["tn1_user"])
	doc = frappe.get_doc("Customer", name)
	doc.dms_org_unit = "TS1"
	with pytest.raises(frappe.PermissionError):
		doc.save()


def test_a_customer_cannot_be_opened_by_flagging_it_internal(org):
	import frappe.client

	name = make_customer("DT Flagged Customer", unit="TN1", phone=None)
	frappe.set_user(org.users["ts1_sales"])
	with pytest.raises(frappe.PermissionError):
		frappe.client.set_value("Customer", name, "is_internal_customer", 1)


def test_a_customer_served_in_ts1_becomes_visible_there_and_not_in_the_north(org):
	name = make_customer("DT Served Customer", phone=None)  # by Administrator: nobody's
	for key in ("ts1_sales", "tn1_user", "north_manager"):
		assert visible(org.users[key], name) == (False, False)

	make_invoice(org, name, "TS1", 100, posting_date=add_days(today(), -3))
	make_invoice(org, name, "TS1", 200)

	served = frappe.get_all(
		"DMS Customer Unit", {"parent": name}, ["org_unit", "first_served", "last_served"]
	)
	assert len(served) == 1  # one row per unit, not per document
	assert served[0].org_unit == "TS1"
	assert str(served[0].first_served) == add_days(today(), -3)
	assert str(served[0].last_served) == today()
	for key in ("ts1_sales", "accountant", "two_stores", "exec"):
		assert visible(org.users[key], name) == (True, True), key
	for key in ("tn1_user", "north_manager", "unassigned"):
		assert visible(org.users[key], name) == (False, False), key

	# link search follows the list query; the served rows follow their customer
	for key, expected in (("ts1_sales", True), ("tn1_user", False)):
		frappe.set_user(org.users[key])
		found = [r["value"] for r in frappe.desk.search.search_link("Customer", "DT Served")]
		assert (name in found) is expected
		rows = frappe.get_list("DMS Customer Unit", filters={"parent": name}, parent_doctype="Customer")
		assert bool(rows) is expected
	frappe.set_user("Administrator")


def test_customers_served_before_install_get_their_units_by_backfill(org):
	name = make_customer("DT Legacy Customer", phone=None)
	make_invoice(org, name, "TS1", 100, posting_date=add_days(today(), -5))
	make_order(org, name, "TN1", 100)
	make_invoice(org, name, "TS1", 100)
	frappe.db.delete("DMS Customer Unit", {"parent": name})  # as if submitted before dms_suite
	assert visible(org.users["ts1_sales"], name) == (False, False)

	assert backfill_served_units() == 2
	served = {
		row.org_unit: (str(row.first_served), str(row.last_served))
		for row in frappe.get_all(
			"DMS Customer Unit", {"parent": name}, ["org_unit", "first_served", "last_served"]
		)
	}
	assert served == {"TS1": (add_days(today(), -5), today()), "TN1": (today(), today())}
	assert visible(org.users["ts1_sales"], name) == (True, True)
	assert backfill_served_units() == 0  # idempotent


def test_a_store_user_quotes_a_customer_they_may_see(org):
	name = make_customer("DT Quoted Customer", unit="TS1", phone=None)
	item = service_item()
	frappe.set_user(org.users["ts1_sales"])
	quotation = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": name,
			"company": org.companies["south"],
			"items": [{"item_code": item, "qty": 1, "rate": 10}],
		}
	).insert()
	quotation.submit()
	frappe.set_user("Administrator")
	assert quotation.dms_org_unit == "TS1"
	assert frappe.get_all("DMS Customer Unit", {"parent": name}, pluck="org_unit") == ["TS1"]


# ---------------------------------------------------------------------------------------------
# the profile


@pytest.fixture
def history(org):
	"""A customer owned by TN1, bought in TN1 and TS1, with an open and a lost opportunity."""
	name = make_customer("DT History Customer", unit="TN1", phone=None)
	make_invoice(org, name, "TN1", 1000, posting_date=add_days(today(), -10))
	make_invoice(org, name, "TS1", 500, posting_date=add_days(today(), -1))
	make_invoice(org, name, "TS1", 100, qty=-1, is_return=1)  # a credit note nets off
	tn_orders = [make_order(org, name, "TN1", 3000).name for _ in range(2)]
	ts_order = make_order(org, name, "TS1", 1200).name
	for status in ("Open", "Lost"):
		opportunity = frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": "Customer",
				"party_name": name,
				"company": org.companies["north"],
				"dms_org_unit": "TN1",
			}
		).insert()
		if status == "Lost":
			frappe.db.set_value("Opportunity", opportunity.name, "status", "Lost")
	return frappe._dict(name=name, tn_orders=tn_orders, ts_order=ts_order)


def test_the_profile_shows_group_history_but_only_amounts_in_scope(org, history):
	frappe.set_user(org.users["ts1_sales"])
	profile = get_customer_profile(history.name)
	frappe.set_user("Administrator")

	assert profile["lifetime_value"] == {"CNY": 400}  # TS1's 500 less its 100 credit note
	assert profile["last_purchase"]["store"] == "TS1"
	assert profile["last_purchase"]["grand_total"] == 500
	assert profile["open_opportunities"] == 1
	assert profile["preferred_store"] == "TN1"  # 3 documents in TN1, 2 in TS1 (credit notes do not count)
	orders = {order["name"]: order for order in profile["orders"]}
	assert set(orders) == {*history.tn_orders, history.ts_order}  # group-wide
	assert orders[history.ts_order]["grand_total"] == 1200
	for name in history.tn_orders:
		assert orders[name]["store"] == "TN1"
		assert orders[name]["grand_total"] is None
	assert profile["service_orders"] == []

	frappe.set_user(org.users["exec"])
	assert get_customer_profile(history.name)["lifetime_value"] == {"CNY": 1400}


def test_the_last_purchase_outside_scope_keeps_its_date_not_its_amount(org, history):
	make_invoice(org, history.name, "TN1", 99)
	frappe.set_user(org.users["ts1_sales"])
	last = get_customer_profile(history.name)["last_purchase"]
	assert (str(last["date"]), last["store"], last["grand_total"], last["invoice"]) == (
		today(),
		"TN1",
		None,
		None,
	)


def test_the_profile_needs_read_permission_on_the_customer(org, history):
	frappe.set_user(org.users["tn1_user"])
	get_customer_profile(history.name)
	frappe.set_user(org.users["unassigned"])
	with pytest.raises(frappe.PermissionError):
		get_customer_profile(history.name)


def test_vehicles_owned_are_the_serial_nos_erpnext_delivered_to_the_customer(org):
	name = make_customer("DT Vehicle Customer", unit="TS1", phone=None)
	item = "DT-CAR-1"
	if not frappe.db.exists("Item", item):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_serial_no": 1,
				"valuation_rate": 100000,
			}
		).insert()
	warehouse = org.warehouses["TS1 Vehicles"]
	receipt = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": org.companies["south"],
			"items": [
				{
					"item_code": item,
					"qty": 2,
					"basic_rate": 100000,
					"t_warehouse": warehouse,
					"use_serial_batch_fields": 1,
					"serial_no": "DT-VIN-0001\nDT-VIN-0002",
				}
			],
		}
	).insert()
	receipt.submit()
	delivery = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"customer": name,
			"company": org.companies["south"],
			"items": [
				{
					"item_code": item,
					"qty": 1,
					"rate": 150000,
					"warehouse": warehouse,
					"use_serial_batch_fields": 1,
					"serial_no": "DT-VIN-0001",
				}
			],
		}
	).insert()
	delivery.submit()

	frappe.set_user(org.users["ts1_sales"])
	profile = get_customer_profile(name)
	assert [v["serial_no"] for v in profile["vehicles"]] == ["DT-VIN-0001"]
	assert profile["vehicles"][0]["item_code"] == item


# ---------------------------------------------------------------------------------------------
# sensitive fields: masked for store users on every read path


@pytest.fixture
def sensitive(org):
	return make_customer("DT Sensitive Customer", unit="TS1")


def read_paths(name: str) -> dict[str, dict]:
	"""The customer as the session user gets it on each read path (one dict per path)."""
	import frappe.api.v1
	import frappe.client
	import frappe.desk.form.load
	import frappe.desk.reportview

	fields = ["name", *SENSITIVE_FIELDS]
	got = {}
	frappe.local.response = frappe._dict(docs=[])
	frappe.desk.form.load.getdoc("Customer", name)
	got["desk form"] = frappe.response.docs[0].as_dict()
	got["rest get"] = frappe.api.v1.read_doc("Customer", name).as_dict()
	frappe.local.form_dict = frappe._dict(fields=json.dumps(fields), filters=json.dumps({"name": name}))
	got["rest list"] = frappe.api.v1.document_list("Customer")[0]
	frappe.local.form_dict = frappe._dict()
	got["client.get"] = frappe.client.get("Customer", name)
	got["client.get_value"] = frappe.client.get_value("Customer", json.dumps(fields), name)
	got["client.get_list"] = frappe.client.get_list("Customer", fields=fields, filters={"name": name})[0]
	frappe.local.form_dict = frappe._dict(
		doctype="Customer", fields=json.dumps(fields), filters=json.dumps({"name": name})
	)
	report = frappe.desk.reportview.get()
	frappe.local.form_dict = frappe._dict()
	got["report view"] = {"keys": report["keys"], "values": report["values"]}
	return got


def test_a_store_user_sees_a_masked_phone_on_every_path(org, sensitive):
	frappe.set_user(org.users["two_stores"])  # DMS Store User in TS1
	got = read_paths(sensitive)
	for path, doc in got.items():
		if path == "report view":
			assert not set(SENSITIVE_FIELDS) & set(doc["keys"]), path
			assert PHONE not in json.dumps(doc["values"], default=str), path
			continue
		assert doc.get("name") == sensitive, path
		for fieldname in SENSITIVE_FIELDS:
			assert not doc.get(fieldname), (path, fieldname)
		assert PHONE not in json.dumps(doc, default=str), path
	assert got["desk form"]["dms_masked_mobile"] == "138****5678"
	assert got["desk form"]["__onload"]["contact_list"]  # the contact is listed, without its numbers
	assert "dashboard_info" not in got["desk form"]["__onload"]  # ERPNext's all-company billing totals


def test_contacts_and_addresses_follow_their_customer(org, sensitive):
	north = make_customer("DT North Contact Customer", unit="TN1", phone="13900001111")
	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": "DT North Contact Customer",
			"address_line1": "1 North Road",
			"city": "Beijing",
			"country": "China",
			"phone": "13900001111",
			"links": [{"link_doctype": "Customer", "link_name": north}],
		}
	).insert()
	contacts = {
		customer: frappe.db.get_value("Customer", customer, "customer_primary_contact")
		for customer in (sensitive, north)
	}
	frappe.set_user(org.users["two_stores"])  # TN2 and TS1: sees the TS1 customer, not the TN1 one
	listed = frappe.get_list("Contact", pluck="name", limit_page_length=0)
	assert contacts[sensitive] in listed
	assert contacts[north] not in listed
	assert frappe.has_permission("Contact", "read", contacts[sensitive])
	assert not frappe.has_permission("Contact", "read", contacts[north])
	assert address.name not in frappe.get_list("Address", pluck="name", limit_page_length=0)
	assert not frappe.has_permission("Address", "read", address.name)
	frappe.set_user(org.users["north_manager"])
	assert address.name in frappe.get_list("Address", pluck="name", limit_page_length=0)


def test_a_salesperson_sees_the_sensitive_fields(org, sensitive):
	frappe.set_user(org.users["ts1_sales"])  # DMS Sales in TS1
	for path, doc in read_paths(sensitive).items():
		if path == "report view":
			row = dict(zip(doc["keys"], doc["values"][0], strict=False))
		else:
			row = doc
		assert row["mobile_no"] == PHONE, path
		assert row["tax_id"] == SECRETS["tax_id"], path
		assert row["dms_id_number"] == SECRETS["dms_id_number"], path


def test_a_store_user_cannot_overwrite_sensitive_fields(org, sensitive):
	frappe.set_user(org.users["two_stores"])
	doc = frappe.get_doc("Customer", sensitive)
	doc.tax_id = "DT-TAX-FORGED"
	doc.save()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Customer", sensitive, "tax_id") == SECRETS["tax_id"]


def test_the_masked_phone_follows_the_phone():
	assert mask_phone("+86 138-1234-5678") == "861****5678"
	assert mask_phone(PHONE) == "138****5678"
	assert mask_phone("12345") == "***45"
	assert mask_phone(None) is None


# ---------------------------------------------------------------------------------------------
# the access log


def access_logs(name: str) -> list[dict]:
	return frappe.get_all(
		"Access Log",
		filters={"export_from": "Customer", "reference_document": name},
		fields=["user", "method", "creation"],
	)


def test_every_unmasked_view_is_logged(org, sensitive):
	import frappe.api.v1
	import frappe.client
	import frappe.desk.form.load

	frappe.set_user(org.users["ts1_sales"])
	frappe.local.form_dict = frappe._dict(cmd="frappe.desk.form.load.getdoc")
	frappe.desk.form.load.getdoc("Customer", sensitive)
	frappe.local.form_dict = frappe._dict()
	frappe.api.v1.read_doc("Customer", sensitive)
	frappe.client.get("Customer", sensitive)
	frappe.set_user("Administrator")
	logs = access_logs(sensitive)
	assert len(logs) == 3
	assert {log.user for log in logs} == {org.users["ts1_sales"]}
	assert "frappe.desk.form.load.getdoc" in {log.method for log in logs}
	assert all(log.creation for log in logs)


def test_masked_views_are_not_logged(org, sensitive):
	import frappe.client

	frappe.set_user(org.users["two_stores"])
	frappe.client.get("Customer", sensitive)
	frappe.set_user("Administrator")
	assert access_logs(sensitive) == []


# ---------------------------------------------------------------------------------------------
# consent


def test_consent_flags_are_stored_with_the_date_given(org):
	name = make_customer("DT Consent Customer", unit="TS1", phone=None, dms_marketing_consent=1)
	doc = frappe.get_doc("Customer", name)
	assert (doc.dms_marketing_consent, str(doc.dms_marketing_consent_date)) == (1, today())
	assert (doc.dms_data_sharing_consent, doc.dms_data_sharing_consent_date) == (0, None)

	doc.dms_data_sharing_consent = 1
	doc.dms_data_sharing_consent_date = add_days(today(), -30)
	doc.dms_marketing_consent = 0
	doc.save()
	doc.reload()
	assert str(doc.dms_data_sharing_consent_date) == add_days(today(), -30)
	assert doc.dms_marketing_consent_date is None

	doc.dms_data_sharing_consent_date = add_days(today(), 1)
	with pytest.raises(frappe.ValidationError):
		doc.save()
