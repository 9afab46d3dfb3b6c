"""Every doctype that carries another unit's data is isolated: a walk over the whole site.

Candidates: every doctype of dms_suite, and every ERPNext / Frappe doctype with a link to Company,
Warehouse, Customer or DMS Org Unit, or a reference to another document (Comment, File, ToDo,
Version…). For every narrowed demo login that may read a candidate at all:

- the list query Frappe builds for that login must be narrowed (a condition from dms_suite or a
  User Permission), unless the doctype is in ``OPEN`` with the reason it is the group's shared data;
- no record anchored only outside the login's scope may come back, in a list or read by name. The anchors (unit, company,
  warehouse, customer) and the scope are computed here from the org tree and the records, not
  with dms_suite.permissions.
"""

import re
from collections import defaultdict

import pytest

import frappe

from .test_attack_matrix import demo_logins, visible_customers

ANCHORS = ("DMS Org Unit", "Company", "Warehouse", "Customer")
# written out here, not imported from dms_suite.permissions.REFERENCE_FIELDS: the walk's expectations
# do not come from the code under test (a doctype missing there shows here as "not narrowed")
REFERENCE_DOCTYPES = {
	"Comment": ("reference_doctype", "reference_name"),
	"Communication": ("reference_doctype", "reference_name"),
	"ToDo": ("reference_type", "reference_name"),
	"File": ("attached_to_doctype", "attached_to_name"),
	"Version": ("ref_doctype", "docname"),
	"Workflow Action": ("reference_doctype", "reference_name"),
	"Activity Log": ("reference_doctype", "reference_name"),
	"Access Log": ("export_from", "reference_document"),
	"View Log": ("reference_doctype", "reference_name"),
	"DocShare": ("share_doctype", "share_name"),
	"Document Follow": ("ref_doctype", "ref_docname"),
	"Notification Log": ("document_type", "document_name"),
	"Energy Point Log": ("reference_doctype", "reference_name"),
}
# shared by the whole group by design (masters every store sells and services from)
OPEN = {
	"Customer": "the group customer pool: its own rule (dms_suite/dms_sales/customers.py), probed by the matrix",
	"DMS Service Package": "visible above and below its unit by design (a store uses HQ's packages)",
	"Item": "the group's catalogue: every store sells and services the same models and parts",
	"Supplier": "the group's suppliers (manufacturers, the group companies as internal suppliers)",
	"Campaign": "joint campaigns run across units (dms_suite/dms_sales/campaigns.py); results are per unit",
	"DMS Service Category": "the group's catalogue of complaint categories",
}


def candidates() -> list[str]:
	doctypes = set(
		frappe.get_all(
			"DocType",
			filters={"module": ("in", frappe.get_module_list("dms_suite")), "istable": 0, "issingle": 0},
			pluck="name",
		)
	)
	links = frappe.get_all(
		"DocField",
		filters={"fieldtype": "Link", "options": ("in", ANCHORS), "parenttype": "DocType"},
		pluck="parent",
	)
	custom = frappe.get_all(
		"Custom Field", filters={"fieldtype": "Link", "options": ("in", ANCHORS)}, pluck="dt"
	)
	for doctype in {*links, *custom, *REFERENCE_DOCTYPES}:
		meta = frappe.get_meta(doctype)
		if not (meta.istable or meta.issingle or meta.is_virtual) and frappe.db.table_exists(doctype):
			doctypes.add(doctype)
	return sorted(doctypes - set(OPEN))


def anchor_fields(doctype: str) -> dict[str, list[str]]:
	fields = defaultdict(list)
	for df in frappe.get_meta(doctype).get_link_fields():
		# a link Frappe's User Permissions ignore (an internal supplier's company) places nothing
		if df.options in ANCHORS and not df.ignore_user_permissions:
			fields[df.options].append(df.fieldname)
	if doctype in ANCHORS:
		# an anchor master is anchored by itself (a company by its own name, not by its parent company)
		fields = {doctype: ["name"]}
	return fields


class Scope:
	"""What a login may see, from the tree and the records (independent of dms_suite.permissions)."""

	def __init__(self, units: set[str]):
		unit_rows = frappe.get_all(
			"DMS Org Unit",
			filters={"name": ("in", list(units) or [""])},
			fields=["name", "company", "stock_warehouse", "transit_warehouse"],
		)
		self.allowed = {
			"DMS Org Unit": set(units),
			"Company": {row.company for row in unit_rows if row.company},
			"Warehouse": self._warehouses(unit_rows),
			"Customer": visible_customers(units),
		}

	@staticmethod
	def _warehouses(unit_rows) -> set[str]:
		roots = {w for row in unit_rows for w in (row.stock_warehouse, row.transit_warehouse) if w}
		roots |= set(
			frappe.get_all(
				"DMS Org Unit Warehouse",
				filters={
					"parenttype": "DMS Org Unit",
					"parent": ("in", [row.name for row in unit_rows] or [""]),
				},
				pluck="warehouse",
			)
		)
		if not roots:
			return set()
		return set(
			frappe.db.sql_list(
				"""
				select distinct below.name from `tabWarehouse` root
				join `tabWarehouse` below on below.lft >= root.lft and below.rgt <= root.rgt
				where root.name in %(roots)s
				""",
				{"roots": tuple(roots)},
			)
		)

	def foreign(self, doctype: str) -> set[str]:
		"""Records with an anchor and none of their anchors in scope."""
		fields = anchor_fields(doctype)
		if doctype in REFERENCE_DOCTYPES:
			return self._foreign_references(doctype)
		if not fields:
			return set()
		names = set()
		columns = [f for group in fields.values() for f in group]
		for row in frappe.get_all(doctype, fields=list({"name", *columns}), limit=2000):
			anchors = [(anchor, row.get(f)) for anchor, group in fields.items() for f in group if row.get(f)]
			if anchors and not any(value in self.allowed[anchor] for anchor, value in anchors):
				names.add(row.name)
		return names

	def anchors_of(self, doctype: str, name: str) -> list:
		if doctype in REFERENCE_DOCTYPES:
			return list(frappe.db.get_value(doctype, name, list(REFERENCE_DOCTYPES[doctype])))
		fields = anchor_fields(doctype)
		row = frappe.db.get_value(
			doctype, name, [f for group in fields.values() for f in group], as_dict=True
		)
		return [(f, v) for f, v in row.items() if v]

	def _foreign_references(self, doctype: str) -> set[str]:
		dt_field, name_field = REFERENCE_DOCTYPES[doctype]
		names = set()
		rows = frappe.get_all(doctype, fields=["name", dt_field, name_field], limit=5000)
		by_doctype = defaultdict(set)
		for row in rows:
			if row.get(dt_field) and row.get(name_field):
				by_doctype[row.get(dt_field)].add(row.get(name_field))
		foreign_targets = {
			target: self.foreign(target) & referenced
			for target, referenced in by_doctype.items()
			if target not in REFERENCE_DOCTYPES and frappe.db.exists("DocType", target)
		}
		for row in rows:
			if row.get(name_field) in foreign_targets.get(row.get(dt_field), ()):
				names.add(row.name)
		return names


@pytest.fixture(scope="module")
def logins():
	if not frappe.db.exists("DMS Org Unit", "N-BJ"):
		pytest.skip("needs the demo group: bench --site <site> dms-demo")
	return {user: login for user, login in demo_logins().items() if login.units is not None}


def test_every_doctype_with_unit_data_is_isolated(logins):
	doctypes = candidates()
	unnarrowed, leaks, checked, records_checked = [], [], 0, 0
	for user, login in logins.items():
		scope = Scope(login.units)
		frappe.set_user(user)
		try:
			for doctype in doctypes:
				if not frappe.has_permission(doctype, "read"):
					continue
				checked += 1
				sql = frappe.get_list(doctype, fields=["name"], run=0)
				if not re.search(r"\bwhere\b", sql, re.IGNORECASE):
					unnarrowed.append(f"{user}: {doctype}")
				foreign = scope.foreign(doctype)
				records_checked += len(foreign)
				if foreign:
					listed = set(
						frappe.get_list(doctype, filters={"name": ("in", list(foreign))}, pluck="name")
					)
					for name in sorted(listed)[:3]:
						leaks.append(f"{user}: {doctype} {name} {scope.anchors_of(doctype, name)}")
					# the single-record path (form, REST get, frappe.client.get) answers the same
					for name in sorted(foreign)[:2]:
						if frappe.has_permission(doctype, "read", doc=name):
							leaks.append(f"{user}: reads {doctype} {name} {scope.anchors_of(doctype, name)}")
		finally:
			frappe.set_user("Administrator")
	print(
		f"\ndoctype walk: {len(doctypes)} candidate doctypes, {checked} readable (login, doctype) pairs,"
		f" {records_checked} foreign records probed; {len(unnarrowed)} not narrowed, {len(leaks)} leaks"
	)
	assert checked and records_checked, "nothing was probed: the demo is not the expected one"
	assert not unnarrowed and not leaks, "\n".join(unnarrowed[:60] + leaks[:60])
