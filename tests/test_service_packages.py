"""Service packages (R8): HQ's package, a region's or store's variant, resolved for a store."""

import pytest

import frappe

from dms_suite.dms_service import orders, packages
from dms_suite.permissions import get_user_units

from .factories import assign, make_item, make_user

ACTIVITY = "DT Package Labour"
ITEM = "DT-PKG-PART"


@pytest.fixture
def catalogue(org):
	if not frappe.db.exists("Activity Type", ACTIVITY):
		frappe.get_doc({"doctype": "Activity Type", "activity_type": ACTIVITY, "billing_rate": 100}).insert()
	make_item(ITEM)
	base = make("DT Seasonal", "TG", hours=1)
	north = make("DT Winter", "TN", based_on=base, hours=2, parts=[{"item_code": ITEM, "qty": 1}])
	other = make("DT 10k Service", "TG", hours=1.5)
	return frappe._dict(base=base, north=north, other=other)


def make(name, unit, based_on=None, hours=1.0, parts=None, **fields):
	return (
		frappe.get_doc(
			{
				"doctype": "DMS Service Package",
				"package_name": name,
				"org_unit": unit,
				"based_on": based_on,
				"labour": [{"activity_type": ACTIVITY, "hours": hours, "description": name}],
				"parts": parts or [],
				**fields,
			}
		)
		.insert()
		.name
	)


def test_a_store_gets_its_regions_variant_else_hqs(catalogue):
	assert packages.effective_package(catalogue.base, "TN1") == catalogue.north
	assert packages.effective_package(catalogue.north, "TN1") == catalogue.north  # from any variant
	assert packages.effective_package(catalogue.base, "TS1") == catalogue.base
	assert packages.effective_package(catalogue.north, "TS1") == catalogue.base


def test_a_stores_own_variant_beats_its_regions(catalogue):
	own = make("DT Winter TN1", "TN1", based_on=catalogue.base, hours=3)
	assert packages.effective_package(catalogue.base, "TN1") == own
	assert packages.effective_package(catalogue.base, "TN2") == catalogue.north


def test_a_disabled_variant_is_skipped(catalogue):
	frappe.db.set_value("DMS Service Package", catalogue.north, "disabled", 1)
	assert packages.effective_package(catalogue.base, "TN1") == catalogue.base


def test_packages_for_unit_lists_each_base_once_resolved(catalogue):
	listed = {row.base: row.name for row in packages.packages_for_unit("TN1")}
	assert listed[catalogue.base] == catalogue.north and listed[catalogue.other] == catalogue.other
	assert catalogue.north not in {row.name for row in packages.packages_for_unit("TS1")}


@pytest.mark.parametrize(
	"fields",
	[
		{"unit": "TS", "based_on": "north"},  # a variant of a variant
		{"unit": "TS1", "based_on": "north_of_tn"},  # TN is not above TS1
		{"unit": "TN", "based_on": "base_again"},  # TN has its variant already
		{"unit": "TG", "hours": 0},
		{"unit": "TG", "parts": "service_item"},
	],
)
def test_invalid_packages_are_refused(catalogue, fields):
	north_package = make("DT North Only", "TN", hours=1)
	based_on = {
		"north": catalogue.north,
		"north_of_tn": north_package,
		"base_again": catalogue.base,
	}.get(fields.get("based_on"))
	parts = None
	if fields.get("parts") == "service_item":
		make_item("DT-PKG-SERVICE", is_stock_item=0)
		parts = [{"item_code": "DT-PKG-SERVICE", "qty": 1}]
	before = frappe.db.count("DMS Service Package")
	with pytest.raises(packages.InvalidPackageError):
		make("DT Bad", fields["unit"], based_on=based_on, hours=fields.get("hours", 1), parts=parts)
	assert frappe.db.count("DMS Service Package") == before


def test_package_lines_fill_a_service_order(catalogue):
	lines = packages.package_lines(catalogue.north)
	assert lines == {
		"labour": [{"activity_type": ACTIVITY, "description": "DT Winter", "hours": 2}],
		"parts": [{"item_code": ITEM, "qty": 1}],
	}


def test_store_users_see_packages_above_and_below_not_beside(catalogue):
	south_variant = make("DT Rainy", "TS", based_on=catalogue.base)
	user = make_user("dt.tn1.pkg@example.com", "DMS Service Advisor")
	assign(user, "TN1")
	frappe.set_user(user)
	visible = set(frappe.get_list("DMS Service Package", pluck="name"))
	assert {catalogue.base, catalogue.north, catalogue.other} <= visible
	assert south_variant not in visible
	assert not frappe.has_permission("DMS Service Package", "read", south_variant)
	assert not frappe.has_permission("DMS Service Package", "write", catalogue.base)  # HQ's, not theirs


def test_an_order_gets_the_variant_of_its_store_once(catalogue, shop):
	from .service_fixture import book

	order = book(shop)
	order.package = catalogue.base
	order.save()
	assert order.package == catalogue.north  # North's variant for a North store
	assert [(row.description, row.hours, row.from_package) for row in order.labour] == [
		("DT Winter", 2, catalogue.north)
	]
	assert [(row.item_code, row.qty) for row in order.parts] == [(ITEM, 1)]
	order.parts = []  # the advisor drops the kit's part: it stays dropped
	order.save()
	assert not order.parts and len(order.labour) == 1
	south = book(shop, store="TS1")
	south.package = catalogue.north  # any variant leads to the store's own resolution
	south.save()
	assert south.package == catalogue.base and [row.hours for row in south.labour] == [1]
