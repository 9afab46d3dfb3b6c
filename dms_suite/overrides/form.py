"""The desk form's load (``frappe.desk.form.load.getdoc`` / ``get_docinfo``) without the values a user
may not read.

Frappe masks a document's fields by permission level, but the form's ``docinfo`` carries the record's
Version history, read with ``frappe.get_all`` and sent whole: the before and after values of every
change, masked fields included (a store user would read a customer's old and new phone there). Here the
changes of fields the user may not read keep their field name (the timeline still says what changed)
and lose their values.
"""

import json

import frappe
from frappe.desk.form import load as frappe_load

from dms_suite.overrides.search import unreadable_fields

HIDDEN = "***"


@frappe.whitelist()
def getdoc(doctype: str, name: str):
	result = frappe_load.getdoc(doctype, name)
	scrub_response_versions(doctype)
	return result


@frappe.whitelist()
def get_docinfo(doc=None, doctype: str | None = None, name: str | None = None):
	result = frappe_load.get_docinfo(doc=doc, doctype=doctype, name=name)
	scrub_response_versions(doctype or (doc.doctype if doc else None))
	return result


def scrub_response_versions(doctype: str | None) -> None:
	docinfo = frappe.response.get("docinfo") or {}
	if doctype and docinfo.get("versions"):
		scrub_versions(doctype, docinfo["versions"])


def scrub_versions(doctype: str, versions: list[dict]) -> None:
	"""Blank the values of unreadable fields in Version ``data`` (changed fields and changed rows)."""
	hidden = unreadable_fields(doctype)
	if not hidden:
		return
	for version in versions:
		try:
			data = json.loads(version.get("data") or "{}")
		except ValueError:
			continue
		data["changed"] = [
			[change[0], HIDDEN, HIDDEN] if change and change[0] in hidden else change
			for change in data.get("changed") or []
		]
		version["data"] = json.dumps(data)
