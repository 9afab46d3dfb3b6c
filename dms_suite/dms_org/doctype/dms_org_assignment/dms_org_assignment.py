# Copyright (c) 2026, dms_suite developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from dms_suite.dms_org.user_permissions import sync_user_permissions
from dms_suite.permissions import clear_scope_cache


class DuplicateAssignmentError(frappe.ValidationError):
	pass


class DMSOrgAssignment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		full_name: DF.Data | None
		org_unit: DF.Link
		unit_type: DF.Data | None
		user: DF.Link
	# end: auto-generated types

	def validate(self):
		self.validate_unit_exists()
		self.validate_duplicate()

	def validate_unit_exists(self):
		if not frappe.db.exists("DMS Org Unit", self.org_unit):
			frappe.throw(
				_("Org unit {0} does not exist").format(frappe.bold(self.org_unit)),
				frappe.LinkValidationError,
			)
		if not frappe.db.exists("User", self.user):
			frappe.throw(
				_("User {0} does not exist").format(frappe.bold(self.user)), frappe.LinkValidationError
			)

	def validate_duplicate(self):
		duplicate = frappe.db.exists(
			"DMS Org Assignment", {"user": self.user, "org_unit": self.org_unit, "name": ("!=", self.name)}
		)
		if duplicate:
			frappe.throw(
				_("{0} is already assigned to {1}").format(
					frappe.bold(self.user), frappe.bold(self.org_unit)
				),
				DuplicateAssignmentError,
			)

	def on_update(self):
		self.sync_users()

	def after_delete(self):
		self.sync_users()

	def sync_users(self):
		before = self.get_doc_before_save()
		users = {self.user} | ({before.user} if before else set())
		clear_scope_cache(list(users))
		sync_user_permissions(users)


def on_doctype_update():
	frappe.db.add_unique("DMS Org Assignment", ["user", "org_unit"], constraint_name="unique_user_org_unit")
