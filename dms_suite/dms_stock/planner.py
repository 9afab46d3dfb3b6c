"""The replenishment planner: which store needs what, and from which unit it should come.

A need is a store whose actual + in-transit + incoming quantity of an item is below its safety level
(dms_suite.dms_stock.availability); the need is the difference, in whole units. A need already covered
by an open transfer proposal (same planner key ``<target unit>|<item>``, not rejected, cancelled or
received) is left alone, so the planner never proposes twice for the same need.

Candidates are the other units with stock available to transfer (actual - reserved - their own
safety level: a source never goes below its safety level), less what open proposals (draft or
pending approval) already offer from them. They are ranked by the TARGET unit's
effective ``transfer_rule``:

- Nearest: great-circle distance between the units' coordinates (units without coordinates last);
- Lowest Cost: cost per unit delivered, where the cost of taking ``qty`` from a source is the freight
  (distance x rate per km + qty x rate per unit, from the DMS Freight Route source -> target, else the
  source unit's freight policies) plus (source valuation - target valuation) x qty (a target holding
  none of the item counts at valuation 0, so the cheaper stock still wins).

Needs are served in (target, item) order, greedily over the ranked candidates, splitting a need
across sources when one is not enough; what is given is taken off the source in memory, so one run
never promises the same stock twice. ``compute_plan`` is pure (it writes nothing) and runs a fixed
number of queries whatever the number of units and items; ``create_proposals`` turns its output
into Draft Cross Region Transfers.
"""

import gc
import math
from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, now_datetime, time_diff_in_seconds

from dms_suite.dms_org.policy import get_effective_policies
from dms_suite.dms_stock import availability, quantities

CLOSED_STATUSES = ("Rejected", "Cancelled", "Received")
SCHEDULE_HOURS = {"Off": 0, "Hourly": 1, "Every 6 Hours": 6, "Daily": 24}
SCHEDULE_SLACK_SECONDS = 5 * 60
PROGRESS_EVERY = 20
EARTH_RADIUS_KM = 6371.0088


def planner_key(target_unit: str, item_code: str) -> str:
	return f"{target_unit}|{item_code}"


def compute_plan(units: list[str] | None = None, items: list[str] | None = None) -> list[dict]:
	"""Proposals for the needs of the given store units (all when None) and items (all when None).

	One dict per (target unit, source unit, item): target_unit, target_warehouse, source_unit,
	source_warehouse, item_code, qty, valuation_rate, rule, planner_key, explanation and candidates
	(every unit considered for the need, with its figures and what it was given)."""
	# a whole-group run builds about a million small dicts that all stay alive until it returns:
	# the cyclic garbage collector would walk them again and again for nothing
	collecting = gc.isenabled()
	gc.disable()
	try:
		return _compute_plan(units, items)
	finally:
		if collecting:
			gc.enable()


def _compute_plan(units: list[str] | None, items: list[str] | None) -> list[dict]:
	rows = availability.get_availability(items=items)
	unit_map = availability.load_units()
	policies = get_effective_policies(list(unit_map))
	incoming = quantities.incoming_qty(units, items)
	open_keys = open_planner_keys()

	serial_items = set(
		frappe.get_all(
			"Item",
			filters={"has_serial_no": 1, "name": ("in", list({r["item_code"] for r in rows}) or [""])},
			pluck="name",
		)
	)
	by_key = {(r["unit"], r["item_code"]): r for r in rows}
	sources_of_item = defaultdict(list)
	for r in rows:
		if r["available_to_transfer"] >= 1:
			sources_of_item[r["item_code"]].append(r)
	proposed = quantities.proposed_qty(None, items)  # offered by open proposals, not yet approved
	left = {
		key: max(0, math.floor(r["available_to_transfer"] - proposed.get(key, 0.0) + 1e-9))
		for key, r in by_key.items()
	}
	routes = _Routes(unit_map, policies, _freight_routes())
	texts = _Texts()

	targets = set(units) if units is not None else None
	plan = []
	for (unit, item), r in sorted(by_key.items()):
		target = unit_map.get(unit)
		if not target or target.unit_type != "Store" or not target.stock_warehouse:
			continue
		if targets is not None and unit not in targets:
			continue
		arriving = incoming.get((unit, item), 0.0)
		need = math.ceil(r["safety_qty"] - r["actual_qty"] - r["in_transit_qty"] - arriving - 1e-9)
		key = planner_key(unit, item)
		if need <= 0 or key in open_keys:
			continue
		rule = policies[unit]["transfer_rule"]
		target_rate = r["valuation_rate"] or 0.0
		candidates = []
		between = routes.between
		for source in sources_of_item[item]:
			available = left[(source["unit"], item)]
			if source["unit"] == unit or available < 1:
				continue
			# the figures of one source for this need: costs are for what it could give
			distance, per_km, per_unit = between(source["unit"], unit)
			qty = available if available < need else need
			freight = (distance or 0.0) * per_km + qty * per_unit
			difference = ((source["valuation_rate"] or 0.0) - target_rate) * qty
			candidates.append(
				{  # amounts are rounded where they are stored (Currency fields)
					"item_code": item,
					"source_unit": source["unit"],
					"warehouse": source["warehouse"],
					"available_qty": available,
					"distance_km": distance,
					"freight_cost": freight,
					"valuation_difference": difference,
					"total_cost": freight + difference,
					"unit_cost": (freight + difference) / qty,
					"allocated_qty": 0,
					"chosen": 0,
				}
			)
		candidates.sort(key=_rank(rule))

		remaining = need
		for candidate in candidates:
			take = min(remaining, left[(candidate["source_unit"], item)])
			if take <= 0:
				break
			candidate["allocated_qty"] = take
			candidate["chosen"] = 1
			left[(candidate["source_unit"], item)] -= take
			remaining -= take

		explanation = texts.explain(unit, item, r, arriving, need, rule, candidates, remaining)
		for candidate in candidates:
			if not candidate["chosen"]:
				continue
			plan.append(
				{
					"target_unit": unit,
					# where the unit keeps the item already, else its parts warehouse for parts
					"target_warehouse": r["warehouse"]
					or (None if item in serial_items else target.parts_warehouse)
					or target.stock_warehouse,
					"source_unit": candidate["source_unit"],
					"source_warehouse": candidate["warehouse"],
					"item_code": item,
					"qty": candidate["allocated_qty"],
					"valuation_rate": by_key[(candidate["source_unit"], item)]["valuation_rate"],
					"need": need,
					"rule": rule,
					"planner_key": key,
					"explanation": explanation,
					"candidates": candidates,  # the same list for every proposal of one need
				}
			)
	return plan


def create_proposals(plan: list[dict]) -> list[str]:
	"""Insert a Draft Cross Region Transfer per proposal; proposals whose need already has an open
	transfer are skipped (checked again here: the plan may be old). Returns the names created."""
	open_keys = open_planner_keys()
	proposals = [p for p in plan if p["planner_key"] not in open_keys]
	names = []
	for i, proposal in enumerate(proposals, 1):
		doc = frappe.get_doc(
			{
				"doctype": "Cross Region Transfer",
				"source_unit": proposal["source_unit"],
				"source_warehouse": proposal["source_warehouse"],
				"target_unit": proposal["target_unit"],
				"target_warehouse": proposal["target_warehouse"],
				"rule": proposal["rule"],
				"planner_key": proposal["planner_key"],
				"explanation": proposal["explanation"],
				"items": [
					{
						"item_code": proposal["item_code"],
						"qty": proposal["qty"],
						"valuation_rate": proposal["valuation_rate"],
					}
				],
				"candidates": [_candidate_row(c) for c in proposal["candidates"]],
			}
		)
		doc.flags.ignore_permissions = True  # a system job: it proposes, people approve
		doc.insert()
		names.append(doc.name)
		if i % PROGRESS_EVERY == 0 or i == len(proposals):
			frappe.publish_progress(
				i * 100 / len(proposals),
				title=_("Replenishment planner"),
				description=_("{0} of {1} transfer proposals created").format(i, len(proposals)),
			)
	return names


def run_planner() -> list[str]:
	"""Plan for the whole group and create the proposals (background job)."""
	title = _("Replenishment planner")
	frappe.publish_progress(5, title=title, description=_("Finding stores below their safety level"))
	plan = compute_plan()
	if not plan:
		frappe.publish_progress(100, title=title, description=_("No new need: nothing to propose"))
	return create_proposals(plan)


def run_scheduled_planner() -> None:
	"""Hourly scheduler event: runs the planner when DMS Stock Settings say it is due."""
	settings = frappe.get_single("DMS Stock Settings")
	if not planner_is_due(settings.planner_frequency, settings.planner_last_run):
		return
	settings.db_set("planner_last_run", now_datetime(), update_modified=False)
	run_planner()


def planner_is_due(frequency: str | None, last_run, at=None) -> bool:
	"""Whether a scheduled run is due. The event fires hourly; a few minutes of slack keep a run that
	started late last time from skipping a whole period."""
	hours = SCHEDULE_HOURS.get(frequency or "Hourly")
	if not hours:
		return False
	if not last_run:
		return True
	return time_diff_in_seconds(at or now_datetime(), last_run) >= hours * 3600 - SCHEDULE_SLACK_SECONDS


def flag_overdue_shipments() -> None:
	"""Daily scheduler event: shipments still on the road after their expected arrival (one UPDATE)."""
	transfer = frappe.qb.DocType("Cross Region Transfer")
	(
		frappe.qb.update(transfer)
		.set(transfer.is_overdue, 1)
		.where(transfer.docstatus == 1)
		.where(transfer.status.isin(["In Transit", "Partially Received"]))
		.where(transfer.expected_arrival < frappe.utils.nowdate())
		.where(transfer.is_overdue == 0)
	).run()


def open_planner_keys() -> set[str]:
	"""Planner keys of the transfer proposals still open (one query)."""
	transfer = frappe.qb.DocType("Cross Region Transfer")
	rows = (
		frappe.qb.from_(transfer)
		.select(transfer.planner_key)
		.distinct()
		.where(transfer.docstatus < 2)
		.where(transfer.status.notin(CLOSED_STATUSES))
		.where(transfer.planner_key.isnotnull())
		.where(transfer.planner_key != "")
	).run()
	return {key for (key,) in rows}


def distance_km(a, b) -> float | None:
	"""Great-circle (haversine) distance between two units, None when one has no coordinates."""
	if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
		return None
	if not (a.latitude or a.longitude) or not (b.latitude or b.longitude):
		return None  # 0, 0 is an unset location, not the Gulf of Guinea
	lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
	h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
	return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


CANDIDATE_FIELDS = (
	"item_code",
	"source_unit",
	"warehouse",
	"available_qty",
	"distance_km",
	"freight_cost",
	"valuation_difference",
	"total_cost",
	"allocated_qty",
	"chosen",
)


def _candidate_row(candidate: dict) -> dict:
	row = {field: candidate[field] for field in CANDIDATE_FIELDS}
	for field in ("freight_cost", "valuation_difference", "total_cost"):
		row[field] = round(row[field], 2)
	return row


class _Routes:
	"""Distances and freight rates between units, each worked out once per run."""

	def __init__(self, unit_map, policies, routes):
		self.unit_map, self.policies, self.routes = unit_map, policies, routes
		self.cache = {}

	def between(self, source: str, target: str) -> tuple[float | None, float, float]:
		key = (source, target)
		if key not in self.cache:
			policy = self.policies[source]
			per_km, per_unit = self.routes.get(
				key, (flt(policy["freight_rate_per_km"]), flt(policy["freight_rate_per_unit"]))
			)
			distance = distance_km(self.unit_map[source], self.unit_map[target])
			self.cache[key] = (round(distance, 1) if distance is not None else None, per_km, per_unit)
		return self.cache[key]


def _rank(rule: str):
	def nearest(c):
		return (c["distance_km"] is None, c["distance_km"] or 0.0, -c["available_qty"], c["source_unit"])

	def lowest_cost(c):
		return (c["unit_cost"], c["distance_km"] is None, c["distance_km"] or 0.0, c["source_unit"])

	return lowest_cost if rule == "Lowest Cost" else nearest


def _freight_routes() -> dict[tuple[str, str], tuple[float, float]]:
	return {
		(r.source_unit, r.target_unit): (flt(r.per_km_rate), flt(r.per_unit_rate))
		for r in frappe.get_all(
			"DMS Freight Route", fields=["source_unit", "target_unit", "per_km_rate", "per_unit_rate"]
		)
	}


class _Texts:
	"""The explanation paragraph, with its sentences translated once per run."""

	SHOWN = 5  # candidates named in the text; all of them are in the candidates table

	def __init__(self):
		self.need = _(
			"{0} holds {1} of {2}, with {3} in transit and {4} incoming, below its safety level of {5}: "
			"it needs {6}."
		)
		self.none = _("No other unit can spare any.")
		self.basis = {
			"Nearest": _("distance"),
			"Lowest Cost": _("freight plus valuation difference per unit"),
		}
		self.rule = _(
			"By its rule ({0}, ranked by {1}) the planner considered {2} unit(s): {3}. It takes {4}."
		)
		self.considered = _("{0} ({1} available, {2}, cost {3})")
		self.km = _("{0} km")
		self.no_location = _("no location")
		self.more = _("and {0} more")
		self.taken = _("{0} from {1}")
		self.uncovered = _("{0} remain uncovered: no other unit can spare more.")

	def explain(self, unit, item, row, incoming, need, rule, candidates, remaining) -> str:
		"""Why the need exists, what was considered and what was chosen."""
		text = self.need.format(
			unit,
			_qty(row["actual_qty"]),
			item,
			_qty(row["in_transit_qty"]),
			_qty(incoming),
			_qty(row["safety_qty"]),
			need,
		)
		if not candidates:
			return f"{text} {self.none}"
		considered = [
			self.considered.format(
				c["source_unit"],
				_qty(c["available_qty"]),
				self.km.format(c["distance_km"]) if c["distance_km"] is not None else self.no_location,
				f"{c['total_cost']:.2f}",
			)
			for c in candidates[: self.SHOWN]
		]
		if len(candidates) > self.SHOWN:
			considered.append(self.more.format(len(candidates) - self.SHOWN))
		chosen = ", ".join(
			self.taken.format(_qty(c["allocated_qty"]), c["source_unit"]) for c in candidates if c["chosen"]
		)
		text += " " + self.rule.format(
			rule, self.basis.get(rule, rule), len(candidates), "; ".join(considered), chosen
		)
		if remaining > 0:
			text += " " + self.uncovered.format(remaining)
		return text


def _qty(value: float) -> str:
	return f"{value or 0:g}"
