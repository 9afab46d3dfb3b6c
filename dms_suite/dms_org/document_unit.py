"""The org unit of an ERPNext transaction (``dms_org_unit``), filled on save and backfilled.

A Stock Entry, Quotation, Sales Invoice… belongs to one org unit, and dms_suite.permissions isolates
it by that unit like any DMS record. The unit is taken, in this order, from:

1. the value the user chose (checked: it must exist and belong to the document's company);
2. the first of the document's warehouses (header, then rows) that is a warehouse of a unit;
3. the document's cost center (header, then rows), if it is a unit's cost center;
4. the unit of the document's project (a Task or Timesheet belongs to its project's store);
5. the unit the creating user is assigned to in that company (the deepest, if several);
6. the topmost unit of the document's company.

A document none of these places (a company outside the dealer org) keeps no unit; DMS users with
a restricted role do not see such documents. Documents that existed before dms_suite, or before
the unit owning their warehouse was mapped, are given their unit by ``backfill_org_units``, a
background job queued on install and whenever the tree's mapping changes.

Steps 2, 3 and 6 read one map of the whole tree (three queries, cached in Redis, dropped with the
policy cache whenever an org unit changes), so placing a document costs no query per row.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import frappe
from frappe import _

# ERPNext transactions DMS staff work in: each carries a dms_org_unit field (dms_suite/setup.py) and is
# isolated by it exactly like a DMS doctype (dms_suite/dms_org/permissions.py)
ERPNEXT_TRANSACTION_DOCTYPES = (
	"Lead",
	"Opportunity",
	"Stock Entry",
	"Material Request",
	"Quotation",
	"Sales Order",
	"Sales Invoice",
	"Delivery Note",
	"Purchase Order",
	"Purchase Receipt",
	"Purchase Invoice",
	"Payment Entry",
	"Journal Entry",
	# dealer projects (dms_suite/dms_projects): a task and a timesheet belong to their project's store
	"Project",
	"Task",
	"Timesheet",
)

WAREHOUSE_FIELDS = (
	"set_warehouse", "set_from_warehouse", "from_warehouse", "to_warehouse", "set_target_warehouse",
	"warehouse", "s_warehouse", "t_warehouse", "target_warehouse",
)  # fmt: skip
COST_CENTER_FIELDS = ("cost_center",)
PROJECT_FIELDS = ("project", "parent_project")
MAPS_CACHE_KEY = "dms_suite:unit_maps"
BACKFILL_JOB_ID = "dms_suite_backfill_org_units"


class OrgUnitMismatchError(frappe.ValidationError):
	pass


@dataclass
class UnitMaps:
	"""(company, warehouse) → deepest unit holding it; (company, cost center) → deepest unit with it;
	company → its topmost unit; unit → company."""

	by_warehouse: dict[tuple[str, str], str] = field(default_factory=dict)
	by_cost_center: dict[tuple[str, str], str] = field(default_factory=dict)
	top_unit: dict[str, str] = field(default_factory=dict)
	company_of: dict[str, str] = field(default_factory=dict)

	def place(self, company: str, warehouses: list[str], cost_centers: list[str]) -> str | None:
		for warehouse in warehouses:
			if unit := self.by_warehouse.get((company, warehouse)):
				return unit
		for cost_center in cost_centers:
			if unit := self.by_cost_center.get((company, cost_center)):
				return unit
		return None


def set_org_unit(doc, method=None):
	"""doc_events ``validate`` of the ERPNext transactions in ERPNEXT_TRANSACTION_DOCTYPES."""
	if doc.get("dms_org_unit"):
		validate_org_unit(doc)
	else:
		doc.dms_org_unit = derive_org_unit(doc)


def validate_org_unit(doc) -> None:
	company = get_unit_maps().company_of.get(doc.dms_org_unit)
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
	maps = get_unit_maps()
	return (
		maps.place(company, _values(doc, WAREHOUSE_FIELDS), _values(doc, COST_CENTER_FIELDS))
		or _project_unit(_values(doc, PROJECT_FIELDS), company)
		or _assigned_units([frappe.session.user])[frappe.session.user].get(company)
		or maps.top_unit.get(company)
	)


def place_new_document(doc) -> str | None:
	"""The unit a new document will get on save, for the permission check that runs before
	``validate``: None for a blank document (ERPNext's mappers check "create" before filling it)."""
	if not doc.get("company"):
		return None
	return derive_org_unit(doc) or ""


def _project_unit(projects: list[str], company: str) -> str | None:
	if not projects:
		return None
	return frappe.db.get_value("Project", {"name": projects[0], "company": company}, "dms_org_unit")


def _values(doc, fieldnames) -> list[str]:
	"""Values of ``fieldnames`` on the header, then on every child row, in order, without repeats."""
	values = [doc.get(f) for f in fieldnames]
	for table in doc.meta.get_table_fields():
		for row in doc.get(table.fieldname) or []:
			values += [row.get(f) for f in fieldnames]
	return list(dict.fromkeys(v for v in values if v))


def get_unit_maps() -> UnitMaps:
	return frappe.cache.get_value(MAPS_CACHE_KEY, generator=_load_unit_maps)


def clear_unit_maps() -> None:
	frappe.cache.delete_value(MAPS_CACHE_KEY)


def _load_unit_maps() -> UnitMaps:
	maps = UnitMaps()
	# deepest first, so the first unit seen for a warehouse or cost center is the one that keeps it
	for unit, company, warehouse in frappe.db.sql(
		"""
		select unit.name, unit.company, held.warehouse
		from `tabDMS Org Unit` unit
		join (
			select name as unit, stock_warehouse as warehouse from `tabDMS Org Unit`
			union all select name, transit_warehouse from `tabDMS Org Unit`
			union all select parent, warehouse from `tabDMS Org Unit Warehouse` where parenttype = 'DMS Org Unit'
		) held on held.unit = unit.name
		where held.warehouse is not null and held.warehouse != ''
		order by unit.lft desc
		"""
	):
		maps.by_warehouse.setdefault((company, warehouse), unit)
	for unit, company, cost_center in frappe.db.sql(
		"select name, company, cost_center from `tabDMS Org Unit` order by lft desc"
	):
		maps.company_of[unit] = company
		if cost_center:
			maps.by_cost_center.setdefault((company, cost_center), unit)
		maps.top_unit[company] = unit  # rows come deepest first: the last one is the topmost
	return maps


def _assigned_units(users: list[str] | set[str]) -> dict[str, dict[str, str]]:
	"""user → {company → the deepest unit the user is assigned to in that company}, in one query."""
	by_user = defaultdict(dict)
	if not users:
		return by_user
	rows = frappe.db.sql(
		"""
		select assignment.user, unit.company, unit.name
		from `tabDMS Org Assignment` assignment
		join `tabDMS Org Unit` unit on unit.name = assignment.org_unit
		where assignment.user in %(users)s
		order by unit.lft desc
		""",
		{"users": tuple(users)},
	)
	for user, company, unit in rows:
		by_user[user].setdefault(company, unit)
	return by_user


# ---------------------------------------------------------------------------------------------
# backfill


def enqueue_backfill() -> None:
	"""Queue the backfill once (a queued job is not queued again), after the current transaction."""
	frappe.enqueue(
		"dms_suite.dms_org.document_unit.backfill_org_units",
		queue="long",
		job_id=BACKFILL_JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def backfill_org_units(doctypes: list[str] | None = None, chunk_size: int = 2000) -> dict[str, int]:
	"""Give every transaction without a unit the unit ``derive_org_unit`` would give it on save.

	Per doctype and chunk: one query reads the documents with their header warehouses and cost
	center and the first row's, one UPDATE writes the units. Returns ``{doctype: documents placed}``.
	"""
	maps = get_unit_maps()
	placed = {}
	doctypes = doctypes or list(ERPNEXT_TRANSACTION_DOCTYPES)
	for index, doctype in enumerate(doctypes):
		placed[doctype] = _backfill_doctype(doctype, maps, chunk_size)
		frappe.publish_progress(
			(index + 1) * 100 / len(doctypes), title=_("Placing documents in org units"), description=doctype
		)
	return placed


def _backfill_doctype(doctype: str, maps: UnitMaps, chunk_size: int) -> int:
	meta = frappe.get_meta(doctype)
	header_warehouses = [f for f in WAREHOUSE_FIELDS if meta.has_field(f)]
	total = 0
	project_field = next((f for f in PROJECT_FIELDS if meta.has_field(f)), None)
	if project_field and not header_warehouses:
		# a task or timesheet takes its project's unit (step 4 of derive_org_unit): one UPDATE
		frappe.db.sql(
			f"""update `tab{doctype}` doc join `tabProject` project on project.name = doc.`{project_field}`
			set doc.dms_org_unit = project.dms_org_unit
			where ifnull(doc.dms_org_unit, '') = '' and ifnull(project.dms_org_unit, '') != ''
				and project.company = doc.company"""
		)
		total = frappe.db._cursor.rowcount
	header_cost_centers = [f for f in COST_CENTER_FIELDS if meta.has_field(f)]
	row_table = next(
		(t for t in meta.get_table_fields() if t.fieldname in ("items", "accounts", "references")), None
	)
	row_meta = frappe.get_meta(row_table.options) if row_table else None
	row_warehouses = [f for f in WAREHOUSE_FIELDS if row_meta and row_meta.has_field(f)]
	row_cost_centers = [f for f in COST_CENTER_FIELDS if row_meta and row_meta.has_field(f)]
	companies = tuple(maps.top_unit) or ("",)

	first_row = ""
	if row_table and (row_warehouses or row_cost_centers):
		first_row = f"""
			left join `tab{row_table.options}` row on row.parent = doc.name and row.parenttype = %(doctype)s
				and row.idx = (select min(first.idx) from `tab{row_table.options}` first
					where first.parent = doc.name and first.parenttype = %(doctype)s)"""
	columns = ["doc.name", "doc.company", "doc.owner"]
	columns += [f"doc.`{f}`" for f in header_warehouses + header_cost_centers]
	columns += [f"row.`{f}`" for f in row_warehouses + row_cost_centers] if first_row else []
	n_wh_header, n_cc_header = len(header_warehouses), len(header_cost_centers)
	n_wh_row = len(row_warehouses) if first_row else 0

	while True:
		rows = frappe.db.sql(
			f"""
			select {", ".join(columns)}
			from `tab{doctype}` doc {first_row}
			where ifnull(doc.dms_org_unit, '') = '' and doc.company in %(companies)s
			limit {int(chunk_size)}
			""",
			{"doctype": doctype, "companies": companies},
		)
		if not rows:
			return total
		owners = _assigned_units({row[2] for row in rows})
		units = {}
		for name, company, owner, *values in rows:
			warehouses = (
				values[:n_wh_header]
				+ values[n_wh_header + n_cc_header : n_wh_header + n_cc_header + n_wh_row]
			)
			cost_centers = (
				values[n_wh_header : n_wh_header + n_cc_header]
				+ values[n_wh_header + n_cc_header + n_wh_row :]
			)
			units[name] = (
				maps.place(company, [w for w in warehouses if w], [c for c in cost_centers if c])
				or owners[owner].get(company)
				or maps.top_unit[company]
			)
		frappe.db.sql(
			f"""update `tab{doctype}` set dms_org_unit = case name {" ".join(["when %s then %s"] * len(units))} end
			where name in %s""",
			(*[v for pair in units.items() for v in pair], tuple(units)),
		)
		total += len(units)
		if len(rows) < chunk_size:
			return total
