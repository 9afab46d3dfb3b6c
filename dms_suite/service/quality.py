"""Service quality: the customer's rating of a finished service.

Repeat repairs are flagged on the order itself as it is written (dms_suite/service/orders.py,
``flag_repeat_repairs``); the report *DMS Service Quality* counts both per store and region.
"""

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from dms_suite.service.orders import DONE_STATES, ServiceOrderError

RATING_SCALE = (1, 5)


class RatingError(ServiceOrderError):
	pass


def rate_service(
	order: str, rating: int, comment: str | None = None, ignore_permissions: bool = False
) -> None:
	"""Record the customer's satisfaction (1 to 5) with a delivered service, once.

	From the portal the customer's own order is checked by the caller (``ignore_permissions``); on
	the desk the advisor needs write permission on the order.
	"""
	doc = frappe.get_doc("Service Order", order)
	if not ignore_permissions:
		doc.check_permission("write")
	if doc.status not in DONE_STATES:
		frappe.throw(
			_("{0} can be rated once it is delivered (it is {1}).").format(
				frappe.bold(doc.name), _(doc.status)
			),
			RatingError,
			title=_("Not Delivered Yet"),
		)
	if doc.rating:
		frappe.throw(
			_("{0} has already been rated.").format(frappe.bold(doc.name)),
			RatingError,
			title=_("Already Rated"),
		)
	value = cint(rating) if str(rating).strip().lstrip("-").isdigit() else None
	if value is None or not RATING_SCALE[0] <= value <= RATING_SCALE[1]:
		frappe.throw(
			_("A rating is a whole number from {0} to {1}; {2} is not.").format(
				RATING_SCALE[0], RATING_SCALE[1], frappe.bold(rating)
			),
			RatingError,
			title=_("Invalid Rating"),
		)
	doc.db_set(
		{
			"rating": value,
			"rating_comment": (comment or "").strip()[:1000] or None,
			"rated_by": frappe.session.user,
			"rated_on": now_datetime(),
		},
		notify=True,
	)
	doc.add_comment("Info", _("Rated {0} of {1}").format(value, RATING_SCALE[1]))


@frappe.whitelist()
def rate_service_from_desk(service_order: str, rating: int, comment: str | None = None) -> None:
	"""The advisor records the rating the customer gave in person or by phone."""
	rate_service(service_order, rating, comment)
