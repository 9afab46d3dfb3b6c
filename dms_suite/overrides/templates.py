"""Templates that users write (Contract Template clauses, Terms and Conditions) rendered in a sandbox.

Frappe's ``render_template`` hands every template Frappe's "safe" globals: ``frappe.db.sql``,
``frappe.get_all``, ``frappe.db.get_value``… A store manager may write a Contract Template and an
accountant a Terms and Conditions, so a clause such as ``{{ frappe.get_all("Customer", fields=
["mobile_no"]) }}`` would print every customer's phone into the contract. Here a user-written template
sees only the document it is rendered for (its own fields and child rows, as plain values) and a few
formatting helpers; anything else is undefined, and values are HTML-escaped into the clause.

ERPNext's whitelisted ``get_contract_template`` and ``get_terms_and_conditions`` are replaced by the
two functions below (``override_whitelisted_methods``); they also check that the user may read the
template, which ERPNext's do not.
"""

import json

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

import frappe
from frappe import _
from frappe.utils import cint, flt, fmt_money, formatdate


class TemplateRenderError(frappe.ValidationError):
	pass


_ENVIRONMENT = None


def _environment() -> ImmutableSandboxedEnvironment:
	global _ENVIRONMENT
	if _ENVIRONMENT is None:
		env = ImmutableSandboxedEnvironment(autoescape=True)
		# globals: formatting only; none reaches the database or the request
		env.globals = {"formatdate": formatdate, "fmt_money": fmt_money, "flt": flt, "cint": cint}
		_ENVIRONMENT = env
	return _ENVIRONMENT


def document_context(doc) -> dict:
	"""The fields of ``doc`` (a Document, a dict or its JSON) as plain values: scalars, and child rows
	as lists of dicts of scalars. Nothing with methods reaches the template."""
	if isinstance(doc, str):
		try:
			doc = json.loads(doc)
		except ValueError:
			frappe.throw(_("The document to render the template for is not valid JSON"), TemplateRenderError)
	if hasattr(doc, "as_dict"):
		doc = doc.as_dict(convert_dates_to_str=True)
	if not isinstance(doc, dict):
		frappe.throw(_("The document to render the template for must be an object"), TemplateRenderError)
	return {key: _plain(value) for key, value in doc.items() if isinstance(key, str)}


def _plain(value):
	if isinstance(value, str | int | float | bool) or value is None:
		return value
	if isinstance(value, list | tuple):
		return [_plain(v) for v in value]
	if isinstance(value, dict):
		return {k: _plain(v) for k, v in value.items() if isinstance(k, str)}
	return str(value)  # dates, decimals, anything else: its text


def render_user_template(source: str | None, doc) -> str | None:
	"""Render a template a user wrote with the fields of ``doc`` only."""
	if not source:
		return source
	context = document_context(doc)
	try:
		return _environment().from_string(source).render(**context)
	except jinja2.exceptions.SecurityError:
		frappe.throw(_("The template uses something a template may not reach"), TemplateRenderError)
	except jinja2.exceptions.UndefinedError as e:
		frappe.throw(
			_("The template names something the document does not have: {0}").format(frappe.bold(str(e))),
			TemplateRenderError,
		)
	except jinja2.exceptions.TemplateError as e:
		frappe.throw(
			_("The template cannot be rendered: {0}").format(frappe.bold(str(e))), TemplateRenderError
		)


@frappe.whitelist()
def get_contract_template(template_name: str, doc: str | dict) -> dict:
	"""ERPNext's ``get_contract_template``, sandboxed and permission-checked."""
	frappe.has_permission("Contract Template", "read", template_name, throw=True)
	template = frappe.get_doc("Contract Template", template_name)
	return {
		"contract_template": template,
		"contract_terms": render_user_template(template.contract_terms, doc),
	}


@frappe.whitelist()
def get_terms_and_conditions(template_name: str, doc: str | dict) -> str | None:
	"""ERPNext's ``get_terms_and_conditions``, sandboxed and permission-checked."""
	frappe.has_permission("Terms and Conditions", "read", template_name, throw=True)
	terms = frappe.db.get_value("Terms and Conditions", template_name, "terms")
	return render_user_template(terms, doc)
