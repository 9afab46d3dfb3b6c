"""The org unit of an ERPNext transaction (``dms_org_unit``), filled on save.

A Stock Entry, Quotation, Sales Invoice… belongs to one org unit, and dms_suite.permissions isolates
it by that unit like any DMS record. The unit is taken, in this order, from:

1. the value the user chose (checked: it must exist and belong to the document's company);
2. the first of the document's warehouses (header, then rows) that is a warehouse of a unit;
3. the document's cost center (header, then rows), if it is a unit's cost center;
4. the unit the creating user is assigned to in that company (the deepest, if several);
5. the topmost unit of the document's company.

A document none of these places (a company outside the dealer org) keeps no unit; DMS users with
a restricted role do not see such documents.
"""

import frappe
from frappe import _

WAREHOUSE_FIELDS = (
	"set_warehouse", "set_from_warehouse", "from_warehouse", "to_warehouse", "set_target_warehouse",
	"warehouse", "s_warehouse", "t_warehouse", "target_warehouse",
)  # fmt: skip
COST_CENTER_FIELDS = ("cost_center",)


class OrgUnitMismatchError(frappe.ValidationError):
	pass


def set_org_unit(doc, method=None):
	"""doc_events ``validate`` of the ERPNext transactions in ERPNEXT_TRANSACTION_DOCTYPES."""
	if doc.get("dms_org_unit"):
		validate_org_unit(doc)
	else:
		doc.dms_org_unit = derive_org_unit(doc)


def validate_org_unit(doc) -> None:
	company = frappe.db.get_value("DMS Org Unit", doc.dms_org_unit, "company")
	if company is None:
		frappe.throw(
			_("DMS Org Unit {0} does not exist").format(frappe.bold(doc.dms_org_unit)),
			frappe.LinkValidationError,
		)
	if doc.get("company") and company != doc.company:
		frappe.throw(
			_("DMS Org Unit {0} belongs to company {1}, not to {2}").format(
				frappe.bold(doc.dms_org_unit), frappe.bold(company), frappe.bold(doc.company)
			),
			OrgUnitMismatchError,
		)


def derive_org_unit(doc) -> str | None:
	company = doc.get("company")
	if not company:
		return None
	return (
		_unit_by_warehouse(company, _values(doc, WAREHOUSE_FIELDS))
		or _unit_by_cost_center(company, _values(doc, COST_CENTER_FIELDS))
		or _unit_of_user(company, frappe.session.user)
		or _top_unit(company)
	)


def _values(doc, fieldnames) -> list[str]:
	"""Values of ``fieldnames`` on the header, then on every child row, in order, without repeats."""
	values = [doc.get(f) for f in fieldnames]
	for table in doc.meta.get_table_fields():
		for row in doc.get(table.fieldname) or []:
			values += [row.get(f) for f in fieldnames]
	return list(dict.fromkeys(v for v in values if v))


def _unit_by_warehouse(company: str, warehouses: list[str]) -> str | None:
	if not warehouses:
		return None
	rows = frappe.db.sql(
		"""
		select unit.name, warehouse.warehouse
		from `tabDMS Org Unit` unit
		join (
			select name as parent, stock_warehouse as warehouse from `tabDMS Org Unit`
			union all select name, transit_warehouse from `tabDMS Org Unit`
			union all select parent, warehouse from `tabDMS Org Unit Warehouse` where parenttype = 'DMS Org Unit'
		) warehouse on warehouse.parent = unit.name
		where unit.company = %(company)s and warehouse.warehouse in %(warehouses)s
		order by unit.lft desc
		""",
		{"company": company, "warehouses": warehouses},
	)
	by_warehouse = {}
	for unit, warehouse in rows:
		by_warehouse.setdefault(warehouse, unit)  # the deepest unit holding the warehouse
	return next((by_warehouse[w] for w in warehouses if w in by_warehouse), None)


def _unit_by_cost_center(company: str, cost_centers: list[str]) -> str | None:
	if not cost_centers:
		return None
	rows = frappe.get_all(
		"DMS Org Unit",
		filters={"company": company, "cost_center": ("in", cost_centers)},
		fields=["name", "cost_center"],
		order_by="lft desc",
	)
	by_cost_center = {}
	for row in rows:
		by_cost_center.setdefault(row.cost_center, row.name)
	return next((by_cost_center[c] for c in cost_centers if c in by_cost_center), None)


def _unit_of_user(company: str, user: str) -> str | None:
	found = frappe.db.sql(
		"""
		select unit.name from `tabDMS Org Assignment` assignment
		join `tabDMS Org Unit` unit on unit.name = assignment.org_unit
		where assignment.user = %s and unit.company = %s
		order by unit.lft desc limit 1
		""",
		(user, company),
	)
	return found[0][0] if found else None


def _top_unit(company: str) -> str | None:
	found = frappe.get_all(
		"DMS Org Unit", filters={"company": company}, pluck="name", order_by="lft asc", limit=1
	)
	return found[0] if found else None
