"""Leads (dms_suite/dms_sales/leads.py): channels, keys, the group-wide duplicate check, intake from the
portal and feeds, assignment to a store's salespeople."""

import pytest

import frappe

from dms_suite.api import sales as sales_api
from dms_suite.dms_sales import leads
from dms_suite.dms_sales.leads import (
	DuplicateLeadError,
	InvalidEmailError,
	InvalidPhoneError,
	LeadContactMissingError,
	find_duplicate,
	intake_lead,
	normalise_phone,
)

from .factories import assign, make_user


def make_lead(org, store="TN1", company="north", **fields):
	return frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": fields.pop("first_name", "Test"),
			"company": org.companies[company],
			"dms_org_unit": store,
			**fields,
		}
	).insert()


def set_policy(unit, policy, value):
	doc = frappe.get_doc("DMS Org Unit", unit)
	doc.policies = [row for row in doc.policies if row.policy != policy]
	doc.append("policies", {"policy": policy, "value": value})
	doc.save()


@pytest.fixture
def salespeople(org):
	"""Three salespeople of TN1 (and one of TN2, who must never get TN1's leads)."""
	people = [make_user(f"dt.tn1.sales{i}@example.com", "DMS Sales") for i in (1, 2, 3)]
	for user in people:
		assign(user, "TN1")
	assign(make_user("dt.tn2.sales@example.com", "DMS Sales"), "TN2")
	return people


@pytest.mark.parametrize(
	"raw",
	["138-1234 5678", "+86 138 1234 5678", "0086 13812345678", "(138) 1234-5678", "+8613812345678"],
)
def test_phone_numbers_are_normalised_to_one_key(raw):
	assert normalise_phone(raw, "China") == "+8613812345678"


def test_a_foreign_number_keeps_its_country():
	assert normalise_phone("+49 30 1234567", "China") == "+49301234567"
	with pytest.raises(InvalidPhoneError):
		normalise_phone("call me maybe", "China")  # not read as a vanity number


@pytest.mark.parametrize(
	"fields, error",
	[
		({}, LeadContactMissingError),
		({"mobile_no": "12"}, InvalidPhoneError),
		# ERPNext makes the lead's Contact first, and Frappe's own phone check refuses this one
		({"mobile_no": "call me maybe"}, frappe.InvalidPhoneNumberError),
		({"email_id": "not-an-email"}, frappe.InvalidEmailAddressError),
	],
)
def test_bad_contact_is_refused_and_nothing_written(org, fields, error):
	before = frappe.db.count("Lead")
	with pytest.raises(error):
		make_lead(org, **fields)
	assert frappe.db.count("Lead") == before


def test_a_lead_records_channel_store_model_and_keys(org):
	lead = make_lead(
		org, mobile_no="138 0000 1111", email_id=" Li.Wei@Example.COM ", dms_tax_id="91-1101 0800"
	)
	assert (lead.source, lead.dms_org_unit) == ("Walk In", "TN1")  # the desk's default channel
	assert (lead.dms_phone_key, lead.dms_email_key, lead.dms_tax_key) == (
		"+8613800001111",
		"li.wei@example.com",
		"9111010800",
	)
	assert frappe.db.exists("Lead Source", "Manufacturer")


def test_duplicates_are_caught_across_regions_on_every_key(org):
	lead = make_lead(org, store="TN1", mobile_no="13800002222", email_id="a@example.com")
	# the same person walks into a southern store, written differently each time
	for fields in ({"mobile_no": "+86 138-0000-2222"}, {"email_id": "A@EXAMPLE.com"}):
		with pytest.raises(DuplicateLeadError, match=lead.name):
			make_lead(org, store="TS1", company="south", **fields)
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": "DT Dup Customer", "tax_id": "DT-777-1"}
	).insert()
	assert customer.dms_tax_key == "DT7771"
	with pytest.raises(DuplicateLeadError, match=customer.name):  # customers count too
		make_lead(org, store="TS1", company="south", email_id="new@example.com", dms_tax_id="dt 777 1")
	assert find_duplicate(None, "b@example.com", None) is None


def test_intake_links_a_duplicate_to_the_existing_record(org):
	first = intake_lead(
		{"first_name": "Zhang", "mobile_no": "139 1111 2222", "notes": "wants a quote"}, "Website", "TN2"
	)
	assert first["created"] and first["doctype"] == "Lead"
	lead = frappe.get_doc("Lead", first["name"])
	assert (lead.source, lead.dms_org_unit, lead.company) == ("Website", "TN2", org.companies["north"])

	leads_before = frappe.db.count("Lead")
	again = intake_lead({"first_name": "Zhang S.", "mobile_no": "+8613911112222"}, "Manufacturer", "TS1")
	assert again == {"doctype": "Lead", "name": first["name"], "created": False}
	assert frappe.db.count("Lead") == leads_before
	assert frappe.db.exists(
		"Comment",
		{"reference_name": first["name"], "comment_type": "Info", "content": ("like", "%Manufacturer%TS1%")},
	)


def test_feed_api_checks_the_store_and_the_channel(org):
	frappe.set_user(org.users["ts1_sales"])
	with pytest.raises(frappe.PermissionError):
		sales_api.receive_lead(store="TN1", channel="Website", first_name="X", mobile_no="13922223333")
	with pytest.raises(frappe.ValidationError):
		sales_api.receive_lead(store="TS1", channel="Portal", first_name="X", mobile_no="13922223333")
	result = sales_api.receive_lead(store="TS1", channel="Website", first_name="X", mobile_no="13922223333")
	assert result["created"]
	# a retried call returns the same lead
	assert (
		sales_api.receive_lead(store="TS1", channel="Website", first_name="X", mobile_no="13922223333")[
			"name"
		]
		== (result["name"])
	)


def test_portal_enquiry_never_says_whether_the_person_is_known(org):
	frappe.set_user("Guest")
	first = sales_api.submit_enquiry(store="TS1", first_name="Wang", mobile_no="13733334444")
	second = sales_api.submit_enquiry(store="TS1", first_name="Wang", mobile_no="137 3333 4444")
	frappe.set_user("Administrator")
	assert first == second
	assert frappe.db.count("Lead", {"dms_phone_key": "+8613733334444", "source": "Portal"}) == 1
	with pytest.raises(frappe.ValidationError):
		intake_lead({"first_name": "Wang", "mobile_no": "13733335555"}, "Portal", "TS")  # not a store


def test_an_email_is_checked_by_our_rule_too():
	with pytest.raises(InvalidEmailError):
		leads.normalise_email("a@b")


def test_round_robin_assignment_within_the_store(org, salespeople):
	owners = [make_lead(org, mobile_no=f"1380000300{i}").lead_owner for i in range(4)]
	assert owners == [salespeople[0], salespeople[1], salespeople[2], salespeople[0]]
	other = make_lead(org, store="TN2", mobile_no="13800003009")
	assert other.lead_owner == "dt.tn2.sales@example.com"


def test_least_open_leads_assignment(org, salespeople):
	set_policy("TN", "lead_assignment_rule", "Least Open Leads")
	make_lead(org, mobile_no="13800004001", lead_owner=salespeople[0])
	make_lead(org, mobile_no="13800004002", lead_owner=salespeople[0])
	make_lead(org, mobile_no="13800004003", lead_owner=salespeople[2])
	assert make_lead(org, mobile_no="13800004004").lead_owner == salespeople[1]
	assert make_lead(org, mobile_no="13800004005").lead_owner in (salespeople[1], salespeople[2])


def test_a_store_without_salespeople_leaves_the_lead_unassigned(org):
	assert leads.store_salespeople("TN2") == []
	assert make_lead(org, store="TN2", mobile_no="13800005001").lead_owner == "Administrator"  # the creator
