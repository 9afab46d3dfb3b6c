"""/service: the customer's units, open orders with live status, history and ratings, quotations
and invoices (dms_suite/dms_service/portal.py reads them for the logged-in customer only)."""

from frappe import _

from dms_suite.dms_service import portal

no_cache = 1


def get_context(context):
	portal.require_customer("/service")
	context.update(portal.page_context())
	context.title = _("My Service")
	context.no_breadcrumbs = 1
	return context
