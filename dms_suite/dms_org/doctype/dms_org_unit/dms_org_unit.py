# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils.nestedset import NestedSet

from dms_suite.dms_org import tree
from dms_suite.dms_org.document_unit import clear_unit_maps, enqueue_backfill
from dms_suite.dms_org.policy import clear_policy_cache
from dms_suite.dms_org.user_permissions import sync_user_permissions, users_assigned_within
from dms_suite.permissions import clear_scope_cache, get_user_units

# fields whose change alters which ERPNext records the unit's users may see
MAPPING_FIELDS = ("parent_dms_org_unit", "company", "cost_center", "stock_warehouse", "transit_warehouse")


class DMSOrgUnit(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dms_suite.dms_org.doctype.dms_org_unit_policy.dms_org_unit_policy import DMSOrgUnitPolicy
		from dms_suite.dms_org.doctype.dms_org_unit_warehouse.dms_org_unit_warehouse import (
			DMSOrgUnitWarehouse,
		)

		business_line: DF.Literal["", "Passenger Vehicles", "Commercial Vehicles", "Construction Equipment"]
		company: DF.Link
		cost_center: DF.Link | None
		is_group: DF.Check
		latitude: DF.Float
		lft: DF.Int
		longitude: DF.Float
		old_parent: DF.Link | None
		parent_dms_org_unit: DF.Link | None
		policies: DF.Table[DMSOrgUnitPolicy]
		rgt: DF.Int
		stock_warehouse: DF.Link | None
		territory: DF.Link | None
		transit_warehouse: DF.Link | None
		unit_code: DF.Data
		unit_name: DF.Data
		unit_type: DF.Literal["Group", "Region", "Store"]
		warehouses: DF.Table[DMSOrgUnitWarehouse]
	# end: auto-generated types

	nsm_parent_field = "parent_dms_org_unit"

	def autoname(self):
		self.unit_code = (self.unit_code or "").strip()
		self.name = self.unit_code

	def validate(self):
		tree.keep_server_tree_fields(self)
		tree.validate_privileged_change(self)
		tree.validate_unit_code(self)
		tree.validate_type_change(self)
		tree.validate_parent(self)
		tree.validate_mapping(self)
		tree.validate_children_still_fit(self)
		tree.validate_coordinates(self)
		tree.validate_policies(self)
		self.validate_move_permission()

	def validate_move_permission(self):
		"""Moving a unit needs write access on its new parent, not only on the unit."""
		if (
			self.is_new()
			or frappe.flags.ignore_permissions
			or not self.has_value_changed("parent_dms_org_unit")
		):
			return
		if self.parent_dms_org_unit:
			frappe.has_permission("DMS Org Unit", "write", self.parent_dms_org_unit, throw=True)

	def on_update(self):
		super().on_update()
		clear_tree_caches()
		tree.record_move(self)
		before = self.get_doc_before_save()
		if (
			before is None
			or any(before.get(f) != self.get(f) for f in MAPPING_FIELDS)
			or self.warehouses_changed(before)
		):
			units = [self.name] + (
				[before.parent_dms_org_unit] if before and before.parent_dms_org_unit else []
			)
			sync_user_permissions(users_assigned_within(units))
			enqueue_backfill()  # documents in newly mapped warehouses get their unit

	def warehouses_changed(self, before) -> bool:
		return {r.warehouse for r in before.warehouses} != {r.warehouse for r in self.warehouses}

	def on_trash(self):
		users = users_assigned_within([self.name])
		super().on_trash(allow_root_deletion=True)
		clear_tree_caches()
		self.flags.users_to_sync = users

	def after_delete(self):
		sync_user_permissions(self.flags.users_to_sync or [])


def clear_tree_caches():
	"""Everything derived from the tree: effective policies, user scopes, the document-unit maps."""
	clear_policy_cache()
	clear_scope_cache()
	clear_unit_maps()


@frappe.whitelist()
def get_children(doctype: str, parent: str | None = None, is_root: bool = False, **filters) -> list[dict]:
	"""Tree view: the children of ``parent`` the user may see (permission-checked by get_list).

	Without a parent (the tree's first call, or the root of a forest), a user who cannot see the
	group gets the tops of what they can see: their assigned units (a region manager's tree starts
	at the region; a user of two stores in two regions gets two roots).
	"""
	fields = ["name as value", "unit_name as title", "is_group as expandable", "unit_type", "company"]
	if parent and parent != doctype:
		return frappe.get_list(
			"DMS Org Unit", fields=fields, filters={"parent_dms_org_unit": parent}, order_by="unit_name"
		)

	units = get_user_units()
	if units is None:
		return frappe.get_list(
			"DMS Org Unit",
			fields=fields,
			filters={"parent_dms_org_unit": ("is", "not set")},
			order_by="unit_name",
		)
	visible = frappe.get_list(
		"DMS Org Unit", fields=[*fields, "parent_dms_org_unit"], order_by="unit_name", limit_page_length=0
	)
	return [row for row in visible if row.pop("parent_dms_org_unit") not in units]
