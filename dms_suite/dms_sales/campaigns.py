"""Joint campaigns: HQ sets the bounds, each region its own offer inside them, ERPNext prices it.

- **The campaign** is ERPNext's own *Campaign*. HQ makes it a joint campaign by filling the DMS
  fields added here: the owning group unit, the maximum discount, the dates and the eligible models
  (a table of *DMS Campaign Item*). :func:`validate_campaign` (doc_events ``validate``) checks those
  bounds, and refuses to narrow them below a region's enabled variant.
- **A region's variant** (*DMS Campaign Variant*) sets the region's discount, dates and, optionally, a
  subset of the models. It belongs to its region (org-scoped in dms_suite/permissions.py), so a region
  sees and edits its own variants only; HQ sees all. :func:`validate_variant` refuses anything outside
  HQ's bounds, each case with its own exception class.
- **The offer reaches quotations through ERPNext's own pricing**: saving an enabled variant keeps one
  *Pricing Rule* per company of the region's subtree (:func:`sync_pricing_rules`): selling, on the
  models, *Discount Percentage*, the variant's dates, the company, *Applicable For: Campaign*. A
  Quotation or Sales Order naming the campaign in such a company gets the discount from ERPNext; one
  without the campaign, or of another region's company, does not. The rules carry
  ``dms_campaign_variant``, which makes saving twice update rather than duplicate them; disabling a
  variant disables its rules, deleting it deletes them.
- **Results** (:func:`campaign_results`, report *DMS Campaign Results* and its dashboard chart): leads,
  quotations, orders, revenue and conversion per region or per unit, rolled up through the org tree,
  narrowed to the units the user may see. They are read from *DMS Campaign Tally* (per campaign,
  ``dms_org_unit`` and day), which doc_events on Lead, Quotation and Sales Order keep in step in the
  same transaction (atomic upserts of the change), and which install/migrate rebuild from the
  documents: the report reads thousands of rows, not every document (benchmarks/).
"""

import hashlib
from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate, nowdate

from dms_suite.permissions import get_user_units

CUSTOM_FIELDS: dict[str, list[dict]] = {
	"Campaign": [
		{
			"fieldname": "dms_campaign_section",
			"fieldtype": "Section Break",
			"label": "Joint Campaign (HQ Bounds)",
			"insert_after": "description",
			"description": "Fill these to run the campaign across the group: each region sets its "
			"offer within them in a DMS Campaign Variant.",
		},
		{
			"fieldname": "dms_org_unit",
			"fieldtype": "Link",
			"options": "DMS Org Unit",
			"label": "Owning Unit (HQ)",
			"insert_after": "dms_campaign_section",
			"ignore_user_permissions": 1,
			"search_index": 1,
			"description": "The group unit that runs the campaign; its regions may join it.",
		},
		{
			"fieldname": "dms_max_discount",
			"fieldtype": "Percent",
			"label": "Max Discount %",
			"insert_after": "dms_org_unit",
			"description": "No region may offer more.",
		},
		{
			"fieldname": "dms_campaign_column",
			"fieldtype": "Column Break",
			"insert_after": "dms_max_discount",
		},
		{
			"fieldname": "dms_valid_from",
			"fieldtype": "Date",
			"label": "Valid From",
			"insert_after": "dms_campaign_column",
		},
		{
			"fieldname": "dms_valid_upto",
			"fieldtype": "Date",
			"label": "Valid Upto",
			"insert_after": "dms_valid_from",
		},
		{
			"fieldname": "dms_models_section",
			"fieldtype": "Section Break",
			"label": "Eligible Models",
			"insert_after": "dms_valid_upto",
		},
		{
			"fieldname": "dms_items",
			"fieldtype": "Table",
			"options": "DMS Campaign Item",
			"label": "Eligible Models",
			"insert_after": "dms_models_section",
		},
	],
	"Pricing Rule": [
		{
			"fieldname": "dms_campaign_variant",
			"fieldtype": "Link",
			"options": "DMS Campaign Variant",
			"label": "DMS Campaign Variant",
			"insert_after": "campaign",
			"read_only": 1,
			"search_index": 1,
			"no_copy": 1,
			"ignore_user_permissions": 1,
			"description": "Kept in step with this campaign variant: change the variant, not the rule.",
		}
	],
}

RULE_FIELDS = (
	"title",
	"disable",
	"apply_on",
	"price_or_product_discount",
	"selling",
	"buying",
	"applicable_for",
	"campaign",
	"company",
	"valid_from",
	"valid_upto",
	"rate_or_discount",
	"discount_percentage",
	"dms_campaign_variant",
)


class CampaignBoundsError(frappe.ValidationError):
	"""HQ's own bounds are wrong: owning unit, discount, dates or models."""


class CampaignBoundsConflictError(frappe.ValidationError):
	"""New bounds would leave a region's enabled variant outside them."""


class NotAJointCampaignError(frappe.ValidationError):
	pass


class NotARegionError(frappe.ValidationError):
	pass


class DiscountBeyondBoundError(frappe.ValidationError):
	pass


class VariantDatesOutOfBoundsError(frappe.ValidationError):
	pass


class ModelNotEligibleError(frappe.ValidationError):
	pass


class DuplicateCampaignVariantError(frappe.ValidationError):
	pass


def after_install() -> None:
	"""Tallies from the documents as they are (idempotent: a full rebuild, also heals any drift)."""
	rebuild_tallies()


def before_uninstall() -> None:
	"""The Pricing Rules the variants made go with them."""
	if frappe.db.has_column("Pricing Rule", "dms_campaign_variant"):
		for rule in frappe.get_all(
			"Pricing Rule", filters={"dms_campaign_variant": ("is", "set")}, pluck="name"
		):
			frappe.delete_doc("Pricing Rule", rule, ignore_permissions=True, force=True)


# ---------------------------------------------------------------------------------------------
# HQ's bounds: the Campaign


def is_joint_campaign(doc) -> bool:
	return bool(
		doc.get("dms_org_unit")
		or doc.get("dms_max_discount")
		or doc.get("dms_valid_from")
		or doc.get("dms_valid_upto")
		or doc.get("dms_items")
	)


def validate_campaign(doc, method=None) -> None:
	"""doc_events ``validate`` of Campaign: a joint campaign's bounds are complete and consistent."""
	if not is_joint_campaign(doc):
		return
	owner_type = doc.dms_org_unit and frappe.db.get_value("DMS Org Unit", doc.dms_org_unit, "unit_type")
	if owner_type != "Group":
		frappe.throw(
			_("A joint campaign is owned by a group (HQ) unit; {0} is not one").format(
				frappe.bold(doc.dms_org_unit or _("(empty)"))
			),
			CampaignBoundsError,
			title=_("Campaign Bounds"),
		)
	if not 0 < flt(doc.dms_max_discount) <= 100:
		frappe.throw(
			_("Max Discount % must be above 0 and at most 100, not {0}").format(
				frappe.bold(flt(doc.dms_max_discount))
			),
			CampaignBoundsError,
			title=_("Campaign Bounds"),
		)
	if not doc.dms_valid_from or not doc.dms_valid_upto:
		frappe.throw(_("A joint campaign needs Valid From and Valid Upto"), CampaignBoundsError)
	if getdate(doc.dms_valid_from) > getdate(doc.dms_valid_upto):
		frappe.throw(
			_("Valid From {0} is after Valid Upto {1}").format(
				frappe.bold(doc.dms_valid_from), frappe.bold(doc.dms_valid_upto)
			),
			CampaignBoundsError,
			title=_("Campaign Bounds"),
		)
	_validate_models(doc)
	if not doc.is_new():
		_validate_variants_within(doc)


def _validate_models(doc) -> None:
	codes = [row.item_code for row in doc.dms_items]
	if not codes:
		frappe.throw(_("A joint campaign needs at least one eligible model"), CampaignBoundsError)
	duplicates = sorted({code for code in codes if codes.count(code) > 1})
	if duplicates:
		frappe.throw(
			_("Model {0} is listed more than once").format(frappe.bold(duplicates[0])), CampaignBoundsError
		)
	sellable = set(
		frappe.get_all(
			"Item", filters={"name": ("in", codes), "is_sales_item": 1, "disabled": 0}, pluck="name"
		)
	)
	if not_sellable := [code for code in codes if code not in sellable]:
		frappe.throw(
			_("{0} is not an enabled sales item and cannot be a campaign model").format(
				frappe.bold(not_sellable[0])
			),
			CampaignBoundsError,
			title=_("Campaign Bounds"),
		)


def _validate_variants_within(doc) -> None:
	"""New bounds must still hold every enabled variant: HQ cannot strand a region's live offer."""
	variants = frappe.get_all(
		"DMS Campaign Variant",
		filters={"campaign": doc.name, "enabled": 1},
		fields=["name", "org_unit", "discount_percentage", "valid_from", "valid_upto"],
	)
	if not variants:
		return
	models = _variant_models([v.name for v in variants])
	eligible = {row.item_code for row in doc.dms_items}
	for variant in variants:
		outside = (
			flt(variant.discount_percentage) > flt(doc.dms_max_discount)
			or getdate(variant.valid_from) < getdate(doc.dms_valid_from)
			or getdate(variant.valid_upto) > getdate(doc.dms_valid_upto)
			or not models[variant.name] <= eligible
		)
		if outside:
			frappe.throw(
				_(
					"Variant {0} of region {1} ({2}%, {3} to {4}) would fall outside these bounds: "
					"change or disable it first"
				).format(
					frappe.bold(variant.name),
					frappe.bold(variant.org_unit),
					flt(variant.discount_percentage),
					variant.valid_from,
					variant.valid_upto,
				),
				CampaignBoundsConflictError,
				title=_("Campaign Bounds"),
			)


def resync_campaign_rules(doc, method=None) -> None:
	"""doc_events ``on_update`` of Campaign: variants that take all models follow the model list."""
	if not is_joint_campaign(doc):
		return
	for name in frappe.get_all(
		"DMS Campaign Variant", filters={"campaign": doc.name, "enabled": 1}, pluck="name"
	):
		sync_pricing_rules(frappe.get_doc("DMS Campaign Variant", name))


# ---------------------------------------------------------------------------------------------
# a region's offer: the DMS Campaign Variant


def validate_variant(variant) -> None:
	campaign = _joint_campaign(variant.campaign)
	_validate_region(variant, campaign)
	variant.valid_from = variant.valid_from or campaign.dms_valid_from
	variant.valid_upto = variant.valid_upto or campaign.dms_valid_upto
	_validate_discount(variant, campaign)
	_validate_dates(variant, campaign)
	_validate_variant_models(variant, campaign)
	if variant.enabled:
		_validate_single_enabled(variant)


def _joint_campaign(name: str):
	campaign = frappe.get_doc("Campaign", name)
	if not flt(campaign.get("dms_max_discount")):
		frappe.throw(
			_("Campaign {0} has no HQ bounds: it is not a joint campaign").format(frappe.bold(name)),
			NotAJointCampaignError,
		)
	return campaign


def _validate_region(variant, campaign) -> None:
	unit = frappe.db.get_value("DMS Org Unit", variant.org_unit, ["unit_type", "lft", "rgt"], as_dict=True)
	owner = frappe.db.get_value("DMS Org Unit", campaign.dms_org_unit, ["lft", "rgt"], as_dict=True)
	if not unit or unit.unit_type != "Region":
		frappe.throw(
			_("A campaign variant is set by a region; {0} is not a region").format(
				frappe.bold(variant.org_unit)
			),
			NotARegionError,
		)
	if not owner or not (owner.lft < unit.lft and unit.rgt < owner.rgt):
		frappe.throw(
			_("Region {0} is not part of {1}, which runs campaign {2}").format(
				frappe.bold(variant.org_unit), frappe.bold(campaign.dms_org_unit), frappe.bold(campaign.name)
			),
			NotARegionError,
		)


def _validate_discount(variant, campaign) -> None:
	discount, bound = flt(variant.discount_percentage), flt(campaign.dms_max_discount)
	if not 0 < discount <= bound:
		frappe.throw(
			_("Discount {0}% is outside the campaign's bounds: above 0 and at most {1}%").format(
				frappe.bold(discount), frappe.bold(bound)
			),
			DiscountBeyondBoundError,
			title=_("Campaign Bounds"),
		)


def _validate_dates(variant, campaign) -> None:
	start, end = getdate(variant.valid_from), getdate(variant.valid_upto)
	if start > end or start < getdate(campaign.dms_valid_from) or end > getdate(campaign.dms_valid_upto):
		frappe.throw(
			_("Dates {0} to {1} are outside the campaign's {2} to {3}").format(
				frappe.bold(variant.valid_from),
				frappe.bold(variant.valid_upto),
				frappe.bold(campaign.dms_valid_from),
				frappe.bold(campaign.dms_valid_upto),
			),
			VariantDatesOutOfBoundsError,
			title=_("Campaign Bounds"),
		)


def _validate_variant_models(variant, campaign) -> None:
	eligible = {row.item_code for row in campaign.dms_items}
	seen = set()
	for row in variant.items:
		if row.item_code not in eligible or row.item_code in seen:
			frappe.throw(
				_("Model {0} is not an eligible model of campaign {1} (or is listed twice)").format(
					frappe.bold(row.item_code), frappe.bold(campaign.name)
				),
				ModelNotEligibleError,
				title=_("Campaign Bounds"),
			)
		seen.add(row.item_code)


def _validate_single_enabled(variant) -> None:
	# the campaign row lock makes two regions' saves of the same campaign take turns, so two
	# simultaneous saves cannot both see "no other enabled variant"
	frappe.db.get_value("Campaign", variant.campaign, "name", for_update=True)
	other = frappe.db.exists(
		"DMS Campaign Variant",
		{
			"campaign": variant.campaign,
			"org_unit": variant.org_unit,
			"enabled": 1,
			"name": ("!=", variant.name),
		},
	)
	if other:
		frappe.throw(
			_("Region {0} already has an enabled variant of campaign {1}: {2}").format(
				frappe.bold(variant.org_unit), frappe.bold(variant.campaign), other
			),
			DuplicateCampaignVariantError,
		)


# ---------------------------------------------------------------------------------------------
# ERPNext Pricing Rules


def sync_pricing_rules(variant) -> list[str]:
	"""One Pricing Rule per company of the region's subtree, matching the variant; returns their names.

	Rules are found by ``dms_campaign_variant`` and updated in place, so a second save (or a retry)
	changes nothing. A disabled variant keeps its rules, disabled; rules of companies no longer in the
	region go. The variant was permission-checked; the rules are the app's, hence ignore_permissions.
	"""
	existing = defaultdict(list)
	for rule in frappe.get_all(
		"Pricing Rule",
		filters={"dms_campaign_variant": variant.name},
		fields=["name", "company"],
		order_by="creation asc",
	):
		existing[rule.company].append(rule.name)

	if not variant.enabled:
		for names in existing.values():
			for name in names:
				rule = frappe.get_doc("Pricing Rule", name)
				if not rule.disable:
					rule.disable = 1
					rule.save(ignore_permissions=True)
		return [name for names in existing.values() for name in names]

	models = _variant_models([variant.name])[variant.name] or {
		row.item_code for row in frappe.get_doc("Campaign", variant.campaign).dms_items
	}
	kept = []
	for company in region_companies(variant.org_unit):
		names = existing.pop(company, [])
		rule = frappe.get_doc("Pricing Rule", names[0]) if names else frappe.new_doc("Pricing Rule")
		for duplicate in names[1:]:
			frappe.delete_doc("Pricing Rule", duplicate, ignore_permissions=True, force=True)
		before = _rule_state(rule)
		rule.update(
			{
				"title": _("Campaign {0} - {1}").format(variant.campaign, variant.org_unit)[:140],
				"disable": 0,
				"apply_on": "Item Code",
				"price_or_product_discount": "Price",
				"selling": 1,
				"buying": 0,
				"applicable_for": "Campaign",
				"campaign": variant.campaign,
				"company": company,
				"valid_from": getdate(variant.valid_from),
				"valid_upto": getdate(variant.valid_upto),
				"rate_or_discount": "Discount Percentage",
				"discount_percentage": flt(variant.discount_percentage),
				"dms_campaign_variant": variant.name,
			}
		)
		rule.set("items", [{"item_code": code} for code in sorted(models)])
		if rule.is_new() or _rule_state(rule) != before:
			rule.save(ignore_permissions=True)
		kept.append(rule.name)
	for names in existing.values():  # companies that left the region
		for name in names:
			frappe.delete_doc("Pricing Rule", name, ignore_permissions=True, force=True)
	return kept


def remove_pricing_rules(variant_name: str) -> None:
	for name in frappe.get_all("Pricing Rule", filters={"dms_campaign_variant": variant_name}, pluck="name"):
		frappe.delete_doc("Pricing Rule", name, ignore_permissions=True, force=True)


def _rule_state(rule) -> tuple:
	values = tuple(str(rule.get(field) or "") for field in RULE_FIELDS)
	return values + (tuple(sorted(row.item_code for row in rule.get("items") or [])),)


def region_companies(region: str) -> list[str]:
	"""The companies of a region's units (stores may be companies of their own), in one query."""
	return frappe.db.sql_list(
		"""
		select distinct unit.company
		from `tabDMS Org Unit` region
		join `tabDMS Org Unit` unit on unit.lft >= region.lft and unit.rgt <= region.rgt
		where region.name = %s and ifnull(unit.company, '') != ''
		order by unit.company
		""",
		region,
	)


def _variant_models(variants: list[str]) -> dict[str, set[str]]:
	"""variant → its own model subset (empty: all the campaign's models), in one query."""
	models = {name: set() for name in variants}
	for row in frappe.get_all(
		"DMS Campaign Item",
		filters={"parenttype": "DMS Campaign Variant", "parent": ("in", variants)},
		fields=["parent", "item_code"],
	):
		models[row.parent].add(row.item_code)
	return models


# ---------------------------------------------------------------------------------------------
# the bound a quotation approval checks


def campaign_discount_bound(doc) -> float | None:
	"""The most discount % a Quotation / Sales Order may give under the campaign it names.

	None: the document names no campaign, or a plain ERPNext campaign without HQ bounds (the campaign
	sets no bound). Otherwise the discount of the enabled variant of the document's region valid on
	its date, or 0.0 when the region has none (the campaign offers no discount there).
	"""
	campaign = doc.get("campaign")
	if not campaign or not flt(frappe.db.get_value("Campaign", campaign, "dms_max_discount")):
		return None
	unit = doc.get("dms_org_unit")
	if not unit:
		from dms_suite.dms_org.document_unit import derive_org_unit

		unit = derive_org_unit(doc)
	on = getdate(doc.get("transaction_date") or nowdate())
	discount = frappe.db.sql(
		"""
		select variant.discount_percentage
		from `tabDMS Org Unit` unit
		join `tabDMS Org Unit` region
			on region.unit_type = 'Region' and region.lft <= unit.lft and region.rgt >= unit.rgt
		join `tabDMS Campaign Variant` variant on variant.org_unit = region.name
		where unit.name = %(unit)s and variant.campaign = %(campaign)s and variant.enabled = 1
			and %(on)s between variant.valid_from and variant.valid_upto
		limit 1
		""",
		{"unit": unit or "", "campaign": campaign, "on": on},
	)
	return flt(discount[0][0]) if discount else 0.0


# ---------------------------------------------------------------------------------------------
# results


def campaign_results(
	campaign: str | None = None,
	from_date=None,
	to_date=None,
	per_unit: bool = False,
	user: str | None = None,
) -> list[dict]:
	"""Leads, quotations, orders, revenue and conversion per region (or per unit with ``per_unit``).

	Counted: leads created in the period naming the campaign (``Lead.campaign_name``); quotations
	dated in the period naming it, draft or submitted (not cancelled); submitted sales orders dated
	in the period naming it, with their ``base_net_total`` as revenue. Conversion = orders ÷
	quotations x 100. No campaign: every campaign. One grouped query over the tallies (per campaign,
	unit and day, kept in step with the documents: :func:`tally_change`), rolled up to the region in
	memory through the org tree; a restricted user gets only the rows of the units they may see.
	"""
	units = get_user_units(user)
	if units is not None and not units:
		return []
	to_date = getdate(to_date or nowdate())
	from_date = getdate(from_date or add_days(to_date, -365))
	counts = {}
	for unit, leads, quotations, orders, revenue in frappe.db.sql(
		f"""
		select org_unit, sum(leads), sum(quotations), sum(orders), sum(revenue)
		from `tabDMS Campaign Tally`
		where {_campaign_condition("campaign", campaign)} and tally_date between %(from_date)s and %(to_date)s
			{_scope("org_unit", units)}
		group by org_unit
		""",
		{"campaign": campaign, "from_date": from_date, "to_date": to_date},
	):
		counts[unit or ""] = {
			"leads": int(leads),
			"quotations": int(quotations),
			"orders": int(orders),
			"revenue": flt(revenue),
		}

	tree = {row.name: row for row in frappe.get_all(
		"DMS Org Unit", fields=["name", "unit_name", "unit_type", "parent_dms_org_unit", "lft"]
	)}  # fmt: skip
	region_of = {name: _region_of(name, tree) for name in tree}

	# every unit (or region) in scope gets a row, with zeros when it has no figures
	visible = set(tree) if units is None else set(units) & set(tree)
	if per_unit:
		keys = {name for name in visible if tree[name].unit_type != "Group"} | set(counts)
	else:
		keys = {region_of[name] for name in visible} | {region_of.get(unit, unit) for unit in counts}
	rows = {key: {"leads": 0, "quotations": 0, "orders": 0, "revenue": 0.0} for key in keys}
	for unit, figures in counts.items():
		key = unit if per_unit else region_of.get(unit, unit)
		for field, value in figures.items():
			rows[key][field] += value

	result = []
	for key, figures in rows.items():
		node = tree.get(key)
		result.append(
			{
				"org_unit": key or None,
				"unit_name": node.unit_name if node else _("(no org unit)"),
				"unit_type": node.unit_type if node else None,
				"region": region_of.get(key) if node else None,
				**figures,
				"conversion_rate": _rate(figures["orders"], figures["quotations"]),
			}
		)
	result.sort(key=lambda row: (_position(row["region"], tree), _position(row["org_unit"], tree)))
	return result


def _position(unit: str | None, tree: dict) -> int:
	return tree[unit].lft if unit in tree else -1


def _rate(orders: int, quotations: int) -> float:
	return flt(100.0 * orders / quotations, 2) if quotations else 0.0


def _region_of(name: str, tree: dict) -> str:
	"""The region above (or at) a unit; a unit above the regions (HQ) is its own."""
	node = tree[name]
	while node:
		if node.unit_type == "Region":
			return node.name
		node = tree.get(node.parent_dms_org_unit)
	return name


def _campaign_condition(column: str, campaign: str | None) -> str:
	return f"{column} = %(campaign)s" if campaign else f"{column} > ''"


def _scope(column: str, units: frozenset[str] | None) -> str:
	if units is None:
		return ""
	return f"and {column} in ({', '.join(frappe.db.escape(unit) for unit in sorted(units))})"


# ---------------------------------------------------------------------------------------------
# tallies: the results per campaign, unit and day, kept in step with the documents

# doctype -> (campaign field, date expression); what a document adds to its bucket is _contribution()
TALLY_SOURCES = {
	"Lead": ("campaign_name", "date(creation)"),
	"Quotation": ("campaign", "transaction_date"),
	"Sales Order": ("campaign", "transaction_date"),
}
TALLY_FIELDS = ("leads", "quotations", "orders", "revenue")


def _contribution(doc) -> tuple[tuple, tuple] | None:
	"""(bucket, (leads, quotations, orders, revenue)) a document counts for, or None."""
	if doc is None:
		return None
	campaign_field = TALLY_SOURCES[doc.doctype][0]
	campaign = doc.get(campaign_field)
	if not campaign:
		return None
	if doc.doctype == "Lead":
		day, figures = getdate(doc.creation or nowdate()), (1, 0, 0, 0.0)
	elif doc.doctype == "Quotation":
		if doc.docstatus == 2:
			return None
		day, figures = getdate(doc.transaction_date), (0, 1, 0, 0.0)
	else:
		if doc.docstatus != 1:
			return None
		day, figures = getdate(doc.transaction_date), (0, 0, 1, flt(doc.base_net_total))
	return (campaign, doc.get("dms_org_unit") or "", day), figures


def tally_change(doc, method=None) -> None:
	"""doc_events ``on_change`` (after every save, submit, cancel and db_set) of Lead, Quotation and
	Sales Order: move the document's contribution from its old bucket to its new one.

	What was counted for this document object is remembered on it, so a second on_change in the same
	save (a db_set inside on_submit) adds nothing; otherwise the old state is the stored one."""
	if doc.flags.in_delete:
		return  # frappe.delete_doc runs on_change after on_trash: tally_trash took it out already
	if hasattr(doc, "_dms_tallied"):
		before = doc._dms_tallied
	else:
		before = _contribution(doc.get_doc_before_save())  # None for a new document
	after = _contribution(doc)
	_apply_delta(before, after)
	doc._dms_tallied = after


def tally_trash(doc, method=None) -> None:
	"""doc_events ``on_trash``: a deleted document counts no more."""
	_apply_delta(_contribution(doc), None)


def _apply_delta(before, after) -> None:
	if before == after:
		return
	deltas = defaultdict(lambda: [0, 0, 0, 0.0])
	for state, sign in ((before, -1), (after, 1)):
		if state:
			bucket, figures = state
			for i, value in enumerate(figures):
				deltas[bucket][i] += sign * value
	for (campaign, unit, day), (leads, quotations, orders, revenue) in deltas.items():
		if not (leads or quotations or orders or revenue):
			continue
		# an atomic upsert: two saves into the same bucket at once both count
		frappe.db.sql(
			"""
			insert into `tabDMS Campaign Tally`
				(name, creation, modified, owner, modified_by, campaign, org_unit, tally_date,
				leads, quotations, orders, revenue)
			values (%(name)s, now(6), now(6), 'Administrator', 'Administrator', %(campaign)s, %(unit)s,
				%(day)s, %(leads)s, %(quotations)s, %(orders)s, %(revenue)s)
			on duplicate key update leads = leads + values(leads), quotations = quotations + values(quotations),
				orders = orders + values(orders), revenue = revenue + values(revenue), modified = now(6)
			""",
			{
				"name": _bucket_name(campaign, unit, day),
				"campaign": campaign,
				"unit": unit or None,
				"day": day,
				"leads": leads,
				"quotations": quotations,
				"orders": orders,
				"revenue": revenue,
			},
		)


def _bucket_name(campaign: str, unit: str, day) -> str:
	"""The row of a bucket; the same digest as rebuild_tallies() computes in SQL."""
	key = "\x1f".join((campaign, unit or "", str(getdate(day))))
	return hashlib.sha1(key.encode()).hexdigest()[:20]


def rebuild_tallies() -> None:
	"""All tallies again from the documents: three grouped insert-selects (install, on demand, and
	after documents were written past the ORM, e.g. by SQL imports)."""
	frappe.db.sql("delete from `tabDMS Campaign Tally`")
	queries = {
		"Lead": "count(*), 0, 0, 0",
		"Quotation": "0, count(*), 0, 0",
		"Sales Order": "0, 0, count(*), sum(base_net_total)",
	}
	conditions = {"Lead": "", "Quotation": "and docstatus < 2", "Sales Order": "and docstatus = 1"}
	for doctype, figures in queries.items():
		campaign, day = TALLY_SOURCES[doctype]
		frappe.db.sql(
			f"""
			insert into `tabDMS Campaign Tally`
				(name, creation, modified, owner, modified_by, campaign, org_unit, tally_date,
				leads, quotations, orders, revenue)
			select left(sha1(concat_ws(char(31), {campaign}, ifnull(dms_org_unit, ''), {day})), 20),
				now(6), now(6), 'Administrator', 'Administrator', {campaign}, nullif(dms_org_unit, ''), {day},
				{figures}
			from `tab{doctype}`
			where ifnull({campaign}, '') != '' {conditions[doctype]}
			group by {campaign}, ifnull(dms_org_unit, ''), {day}
			on duplicate key update leads = leads + values(leads), quotations = quotations + values(quotations),
				orders = orders + values(orders), revenue = revenue + values(revenue)
			"""
		)
