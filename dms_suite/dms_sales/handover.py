"""Serving a customer the store cannot see: an audited request, decided by the store that owns them.

A DMS user sees the customers their units own or have served (dms_suite/dms_sales/customers.py), and may
make quotations, orders, deliveries, invoices and service orders only for those. When a customer of
another store walks in, the store asks for access with a *DMS Customer Access Request*:

1. The asker gives an exact phone number or VIN and a reason. The request answers the same whether
   the group knows that phone or VIN or not: no name, no owning store, no "not found". The match
   (customer, owning unit) is stored in fields no role reads (permission level 3).
2. The managers of the owning store (or, when it has none, of the units above it) get a ToDo naming
   the customer and the asking store. Only they, or a group executive, decide; never the asker.
3. Approved: the asking store is added to the customer's *Served By* units, so its staff see the
   customer from then on, and the customer gets an Info comment (who granted which store access,
   on which request, why). Refused: nothing changes and nothing is revealed. The decision, who made
   it and the note are at permission level 3 with the match, and the customer gets the comment.
4. Every request that is not granted closes ``EXPIRY_DAYS`` after it was made (a daily job), refused,
   undecided or unmatched alike: neither the status nor its timing tells the asker whether the
   group knows the customer or a manager looked at it.

Asking twice (a double click, a retry, two users of the store at once) for the same phone or VIN from
the same store while a request is pending returns that request: the store's unit row is locked while
the pending one is looked up. A user may ask at most ``REQUESTS_PER_HOUR`` times an hour.
"""

import frappe
from frappe import _
from frappe.utils import add_days, escape_html, now_datetime, today

from dms_suite.permissions import get_user_units
from dms_suite.sanitize import plain_text

DOCTYPE = "DMS Customer Access Request"
REQUESTS_PER_HOUR = 30
EXPIRY_DAYS = 7
DECIDING_ROLES = ("DMS Store Manager", "DMS Region Manager", "DMS Group Executive")


def answer() -> str:
	"""What every request is told, found or not."""
	return _(
		"Your request is recorded. If the group knows this customer, the store that owns them decides; "
		"you will see the customer as soon as access is granted."
	)


class AccessDecisionError(frappe.PermissionError):
	pass


def normalised_lookup(lookup_type: str, value: str) -> str:
	from dms_suite.dms_sales.leads import normalise_phone
	from dms_suite.dms_service.units import validate_vin

	if lookup_type == "Phone":
		return normalise_phone(value)
	if lookup_type == "VIN":
		return validate_vin(value, unit_type="Equipment")  # a VIN or a machine's serial, normalised
	frappe.throw(_("Look up by Phone or VIN"), frappe.ValidationError)


def find_customer(lookup_type: str, key: str) -> tuple[str, str] | None:
	"""(customer, owning unit) with exactly this phone or VIN, group-wide (no permission: the answer
	never leaves the server)."""
	if lookup_type == "Phone":
		customer = frappe.db.get_value("Customer", {"dms_phone_key": key}, "name")
	else:
		customer = frappe.db.get_value("Dealer Unit", key, "customer")
	if not customer:
		return None
	return customer, frappe.db.get_value("Customer", customer, "dms_org_unit")


# ---------------------------------------------------------------------------------------------
# the request (controller hooks)


def prepare_request(doc) -> None:
	"""On insert: the asker's store, the normalised key, the match; nothing the client sent for them."""
	from dms_suite.dms_sales.customers import default_owning_unit

	doc.requesting_unit = doc.requesting_unit or default_owning_unit(frappe.session.user)
	doc.lookup_value = normalised_lookup(doc.lookup_type, doc.lookup_value)
	check_requesting_unit(doc.requesting_unit)
	if pending := pending_request(doc.requesting_unit, doc.lookup_type, doc.lookup_value):
		frappe.throw(
			_("Request {0} for this phone or VIN is pending").format(frappe.bold(pending)),
			frappe.DuplicateEntryError,
		)
	count_request(frappe.session.user)  # desk form and API alike
	doc.reason = plain_text(doc.reason)
	doc.status, doc.closes_on = "Pending", add_days(today(), EXPIRY_DAYS)
	doc.decision, doc.decided_by, doc.decided_on, doc.decision_note = None, None, None, None
	match = find_customer(doc.lookup_type, doc.lookup_value)
	doc.customer, doc.owning_unit = match if match else (None, None)


def pending_request(unit: str | None, lookup_type: str, key: str) -> str | None:
	"""The store's pending request for this key. Locks the store's unit row first (until the
	transaction ends), so that two identical requests at once make one: the second waits, then
	reads the first (a locking read sees the latest committed rows, not the transaction's snapshot)."""
	if not unit:
		return None
	frappe.db.get_value("DMS Org Unit", unit, "name", for_update=True)
	return frappe.db.get_value(
		DOCTYPE,
		{"requesting_unit": unit, "lookup_type": lookup_type, "lookup_value": key, "status": "Pending"},
		"name",
		for_update=True,
	)


def check_requesting_unit(unit: str | None) -> None:
	"""The asking store is one of the user's: checked before its row is locked."""
	units = get_user_units()
	if units is not None and unit not in units:
		frappe.throw(
			_("Store {0} is outside your org units").format(frappe.bold(unit)), frappe.PermissionError
		)


def validate_request(doc) -> None:
	if not (doc.reason or "").strip():
		frappe.throw(_("Say why the store needs this customer"), frappe.MandatoryError)


def ask_the_owning_store(doc) -> None:
	"""A ToDo for each deciding manager of the owning unit (nearest level that has one)."""
	if not doc.customer or not doc.owning_unit:
		return
	for user in deciders(doc.owning_unit, exclude=doc.owner):
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				# not the asker: Frappe shows a ToDo to whoever assigned it, and this one names the customer
				"assigned_by": "Administrator",
				"reference_type": DOCTYPE,
				"reference_name": doc.name,
				"date": today(),
				"priority": "Medium",
				"description": _("{0} asks to serve your customer {1}: {2}").format(
					frappe.bold(escape_html(doc.requesting_unit)),
					frappe.bold(escape_html(doc.customer)),
					doc.reason,
				),
			}
		).insert(ignore_permissions=True)


def deciders(owning_unit: str, exclude: str | None = None) -> list[str]:
	"""Managers assigned to the owning unit; else to the nearest unit above it that has one. One query."""
	rows = frappe.db.sql(
		"""
		select assignment.user, assigned.lft
		from `tabDMS Org Unit` unit
		join `tabDMS Org Unit` assigned on assigned.lft <= unit.lft and assigned.rgt >= unit.rgt
		join `tabDMS Org Assignment` assignment on assignment.org_unit = assigned.name
		join `tabUser` user on user.name = assignment.user and user.enabled = 1
		where unit.name = %(unit)s and exists (
			select 1 from `tabHas Role` has_role
			where has_role.parent = assignment.user and has_role.parenttype = 'User'
				and has_role.role in %(roles)s
		)
		order by assigned.lft desc, assignment.user
		""",
		{"unit": owning_unit, "roles": DECIDING_ROLES},
		as_dict=True,
	)
	rows = [row for row in rows if row.user != exclude]
	if not rows:
		return []
	nearest = rows[0].lft
	return [row.user for row in rows if row.lft == nearest]


# ---------------------------------------------------------------------------------------------
# asking and deciding (dms_suite/api/sales.py)


def request_access(lookup_type: str, lookup_value: str, reason: str, requesting_unit: str | None) -> dict:
	frappe.has_permission(DOCTYPE, "create", throw=True)
	if lookup_type not in ("Phone", "VIN"):
		frappe.throw(_("Look up by Phone or VIN"), frappe.ValidationError)
	key = normalised_lookup(lookup_type, lookup_value)
	from dms_suite.dms_sales.customers import default_owning_unit

	unit = requesting_unit or default_owning_unit(frappe.session.user)
	check_requesting_unit(unit)
	if pending := pending_request(unit, lookup_type, key):  # a retry or a double click: no second ToDo
		return {"request": pending, "message": answer()}
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"requesting_unit": unit,
			"lookup_type": lookup_type,
			"lookup_value": lookup_value,
			"reason": reason,
		}
	).insert()
	return {"request": doc.name, "message": answer()}


def count_request(user: str) -> None:
	"""At most ``REQUESTS_PER_HOUR`` requests per user: a look-up reveals nothing, but each one asks
	another store's managers for a decision."""
	key = frappe.cache.make_key(f"dms_suite:access_requests:{user}")
	count = frappe.cache.incrby(key, 1)
	if count == 1:
		frappe.cache.expire(key, 60 * 60)
	if count > REQUESTS_PER_HOUR:
		frappe.throw(
			_("You have asked for {0} customers this hour: try again later.").format(REQUESTS_PER_HOUR),
			frappe.RateLimitExceededError,
		)


def decide(request: str, approve: bool, note: str | None = None) -> dict:
	if not frappe.db.exists(DOCTYPE, request):
		frappe.throw(_("{0} {1} not found").format(_(DOCTYPE), request), frappe.DoesNotExistError)
	frappe.db.get_value(DOCTYPE, request, "name", for_update=True)  # two managers at once: one decides
	doc = frappe.get_doc(DOCTYPE, request)
	is_decider = (
		doc.has_permission("read")
		and doc.status == "Pending"
		and doc.owning_unit
		and doc.owner != frappe.session.user
		and bool(set(DECIDING_ROLES) & set(frappe.get_roles()))
		and in_deciding_scope(doc.owning_unit)
	)
	if not is_decider:
		# the same answer whether the request matched a customer or not, and whether the user may
		# read it (an unmatched request is only the asking store's)
		frappe.throw(
			_("Only a manager of the store that owns the customer decides a pending request"),
			AccessDecisionError,
		)
	if doc.decision:  # only the owning store's managers get here: they may know it was decided
		frappe.throw(
			_("{0} already decided this request on {1}").format(doc.decided_by, doc.decided_on),
			AccessDecisionError,
		)
	decision = {
		"decision": "Approved" if approve else "Refused",
		"decided_by": frappe.session.user,
		"decided_on": now_datetime(),
		"decision_note": plain_text(note) if note else None,
	}
	if approve:
		decision["status"] = "Approved"
	# a refusal leaves nothing the asker reads, not even modified / modified_by or a Version: the
	# request stays Pending until it closes (EXPIRY_DAYS) like any other
	frappe.db.set_value(DOCTYPE, doc.name, decision, update_modified=approve)
	doc.update(decision)
	record_decision(doc)
	close_todos(doc.name)
	return {"request": doc.name, "decision": doc.decision}


def in_deciding_scope(owning_unit: str) -> bool:
	units = get_user_units()
	return units is None or owning_unit in units


def record_decision(doc) -> None:
	"""Granted: the asking store serves the customer from now on. Either way the customer (which the
	asking store cannot read) records who decided what on which request."""
	from dms_suite.dms_sales.customers import add_served_unit

	if doc.decision == "Approved":
		add_served_unit(doc.customer, doc.requesting_unit, today())
		text = _("{0} granted {1} access to this customer ({2}): {3}")
	else:
		text = _("{0} refused {1} access to this customer ({2}): {3}")
	frappe.get_doc("Customer", doc.customer).add_comment(
		"Info", text.format(frappe.session.user, doc.requesting_unit, doc.name, doc.reason)
	)


def expire_requests() -> int:
	"""Daily: close every request not granted ``EXPIRY_DAYS`` after it was made, and its ToDos.
	One read and two updates, however many requests."""
	due = {"status": "Pending", "closes_on": ("<=", today())}
	names = frappe.get_all(DOCTYPE, filters=due, pluck="name")
	if not names:
		return 0
	frappe.db.set_value(DOCTYPE, {"name": ("in", names)}, "status", "Closed")
	frappe.db.set_value(
		"ToDo",
		{"reference_type": DOCTYPE, "reference_name": ("in", names), "status": "Open"},
		"status",
		"Closed",
	)
	return len(names)


def close_todos(request: str) -> None:
	frappe.db.set_value(
		"ToDo", {"reference_type": DOCTYPE, "reference_name": request, "status": "Open"}, "status", "Closed"
	)
