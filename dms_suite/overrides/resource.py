"""``GET /api/resource/<doctype>/<name>?expand_links=1``, with the linked records' own permissions.

Frappe's ``read_doc`` replaces every link of the document by the linked document whole, through
``frappe.get_doc``: no permission check and no field-level masking, so a service advisor would read the
customer's unmasked phone through a service order. The REST route is not a whitelisted method (it
cannot be overridden), so the request is taken in two steps:

- ``before_request`` takes the flag out of the request before Frappe sees it (Frappe then answers with
  the plain document, checked and masked as usual);
- ``after_request`` expands the links itself: a linked record the user may read, with field-level
  permissions and masking applied as on its own GET; a record the user may not read stays a name.

For everyone: the user is known only after Frappe authenticated the request (API keys are checked
after ``before_request``), and a plain ERPNext user gains nothing from reading records unchecked.
"""

import json
import re

import frappe
from frappe.utils.data import sbool

RESOURCE_PATH = re.compile(r"^/api/(?:v1/)?resource/[^/]+/[^/]+/?$")
FLAG = "dms_expand_links"


def hold_expand_links() -> None:
	"""``before_request``: Frappe must not expand links unchecked."""
	request = getattr(frappe.local, "request", None)
	if not request or request.method != "GET" or not RESOURCE_PATH.match(request.path):
		return
	if "expand_links" in frappe.form_dict:
		wanted = sbool(frappe.form_dict.pop("expand_links"))
		frappe.local.flags[FLAG] = wanted


def expand_links(response=None, request=None) -> None:
	"""``after_request``: expand the answer's links the user may read."""
	if not frappe.local.flags.pop(FLAG, None) or response is None or response.status_code != 200:
		return
	try:
		body = json.loads(response.get_data())
	except ValueError:
		return
	doc = body.get("data")
	if not isinstance(doc, dict) or not doc.get("doctype"):
		return
	expand_document_links(doc)
	for field in frappe.get_meta(doc["doctype"]).get_table_fields():
		for row in doc.get(field.fieldname) or []:
			if isinstance(row, dict):
				expand_document_links(row, doctype=field.options)
	response.set_data(frappe.as_json(body))


def expand_document_links(doc: dict, doctype: str | None = None) -> None:
	"""Replace each link value of ``doc`` by the linked record, where the session user may read it."""
	meta = frappe.get_meta(doctype or doc["doctype"])
	for field in meta.get_link_fields() + meta.get_dynamic_link_fields():
		value = doc.get(field.fieldname)
		if not value or not isinstance(value, str):
			continue
		link_doctype = field.options if field.fieldtype == "Link" else doc.get(field.options)
		if (
			not link_doctype
			or not isinstance(link_doctype, str)
			or not frappe.db.exists("DocType", link_doctype)
		):
			continue
		linked = readable_document(link_doctype, value)
		if linked is not None:
			doc[field.fieldname] = linked


def readable_document(doctype: str, name: str) -> dict | None:
	"""The record as its own ``GET`` would give it to the session user, or None if they may not read it."""
	if frappe.get_meta(doctype).istable or not frappe.db.exists(doctype, name):
		return None
	doc = frappe.get_doc(doctype, name)
	if not doc.has_permission("read"):
		return None
	doc.apply_fieldlevel_read_permissions()
	return doc.as_dict()


# ---------------------------------------------------------------------------------------------
# child rows by name: ``GET /api/resource/Sales Order Item/<row>`` is checked by Frappe against the
# parent *doctype* only. A row is as readable as its parent record, and a row saved or deleted on its
# own (``PUT`` / ``DELETE`` of a child doctype) needs write on its parent record.


def guard_child_row(response=None, request=None) -> None:
	"""``after_request``: a child row read by name is withheld unless its parent record is readable."""
	request = request or getattr(frappe.local, "request", None)
	if (
		response is None
		or response.status_code != 200
		or not request
		or request.method != "GET"
		or not RESOURCE_PATH.match(request.path)
	):
		return
	try:
		doc = json.loads(response.get_data()).get("data")
	except (ValueError, AttributeError):
		return
	if not isinstance(doc, dict) or not doc.get("doctype") or not frappe.db.exists("DocType", doc["doctype"]):
		return
	if not frappe.get_meta(doc["doctype"]).istable or may_use_parent(doc, "read"):
		return
	response.status_code = 403
	response.set_data(
		frappe.as_json({"exc_type": "PermissionError", "exception": "frappe.exceptions.PermissionError"})
	)


def may_use_parent(row, ptype: str) -> bool:
	"""The session user may ``ptype`` the parent record of ``row`` (a row without one: nobody may)."""
	from dms_suite.permissions import get_user_units

	if get_user_units() is None:
		return True
	parenttype, parent = row.get("parenttype"), row.get("parent")
	if not (parenttype and parent and frappe.db.exists(parenttype, parent)):
		return False
	return bool(frappe.has_permission(parenttype, ptype, parent))


def check_child_row_write(doc, method=None) -> None:
	"""doc_events ``*`` ``validate`` / ``on_trash``: a child row saved or deleted on its own."""
	if not doc.meta.istable or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if not may_use_parent(doc, "write"):
		frappe.throw(
			frappe._("You may not change rows of {0} {1}").format(
				frappe._(doc.get("parenttype") or ""), frappe.bold(doc.get("parent") or "")
			),
			frappe.PermissionError,
		)
