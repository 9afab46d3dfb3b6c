"""Service quality: the customer's rating of a finished service.

Repeat repairs are flagged on the order itself as it is written (dms_suite/dms_service/orders.py,
``flag_repeat_repairs``); the report *DMS Service Quality* counts both per store and region.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, getdate, now_datetime

from dms_suite.dms_service.orders import DONE_STATES, ServiceOrderError
from dms_suite.sanitize import plain_text

RATING_SCALE = (1, 5)


class RatingError(ServiceOrderError):
	pass


def rate_service(
	order: str, rating: int, comment: str | None = None, ignore_permissions: bool = False
) -> None:
	"""Record the customer's satisfaction (1 to 5) with a delivered service, once.

	From the portal the customer's own order is checked by the caller (``ignore_permissions``); on
	the desk the advisor needs write permission on the order.
	"""
	doc = frappe.get_doc("Service Order", order)
	if not ignore_permissions:
		doc.check_permission("write")
	if doc.status not in DONE_STATES:
		frappe.throw(
			_("{0} can be rated once it is delivered (it is {1}).").format(
				frappe.bold(doc.name), _(doc.status)
			),
			RatingError,
			title=_("Not Delivered Yet"),
		)
	if doc.rating:
		frappe.throw(
			_("{0} has already been rated.").format(frappe.bold(doc.name)),
			RatingError,
			title=_("Already Rated"),
		)
	value = cint(rating) if str(rating).strip().lstrip("-").isdigit() else None
	if value is None or not RATING_SCALE[0] <= value <= RATING_SCALE[1]:
		frappe.throw(
			_("A rating is a whole number from {0} to {1}; {2} is not.").format(
				RATING_SCALE[0], RATING_SCALE[1], frappe.bold(rating)
			),
			RatingError,
			title=_("Invalid Rating"),
		)
	doc.db_set(
		{
			"rating": value,
			"rating_comment": plain_text(comment, 1000),
			"rated_by": frappe.session.user,
			"rated_on": now_datetime(),
		},
		notify=True,
	)
	doc.add_comment("Info", _("Rated {0} of {1}").format(value, RATING_SCALE[1]))


@frappe.whitelist()
def rate_service_from_desk(service_order: str, rating: int, comment: str | None = None) -> None:
	"""The advisor records the rating the customer gave in person or by phone."""
	rate_service(service_order, rating, comment)


# ---------------------------------------------------------------------------------------------
# The report *DMS Service Quality*: per store or region, for the user's units


def quality_rows(
	from_date, to_date, group_by: str = "Store", org_unit: str | None = None, user: str | None = None
) -> list[dict]:
	"""Orders, turnaround, satisfaction, repeat repairs, labour utilisation and parts fill rate per
	store (or rolled up per region) for the orders booked between the dates. One grouped query over
	the orders (each order carries its labour hours and part-line counts), one over a covering index
	of the labour lines for the technicians, one over the tree; averages roll up as sums and counts.

	- turnaround: check-in to delivery, delivered orders only;
	- labour utilisation: labour hours over capacity; capacity is the store's distinct technicians on
	  its labour lines, times its ``technician_hours_per_day`` policy, times working days (Monday to Saturday);
	- parts fill rate: part lines that were in stock when first asked for, over all part lines.
	"""
	from dms_suite.dms_org.policy import get_effective_policies
	from dms_suite.permissions import get_user_units, scope_condition

	from_date, to_date = getdate(from_date), getdate(to_date)
	units = get_user_units(user)
	conditions = [
		"so.docstatus < 2",
		"so.status != 'Cancelled'",
		"so.appointment >= %(start)s",
		"so.appointment < %(end)s",
	]
	if units is not None:
		conditions.append(scope_condition("so.dms_org_unit", units))
	if org_unit:
		conditions.append(
			"so.dms_org_unit in (select unit.name from `tabDMS Org Unit` unit join `tabDMS Org Unit` top"
			" on unit.lft >= top.lft and unit.rgt <= top.rgt where top.name = %(org_unit)s)"
		)
	where = " and ".join(conditions)
	values = {"start": from_date, "end": add_days(to_date, 1), "org_unit": org_unit}

	orders = frappe.db.sql(
		f"""
		select so.dms_org_unit as unit, count(*) as orders,
			sum(so.status in ('Delivered', 'Invoiced', 'Closed')) as delivered,
			sum(case when so.delivered_on is not null then so.turnaround_hours else 0 end) as turnaround_sum,
			sum(so.delivered_on is not null) as turnaround_count,
			sum(so.rating > 0) as rated, sum(so.rating) as rating_sum,
			sum(so.is_repeat_repair) as repeats,
			sum(so.labour_hours) as labour_hours, sum(so.part_lines) as part_lines,
			sum(so.parts_filled) as filled_lines
		from `tabService Order` so
		where {where}
		group by so.dms_org_unit
		""",
		values,
		as_dict=True,
	)
	if not orders:
		return []
	# the technicians who worked on each store's orders in the period: a range of the covering index
	# (store, work_date, technician); labour lines are only ever Service Order rows
	technicians = dict(
		frappe.db.sql(
			"""
			select line.store, count(distinct line.technician)
			from `tabDMS Service Labour` line
			where line.store in %(stores)s and line.work_date between %(from_date)s and %(to_date)s
				and line.technician is not null
			group by line.store
			""",
			{"stores": tuple(row.unit for row in orders), "from_date": from_date, "to_date": to_date},
		)
	)
	stores = [row.unit for row in orders]
	hours_per_day = {
		unit: flt(policies.get("technician_hours_per_day"))
		for unit, policies in get_effective_policies(stores).items()
	}
	days = working_days(from_date, to_date)
	regions = region_of(stores) if group_by == "Region" else {store: store for store in stores}

	totals: dict[str, dict] = {}
	for row in orders:
		key = regions.get(row.unit) or row.unit
		total = totals.setdefault(key, defaultdict(float))
		for field in (
			"orders",
			"delivered",
			"turnaround_sum",
			"turnaround_count",
			"rated",
			"rating_sum",
			"repeats",
			"labour_hours",
			"part_lines",
			"filled_lines",
		):
			total[field] += flt(row[field])
		total["capacity"] += flt(technicians.get(row.unit)) * hours_per_day.get(row.unit, 0) * days

	names = dict(
		frappe.get_all(
			"DMS Org Unit", filters={"name": ("in", list(totals))}, fields=["name", "unit_name"], as_list=True
		)
	)
	result = []
	for key in sorted(totals):
		total = totals[key]
		result.append(
			{
				"org_unit": key,
				"unit_name": names.get(key, key),
				"orders": int(total["orders"]),
				"delivered": int(total["delivered"]),
				"avg_turnaround_hours": ratio(total["turnaround_sum"], total["turnaround_count"]),
				"rated": int(total["rated"]),
				"avg_rating": ratio(total["rating_sum"], total["rated"]),
				"repeat_repairs": int(total["repeats"]),
				"repeat_rate": ratio(100 * total["repeats"], total["orders"]),
				"labour_hours": flt(total["labour_hours"], 2),
				"labour_utilisation": ratio(100 * total["labour_hours"], total["capacity"]),
				"parts_fill_rate": ratio(100 * total["filled_lines"], total["part_lines"]),
			}
		)
	return result


def ratio(numerator: float, denominator: float) -> float | None:
	return flt(numerator / denominator, 2) if denominator else None


def working_days(from_date, to_date) -> int:
	"""Monday to Saturday between the dates, both included."""
	days = (getdate(to_date) - getdate(from_date)).days + 1
	full_weeks, rest = divmod(max(days, 0), 7)
	start = getdate(from_date).weekday()
	return full_weeks * 6 + sum(1 for offset in range(rest) if (start + offset) % 7 != 6)


def region_of(stores: list[str]) -> dict[str, str]:
	"""store → its region (the nearest ancestor of type Region). One query."""
	return dict(
		frappe.db.sql(
			"""
			select store.name, region.name
			from `tabDMS Org Unit` store
			join `tabDMS Org Unit` region
				on region.lft < store.lft and region.rgt > store.rgt and region.unit_type = 'Region'
			where store.name in %(stores)s
			""",
			{"stores": tuple(stores)},
		)
	)
