"""Arguments and values checked before the database sees them: bad input is a clear 4xx, never a 5xx.

- ``check_numbers`` (doc_events ``"*"`` ``before_validate``): a number field of any document or row
  holding NaN, an infinity or a value its column cannot store is refused with the field's label.
  Frappe's ``flt("NaN")`` is NaN and ``flt("1e400")`` an infinity; saved, they end in a database
  error (HTTP 500) on every doctype.
- ``quantity`` / ``quantities`` / ``date_value``: the shapes whitelisted methods take (a quantity,
  an item → quantity map as a dict or JSON, a date), parsed or refused.
"""

import json
import math

import frappe
from frappe import _
from frappe.utils import getdate

# decimal(21,9) of Frappe's Float / Currency / Percent columns; int(11) of its Int columns
DECIMAL_LIMIT = 10**12
INT_LIMIT = 2**31
NUMBER_FIELDTYPES = {"Float": DECIMAL_LIMIT, "Currency": DECIMAL_LIMIT, "Percent": DECIMAL_LIMIT}
NUMBER_FIELDTYPES["Int"] = INT_LIMIT


class InvalidArgumentError(frappe.ValidationError):
	pass


def check_numbers(doc, method=None) -> None:
	fields_of: dict[str, list] = {}  # number fields per doctype, read from the meta once per save
	for record in (doc, *doc.get_all_children()):
		if record.doctype not in fields_of:
			fields_of[record.doctype] = [df for df in record.meta.fields if df.fieldtype in NUMBER_FIELDTYPES]
		for df in fields_of[record.doctype]:
			limit = NUMBER_FIELDTYPES[df.fieldtype]
			value = record.get(df.fieldname)
			if value is None or value == "":
				continue
			number = _as_float(value)
			if number is None:
				continue  # Frappe stores what it cannot read as a number as 0 (its flt), as before
			if not math.isfinite(number) or abs(number) >= limit:
				where = _("Row {0}: ").format(record.idx) if record.get("parentfield") else ""
				frappe.throw(
					_("{0}{1} must be a number below {2}, not {3}").format(
						where, _(df.label or df.fieldname), f"{limit:,}", frappe.bold(str(value)[:40])
					),
					InvalidArgumentError,
					title=_("Invalid Number"),
				)


def _as_float(value) -> float | None:
	"""``value`` read as Frappe's ``flt`` reads it (thousands separators dropped), or None."""
	try:
		return float(value.replace(",", "") if isinstance(value, str) else value)
	except (TypeError, ValueError, OverflowError):
		return None


def quantity(value, label: str) -> float:
	"""A quantity of zero or more (an item's count or measure), as a float."""
	number = _as_float(value)
	if number is None or not math.isfinite(number) or number < 0 or number >= DECIMAL_LIMIT:
		frappe.throw(
			_("{0} must be a quantity of zero or more, not {1}").format(
				_(label), frappe.bold(str(value)[:40])
			),
			InvalidArgumentError,
		)
	return number


def quantities(value, label: str) -> dict[str, float]:
	"""Item → quantity, given as a dict or as a JSON object; nothing given is an empty map."""
	if value in (None, ""):
		return {}
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			frappe.throw(
				_("{0} must be a JSON object of item: quantity").format(_(label)), InvalidArgumentError
			)
	if not isinstance(value, dict) or not all(isinstance(key, str) and key for key in value):
		frappe.throw(_("{0} must be a JSON object of item: quantity").format(_(label)), InvalidArgumentError)
	return {item: quantity(qty, f"{label}: {item}") for item, qty in value.items()}


def date_value(value, label: str):
	"""A date (``YYYY-MM-DD``), or None when none is given."""
	if value in (None, ""):
		return None
	try:
		return getdate(value)
	except Exception:
		frappe.throw(
			_("{0} must be a date (YYYY-MM-DD), not {1}").format(_(label), frappe.bold(str(value)[:40])),
			InvalidArgumentError,
		)
