"""Serving a customer the store cannot see: the audited access request (dms_suite/dms_sales/handover.py)."""

import pytest

import frappe

from dms_suite.dms_sales.handover import AccessDecisionError, answer

from .factories import assign, make_user
from .service_fixture import make_unit
from .test_attacks import call

PHONE = "+8613955501234"
SERIAL = "DTHANDOVER-0001"


@pytest.fixture
def south_customer(org):
	"""A customer of TS1 (South), with a phone and a machine; TN1 (North) cannot see them."""
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": "DT Handover Buyer",
			"dms_org_unit": "TS1",
			"mobile_no": PHONE,
		}
	).insert()
	make_unit(SERIAL, customer.name)
	return customer.name


@pytest.fixture
def people(org):
	asker = make_user("dt.handover.asker@example.com", "DMS Store User")
	assign(asker, "TN1")
	owner_manager = make_user("dt.handover.ts1.manager@example.com", "DMS Store Manager")
	assign(owner_manager, "TS1")
	asker_manager = make_user("dt.handover.tn1.manager@example.com", "DMS Store Manager")
	assign(asker_manager, "TN1")
	return frappe._dict(asker=asker, owner_manager=owner_manager, asker_manager=asker_manager)


def ask(user, lookup_type="Phone", value=PHONE, reason="Walk-in for a brake service"):
	frappe.set_user(user)
	try:
		return call(
			"dms_suite.api.sales.request_customer_access",
			lookup_type=lookup_type,
			lookup_value=value,
			reason=reason,
		)
	finally:
		frappe.set_user("Administrator")


def decide(user, request, approve):
	frappe.set_user(user)
	try:
		return call("dms_suite.api.sales.decide_customer_access", request=request, approve=approve)
	finally:
		frappe.set_user("Administrator")


def sees(user, customer) -> bool:
	frappe.set_user(user)
	try:
		return bool(frappe.has_permission("Customer", "read", doc=customer))
	finally:
		frappe.set_user("Administrator")


def test_the_answer_is_the_same_for_a_known_and_an_unknown_customer(south_customer, people):
	known = ask(people.asker)
	unknown = ask(people.asker, value="+8613955509999")
	assert known["message"] == unknown["message"] == answer()
	assert set(known) == set(unknown) == {"request", "message"}
	frappe.set_user(people.asker)
	try:
		for name in (known["request"], unknown["request"]):
			doc = frappe.get_doc("DMS Customer Access Request", name)
			doc.apply_fieldlevel_read_permissions()
			assert not doc.get("customer") and not doc.get("owning_unit")  # the match is not theirs to read
			assert doc.status == "Pending"
		with pytest.raises(frappe.PermissionError):  # nor to probe through a filter
			frappe.get_list("DMS Customer Access Request", filters={"owning_unit": "TS1"})
	finally:
		frappe.set_user("Administrator")
	assert not sees(people.asker, south_customer)
	# the owning store's manager was asked, by name of customer; the asker's ToDos name nobody
	todo = frappe.get_all(
		"ToDo",
		filters={"reference_name": known["request"]},
		fields=["allocated_to", "assigned_by", "description"],
	)
	assert [row.allocated_to for row in todo] == [people.owner_manager]
	assert todo[0].assigned_by != people.asker and south_customer in todo[0].description
	assert not frappe.get_all("ToDo", filters={"reference_name": unknown["request"]})


def test_a_retry_returns_the_same_request(south_customer, people):
	first = ask(people.asker, value="139 5550 1234")  # the same number, typed differently
	again = ask(people.asker)
	assert first["request"] == again["request"]
	assert frappe.db.count("ToDo", {"reference_name": first["request"]}) == 1


def test_only_the_owning_store_decides_and_approval_grants_access(south_customer, people):
	request = ask(people.asker)["request"]
	for user in (people.asker, people.asker_manager):  # the asker, and the asker's own manager
		with pytest.raises(AccessDecisionError):
			decide(user, request, True)
	assert not sees(people.asker, south_customer)
	assert decide(people.owner_manager, request, True)["decision"] == "Approved"
	assert frappe.db.get_value("DMS Customer Access Request", request, "status") == "Approved"
	assert sees(people.asker, south_customer)
	served = frappe.get_all(
		"DMS Customer Unit", filters={"parent": south_customer, "parenttype": "Customer"}, pluck="org_unit"
	)
	assert "TN1" in served
	comment = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Customer", "reference_name": south_customer, "comment_type": "Info"},
		pluck="content",
	)
	assert any(request in text and people.owner_manager in text for text in comment)
	assert not frappe.get_all("ToDo", filters={"reference_name": request, "status": "Open"})
	with pytest.raises(AccessDecisionError):  # decided once
		decide(people.owner_manager, request, False)


def asker_view(user, request) -> dict:
	"""The request as the asker reads it (desk form / REST get), without what differs by nature."""
	frappe.set_user(user)
	try:
		doc = call("frappe.client.get", doctype="DMS Customer Access Request", name=request)
	finally:
		frappe.set_user("Administrator")
	skip = {"name", "creation", "modified", "lookup_value", "reason", "idx"}
	return {key: value for key, value in doc.items() if key not in skip}


def test_a_refusal_changes_nothing_and_looks_like_no_match(south_customer, people):
	request = ask(people.asker, lookup_type="VIN", value=SERIAL.lower())["request"]
	unmatched = ask(people.asker, value="+8613955509999")["request"]
	assert frappe.db.get_value("DMS Customer Access Request", request, "customer") == south_customer
	assert decide(people.owner_manager, request, False)["decision"] == "Refused"
	assert not sees(people.asker, south_customer)
	assert "TN1" not in frappe.get_all(
		"DMS Customer Unit", filters={"parent": south_customer, "parenttype": "Customer"}, pluck="org_unit"
	)
	# the asker reads a refused request exactly as one that matched nobody: pending, no decider
	refused_view, unmatched_view = asker_view(people.asker, request), asker_view(people.asker, unmatched)
	assert refused_view.pop("lookup_type") == "VIN" and unmatched_view.pop("lookup_type") == "Phone"
	assert refused_view == unmatched_view
	assert refused_view["status"] == "Pending" and not refused_view.get("decided_by")
	# the owning store knows: its manager is told it is decided, the customer records it
	with pytest.raises(AccessDecisionError, match="already decided"):
		decide(people.owner_manager, request, True)
	comments = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Customer", "reference_name": south_customer, "comment_type": "Info"},
		pluck="content",
	)
	assert any("refused" in text and request in text for text in comments)
	assert not frappe.get_all("ToDo", filters={"reference_name": request, "status": "Open"})


def test_every_request_not_granted_closes_on_the_same_day(south_customer, people):
	from dms_suite.dms_sales.handover import EXPIRY_DAYS, expire_requests

	refused = ask(people.asker, lookup_type="VIN", value=SERIAL)["request"]
	decide(people.owner_manager, refused, False)
	undecided = ask(people.asker)["request"]
	unmatched = ask(people.asker, value="+8613955509999")["request"]
	granted = ask(people.asker, value="+8613955509998")["request"]
	frappe.db.set_value("DMS Customer Access Request", granted, "status", "Approved")  # as if granted
	requests = (refused, undecided, unmatched, granted)
	closes_on = {frappe.db.get_value("DMS Customer Access Request", name, "closes_on") for name in requests}
	assert closes_on == {frappe.utils.getdate(frappe.utils.add_days(frappe.utils.today(), EXPIRY_DAYS))}

	expire_requests()  # not yet due
	assert {frappe.db.get_value("DMS Customer Access Request", name, "status") for name in requests[:3]} == {
		"Pending"
	}
	frappe.db.set_value(
		"DMS Customer Access Request", {"name": ("in", requests)}, "closes_on", frappe.utils.today()
	)
	expire_requests()
	status = {name: frappe.db.get_value("DMS Customer Access Request", name, "status") for name in requests}
	assert status == {refused: "Closed", undecided: "Closed", unmatched: "Closed", granted: "Approved"}
	assert not frappe.get_all("ToDo", filters={"reference_name": undecided, "status": "Open"})
	views = [asker_view(people.asker, name) for name in (refused, undecided, unmatched)]
	for view in views:
		view.pop("lookup_type")
	assert views[0] == views[1] == views[2]
	with pytest.raises(AccessDecisionError):  # too late to decide
		decide(people.owner_manager, undecided, True)


def test_the_same_request_twice_on_the_desk_is_refused(south_customer, people):
	first = ask(people.asker)["request"]
	frappe.set_user(people.asker)
	try:
		with pytest.raises(frappe.DuplicateEntryError, match=first):
			frappe.get_doc(
				{
					"doctype": "DMS Customer Access Request",
					"lookup_type": "Phone",
					"requesting_unit": "TN1",
					"lookup_value": "139-5550-1234",
					"reason": "again",
				}
			).insert()
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.count("DMS Customer Access Request", {"owner": people.asker}) == 1


def test_an_unmatched_request_cannot_be_decided_and_says_so_the_same_way(south_customer, people):
	request = ask(people.asker, value="+8613955509999")["request"]
	with pytest.raises(AccessDecisionError, match="Only a manager of the store that owns the customer"):
		decide(people.owner_manager, request, True)


def test_bad_input_is_refused_clearly(south_customer, people):
	with pytest.raises(frappe.ValidationError, match="not a valid phone number"):
		ask(people.asker, value="call me")
	with pytest.raises(frappe.ValidationError, match="Phone or VIN"):
		ask(people.asker, lookup_type="Email")
	with pytest.raises(frappe.MandatoryError):
		ask(people.asker, reason="   ")
	assert not frappe.db.exists("DMS Customer Access Request", {"owner": people.asker})


def test_the_asker_cannot_forge_the_match_or_the_decision(south_customer, people):
	frappe.set_user(people.asker)
	try:
		doc = frappe.get_doc(
			{
				"doctype": "DMS Customer Access Request",
				"lookup_type": "Phone",
				"lookup_value": "+8613955509999",
				"reason": "forged",
				"status": "Approved",
				"customer": south_customer,
				"owning_unit": "TN1",
			}
		).insert()
	finally:
		frappe.set_user("Administrator")
	stored = frappe.db.get_value(
		"DMS Customer Access Request",
		doc.name,
		["status", "customer", "owning_unit", "requesting_unit"],
		as_dict=True,
	)
	assert stored == {"status": "Pending", "customer": None, "owning_unit": None, "requesting_unit": "TN1"}
	assert not sees(people.asker, south_customer)


def test_asking_is_limited_per_user(south_customer, people, monkeypatch):
	from dms_suite.dms_sales import handover

	monkeypatch.setattr(handover, "REQUESTS_PER_HOUR", 2)
	ask(people.asker, value="+8613955500001")
	ask(people.asker, value="+8613955500002")
	with pytest.raises(frappe.RateLimitExceededError):
		ask(people.asker, value="+8613955500003")
	assert frappe.db.count("DMS Customer Access Request", {"owner": people.asker}) == 2


def test_a_store_asks_only_for_itself(south_customer, people):
	frappe.set_user(people.asker)
	try:
		with pytest.raises(frappe.PermissionError, match="outside your org units"):
			call(
				"dms_suite.api.sales.request_customer_access",
				lookup_type="Phone",
				lookup_value=PHONE,
				reason="as another store",
				requesting_unit="TS1",
			)
	finally:
		frappe.set_user("Administrator")
	assert not frappe.db.exists("DMS Customer Access Request", {"owner": people.asker})
