"""The customer service portal: each customer sees and acts on their own records only; another
customer's names are answered like missing ones and nothing is written."""

from datetime import timedelta

import pytest

import frappe
from frappe.utils import now_datetime

from dms_suite.api import portal as api
from dms_suite.dms_service import orders, portal, quality

from .service_fixture import book, finish, work
from .test_quotations import sales  # the quotation fixture: a priced model, the north's seller

OWNER_USER = "dt.owner.portal@example.com"
OTHER_USER = "dt.other.portal@example.com"


def portal_user(email: str, customer: str) -> str:
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"user_type": "Website User",
				"send_welcome_email": 0,
				"roles": [{"role": "Customer"}],
			}
		).insert()
	doc = frappe.get_doc("Customer", customer)
	if not any(row.user == email for row in doc.portal_users):
		doc.append("portal_users", {"user": email})
		doc.save()
	return email


@pytest.fixture
def customers(shop):
	owner = portal_user(OWNER_USER, "DT Service Owner")
	other = portal_user(OTHER_USER, "DT Other Owner")
	return frappe._dict(shop=shop, owner=owner, other=other)


def tomorrow() -> str:
	return str((now_datetime() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0))


def test_booking_from_the_portal_and_double_clicks(customers):
	frappe.set_user(customers.owner)
	first = api.book_appointment(customers.shop.unit, "TN1", tomorrow(), "DT Brakes", "Squeal")
	again = api.book_appointment(customers.shop.unit, "TN1", tomorrow(), "DT Brakes", "Squeal")
	assert again["name"] == first["name"] and first["status"] == "Booked"
	frappe.set_user("Administrator")
	order = frappe.get_doc("Service Order", first["name"])
	assert (order.customer, order.booked_via, order.dms_org_unit) == ("DT Service Owner", "Portal", "TN1")
	assert frappe.db.count("Service Order", {"dealer_unit": customers.shop.unit}) == 1


def test_another_customers_unit_is_answered_like_a_missing_one(customers):
	frappe.set_user(customers.owner)
	before = frappe.db.count("Service Order")
	for unit in (customers.shop.other_unit, "NO-SUCH-UNIT"):
		with pytest.raises(frappe.DoesNotExistError) as error:
			api.book_appointment(unit, "TN1", tomorrow(), "DT Brakes", "Not mine")
		assert "not found" in str(error.value)
	assert frappe.db.count("Service Order") == before


def test_bad_bookings_and_ratings_write_nothing(customers):
	frappe.set_user(customers.owner)
	before = frappe.db.count("Service Order")
	with pytest.raises(orders.AppointmentInPastError):
		api.book_appointment(
			customers.shop.unit, "TN1", str(now_datetime() - timedelta(days=2)), "DT Brakes", "x"
		)
	with pytest.raises(frappe.ValidationError):
		api.book_appointment(customers.shop.unit, "TN1", tomorrow(), "DT Brakes", "   ")
	assert frappe.db.count("Service Order") == before

	frappe.set_user("Administrator")
	done = finish(work(book(customers.shop), customers.shop))
	frappe.set_user(customers.owner)
	for bad in (0, 6, "x"):  # a word is refused by the API's type check, numbers by the scale
		with pytest.raises((quality.RatingError, frappe.exceptions.FrappeTypeError)):
			api.rate_service(done.name, bad)
	assert not frappe.db.get_value("Service Order", done.name, "rating")
	assert api.rate_service(done.name, 5, "Great")["rating"] == 5
	# the other customer cannot rate it, nor learn that it exists
	frappe.set_user(customers.other)
	with pytest.raises(frappe.DoesNotExistError):
		api.rate_service(done.name, 1)


def test_each_customer_sees_only_their_own_records(customers):
	mine = book(customers.shop)
	theirs = book(customers.shop, customer="DT Other Owner", dealer_unit=customers.shop.other_unit)
	frappe.set_user(customers.owner)
	context = portal.page_context()
	assert [unit.name for unit in context["units"]] == [customers.shop.unit]
	assert [order.name for order in context["open_orders"]] == [mine.name]
	assert {row.name for row in api.get_service_status()} == {mine.name}
	frappe.set_user(customers.other)
	assert [order.name for order in portal.page_context()["open_orders"]] == [theirs.name]
	# the page itself
	from dms_suite.www.service import index

	page = index.get_context(frappe._dict())
	assert [order.name for order in page.open_orders] == [theirs.name]
	assert mine.name not in frappe.as_json(page)


def test_status_changes_reach_the_portal(customers):
	frappe.set_user(customers.owner)
	booked = api.book_appointment(customers.shop.unit, "TN1", tomorrow(), "DT Brakes", "Check")
	frappe.set_user("Administrator")
	from frappe.model.workflow import apply_workflow

	apply_workflow(frappe.get_doc("Service Order", booked["name"]), "Check In")
	frappe.set_user(customers.owner)
	assert {row.name: row.status for row in api.get_service_status()}[booked["name"]] == "Checked In"


def test_quotations_and_invoices_are_the_customers(customers):
	frappe.set_user("Administrator")
	done = apply_invoice(finish(work(book(customers.shop), customers.shop)))
	frappe.set_user(customers.owner)
	context = portal.page_context()
	assert {row.name for row in context["invoices"]} == {done.sales_invoice}
	frappe.set_user(customers.other)
	assert portal.page_context()["invoices"] == []
	with pytest.raises(frappe.DoesNotExistError):
		api.accept_quotation("SAL-QTN-NOT-THEIRS")


def apply_invoice(order):
	from frappe.model.workflow import apply_workflow

	return apply_workflow(order, "Invoice")


def test_users_of_no_customer_are_refused(customers):
	for user in ("Guest", customers.shop.advisor):
		frappe.set_user(user)
		with pytest.raises(frappe.PermissionError):
			api.get_service_status()
	frappe.set_user("Guest")
	from dms_suite.www.service import index

	with pytest.raises(frappe.Redirect):
		index.get_context(frappe._dict())


def test_portal_users_have_no_desk_access_to_service_records(customers):
	frappe.set_user(customers.owner)
	for doctype in ("Service Order", "Dealer Unit", "DMS Service Package"):
		assert not frappe.has_permission(doctype, "read")


def portal_quotation(quoting, customer: str) -> str:
	"""A quotation of the north store for ``customer``, submitted (Open) through the approval workflow."""
	from .test_quotations import ITEM, PRICE_LIST, act

	frappe.set_user(quoting.people.seller)
	doc = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": customer,
			"company": quoting.org.companies["north"],
			"dms_org_unit": "TN1",
			"selling_price_list": PRICE_LIST,
			"currency": "CNY",
			"items": [{"item_code": ITEM, "qty": 1}],
		}
	).insert()
	frappe.set_user("Administrator")
	doc = act(quoting.people.seller, doc, "Submit")
	assert (doc.docstatus, doc.status) == (1, "Open")
	return doc.name


def acceptances(quotation: str) -> int:
	return frappe.db.count(
		"Comment",
		{"reference_doctype": "Quotation", "reference_name": quotation, "content": api.ACCEPTED_ON_PORTAL},
	)


def test_customers_see_and_accept_only_their_own_open_quotations(customers, sales):  # noqa: F811
	mine = portal_quotation(sales, "DT Service Owner")
	theirs = portal_quotation(sales, "DT Other Owner")
	frappe.set_user(customers.owner)
	assert [row.name for row in portal.page_context()["quotations"]] == [mine]
	# another customer's quotation is answered like a missing one, and nothing is recorded on it
	for name in (theirs, "SAL-QTN-NO-SUCH"):
		with pytest.raises(frappe.DoesNotExistError) as error:
			api.accept_quotation(name)
		assert "not found" in str(error.value)
	assert acceptances(theirs) == 0
	# a double click records one acceptance
	assert api.accept_quotation(mine) == {"name": mine, "accepted": True}
	assert api.accept_quotation(mine)["accepted"]
	assert acceptances(mine) == 1
	frappe.set_user(customers.other)
	assert [row.name for row in portal.page_context()["quotations"]] == [theirs]
	# a quotation no longer open (lost) is neither listed nor accepted
	frappe.set_user("Administrator")
	frappe.db.set_value("Quotation", theirs, "status", "Lost")
	frappe.set_user(customers.other)
	assert portal.page_context()["quotations"] == []
	with pytest.raises(frappe.ValidationError):
		api.accept_quotation(theirs)
	assert acceptances(theirs) == 0


def test_the_booking_page_offers_only_the_customers_units(customers):
	from dms_suite.www.service import book

	frappe.set_user(customers.owner)
	page = book.get_context(frappe._dict())
	assert [unit.name for unit in page.units] == [customers.shop.unit]
	assert customers.shop.other_unit not in frappe.as_json(page)
	assert "TN1" in {store.name for store in page.stores}
	assert "TN" not in {store.name for store in page.stores}  # a region takes no bookings
	assert "DT Brakes" in page.categories
	frappe.set_user("Guest")
	with pytest.raises(frappe.Redirect):
		book.get_context(frappe._dict())
	assert frappe.local.flags.redirect_location == "/login?redirect-to=/service/book"
