"""Cross Region Transfer: validation, reservation and posting as native ERPNext documents.

Life of a transfer (the controller calls the first three, the API the last two):

1. ``validate_transfer`` (draft and submit): refuses bad input; computes the mode, the transit
   warehouse, valuation rates and totals.
2. ``reserve`` (before_submit, i.e. approval): locks the source Bins and refuses to promise more
   than actual stock minus what other approved, undispatched transfers already hold.
3. ``release`` (on_cancel): only before dispatch.
4. ``dispatch``: Stock Entry "Material Transfer" into the transit warehouse (``add_to_transit``).
5. ``receive``: partial receipts. Same company: the Stock Entry that ends the transit
   (``make_stock_in_entry``). Inter company: Delivery Note from the transit warehouse to the
   internal customer, then ERPNext's inter-company Purchase Receipt in the target company, both at
   valuation rate. Short and damaged quantities are settled by a Material Issue from transit.

Posting is all-or-nothing (everything happens in the caller's transaction; any error raises and
Frappe rolls the request back) and idempotent: each step's document carries ``dms_transfer`` and
``dms_transfer_step`` ("dispatch", "receipt-<n>", "settlement-<n>") and is reused, never remade.
"""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate, now, now_datetime, nowdate

from erpnext.stock.utils import get_or_make_bin

from dms_suite.dms_org.policy import get_effective_policy
from dms_suite.dms_stock import quantities
from dms_suite.dms_stock.internal_parties import ensure_inter_company_price_list, ensure_internal_parties
from dms_suite.sanitize import plain_text

DOCTYPE = "Cross Region Transfer"
SAME_COMPANY = "Same Company"
INTER_COMPANY = "Inter Company"


class TransferValidationError(frappe.ValidationError):
	pass


class SameSourceAndTargetError(TransferValidationError):
	pass


class InvalidQuantityError(TransferValidationError):
	pass


class NonStockItemError(TransferValidationError):
	pass


class DuplicateItemError(TransferValidationError):
	pass


class WarehouseNotInUnitError(TransferValidationError):
	pass


class NoTransitWarehouseError(TransferValidationError):
	pass


class InsufficientStockError(frappe.ValidationError):
	pass


class InvalidTransferStateError(frappe.ValidationError):
	pass


class OverReceiptError(frappe.ValidationError):
	pass


# ---------------------------------------------------------------------------------------------
# 1. Validation
# ---------------------------------------------------------------------------------------------


def validate_transfer(doc) -> None:
	"""Refuse bad input (draft and submit); compute derived fields (draft only)."""
	if not (doc.docstatus.is_draft() or doc.get("_action") == "submit"):
		return
	validate_source_and_target(doc)
	validate_rows(doc)
	items = get_item_details(doc)
	validate_stock_items(doc, items)
	validate_unit_warehouses(doc)
	if doc.docstatus.is_draft():
		doc.transfer_mode = SAME_COMPANY if doc.source_company == doc.target_company else INTER_COMPANY
		doc.transit_warehouse = get_transit_warehouse(doc.source_unit, doc.source_company)
		set_valuation_and_totals(doc, items)


def validate_source_and_target(doc) -> None:
	if doc.source_unit == doc.target_unit or doc.source_warehouse == doc.target_warehouse:
		frappe.throw(
			_("Source and target of a transfer must differ (unit {0}, warehouse {1}).").format(
				frappe.bold(doc.source_unit), frappe.bold(doc.source_warehouse)
			),
			SameSourceAndTargetError,
			title=_("Same Source and Target"),
		)


def validate_rows(doc) -> None:
	if not doc.items:
		frappe.throw(_("Add at least one item to transfer."), InvalidQuantityError)
	seen = set()
	for row in doc.items:
		if flt(row.qty) <= 0:
			frappe.throw(
				_("Row {0}: quantity of {1} must be greater than zero.").format(
					row.idx, frappe.bold(row.item_code)
				),
				InvalidQuantityError,
				title=_("Invalid Quantity"),
			)
		if row.item_code in seen:
			frappe.throw(
				_("Row {0}: item {1} appears more than once; put its whole quantity on one row.").format(
					row.idx, frappe.bold(row.item_code)
				),
				DuplicateItemError,
				title=_("Duplicate Item"),
			)
		seen.add(row.item_code)


def get_item_details(doc) -> dict[str, frappe._dict]:
	"""item → is_stock_item and valuation rate at the source warehouse (Bin, else Item), one query."""
	rows = frappe.db.sql(
		"""
		select item.name as item_code, item.is_stock_item,
			coalesce(nullif(bin.valuation_rate, 0), item.valuation_rate, 0) as valuation_rate
		from `tabItem` item
		left join `tabBin` bin on bin.item_code = item.name and bin.warehouse = %(warehouse)s
		where item.name in %(items)s
		""",
		{"warehouse": doc.source_warehouse, "items": tuple(row.item_code for row in doc.items)},
		as_dict=True,
	)
	return {row.item_code: row for row in rows}


def validate_stock_items(doc, items: dict) -> None:
	for row in doc.items:
		if not items.get(row.item_code, {}).get("is_stock_item"):
			frappe.throw(
				_("Row {0}: {1} is not a stock item and cannot be transferred.").format(
					row.idx, frappe.bold(row.item_code)
				),
				NonStockItemError,
				title=_("Not a Stock Item"),
			)


def validate_unit_warehouses(doc) -> None:
	warehouses = get_unit_warehouses([doc.source_unit, doc.target_unit])
	for unit, warehouse, side in (
		(doc.source_unit, doc.source_warehouse, _("source")),
		(doc.target_unit, doc.target_warehouse, _("target")),
	):
		if warehouse not in warehouses.get(unit, set()):
			frappe.throw(
				_("The {0} warehouse {1} does not belong to org unit {2}.").format(
					side, frappe.bold(warehouse), frappe.bold(unit)
				),
				WarehouseNotInUnitError,
				title=_("Warehouse Not in Unit"),
			)


def get_unit_warehouses(units: list[str]) -> dict[str, set[str]]:
	"""unit → its stock warehouse and the warehouses of its Warehouses table, one query."""
	rows = frappe.db.sql(
		"""
		select name, stock_warehouse from `tabDMS Org Unit` where name in %(units)s
		union
		select parent, warehouse from `tabDMS Org Unit Warehouse`
		where parenttype = 'DMS Org Unit' and parent in %(units)s
		""",
		{"units": tuple(units)},
	)
	warehouses = {}
	for unit, warehouse in rows:
		if warehouse:
			warehouses.setdefault(unit, set()).add(warehouse)
	return warehouses


def get_transit_warehouse(unit: str, company: str) -> str:
	"""The transit warehouse of the nearest ancestor-or-self of ``unit`` that has one in ``company``."""
	warehouse = frappe.db.sql(
		"""
		select ancestor.transit_warehouse
		from `tabDMS Org Unit` unit
		join `tabDMS Org Unit` ancestor on ancestor.lft <= unit.lft and ancestor.rgt >= unit.rgt
		join `tabWarehouse` warehouse on warehouse.name = ancestor.transit_warehouse
		where unit.name = %(unit)s and warehouse.company = %(company)s
		order by ancestor.lft desc
		limit 1
		""",
		{"unit": unit, "company": company},
	)
	if not warehouse:
		frappe.throw(
			_("No transit warehouse of company {0} is set on org unit {1} or any unit above it.").format(
				frappe.bold(company), frappe.bold(unit)
			),
			NoTransitWarehouseError,
			title=_("No Transit Warehouse"),
		)
	return warehouse[0][0]


def set_valuation_and_totals(doc, items: dict) -> None:
	for row in doc.items:
		row.valuation_rate = flt(items[row.item_code].valuation_rate)
		row.amount = flt(row.qty) * row.valuation_rate
	doc.total_qty = sum(flt(row.qty) for row in doc.items)
	doc.total_value = sum(flt(row.amount) for row in doc.items)


# ---------------------------------------------------------------------------------------------
# 2. Reservation (approval) and release (cancel)
# ---------------------------------------------------------------------------------------------


def reserve(doc) -> None:
	"""Promise the quantities at the source, or throw InsufficientStockError.

	The source Bins are locked first (one ``for update`` in index order, the same order for every
	approver), so concurrent approvals of the same stock run one after the other until commit.
	"""
	needs = {row.item_code: flt(row.qty) for row in doc.items}
	actual = lock_bins(doc.source_warehouse, needs)
	# the shared definition, read under lock (the Bin rows are ours now)
	reserved = {
		item: qty
		for (_warehouse, item), qty in quantities.reserved_qty(
			[doc.source_warehouse], list(needs), exclude=doc.name, lock=True
		).items()
	}
	for item in sorted(needs):
		available = actual.get(item, 0) - reserved.get(item, 0)
		if available < needs[item]:
			frappe.throw(
				_(
					"Not enough {0} in {1}: {2} available (actual stock less approved transfers), {3} asked."
				).format(
					frappe.bold(item),
					frappe.bold(doc.source_warehouse),
					frappe.bold(flt(available)),
					frappe.bold(needs[item]),
				),
				InsufficientStockError,
				title=_("Insufficient Stock"),
			)
	doc.status = "Approved"


def lock_bins(warehouse: str, items) -> dict[str, float]:
	"""Lock the Bins of ``items`` in ``warehouse`` (made when missing); item → actual qty (latest)."""
	items = sorted(items)
	existing = set(
		frappe.db.sql_list(
			"select item_code from `tabBin` where warehouse = %s and item_code in %s",
			(warehouse, tuple(items)),
		)
	)
	for item in items:
		if item not in existing:  # only a Bin that never existed: nothing to count, but lock it too
			get_or_make_bin(item, warehouse)
	rows = frappe.db.sql(
		"""
		select item_code, actual_qty from `tabBin`
		where warehouse = %s and item_code in %s
		order by item_code
		for update
		""",
		(warehouse, tuple(items)),
	)
	return {item: flt(qty) for item, qty in rows}


def release(doc) -> None:
	"""Cancelling frees the reservation; a dispatched transfer cannot be cancelled."""
	if any(flt(row.dispatched_qty) for row in doc.items) or any(
		d.purpose == "Dispatch" for d in doc.documents
	):
		frappe.throw(
			_("Transfer {0} has been dispatched and can no longer be cancelled.").format(
				frappe.bold(doc.name)
			),
			InvalidTransferStateError,
			title=_("Already Dispatched"),
		)
	doc.db_set("status", "Cancelled")


# ---------------------------------------------------------------------------------------------
# 3. Dispatch
# ---------------------------------------------------------------------------------------------


def dispatch(doc, carrier: str | None = None, tracking_no: str | None = None, expected_arrival=None):
	"""Move the approved quantities into the transit warehouse; a repeated call changes nothing."""
	lock_bins(doc.source_warehouse, [row.item_code for row in doc.items])  # same order as approvals
	doc = lock_transfer(doc)
	if find_recorded(doc, "dispatch"):
		return doc
	if doc.docstatus != 1 or doc.status != "Approved":
		frappe.throw(
			_("Transfer {0} is {1}: only an approved transfer can be dispatched.").format(
				frappe.bold(doc.name), frappe.bold(_(doc.status))
			),
			InvalidTransferStateError,
			title=_("Cannot Dispatch"),
		)

	before = frappe.get_doc(doc.as_dict())
	entry = find_posted("Stock Entry", doc.name, "dispatch") or make_dispatch_entry(doc)
	record(doc, "Dispatch", "Stock Entry", entry, "dispatch")
	for row in doc.items:
		row.dispatched_qty = row.qty
	doc.status = "In Transit"
	doc.dispatched_on = now_datetime()
	doc.carrier = plain_text(carrier, 140) or doc.carrier
	doc.tracking_no = plain_text(tracking_no, 140) or doc.tracking_no
	doc.expected_arrival = expected_arrival or doc.expected_arrival or default_expected_arrival(doc)
	write_step(
		doc,
		before,
		("status", "dispatched_on", "carrier", "tracking_no", "expected_arrival"),
		("dispatched_qty",),
	)
	return doc


def make_dispatch_entry(doc):
	return post(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"company": doc.source_company,
			"add_to_transit": 1,
			"from_warehouse": doc.source_warehouse,
			"to_warehouse": doc.transit_warehouse,
			"remarks": _("Dispatch of transfer {0}").format(doc.name),
			"items": [
				{
					"item_code": row.item_code,
					"qty": row.qty,
					"s_warehouse": doc.source_warehouse,
					"t_warehouse": doc.transit_warehouse,
					**serial_fields(row.serial_no),
				}
				for row in doc.items
			],
		},
		doc.name,
		"dispatch",
	)


def default_expected_arrival(doc):
	return add_days(nowdate(), get_effective_policy(doc.target_unit).get("shipment_lead_days") or 0)


# ---------------------------------------------------------------------------------------------
# 4. Receipt and settlement of short / damaged quantities
# ---------------------------------------------------------------------------------------------


def receive(
	doc,
	received: dict,
	short: dict | None = None,
	damaged: dict | None = None,
	request_key: str | None = None,
):
	"""Receive part or all of what is in transit; short and damaged quantities are written off.

	Each call is the next receipt (its documents carry ``receipt-<n>`` / ``settlement-<n>``); if a
	document for that step was already posted (a retry after a failure that left it behind), it is
	reused instead of posted again. A call carrying the ``request_key`` of one that already posted
	(the same request sent again) changes nothing and returns the transfer as that call left it.
	"""
	doc = lock_transfer(doc)
	if request_key and any(d.request_key == request_key for d in doc.documents):
		return doc
	received, short, damaged = (clean_quantities(q) for q in (received, short or {}, damaged or {}))
	validate_receipt(doc, received, short, damaged)
	before = frappe.get_doc(doc.as_dict())

	number = 1 + len({d.step.split("-")[-1] for d in doc.documents if d.purpose in ("Receipt", "Settlement")})
	if received:
		for doctype, name in post_receipt(doc, received, f"receipt-{number}"):
			record(doc, "Receipt", doctype, name, f"receipt-{number}", request_key)
	written_off = {item: short.get(item, 0) + damaged.get(item, 0) for item in set(short) | set(damaged)}
	if written_off:
		step = f"settlement-{number}"
		entry = find_posted("Stock Entry", doc.name, step) or make_settlement_entry(
			doc, written_off, short, damaged, step
		)
		record(doc, "Settlement", "Stock Entry", entry, step, request_key)

	for row in doc.items:
		row.received_qty = flt(row.received_qty) + received.get(row.item_code, 0)
		row.short_qty = flt(row.short_qty) + short.get(row.item_code, 0)
		row.damaged_qty = flt(row.damaged_qty) + damaged.get(row.item_code, 0)
	doc.status = "Received" if not any(in_transit(row) > 0 for row in doc.items) else "Partially Received"
	doc.received_on = now_datetime()
	write_step(doc, before, ("status", "received_on"), ("received_qty", "short_qty", "damaged_qty"))
	return doc


def clean_quantities(quantities: dict) -> dict[str, float]:
	return {item: flt(qty) for item, qty in (quantities or {}).items() if flt(qty)}


def in_transit(row) -> float:
	return flt(row.dispatched_qty) - flt(row.received_qty) - flt(row.short_qty) - flt(row.damaged_qty)


def validate_receipt(doc, received: dict, short: dict, damaged: dict) -> None:
	if doc.docstatus != 1 or doc.status not in ("In Transit", "Partially Received"):
		frappe.throw(
			_("Transfer {0} is {1}: nothing is in transit to receive.").format(
				frappe.bold(doc.name), frappe.bold(_(doc.status))
			),
			InvalidTransferStateError,
			title=_("Cannot Receive"),
		)
	rows = {row.item_code: row for row in doc.items}
	items = set(received) | set(short) | set(damaged)
	if not items:
		frappe.throw(_("Enter the quantities received, short or damaged."), InvalidQuantityError)
	for item in sorted(items):
		counted = received.get(item, 0) + short.get(item, 0) + damaged.get(item, 0)
		if item not in rows:
			frappe.throw(
				_("Item {0} is not on transfer {1}.").format(frappe.bold(item), frappe.bold(doc.name)),
				OverReceiptError,
			)
		if min(received.get(item, 0), short.get(item, 0), damaged.get(item, 0)) < 0:
			frappe.throw(
				_("Quantities of {0} cannot be negative.").format(frappe.bold(item)), InvalidQuantityError
			)
		if counted > in_transit(rows[item]) + 1e-9:
			frappe.throw(
				_("{0}: {1} received, short or damaged but only {2} still in transit.").format(
					frappe.bold(item), frappe.bold(counted), frappe.bold(in_transit(rows[item]))
				),
				OverReceiptError,
				title=_("More Than In Transit"),
			)


def post_receipt(doc, received: dict, step: str) -> list[tuple[str, str]]:
	"""(doctype, name) of the documents of one receipt, reusing any already posted for the step."""
	if doc.transfer_mode == SAME_COMPANY:
		entry = find_posted("Stock Entry", doc.name, step) or make_receipt_entry(doc, received, step)
		return [("Stock Entry", entry)]
	note = find_posted("Delivery Note", doc.name, step) or make_delivery_note(doc, received, step)
	receipt = find_posted("Purchase Receipt", doc.name, step) or make_purchase_receipt(doc, note, step)
	return [("Delivery Note", note), ("Purchase Receipt", receipt)]


def make_receipt_entry(doc, received: dict, step: str):
	"""Same company: ERPNext's follow-up entry that ends the transit, trimmed to what arrived."""
	from erpnext.stock.doctype.stock_entry.stock_entry import make_stock_in_entry

	dispatch_entry = find_posted("Stock Entry", doc.name, "dispatch")
	with as_system():
		entry = make_stock_in_entry(dispatch_entry)
	serials = {row.item_code: row.serial_no for row in doc.items}
	entry.items = [row for row in entry.items if received.get(row.item_code)]
	for row in entry.items:
		row.t_warehouse = doc.target_warehouse
		row.qty = received[row.item_code]
		row.transfer_qty = row.qty * flt(row.conversion_factor or 1)
		row.update(serial_fields(serials.get(row.item_code), received[row.item_code], doc, row.item_code))
	entry.remarks = _("Receipt of transfer {0}").format(doc.name)
	entry.dms_org_unit = doc.target_unit  # the receiving store's document, not the dispatching one's
	return post(entry, doc.name, step)


def make_delivery_note(doc, received: dict, step: str):
	"""Inter company, source side: sell from the transit warehouse to the target company at valuation."""
	customer, _supplier = ensure_internal_parties(doc.source_company, doc.target_company)
	currency = frappe.get_cached_value("Company", doc.source_company, "default_currency")
	rows = {row.item_code: row for row in doc.items}
	return post(
		{
			"doctype": "Delivery Note",
			"company": doc.source_company,
			"customer": customer,
			"currency": currency,
			"selling_price_list": ensure_inter_company_price_list(currency),
			"ignore_pricing_rule": 1,
			"set_warehouse": doc.transit_warehouse,
			"remarks": _("Transfer {0} to {1}").format(doc.name, doc.target_unit),
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"rate": rows[item].valuation_rate,
					"warehouse": doc.transit_warehouse,
					**serial_fields(rows[item].serial_no, qty, doc, item),
				}
				for item, qty in sorted(received.items())
			],
		},
		doc.name,
		step,
	)


def make_purchase_receipt(doc, note, step: str):
	"""Inter company, target side: ERPNext's inter-company Purchase Receipt into the target warehouse."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_inter_company_purchase_receipt

	ensure_internal_parties(doc.source_company, doc.target_company)
	with as_system():
		receipt = make_inter_company_purchase_receipt(note)
	receipt.set_warehouse = doc.target_warehouse
	receipt.dms_org_unit = doc.target_unit  # the mapper copied the source side's unit
	for row in receipt.items:
		row.warehouse = doc.target_warehouse
	return post(receipt, doc.name, step)


def make_settlement_entry(doc, written_off: dict, short: dict, damaged: dict, step: str):
	"""Short / damaged: issue the quantity from transit so its value is expensed, not lost."""
	reasons = ", ".join(
		[f"{item}: {qty:g} " + _("short") for item, qty in sorted(short.items())]
		+ [f"{item}: {qty:g} " + _("damaged") for item, qty in sorted(damaged.items())]
	)
	return post(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Issue",
			"company": doc.source_company,
			"from_warehouse": doc.transit_warehouse,
			"remarks": _("Short/damaged for transfer {0} ({1})").format(doc.name, reasons),
			"items": [
				{"item_code": item, "qty": qty, "s_warehouse": doc.transit_warehouse}
				for item, qty in sorted(written_off.items())
			],
		},
		doc.name,
		step,
	)


# ---------------------------------------------------------------------------------------------
# Helpers shared by the posting steps
# ---------------------------------------------------------------------------------------------


def lock_transfer(doc):
	"""The transfer as stored, its row locked until commit (posting steps run one at a time).

	The lock reads the latest row; ``reload`` reads this transaction's snapshot. If they differ,
	another request changed the transfer while we waited: refuse (the retry sees the new state) rather
	than post from stale data.
	"""
	modified = frappe.db.get_value(DOCTYPE, doc.name, "modified", for_update=True)
	doc.reload()
	if str(modified) != str(doc.modified):
		frappe.throw(
			_("Transfer {0} was changed by someone else meanwhile; please try again.").format(
				frappe.bold(doc.name)
			),
			frappe.TimestampMismatchError,
		)
	return doc


def find_recorded(doc, step: str) -> bool:
	return any(d.step == step for d in doc.documents)


def find_posted(doctype: str, transfer: str, step: str) -> str | None:
	"""A submitted document already posted for this step of the transfer (retry: reuse it)."""
	return frappe.db.get_value(
		doctype, {"dms_transfer": transfer, "dms_transfer_step": step, "docstatus": 1}, "name"
	)


def post(values, transfer: str, step: str) -> str:
	"""Insert and submit a native document tagged with its transfer step; returns its name."""
	document = frappe.get_doc(values) if isinstance(values, dict) else values
	document.dms_transfer = transfer
	document.dms_transfer_step = step
	document.flags.ignore_permissions = True  # the API checked the user's right on the transfer
	document.insert()
	document.submit()
	return document.name


@contextmanager
def as_system():
	"""ERPNext's mappers check the caller's read right on the source document, which belongs to the
	other side of the transfer. The API has checked the user's right on the transfer itself, so the
	mapping (which saves nothing) runs as Administrator; the documents are saved as the user.

	Only the session's user is swapped: ``frappe.set_user`` would also empty the request's cache
	(every DocType meta is then read again from Redis) and the HTTP session's data.
	"""
	user = frappe.session.user
	frappe.session.user = "Administrator"
	frappe.local.user_perms = None
	try:
		yield
	finally:
		frappe.session.user = user
		frappe.local.user_perms = None


def record(
	doc, purpose: str, doctype: str, document_name: str, step: str, request_key: str | None = None
) -> None:
	if any(d.document_type == doctype and d.document_name == document_name for d in doc.documents):
		return
	doc.append(
		"documents",
		{
			"purpose": purpose,
			"document_type": doctype,
			"document_name": document_name,
			"company": frappe.db.get_value(doctype, document_name, "company"),
			"step": step,
			"posted_on": now_datetime(),
			"request_key": request_key,
		},
	)


def write_step(doc, before, fields: tuple[str, ...], row_fields: tuple[str, ...]) -> None:
	"""Store what a posting step changed on the submitted transfer, with a Version for the audit trail.

	Not ``doc.save()``: the transfer was validated when it was approved, and a step only changes its
	tracking fields, the rows' quantities and the list of posted documents. A full save would validate
	and reload the whole document twice per step for nothing (it was most of our posting overhead).
	"""
	doc.modified, doc.modified_by = now(), frappe.session.user
	frappe.db.set_value(
		DOCTYPE,
		doc.name,
		{field: doc.get(field) for field in fields},
		modified=doc.modified,
		modified_by=doc.modified_by,
	)
	frappe.db.bulk_update(
		"DMS Transfer Item",
		{row.name: {field: row.get(field) for field in row_fields} for row in doc.items},
		modified=doc.modified,
		modified_by=doc.modified_by,
	)
	for row in doc.documents:  # one to three rows per step
		if row.is_new():
			row.docstatus = doc.docstatus
			row.db_insert()
	version = frappe.new_doc("Version")
	if version.update_version_info(before, doc):
		version.insert(ignore_permissions=True)
	doc.clear_cache()
	doc.notify_update()


def serial_fields(serial_no: str | None, qty: float | None = None, doc=None, item: str | None = None) -> dict:
	"""Serial numbers for a posted row: all of the transfer row's, or the first ``qty`` still in transit."""
	if not serial_no:
		return {}
	serials = [s.strip() for s in serial_no.replace(",", "\n").split("\n") if s.strip()]
	if qty is not None and doc is not None:
		row = next(r for r in doc.items if r.item_code == item)
		done = int(flt(row.received_qty) + flt(row.short_qty) + flt(row.damaged_qty))
		serials = serials[done : done + int(qty)]
	return {"serial_no": "\n".join(serials), "use_serial_batch_fields": 1}
