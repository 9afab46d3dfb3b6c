"""Internal customers, suppliers and the price list that ERPNext's inter-company path needs.

A Delivery Note from company A to company B goes to the *internal customer* that represents B
(allowed to transact with A); the matching Purchase Receipt in B comes from the *internal
supplier* that represents A (allowed to transact with B). Both are found by ``represents_company``
(ERPNext allows one internal party per represented company) and created or extended when missing.
"""

import frappe

INTER_COMPANY_PRICE_LIST = "DMS Inter Company"


def ensure_internal_parties(source_company: str, target_company: str) -> tuple[str, str]:
	"""(internal customer representing the target, internal supplier representing the source)."""
	customer = _ensure_internal_party("Customer", represents=target_company, allowed=source_company)
	supplier = _ensure_internal_party("Supplier", represents=source_company, allowed=target_company)
	return customer, supplier


def ensure_inter_company_price_list(currency: str) -> str:
	"""A price list usable for both selling and buying in ``currency`` (ERPNext needs one on the DN)."""
	name = frappe.db.get_value(
		"Price List", {"currency": currency, "buying": 1, "selling": 1, "enabled": 1}, "name"
	)
	if name:
		return name
	return (
		frappe.get_doc(
			{
				"doctype": "Price List",
				"price_list_name": f"{INTER_COMPANY_PRICE_LIST} {currency}",
				"currency": currency,
				"buying": 1,
				"selling": 1,
				"enabled": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def _ensure_internal_party(doctype: str, represents: str, allowed: str) -> str:
	flag = "is_internal_customer" if doctype == "Customer" else "is_internal_supplier"
	party = frappe.db.get_value(doctype, {flag: 1, "represents_company": represents}, "name")
	if not party:
		return _make_internal_party(doctype, flag, represents, allowed)

	allowed_already = frappe.db.exists(
		"Allowed To Transact With", {"parenttype": doctype, "parent": party, "company": allowed}
	)
	if not allowed_already:
		doc = frappe.get_doc(doctype, party)
		doc.append("companies", {"company": allowed})
		doc.save(ignore_permissions=True)
	return party


def _make_internal_party(doctype: str, flag: str, represents: str, allowed: str) -> str:
	if doctype == "Customer":
		fields = {
			"customer_name": represents,
			"customer_group": _leaf_or_root("Customer Group"),
			"territory": _leaf_or_root("Territory"),
		}
	else:
		fields = {"supplier_name": represents, "supplier_group": _leaf_or_root("Supplier Group")}
	doc = frappe.get_doc(
		{
			"doctype": doctype,
			**fields,
			flag: 1,
			"represents_company": represents,
			"companies": [{"company": allowed}],
		}
	)
	return doc.insert(ignore_permissions=True).name


def _leaf_or_root(doctype: str) -> str:
	"""A non-group node of a tree master (any), or its root."""
	return frappe.db.get_value(doctype, {"is_group": 0}, "name", order_by="lft") or frappe.db.get_value(
		doctype, {"parent_" + frappe.scrub(doctype): ("is", "not set")}, "name"
	)
