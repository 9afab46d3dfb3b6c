"""Contracts from clause templates, versioned by amendment; the order's way to delivery for sales.

The contract is ERPNext's own Contract (submitted = signed; changed only by cancel and amend, which
keeps every version: CON-0001, CON-0001-1, ...). Its clauses come from an ERPNext Contract Template,
rendered with the quotation or order it is for. dms_suite adds the org unit (the document's: the
contract is isolated with it) and a version number that follows the amendment chain.
"""

import frappe
from frappe import _
from frappe.utils import cint

from dms_suite.overrides.templates import render_user_template

CONTRACT_DOCUMENTS = ("Quotation", "Sales Order")

CUSTOM_FIELDS = {
	"Contract": [
		{
			"fieldname": "dms_org_unit",
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"label": "DMS Org Unit",
			"insert_after": "party_user",
			"read_only": 1,
			"search_index": 1,
			"in_standard_filter": 1,
			"ignore_user_permissions": 1,
			"description": "The store of the quotation or order the contract is for.",
		},
		{
			"fieldname": "dms_version",
			"fieldtype": "Int",
			"label": "Version",
			"insert_after": "dms_org_unit",
			"read_only": 1,
			"description": "1 for the first contract; each amendment adds one.",
		},
	],
}


class ContractDocumentError(frappe.ValidationError):
	pass


def validate_contract(doc, method=None) -> None:
	"""doc_events ``validate`` of Contract: unit from its document, version from its amendment chain."""
	if doc.document_type in CONTRACT_DOCUMENTS and doc.document_name:
		if doc.is_new() or doc.has_value_changed("document_name"):
			# the unit comes from the document: only someone who may read it may contract on it
			frappe.has_permission(doc.document_type, "read", doc.document_name, throw=True)
		doc.dms_org_unit = frappe.db.get_value(doc.document_type, doc.document_name, "dms_org_unit")
	doc.dms_version = (
		cint(frappe.db.get_value("Contract", doc.amended_from, "dms_version")) + 1 if doc.amended_from else 1
	)


def check_document_type(document_type: str) -> None:
	if document_type not in CONTRACT_DOCUMENTS:
		frappe.throw(
			_("Contracts are made for {0}").format(", ".join(_(d) for d in CONTRACT_DOCUMENTS)),
			ContractDocumentError,
		)


def make_contract(document_type: str, document_name: str, template: str):
	"""A draft Contract for a quotation or order, its terms rendered from ``template``; the open one
	already made for the document is returned instead of a second (a double click is harmless)."""
	check_document_type(document_type)
	source = frappe.get_doc(document_type, document_name)
	if source.docstatus == 2:
		frappe.throw(
			_("{0} {1} is cancelled").format(_(document_type), frappe.bold(document_name)),
			ContractDocumentError,
		)
	existing = frappe.db.get_value(
		"Contract",
		{"document_type": document_type, "document_name": document_name, "docstatus": ("<", 2)},
		"name",
	)
	if existing:
		return frappe.get_doc("Contract", existing)
	frappe.has_permission("Contract Template", "read", template, throw=True)
	template_terms = frappe.db.get_value("Contract Template", template, "contract_terms")
	customer = source.customer if document_type == "Sales Order" else source.party_name
	contract = frappe.get_doc(
		{
			"doctype": "Contract",
			"party_type": "Customer",
			"party_name": customer,
			"contract_template": template,
			"contract_terms": render_user_template(template_terms, source),
			"start_date": source.transaction_date,
			"document_type": document_type,
			"document_name": document_name,
		}
	)
	contract.insert()
	return contract


def contract_history(name: str) -> list[dict]:
	"""Every version of a contract, first to last (an amendment keeps the document it is for, so the
	versions are the contracts of that document; one query)."""
	contract = frappe.db.get_value("Contract", name, ["document_type", "document_name"], as_dict=True)
	if not contract or not contract.document_name:
		return frappe.get_all(
			"Contract",
			filters={"name": name},
			fields=["name", "dms_version", "status", "docstatus", "amended_from"],
		)
	return frappe.get_all(
		"Contract",
		filters={"document_type": contract.document_type, "document_name": contract.document_name},
		fields=["name", "dms_version", "status", "docstatus", "amended_from"],
		order_by="dms_version asc, creation asc",
	)
