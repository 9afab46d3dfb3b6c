"""Whitelisted methods of Frappe and ERPNext answer only for records the user may read.

ERPNext's helpers take a company, warehouse, account, party or project and answer for it straight
from the database: ``erpnext.accounts.utils.get_balance_on`` (another company's balances), the
Account tree's ``get_children``, ``erpnext.stock.utils.get_stock_balance`` and ``get_bin_details``
(another store's stock), ``erpnext.accounts.party.get_party_details`` (another store's customer),
query reports such as *Sales Analytics* or *Stock Analytics* run with another company in their
filters. Overriding each would chase them one by one; instead one check runs before every
whitelisted method that is not dms_suite's own (dms_suite's own check their arguments themselves; here
they are only refused a call that lacks a required one, which Python would answer with a TypeError).

It is registered as a Frappe ``auth_hooks`` entry: Frappe calls those once it knows the request's
user, whether from the session cookie, an API key or OAuth, and before it runs the method. For a
narrowed DMS user, every argument that names such a record — at the top level, or inside the
``filters`` or ``args`` dictionaries that reports and ERPNext's helpers take — must name a record
inside the user's scope (dms_suite's permission hooks and the user's User Permissions; the role's own
permissions stay Frappe's business). Otherwise the call is refused with ``frappe.PermissionError``
(HTTP 403) before the method runs. A name that does not exist is left to the method's own error.
"""

import inspect
import json

import frappe
from frappe import _
from frappe.permissions import has_controller_permissions, has_user_permission

from dms_suite.permissions import get_user_units

# argument name -> the doctype it names
ARGUMENT_DOCTYPES = {
	"company": "Company",
	"warehouse": "Warehouse",
	"set_warehouse": "Warehouse",
	"from_warehouse": "Warehouse",
	"to_warehouse": "Warehouse",
	"s_warehouse": "Warehouse",
	"t_warehouse": "Warehouse",
	"source_warehouse": "Warehouse",
	"target_warehouse": "Warehouse",
	"account": "Account",
	"party_account": "Account",
	"cost_center": "Cost Center",
	"customer": "Customer",
	"project": "Project",
}
NESTED_ARGUMENTS = ("filters", "args")
API_PREFIXES = ("/api/method/", "/api/v1/method/", "/api/v2/method/")


class ArgumentOutOfScopeError(frappe.PermissionError):
	pass


def check_method_arguments() -> None:
	"""``auth_hooks``: refuse a whitelisted call naming a record outside the user's scope, and a call
	of dms_suite's own methods that lacks a required argument."""
	method = requested_method()
	if method and method.startswith("dms_suite."):
		check_required_arguments(method)
		return
	if not method or get_user_units() is None:
		return
	for doctype, name in named_records(frappe.local.form_dict):
		if not in_scope(doctype, name):
			frappe.throw(
				_("{0} {1} is outside your organisation units").format(_(doctype), frappe.bold(name)),
				ArgumentOutOfScopeError,
			)


def check_required_arguments(method: str) -> None:
	"""A missing argument is the caller's mistake (HTTP 417 naming it), not a TypeError (HTTP 500)."""
	try:
		fn = frappe.get_attr(method)
	except Exception:
		return  # not a method: Frappe answers that itself
	parameters = inspect.signature(getattr(fn, "__wrapped__", fn)).parameters.values()
	missing = [
		parameter.name
		for parameter in parameters
		if parameter.default is inspect.Parameter.empty
		and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
		and frappe.local.form_dict.get(parameter.name) is None
	]
	if missing:
		frappe.throw(
			_("{0} needs {1}").format(method, ", ".join(missing)),
			frappe.ValidationError,
			title=_("Missing Argument"),
		)


def requested_method() -> str | None:
	request = getattr(frappe.local, "request", None)
	if request is None:
		return None
	if frappe.local.form_dict.get("cmd"):
		return str(frappe.local.form_dict.cmd)
	for prefix in API_PREFIXES:
		if request.path.startswith(prefix):
			return request.path[len(prefix) :].strip("/") or None
	return None


def named_records(arguments: dict) -> set[tuple[str, str]]:
	"""(doctype, name) for every argument that names a record, top level and one level down."""
	found = set()
	scopes = [arguments]
	for key in NESTED_ARGUMENTS:
		nested = _as_dict(arguments.get(key))
		if nested:
			scopes.append(nested)
	for scope in scopes:
		for key, doctype in ARGUMENT_DOCTYPES.items():
			value = scope.get(key)
			if isinstance(value, str) and value:
				found.add((doctype, value))
		party, party_type = scope.get("party"), scope.get("party_type")
		if isinstance(party, str) and party and isinstance(party_type, str) and party_type:
			found.add((party_type, party))
	return found


def _as_dict(value) -> dict | None:
	if isinstance(value, dict):
		return value
	if isinstance(value, str) and value.startswith("{"):
		try:
			parsed = json.loads(value)
		except ValueError:
			return None
		return parsed if isinstance(parsed, dict) else None
	return None


def in_scope(doctype: str, name: str) -> bool:
	"""The record is inside the user's units (or does not exist, or is of a doctype we do not know)."""
	if not frappe.db.exists("DocType", doctype):
		return True
	meta = frappe.get_meta(doctype)
	if meta.issingle or meta.is_virtual or meta.istable or not frappe.db.exists(doctype, name):
		return True
	doc = frappe.get_doc(doctype, name)
	return has_controller_permissions(doc, "read") and has_user_permission(doc)
