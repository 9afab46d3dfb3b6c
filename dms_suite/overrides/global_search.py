"""Global search (the desk's awesome bar) narrowed to the records the user may read.

Frappe's own ``frappe.utils.global_search.search`` checks only that the user may read the doctype
of a hit, not the hit itself, so a store user would see other stores' documents in the results.
For users narrowed by dms_suite the hits are passed through the permission-checked list query:
one query per doctype among the hits, never one per hit.
"""

from collections import defaultdict

import frappe
from frappe.utils.global_search import search as frappe_global_search

from dms_suite.permissions import get_user_units


@frappe.whitelist()
def search(text: str, start: int = 0, limit: int = 20, doctype: str = "") -> list[dict]:
	results = frappe_global_search(text, start=start, limit=limit, doctype=doctype)
	if get_user_units() is None:
		return results
	return only_permitted(results)


def only_permitted(results: list[dict]) -> list[dict]:
	names_by_doctype = defaultdict(list)
	for hit in results:
		names_by_doctype[hit["doctype"]].append(hit["name"])
	permitted = {
		(doctype, name)
		for doctype, names in names_by_doctype.items()
		for name in frappe.get_list(
			doctype, filters={"name": ("in", names)}, pluck="name", limit_page_length=0
		)
	}
	return [hit for hit in results if (hit["doctype"], hit["name"]) in permitted]
