"""Dealer Unit: VINs (ISO 3779 characters and check digit, switchable), equipment serials,
warranty dates, readings that only go up."""

import pytest

import frappe

from dms_suite.dms_service import settings, units

VALID_VINS = ("1M8GDM9AXKP042788", "11111111111111111", "LDATLT301TT770412")  # none of them the demo's


@pytest.fixture
def owner(org):
	if not frappe.db.exists("Customer", "DT Unit Owner"):
		frappe.get_doc(
			{"doctype": "Customer", "customer_name": "DT Unit Owner", "dms_org_unit": "TN1"}
		).insert()
	return "DT Unit Owner"


def make(owner, vin, unit_type="Vehicle", **fields):
	return frappe.get_doc(
		{"doctype": "Dealer Unit", "vin": vin, "unit_type": unit_type, "customer": owner, **fields}
	).insert()


def check_digit_setting(value: int):
	frappe.db.set_single_value("DMS Service Settings", "enforce_vin_check_digit", value)


def test_check_digit():
	assert units.vin_check_digit("1M8GDM9AXKP042788") == "X"
	assert units.vin_check_digit("11111111111111111") == "1"


@pytest.mark.parametrize("vin", VALID_VINS)
def test_valid_vins_are_accepted_and_normalised(owner, vin):
	check_digit_setting(1)
	doc = make(owner, " " + vin.lower()[:9] + " " + vin.lower()[9:])
	assert doc.name == doc.vin == vin


@pytest.mark.parametrize(
	"vin, message",
	[
		("1M8GDM9A1KP042788", "check digit"),  # position 9 should be X
		("1M8GDM9AXKP04278", "17 characters"),
		("1M8GDM9AXKP0427888", "17 characters"),
		("1M8GDM9AXKO042788", "I, O and Q"),  # O for zero
		("IM8GDM9AXKP042788", "I, O and Q"),
	],
)
def test_invalid_vins_are_refused_and_nothing_written(owner, vin, message):
	check_digit_setting(1)
	before = frappe.db.count("Dealer Unit")
	with pytest.raises(units.InvalidVINError, match=message):
		make(owner, vin)
	assert frappe.db.count("Dealer Unit") == before


def test_the_check_digit_can_be_switched_off_for_other_markets(owner):
	check_digit_setting(0)
	assert make(owner, "1M8GDM9A1KP042788").name == "1M8GDM9A1KP042788"
	with pytest.raises(units.InvalidVINError):  # the alphabet and length still hold
		make(owner, "1M8GDM9A1KP0427QQ")


def test_equipment_serials(owner):
	assert make(owner, "exc-e20-000123", "Equipment").name == "EXC-E20-000123"
	for bad in ("AB", "EXC E20/1", "-EXC123"):
		with pytest.raises(units.InvalidVINError):
			make(owner, bad, "Equipment")


def test_warranty_cannot_end_before_it_starts(owner):
	with pytest.raises(units.InvalidDealerUnitError):
		make(owner, VALID_VINS[0], warranty_start="2026-05-01", warranty_end="2026-04-30")


def test_readings_only_go_up_and_record_reading_is_idempotent(owner):
	unit = make(
		owner,
		VALID_VINS[1],
		readings=[
			{"reading_date": "2026-01-01", "reading": 100},
			{"reading_date": "2026-03-01", "reading": 900},
		],
	)
	assert unit.current_reading == 900
	unit.append("readings", {"reading_date": "2026-04-01", "reading": 800})
	with pytest.raises(units.InvalidReadingError):
		unit.save()
	for name in ("SVC-TEST-1", "SVC-TEST-2"):  # the check-ins the readings come from
		frappe.get_doc(
			{"doctype": "Service Order", "name": name, "customer": owner, "dealer_unit": unit.name}
		).db_insert()
	units.record_reading(unit.name, 1200, "2026-05-01", "SVC-TEST-1")
	units.record_reading(unit.name, 1200, "2026-05-01", "SVC-TEST-1")  # a retried check-in
	unit.reload()
	assert [row.reading for row in unit.readings] == [100, 900, 1200] and unit.current_reading == 1200
	with pytest.raises(units.InvalidReadingError):
		units.record_reading(unit.name, 1000, "2026-06-01", "SVC-TEST-2")


def test_install_defaults(org):
	settings.configure()
	values = frappe.get_single("DMS Service Settings")
	assert values.labour_item and not frappe.db.get_value("Item", values.labour_item, "is_stock_item")
	assert values.qc_checks
	assert frappe.db.exists("DMS Service Category", "Brakes")
