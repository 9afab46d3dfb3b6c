"""Sales for a dealer group (module *DMS Sales*): leads and their follow-up plans, the group
customer pool, quotation approvals and contracts, joint campaigns.

Each part is a plain module here. A part may define ``CUSTOM_FIELDS`` (created on install and
migrate, removed on uninstall), ``configure()`` (idempotent: install and every migrate), ``after_install()`` (one-time data) and ``before_uninstall()``; dms_suite/setup.py
calls them for every module in ``PARTS``.
"""

PARTS = (
	"dms_suite.dms_sales.leads",
	"dms_suite.dms_sales.followup",
	"dms_suite.dms_sales.customers",
	"dms_suite.dms_sales.quotations",
	"dms_suite.dms_sales.contracts",
	"dms_suite.dms_sales.campaigns",
	# last: the copies of the customers' and leads' masked fields, on doctypes whose rules the parts
	# above have set (the finance role reads quotations)
	"dms_suite.dms_sales.masking",
)
