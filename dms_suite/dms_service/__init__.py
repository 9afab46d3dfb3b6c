"""After-sales service (module *DMS Service*): the register of customers' units by VIN, service
orders from booking to invoice, service packages inherited down the org tree, service quality,
and the customer portal.

Each part is a plain module here and, like the sales parts, may define ``CUSTOM_FIELDS``,
``configure()`` (idempotent: install and every migrate), ``after_install()`` (one-time data) and ``before_uninstall()`` (dms_suite/setup.py calls them for every module in
``PARTS``).
"""

PARTS = (
	"dms_suite.dms_service.settings",
	"dms_suite.dms_service.units",
	"dms_suite.dms_service.packages",
	"dms_suite.dms_service.orders",
	"dms_suite.dms_service.parts",
	"dms_suite.dms_service.billing",
	"dms_suite.dms_service.quality",
	"dms_suite.dms_service.portal",
)
