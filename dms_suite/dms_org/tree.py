"""Rules of the dealer org tree and its mapping onto ERPNext.

Group → Region → Store. The group is the parent Company; a region is a Company of its own under
it (or shares the group's books); a store lives in its region's company (or is a company of its
own under the region's). Warehouses and the cost center of a unit must belong to the unit's
company. These functions are called from the DMS Org Unit controller and read top to bottom.
"""

import frappe
from frappe import _

# which unit types may stand under which
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
	"Group": ("",),
	"Region": ("Group", "Region"),
	"Store": ("Group", "Region"),
}


class OrgTreeError(frappe.ValidationError):
	pass


class OrgCycleError(OrgTreeError):
	pass


class OrgMappingError(OrgTreeError):
	pass


class DuplicateOrgUnitError(OrgTreeError):
	pass


class OrgMoveNotPermitted(frappe.PermissionError):
	pass


# the nested-set bounds are the server's: scope (a user's units) is computed from them
SERVER_TREE_FIELDS = ("lft", "rgt", "old_parent")
# where a unit stands and which company's books it maps to: changed only by the group's executives
PRIVILEGED_FIELDS = ("parent_dms_org_unit", "company")


def keep_server_tree_fields(unit) -> None:
	"""A stored unit keeps its stored ``lft`` / ``rgt`` / ``old_parent`` whatever the request sent.

	Frappe's NestedSet moves them itself, in SQL, when the parent changes; a value written over
	``frappe.client.set_value`` (or a form loaded before another unit was added) would otherwise be
	saved as it is and widen or corrupt every scope computed from the tree.
	"""
	if unit.is_new():
		return
	stored = frappe.db.get_value("DMS Org Unit", unit.name, SERVER_TREE_FIELDS, as_dict=True)
	if stored:
		unit.update(stored)


def validate_privileged_change(unit) -> None:
	"""Moving a stored unit or remapping its company: group executives and System Managers only."""
	from dms_suite.permissions import get_user_units

	if unit.is_new() or get_user_units() is None:
		return
	changed = [field for field in PRIVILEGED_FIELDS if unit.has_value_changed(field)]
	if changed:
		frappe.throw(
			_("Only the group's executives may move an org unit or change its company ({0})").format(
				", ".join(_(unit.meta.get_label(field)) for field in changed)
			),
			OrgMoveNotPermitted,
		)


def record_move(unit) -> None:
	"""An audit line on the unit when it moved or changed company (Version keeps the values too)."""
	before = unit.get_doc_before_save()
	if before is None:
		return
	for field in PRIVILEGED_FIELDS:
		if (before.get(field) or "") != (unit.get(field) or ""):
			unit.add_comment(
				"Info",
				_("{0} changed from {1} to {2} by {3}").format(
					_(unit.meta.get_label(field)),
					frappe.bold(before.get(field) or "-"),
					frappe.bold(unit.get(field) or "-"),
					frappe.bold(frappe.session.user),
				),
			)


def validate_unit_code(unit) -> None:
	code = (unit.unit_code or "").strip()
	if not code:
		frappe.throw(_("Unit Code is required"), frappe.MandatoryError)
	unit.unit_code = code
	if unit.is_new() and frappe.db.exists("DMS Org Unit", code):
		frappe.throw(
			_("An org unit with code {0} already exists").format(frappe.bold(code)), DuplicateOrgUnitError
		)


def validate_parent(unit) -> None:
	parent = unit.parent_dms_org_unit or ""
	if parent and parent == unit.name:
		frappe.throw(_("An org unit cannot be its own parent"), OrgCycleError)

	parent_row = None
	if parent:
		parent_row = frappe.db.get_value(
			"DMS Org Unit", parent, ["name", "unit_type", "company", "lft", "rgt"], as_dict=True
		)
		if not parent_row:
			frappe.throw(_("Parent unit {0} does not exist").format(frappe.bold(parent)), OrgTreeError)
		if not unit.is_new() and unit.lft and unit.lft <= parent_row.lft and parent_row.rgt <= unit.rgt:
			frappe.throw(
				_("{0} cannot be placed under {1}: {1} is inside it").format(
					frappe.bold(unit.name), frappe.bold(parent)
				),
				OrgCycleError,
			)

	parent_type = parent_row.unit_type if parent_row else ""
	if parent_type not in ALLOWED_PARENTS[unit.unit_type]:
		if not parent_type:
			msg = _("A {0} needs a parent unit").format(_(unit.unit_type))
		elif unit.unit_type == "Group":
			msg = _("A Group is the root of the tree and cannot stand under {0}").format(frappe.bold(parent))
		else:
			msg = _("A {0} cannot stand under a {1} ({2})").format(
				_(unit.unit_type), _(parent_type), frappe.bold(parent)
			)
		frappe.throw(msg, OrgTreeError)

	if parent_row:
		validate_company_under(unit.company, parent_row)


def validate_company_under(company: str, parent_row) -> None:
	"""A unit's company is its parent unit's company or a company below it in ERPNext's company tree."""
	if not company or company == parent_row.company:
		return
	inner = frappe.db.get_value("Company", company, ["lft", "rgt"], as_dict=True)
	outer = frappe.db.get_value("Company", parent_row.company, ["lft", "rgt"], as_dict=True)
	if not (inner and outer and outer.lft < inner.lft and inner.rgt < outer.rgt):
		frappe.throw(
			_("Company {0} is neither {1} nor one of its subsidiaries, so it cannot belong under {2}").format(
				frappe.bold(company), frappe.bold(parent_row.company), frappe.bold(parent_row.name)
			),
			OrgMappingError,
		)


def validate_type_change(unit) -> None:
	"""A store has no children; a unit with children cannot become a store."""
	unit.is_group = 0 if unit.unit_type == "Store" else 1
	if unit.unit_type == "Store" and not unit.is_new():
		if frappe.db.exists("DMS Org Unit", {"parent_dms_org_unit": unit.name}):
			frappe.throw(
				_("{0} has child units, so it cannot be a Store").format(frappe.bold(unit.name)), OrgTreeError
			)


def validate_mapping(unit) -> None:
	"""Warehouses and cost center must belong to the unit's company."""
	warehouses = [row.warehouse for row in unit.warehouses if row.warehouse]
	warehouses += [w for w in (unit.stock_warehouse, unit.transit_warehouse) if w]
	details = {}
	if warehouses:
		details = {
			row.name: row
			for row in frappe.get_all(
				"Warehouse",
				filters={"name": ("in", warehouses)},
				fields=["name", "company", "is_group", "warehouse_type"],
			)
		}
	for warehouse in warehouses:
		row = details.get(warehouse)
		if not row:
			frappe.throw(_("Warehouse {0} does not exist").format(frappe.bold(warehouse)), OrgMappingError)
		if row.company != unit.company:
			frappe.throw(
				_("Warehouse {0} belongs to company {1}, not to {2}").format(
					frappe.bold(warehouse), frappe.bold(row.company), frappe.bold(unit.company)
				),
				OrgMappingError,
			)

	if unit.transit_warehouse and details[unit.transit_warehouse].warehouse_type != "Transit":
		frappe.throw(
			_("Transit Warehouse {0} must be of Warehouse Type Transit").format(
				frappe.bold(unit.transit_warehouse)
			),
			OrgMappingError,
		)
	for warehouse in {w for w in warehouses if w != unit.transit_warehouse}:
		if details[warehouse].is_group:
			frappe.throw(
				_("Stock warehouse {0} is a group warehouse; choose a warehouse that holds stock").format(
					frappe.bold(warehouse)
				),
				OrgMappingError,
			)

	if unit.cost_center:
		cost_center_company = frappe.db.get_value("Cost Center", unit.cost_center, "company")
		if cost_center_company != unit.company:
			frappe.throw(
				_("Cost Center {0} belongs to company {1}, not to {2}").format(
					frappe.bold(unit.cost_center), frappe.bold(cost_center_company), frappe.bold(unit.company)
				),
				OrgMappingError,
			)


def validate_coordinates(unit) -> None:
	if not -90 <= (unit.latitude or 0) <= 90:
		frappe.throw(_("Latitude must lie between -90 and 90"), OrgTreeError)
	if not -180 <= (unit.longitude or 0) <= 180:
		frappe.throw(_("Longitude must lie between -180 and 180"), OrgTreeError)


def validate_policies(unit) -> None:
	from dms_suite.dms_org.policy import parse_policy_value

	seen = set()
	for row in unit.policies:
		if row.policy in seen:
			frappe.throw(
				_("Policy {0} is set twice on {1}").format(frappe.bold(row.policy), frappe.bold(unit.name)),
				OrgTreeError,
			)
		seen.add(row.policy)
		row.value = str(parse_policy_value(row.policy, row.value))


def validate_children_still_fit(unit) -> None:
	"""Changing a unit's company must not strand its children in an unrelated company."""
	if unit.is_new() or not unit.has_value_changed("company"):
		return
	children = frappe.get_all(
		"DMS Org Unit", filters={"parent_dms_org_unit": unit.name}, fields=["name", "company"]
	)
	parent_row = frappe._dict(name=unit.name, company=unit.company)
	for child in children:
		validate_company_under(child.company, parent_row)
