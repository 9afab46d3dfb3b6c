"""The register of customers' units (*Dealer Unit*): vehicles by VIN, machines by serial.

A road vehicle's VIN has 17 characters from the ISO 3779 alphabet (no I, O or Q, which read as
1 and 0). North American VINs, and the Chinese ones that follow the same rule, carry a check digit
in position 9; *DMS Service Settings* turns that check off for markets whose VINs have none.
Equipment is keyed by the manufacturer's serial.

Readings (odometer km or engine hours) only go up: a lower reading on a later date is a typing
error or a replaced meter, and either must not silently corrupt the unit's history.
"""

import re
from itertools import pairwise

import frappe
from frappe import _
from frappe.utils import flt, getdate

VIN_LENGTH = 17
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q
VIN_VALUES = dict(
	zip(
		"ABCDEFGHJKLMNPRSTUVWXYZ",
		(1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
		strict=True,
	)
)
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
SERIAL_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,28}[A-Z0-9]$")


class InvalidVINError(frappe.ValidationError):
	pass


class InvalidReadingError(frappe.ValidationError):
	pass


class InvalidDealerUnitError(frappe.ValidationError):
	pass


def vin_check_digit(vin: str) -> str:
	"""The ISO 3779 / North American check digit (position 9) of a 17-character VIN."""
	total = sum(
		(int(char) if char.isdigit() else VIN_VALUES[char]) * weight
		for char, weight in zip(vin, VIN_WEIGHTS, strict=True)
	)
	remainder = total % 11
	return "X" if remainder == 10 else str(remainder)


def validate_vin(vin: str, unit_type: str = "Vehicle") -> str:
	"""The normalised VIN or serial (upper case, no spaces), or a clear error saying what is wrong."""
	value = re.sub(r"\s+", "", vin or "").upper()
	if unit_type != "Vehicle":
		if not SERIAL_PATTERN.match(value):
			frappe.throw(
				_("Serial {0} must have 4 to 30 letters, digits or hyphens.").format(frappe.bold(vin)),
				InvalidVINError,
				title=_("Invalid Serial"),
			)
		return value
	if len(value) != VIN_LENGTH:
		frappe.throw(
			_("A VIN has {0} characters; {1} has {2}.").format(VIN_LENGTH, frappe.bold(vin), len(value)),
			InvalidVINError,
			title=_("Invalid VIN"),
		)
	wrong = sorted({char for char in value if char not in VIN_ALPHABET})
	if wrong:
		frappe.throw(
			_("VIN {0} contains {1}: a VIN uses digits and letters except I, O and Q.").format(
				frappe.bold(value), ", ".join(frappe.bold(char) for char in wrong)
			),
			InvalidVINError,
			title=_("Invalid VIN"),
		)
	if frappe.db.get_single_value("DMS Service Settings", "enforce_vin_check_digit"):
		expected = vin_check_digit(value)
		if value[8] != expected:
			frappe.throw(
				_("VIN {0} fails its check digit: position 9 is {1}, the VIN's characters give {2}.").format(
					frappe.bold(value), frappe.bold(value[8]), frappe.bold(expected)
				),
				InvalidVINError,
				title=_("Invalid VIN"),
			)
	return value


def validate_dealer_unit(doc) -> None:
	doc.vin = validate_vin(doc.vin, doc.unit_type)
	if doc.warranty_start and doc.warranty_end and getdate(doc.warranty_end) < getdate(doc.warranty_start):
		frappe.throw(
			_("The warranty of {0} cannot end before it starts.").format(frappe.bold(doc.vin)),
			InvalidDealerUnitError,
			title=_("Invalid Warranty"),
		)
	if doc.serial_no:
		serial_item = frappe.db.get_value("Serial No", doc.serial_no, "item_code")
		if doc.item_code and serial_item != doc.item_code:
			frappe.throw(
				_("Serial No {0} is of item {1}, not of the unit's model {2}.").format(
					frappe.bold(doc.serial_no), frappe.bold(serial_item), frappe.bold(doc.item_code)
				),
				InvalidDealerUnitError,
				title=_("Wrong Serial No"),
			)
		doc.item_code = doc.item_code or serial_item
	validate_readings(doc)


def validate_readings(doc) -> None:
	"""In date order, each reading is at least the one before; the latest is the current one."""
	rows = sorted(doc.readings, key=lambda row: (getdate(row.reading_date), flt(row.reading)))
	if any(flt(row.reading) < 0 for row in rows):
		frappe.throw(_("Readings cannot be negative."), InvalidReadingError, title=_("Invalid Reading"))
	for before, after in pairwise(rows):
		if flt(after.reading) < flt(before.reading):
			frappe.throw(
				_("Reading {0} on {1} is lower than {2} on {3}: readings of {4} only go up.").format(
					frappe.bold(flt(after.reading)),
					frappe.format(after.reading_date, {"fieldtype": "Date"}),
					frappe.bold(flt(before.reading)),
					frappe.format(before.reading_date, {"fieldtype": "Date"}),
					doc.vin,
				),
				InvalidReadingError,
				title=_("Reading Goes Down"),
			)
	doc.current_reading = flt(rows[-1].reading) if rows else 0


def record_reading(dealer_unit: str, reading: float, reading_date, service_order: str | None = None) -> None:
	"""Add a reading taken at a check-in to the unit's history (once per service order)."""
	unit = frappe.get_doc("Dealer Unit", dealer_unit)
	if service_order and any(row.service_order == service_order for row in unit.readings):
		return
	unit.append(
		"readings",
		{"reading_date": getdate(reading_date), "reading": flt(reading), "service_order": service_order},
	)
	unit.flags.ignore_permissions = True  # the caller checked its right on the service order
	unit.save()
