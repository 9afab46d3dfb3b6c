"""Service packages inherited down the org tree (R8).

HQ defines a package on the group unit (a 10,000 km service: labour plus a parts kit). A region
adds a local *variant* of it (``based_on``: winter maintenance in the north, a rainy-season check in
the south), and a store may too. An order at a store gets the variant of its nearest unit on the way
up to HQ, else HQ's own. Resolution is one nested-set query.
"""

import frappe
from frappe import _
from frappe.utils import flt


class InvalidPackageError(frappe.ValidationError):
	pass


def validate_package(doc) -> None:
	if doc.based_on:
		base = frappe.db.get_value(
			"DMS Service Package", doc.based_on, ["org_unit", "based_on"], as_dict=True
		)
		if not base or base.based_on:
			frappe.throw(
				_("A variant is of a package that is not itself a variant; {0} is one.").format(
					frappe.bold(doc.based_on)
				),
				InvalidPackageError,
				title=_("Invalid Variant"),
			)
		if base.org_unit == doc.org_unit or not is_ancestor(base.org_unit, doc.org_unit):
			frappe.throw(
				_("{0} can vary a package of a unit above it; {1} is not above {0}.").format(
					frappe.bold(doc.org_unit), frappe.bold(base.org_unit)
				),
				InvalidPackageError,
				title=_("Invalid Variant"),
			)
		twin = frappe.db.get_value(
			"DMS Service Package",
			{"based_on": doc.based_on, "org_unit": doc.org_unit, "name": ("!=", doc.name or "")},
		)
		if twin:
			frappe.throw(
				_("{0} already has a variant of this package: {1}.").format(frappe.bold(doc.org_unit), twin),
				InvalidPackageError,
				title=_("Duplicate Variant"),
			)
	for row in doc.labour:
		if flt(row.hours) <= 0:
			frappe.throw(
				_("Labour row {0}: hours must be more than zero.").format(row.idx), InvalidPackageError
			)
	for row in doc.parts:
		if flt(row.qty) <= 0:
			frappe.throw(
				_("Parts row {0}: quantity must be more than zero.").format(row.idx), InvalidPackageError
			)
	if doc.parts:
		stock_items = set(
			frappe.get_all(
				"Item",
				filters={"name": ("in", [row.item_code for row in doc.parts]), "is_stock_item": 1},
				pluck="name",
			)
		)
		for row in doc.parts:
			if row.item_code not in stock_items:
				frappe.throw(
					_("Parts row {0}: {1} is not a stock item.").format(row.idx, frappe.bold(row.item_code)),
					InvalidPackageError,
				)


def is_ancestor(ancestor: str, unit: str) -> bool:
	return bool(
		frappe.db.sql(
			"""
			select 1 from `tabDMS Org Unit` a join `tabDMS Org Unit` u
			where a.name = %s and u.name = %s and a.lft <= u.lft and a.rgt >= u.rgt
			""",
			(ancestor, unit),
		)
	)


def _resolved_packages(org_unit: str, base: str | None = None) -> list[dict]:
	"""Enabled packages defined on ``org_unit`` or its ancestors, nearest unit first (one query)."""
	condition = "and coalesce(pkg.based_on, pkg.name) = %(base)s" if base else ""
	return frappe.db.sql(
		f"""
		select pkg.name, pkg.package_name, pkg.org_unit, pkg.based_on,
			coalesce(pkg.based_on, pkg.name) as base, pkg.interval_reading, pkg.description
		from `tabDMS Org Unit` unit
		join `tabDMS Org Unit` ancestor on ancestor.lft <= unit.lft and ancestor.rgt >= unit.rgt
		join `tabDMS Service Package` pkg on pkg.org_unit = ancestor.name
		where unit.name = %(unit)s and pkg.disabled = 0 {condition}
		order by ancestor.lft desc, pkg.package_name
		""",
		{"unit": org_unit, "base": base},
		as_dict=True,
	)


def effective_package(package: str, org_unit: str) -> str:
	"""The package an order at ``org_unit`` gets for ``package`` (a base or any variant of it)."""
	base = frappe.db.get_value("DMS Service Package", package, "based_on") or package
	found = _resolved_packages(org_unit, base)
	return found[0].name if found else package


def packages_for_unit(org_unit: str) -> list[dict]:
	"""Each package a unit may use, once, resolved to its nearest variant."""
	chosen = {}
	for row in _resolved_packages(org_unit):
		chosen.setdefault(row.base, row)
	return sorted(chosen.values(), key=lambda row: row.package_name)


def package_lines(package: str) -> dict[str, list[dict]]:
	"""Labour and parts rows of a package, shaped for a Service Order's tables."""
	doc = frappe.get_cached_doc("DMS Service Package", package)
	return {
		"labour": [
			{"activity_type": row.activity_type, "description": row.description, "hours": row.hours}
			for row in doc.labour
		],
		"parts": [{"item_code": row.item_code, "qty": row.qty} for row in doc.parts],
	}


@frappe.whitelist()
def get_packages_for_unit(org_unit: str) -> list[dict]:
	"""The packages a store's order may use (the form's package picker)."""
	frappe.has_permission("DMS Org Unit", "read", org_unit, throw=True)
	return packages_for_unit(org_unit)
