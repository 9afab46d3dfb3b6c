"""/service/projects: the customer's projects with milestones, % complete, the next deliveries and
the documents shared with them (dms_suite/dms_projects/portal.py), for the logged-in customer only."""

from frappe import _

from dms_suite.dms_projects.portal import customer_projects
from dms_suite.dms_service import portal

no_cache = 1


def get_context(context):
	customers = portal.require_customer("/service/projects")
	context.projects = customer_projects(customers)
	context.title = _("My Projects")
	context.no_breadcrumbs = 1
	return context
