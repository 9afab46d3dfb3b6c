"""Posting benchmark: ms to post an approved transfer (dispatch + receipt) beside the same ERPNext
documents posted directly, and ms to create and approve a transfer.

    cd $BENCH/apps/dms_suite && DMS_SITE=<site with the demo> $BENCH/env/bin/python benchmarks/bench_transfer_posting.py [--runs 10]

Same company: N-BJ → N-TJ (transit Stock Entry + ERPNext's receipt entry). Inter company: E-SH → S-GZ
(transit Stock Entry, Delivery Note, inter-company Purchase Receipt). Everything is rolled back.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import connect, describe

BENCH = Path(os.environ.get("DMS_BENCH", "/home/frappe/frappe-bench"))
ITEM = "PT-OIL-FILTER"


def units(frappe, source, target):
	"""Source company and parts warehouse, target company and parts warehouse, the source region's transit."""

	def unit(name):
		return frappe.db.get_value("DMS Org Unit", name, ["company", "transit_warehouse"], as_dict=True)

	def parts(name):
		return frappe.db.get_value(
			"DMS Org Unit Warehouse", {"parent": name, "purpose": "Parts"}, "warehouse"
		)

	region = frappe.db.get_value("DMS Org Unit", source, "parent_dms_org_unit")
	return (
		unit(source).company,
		parts(source),
		unit(target).company,
		parts(target),
		unit(region).transit_warehouse,
	)


def approved_transfer(frappe, source, target):
	"""A transfer taken through its approval chain (Administrator holds every approver role)."""
	from frappe.model.workflow import apply_workflow

	_c, source_wh, _t, target_wh, _transit = units(frappe, source, target)
	doc = frappe.get_doc(
		{
			"doctype": "Cross Region Transfer",
			"source_unit": source,
			"source_warehouse": source_wh,
			"target_unit": target,
			"target_warehouse": target_wh,
			"items": [{"item_code": ITEM, "qty": 1}],
		}
	).insert()
	doc = apply_workflow(doc, "Submit for Approval")
	while doc.docstatus == 0:
		doc = apply_workflow(doc, "Approve")  # the last approval reserves the stock
	return doc


def ours(frappe, doc):
	from dms_suite.dms_stock import transfer

	transfer.dispatch(doc)
	doc.reload()
	transfer.receive(doc, {ITEM: 1})


def native(frappe, source, target):
	from erpnext.stock.doctype.delivery_note.delivery_note import make_inter_company_purchase_receipt
	from erpnext.stock.doctype.stock_entry.stock_entry import make_stock_in_entry

	from dms_suite.dms_stock.internal_parties import ensure_inter_company_price_list, ensure_internal_parties

	company, source_wh, target_company, target_wh, transit = units(frappe, source, target)
	out = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"company": company,
			"add_to_transit": 1,
			"items": [{"item_code": ITEM, "qty": 1, "s_warehouse": source_wh, "t_warehouse": transit}],
		}
	).insert()
	out.submit()
	if company == target_company:
		entry = make_stock_in_entry(out.name)
		entry.items[0].t_warehouse = target_wh
		entry.insert()
		entry.submit()
		return
	customer, _supplier = ensure_internal_parties(company, target_company)
	rate = frappe.db.get_value("Bin", {"item_code": ITEM, "warehouse": transit}, "valuation_rate")
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": company,
			"customer": customer,
			"selling_price_list": ensure_inter_company_price_list("CNY"),
			"items": [{"item_code": ITEM, "qty": 1, "rate": rate, "warehouse": transit}],
		}
	).insert()
	note.submit()
	receipt = make_inter_company_purchase_receipt(note.name)
	for row in receipt.items:
		row.warehouse = target_wh
	receipt.insert()
	receipt.submit()


def measure(frappe, source, target, runs):
	"""Medians (ms) of: posting an approved transfer (dispatch + receipt), posting the same documents
	directly, and taking a transfer through creation and approval."""
	native(frappe, source, target)  # warm caches
	ours(frappe, approved_transfer(frappe, source, target))
	posting, direct, approval = [], [], []
	for _ in range(runs):
		start = time.perf_counter()
		doc = approved_transfer(frappe, source, target)
		approval.append(time.perf_counter() - start)
		start = time.perf_counter()
		ours(frappe, doc)
		posting.append(time.perf_counter() - start)
		start = time.perf_counter()
		native(frappe, source, target)
		direct.append(time.perf_counter() - start)
	return (statistics.median(x) * 1000 for x in (posting, direct, approval))


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--runs", type=int, default=10)
	args = parser.parse_args()

	frappe = connect()
	try:
		print("machine:", describe(frappe))
		for label, source, target in (("same company", "N-BJ", "N-TJ"), ("inter company", "E-SH", "S-GZ")):
			posting, direct, approval = measure(frappe, source, target, args.runs)
			print(
				f"{label} {source} -> {target}: posting an approved transfer (dispatch + receipt) median "
				f"{posting:.0f} ms; the same ERPNext documents posted directly {direct:.0f} ms; overhead "
				f"{100 * (posting - direct) / direct:+.0f}%. Creating and approving it: {approval:.0f} ms ({args.runs} runs)"
			)
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
