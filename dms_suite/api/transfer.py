"""Whitelisted shipment steps of a Cross Region Transfer. Each checks permission before it posts.

Dispatching is the source unit's act, receiving the target unit's: besides the right to write the
transfer, the user must have that unit in their org scope.
"""

from typing import Any

import frappe
from frappe import _

from dms_suite import validation
from dms_suite.dms_stock import transfer
from dms_suite.permissions import get_user_units

DOCTYPE = "Cross Region Transfer"


@frappe.whitelist(methods=["POST"])
def dispatch(
	name: str,
	carrier: str | None = None,
	tracking_no: str | None = None,
	expected_arrival: str | None = None,
) -> dict[str, Any]:
	arrival = validation.date_value(expected_arrival, _("Expected Arrival"))
	doc = get_transfer_for(name, "source_unit")
	return transfer.dispatch(doc, carrier, tracking_no, arrival).as_dict()


@frappe.whitelist(methods=["POST"])
def receive(
	name: str,
	received: str | dict,
	short: str | dict | None = None,
	damaged: str | dict | None = None,
	request_key: str | None = None,
) -> dict[str, Any]:
	"""Receive what arrived; ``request_key`` (the client's, one per receipt it means to make) makes a
	resent request return the first result instead of posting again."""
	quantities = [
		validation.quantities(value, label)
		for value, label in ((received, _("Received")), (short, _("Short")), (damaged, _("Damaged")))
	]
	doc = get_transfer_for(name, "target_unit")
	if request_key is not None and not (0 < len(request_key) <= 140):
		frappe.throw(_("A request key is 1 to 140 characters"), validation.InvalidArgumentError)
	return transfer.receive(doc, *quantities, request_key=request_key).as_dict()


def get_transfer_for(name: str, unit_field: str):
	"""The transfer, if the user may write it and has its source (or target) unit in scope."""
	frappe.has_permission(DOCTYPE, "write", name, throw=True)
	doc = frappe.get_doc(DOCTYPE, name)
	units = get_user_units()
	if units is not None and doc.get(unit_field) not in units:
		frappe.throw(
			_("Only users of org unit {0} may do this on transfer {1}.").format(
				frappe.bold(doc.get(unit_field)), frappe.bold(name)
			),
			frappe.PermissionError,
		)
	return doc
