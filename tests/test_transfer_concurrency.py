"""20 transfers approved at once, each in its own thread and database connection, against stock for 5.

The approvers only see committed data, so this test commits its own setup and deletes it afterwards,
both in connections of their own (never the suite's, whose commit is forbidden). Everything it makes
has a unique suffix and set names (no naming series moves) and hangs off fresh org units under the
site's group company, so it depends on no demo data; afterwards the counts of every doctype it touched
are checked back to what they were.
"""

import threading
import time
import uuid

import pytest

import frappe

from .conftest import BENCH, SITE

APPROVERS = 20
STOCK = 5
SETUP_LOCK_WAIT = 15  # seconds
BLOCKED = (
	"The committed setup waited for a lock held by another open transaction: inserting warehouses and "
	"org units updates their nested sets (lft/rgt), which an uncommitted session that made some (the "
	"org fixture of this very pytest session, or another session on the site) keeps locked. Run this "
	"module first in the session (conftest orders tests marked 'committed' first) and alone on the site."
)
pytestmark = pytest.mark.committed
TOUCHED_DOCTYPES = (
	"Cross Region Transfer",
	"DMS Transfer Item",
	"Stock Entry",
	"Stock Entry Detail",
	"Stock Ledger Entry",
	"GL Entry",
	"Serial and Batch Bundle",
	"Bin",
	"Item",
	"DMS Org Unit",
	"Warehouse",
	"Version",
	"Deleted Document",
)


def in_own_connection(fn, *args, barrier=None, lock_wait=None):
	"""Run ``fn(*args)`` in a new thread with its own site connection; commit if it returns.

	Returns ("ok", value) or ("error", exception).
	"""
	outcome = {}

	def run():
		frappe.init(site=SITE, sites_path=str(BENCH / "sites"))
		frappe.connect()
		frappe.set_user("Administrator")
		frappe.flags.mute_emails = True
		if lock_wait:
			frappe.db.sql("set session innodb_lock_wait_timeout = %s", lock_wait)
		try:
			if barrier:
				barrier.wait()
			value = fn(*args)
			frappe.db.commit()
			outcome["result"] = ("ok", value)
		except Exception as exc:
			frappe.db.rollback()
			outcome["result"] = ("error", exc)
		finally:
			frappe.destroy()

	thread = threading.Thread(target=run)
	thread.start()
	thread.join(timeout=300)
	return outcome.get("result", ("error", TimeoutError()))


def count_all() -> dict[str, int]:
	return {doctype: frappe.db.count(doctype) for doctype in TOUCHED_DOCTYPES}


def build(suffix: str) -> dict:
	"""Group unit + two stores with new warehouses, an item, 5 in stock, 20 draft transfers of 1."""
	company = frappe.db.get_value("Company", {"is_group": 1, "parent_company": ("is", "not set")})
	if not company:
		return {}
	abbr = frappe.get_cached_value("Company", company, "abbr")
	root = frappe.db.get_value("Warehouse", {"company": company, "is_group": 1, "parent_warehouse": ""})
	root = root or frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 1, "parent_warehouse": ("is", "not set")}
	)

	def warehouse(name, **fields):
		return (
			frappe.get_doc(
				{
					"doctype": "Warehouse",
					"warehouse_name": f"{name} {suffix}",
					"company": company,
					"parent_warehouse": root,
					**fields,
				}
			)
			.insert()
			.name
		)

	made = frappe._dict(company=company, abbr=abbr, suffix=suffix)
	made.transit = warehouse("CC Transit", warehouse_type="Transit")
	made.source_wh = warehouse("CC Source")
	made.target_wh = warehouse("CC Target")
	made.group = f"CC-G-{suffix}"
	made.source = f"CC-A-{suffix}"
	made.target = f"CC-B-{suffix}"
	for code, unit_type, parent, fields in (
		(made.group, "Group", None, {"transit_warehouse": made.transit}),
		(made.source, "Store", made.group, {"stock_warehouse": made.source_wh}),
		(made.target, "Store", made.group, {"stock_warehouse": made.target_wh}),
	):
		frappe.get_doc(
			{
				"doctype": "DMS Org Unit",
				"unit_code": code,
				"unit_name": code,
				"unit_type": unit_type,
				"parent_dms_org_unit": parent,
				"company": company,
				**fields,
			}
		).insert()

	made.item = f"CC-ITEM-{suffix}"
	frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": made.item,
			"item_group": "All Item Groups",
			"stock_uom": "Nos",
			"is_stock_item": 1,
			"valuation_rate": 100,
		}
	).insert()
	receipt = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company,
			"items": [
				{"item_code": made.item, "qty": STOCK, "basic_rate": 100, "t_warehouse": made.source_wh}
			],
		}
	).insert(set_name=f"CC-STE-{suffix}")
	receipt.submit()
	made.stock_entries = [receipt.name]
	made.transfers = [
		frappe.get_doc(
			{
				"doctype": "Cross Region Transfer",
				"source_unit": made.source,
				"source_warehouse": made.source_wh,
				"target_unit": made.target,
				"target_warehouse": made.target_wh,
				"items": [{"item_code": made.item, "qty": 1}],
			}
		)
		.insert(set_name=f"CC-CRT-{suffix}-{index:02d}")
		.name
		for index in range(APPROVERS)
	]
	return made


def approve(name: str) -> str:
	doc = frappe.get_doc("Cross Region Transfer", name)
	doc.submit()
	return doc.status


def read_quantities(made) -> dict:
	from dms_suite.dms_stock.quantities import reserved_qty

	return {
		"actual": frappe.db.get_value(
			"Bin", {"item_code": made.item, "warehouse": made.source_wh}, "actual_qty"
		),
		"reserved": reserved_qty([made.source_wh], [made.item]).get((made.source_wh, made.item), 0),
		"approved": frappe.db.count(
			"Cross Region Transfer", {"name": ("in", made.transfers), "docstatus": 1}
		),
		"negative_bins": frappe.db.count("Bin", {"item_code": made.item, "actual_qty": ("<", 0)}),
	}


def teardown(made) -> None:
	"""Delete everything ``build`` made, ledgers first, without leaving Deleted Document records."""
	transfers = tuple(made.transfers)
	entries = tuple(made.stock_entries)
	for table, column, values in (
		("DMS Transfer Item", "parent", transfers),
		("DMS Transfer Document", "parent", transfers),
		("DMS Transfer Candidate", "parent", transfers),
		("Cross Region Transfer", "name", transfers),
		("Stock Ledger Entry", "voucher_no", entries),
		("GL Entry", "voucher_no", entries),
		("Serial and Batch Bundle", "voucher_no", entries),
		("Stock Entry Detail", "parent", entries),
		("Stock Entry", "name", entries),
		("Version", "docname", transfers + entries),
		("Bin", "item_code", (made.item,)),
	):
		frappe.db.delete(table, {column: ("in", values)})
	frappe.delete_doc("Item", made.item, force=True, delete_permanently=True)
	for unit in (made.source, made.target, made.group):
		frappe.delete_doc("DMS Org Unit", unit, force=True, delete_permanently=True)
	for warehouse in (made.source_wh, made.target_wh, made.transit):
		frappe.delete_doc("Warehouse", warehouse, force=True, delete_permanently=True)
	frappe.db.delete("Version", {"docname": ("in", (made.item, made.source, made.target, made.group))})


@pytest.fixture
def committed_setup(frappe_site):
	status, before = in_own_connection(count_all)
	assert status == "ok", before
	status, made = in_own_connection(build, uuid.uuid4().hex[:8], lock_wait=SETUP_LOCK_WAIT)
	if isinstance(made, frappe.QueryTimeoutError):
		pytest.fail(BLOCKED)
	assert status == "ok", made
	if not made:
		pytest.skip("the site has no root group company")
	yield made
	for _attempt in range(5):  # another session on the site may deadlock with the deletes: retry
		status, error = in_own_connection(teardown, made, lock_wait=SETUP_LOCK_WAIT)
		if status == "ok" or not isinstance(error, frappe.QueryDeadlockError):
			break
		time.sleep(1)
	assert status == "ok", error
	status, after = in_own_connection(count_all)
	assert after == before


def test_twenty_concurrent_approvals_against_stock_for_five(committed_setup):
	from dms_suite.dms_stock.transfer import InsufficientStockError

	made = committed_setup
	barrier = threading.Barrier(APPROVERS)
	outcomes = [None] * APPROVERS

	def approver(index, name):
		outcomes[index] = in_own_connection(approve, name, barrier=barrier)

	threads = [threading.Thread(target=approver, args=(i, name)) for i, name in enumerate(made.transfers)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=300)

	succeeded = [value for status, value in outcomes if status == "ok"]
	failed = [value for status, value in outcomes if status == "error"]
	assert succeeded == ["Approved"] * STOCK, failed
	assert len(failed) == APPROVERS - STOCK
	assert all(isinstance(exc, InsufficientStockError) for exc in failed), {type(e) for e in failed}

	status, quantities = in_own_connection(read_quantities, made)
	assert status == "ok", quantities
	assert quantities["approved"] == STOCK
	assert quantities["negative_bins"] == 0
	assert quantities["actual"] == STOCK
	assert quantities["reserved"] == STOCK <= quantities["actual"]
