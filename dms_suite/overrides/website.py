"""ERPNext's portal pages of transactions (``/quotations/<name>``, ``/orders``, ``/invoices``,
``/shipments``…) and ``/printview`` ask ``has_website_permission``.

ERPNext's rule (``website_list_for_contact.has_website_permission``) lets a desk user with read on the
doctype open any document whose customer appears in their Customer list; every internal customer (a
group company) is in every DMS user's list, so another region's inter-company deliveries opened.
Frappe denies when any registered hook denies: this one answers, for narrowed DMS users, what the
desk answers (dms_suite.permissions), and leaves everyone else (portal customers, plain ERPNext users)
to ERPNext.
"""

import frappe

from dms_suite.permissions import get_user_units


def has_website_permission(
	doc, ptype: str | None = None, user: str | None = None, verbose: bool = False
) -> bool:
	if get_user_units(user) is None:
		return True
	return bool(frappe.has_permission(doc.doctype, "read", doc=doc, user=user))
