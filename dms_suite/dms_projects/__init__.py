"""Dealer projects (module *DMS Projects*) for construction-equipment dealers: an ERPNext Project at
a store for a group customer, with its budget by cost type, the equipment on site and the documents
shared with the customer; ERPNext Tasks with a material plan each; just-in-time supply of that plan;
cost, earned value and delays from native records; the Gantt board and the customer's progress page.

Each part is a plain module here and, like the sales and service parts, may define
``CUSTOM_FIELDS``, ``configure()`` (idempotent: install and every migrate), ``after_install()`` (one-time data) and ``before_uninstall()`` (dms_suite/setup.py calls them for
every module in ``PARTS``).
"""

PARTS = (
	"dms_suite.dms_projects.project",
	"dms_suite.dms_projects.tasks",
	"dms_suite.dms_projects.supply",
	"dms_suite.dms_projects.costing",
)
