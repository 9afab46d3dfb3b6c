"""doc_events on Frappe's User."""

from dms_suite.dms_org.user_permissions import sync_user_permissions
from dms_suite.permissions import clear_scope_cache


def sync_dms_user_permissions(doc, method=None):
	"""Roles decide whether a user is unrestricted; keep their managed User Permissions in step."""
	before = doc.get_doc_before_save()
	if before is not None and {r.role for r in before.roles} == {r.role for r in doc.roles}:
		return
	clear_scope_cache([doc.name])
	sync_user_permissions([doc.name])
