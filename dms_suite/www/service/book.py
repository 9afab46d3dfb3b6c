"""/service/book: book a service appointment for one of the customer's units."""

from frappe import _

from dms_suite.dms_service import portal

no_cache = 1


def get_context(context):
	portal.require_customer("/service/book")
	customers = portal.portal_customers()
	context.title = _("Book a Service")
	context.units = portal.units(customers)
	context.stores = portal.stores()
	context.categories = portal.categories()
	context.no_breadcrumbs = 1
	return context
