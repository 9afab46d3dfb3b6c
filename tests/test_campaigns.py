"""Joint campaigns (dms_suite/dms_sales/campaigns.py): HQ bounds, region variants, ERPNext Pricing Rules
applied on real quotations, the bound for approvals, the results report and its isolation.

The test group (tests/org_fixture.py): TG (DT Group) → TN (DT North: TN1, TN2), TS (DT South: TS1).
"""

import pytest

import frappe
from frappe.utils import add_days, nowdate

from dms_suite.dms_sales import campaigns
from dms_suite.dms_sales.campaigns import (
	CampaignBoundsConflictError,
	CampaignBoundsError,
	DiscountBeyondBoundError,
	DuplicateCampaignVariantError,
	ModelNotEligibleError,
	NotAJointCampaignError,
	NotARegionError,
	VariantDatesOutOfBoundsError,
	campaign_discount_bound,
	campaign_results,
)
from dms_suite.dms_sales.report.dms_campaign_results.dms_campaign_results import execute

from .factories import assign, make_company, make_unit, make_user

MODELS = ("DT-CM-1", "DT-CM-2", "DT-CM-3")
PRICE_LIST = "DT Campaign Selling"
LIST_PRICE = 1000
CUSTOMER = "DT Campaign Customer"
START, END = -10, 30  # the campaign's dates, in days from today


def day(offset: int) -> str:
	"""A date ``offset`` days from today (computed when the test runs, in the site's time zone)."""
	return add_days(nowdate(), offset)


def make_item(code: str, **fields) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
				**fields,
			}
		).insert()
	return code


@pytest.fixture
def setup(org):
	"""Models, a price list with a list price for DT-CM-1 and DT-CM-2, a customer."""
	for code in MODELS:
		make_item(code)
	make_item("DT-CM-PART", is_sales_item=0)
	frappe.get_doc(
		{"doctype": "Price List", "price_list_name": PRICE_LIST, "currency": "CNY", "selling": 1}
	).insert()
	for code in MODELS[:2]:
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": code,
				"price_list": PRICE_LIST,
				"price_list_rate": LIST_PRICE,
			}
		).insert()
	frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": CUSTOMER,
			"customer_group": "All Customer Groups",
			"territory": "All Territories",
		}
	).insert()
	return org


def make_campaign(name: str = "DT Spring", **fields):
	values = {
		"doctype": "Campaign",
		"campaign_name": name,
		"dms_org_unit": "TG",
		"dms_max_discount": 10,
		"dms_valid_from": START,
		"dms_valid_upto": END,
		"dms_items": [{"item_code": code} for code in MODELS[:2]],
	}
	values.update(fields)
	return frappe.get_doc(_dates(values)).insert()


def _dates(values: dict) -> dict:
	"""Date fields given as day offsets (parametrize runs before the site is connected) become dates."""
	return {
		key: day(value) if "valid_" in key and isinstance(value, int) else value
		for key, value in values.items()
	}


@pytest.fixture
def campaign(setup):
	return make_campaign()


def make_variant(campaign, region: str = "TN", discount: float = 8, **fields):
	return frappe.get_doc(
		_dates(
			{
				"doctype": "DMS Campaign Variant",
				"campaign": campaign.name,
				"org_unit": region,
				"discount_percentage": discount,
				**fields,
			}
		)
	).insert()


def rules_of(variant_name: str) -> list[dict]:
	return frappe.get_all(
		"Pricing Rule",
		filters={"dms_campaign_variant": variant_name},
		fields=["name", "company", "disable", "discount_percentage", "campaign", "valid_from", "valid_upto"],
	)


def rule_models(rule: str) -> set[str]:
	return set(frappe.get_all("Pricing Rule Item Code", filters={"parent": rule}, pluck="item_code"))


def make_quotation(org, company="north", unit="TN1", campaign=None, item="DT-CM-1", rate=None, **fields):
	row = {"item_code": item, "qty": 1}
	if rate is not None:  # sold at list price: no discount for the approvals to judge
		row.update(rate=rate, price_list_rate=rate)
	return frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": CUSTOMER,
			"company": org.companies[company],
			"dms_org_unit": unit,
			"campaign": campaign,
			"selling_price_list": PRICE_LIST,
			"currency": "CNY",
			"items": [row],
			**fields,
		}
	).insert()


# ---------------------------------------------------------------------------------------------
# HQ's bounds


@pytest.mark.parametrize(
	"fields",
	[
		{"dms_org_unit": "TN"},  # a region does not own a joint campaign
		{"dms_org_unit": None},
		{"dms_max_discount": 0},
		{"dms_max_discount": -5},
		{"dms_max_discount": 120},
		{"dms_valid_from": END, "dms_valid_upto": START},
		{"dms_valid_upto": None},
		{"dms_items": []},
		{"dms_items": [{"item_code": "DT-CM-PART"}]},  # not a sales item
		{"dms_items": [{"item_code": "DT-CM-1"}, {"item_code": "DT-CM-1"}]},
	],
)
def test_bad_campaign_bounds_are_refused_and_nothing_written(setup, fields):
	with pytest.raises(CampaignBoundsError):
		make_campaign("DT Bad", **fields)
	assert not frappe.db.exists("Campaign", {"campaign_name": "DT Bad"})


def test_a_plain_erpnext_campaign_is_left_alone(setup):
	plain = frappe.get_doc({"doctype": "Campaign", "campaign_name": "DT Plain"}).insert()
	assert plain.name
	with pytest.raises(NotAJointCampaignError):
		make_variant(plain)
	assert not frappe.db.exists("DMS Campaign Variant", {"campaign": plain.name})


# ---------------------------------------------------------------------------------------------
# a region's variant within the bounds


@pytest.mark.parametrize(
	"fields, error",
	[
		({"discount": 10.5}, DiscountBeyondBoundError),
		({"discount": 0}, DiscountBeyondBoundError),
		({"discount": -3}, DiscountBeyondBoundError),
		({"valid_from": START - 1}, VariantDatesOutOfBoundsError),
		({"valid_upto": END + 1}, VariantDatesOutOfBoundsError),
		({"valid_from": 5, "valid_upto": 0}, VariantDatesOutOfBoundsError),
		({"items": [{"item_code": "DT-CM-3"}]}, ModelNotEligibleError),
		({"items": [{"item_code": "DT-CM-1"}, {"item_code": "DT-CM-1"}]}, ModelNotEligibleError),
		({"region": "TN1"}, NotARegionError),  # a store
		({"region": "TG"}, NotARegionError),  # HQ itself
	],
)
def test_a_variant_outside_hq_bounds_is_refused_and_nothing_written(campaign, fields, error):
	fields = dict(fields)
	region, discount = fields.pop("region", "TN"), fields.pop("discount", 8)
	rules_before = frappe.db.count("Pricing Rule")
	with pytest.raises(error):
		make_variant(campaign, region, discount, **fields)
	assert not frappe.db.exists("DMS Campaign Variant", {"campaign": campaign.name})
	assert frappe.db.count("Pricing Rule") == rules_before


def test_a_variant_at_the_bounds_is_accepted_and_takes_the_campaign_dates(campaign):
	variant = make_variant(campaign, discount=10, items=[{"item_code": "DT-CM-2"}])
	assert (str(variant.valid_from), str(variant.valid_upto)) == (day(START), day(END))


def test_one_enabled_variant_per_campaign_and_region(campaign):
	make_variant(campaign, "TN", 8)
	with pytest.raises(DuplicateCampaignVariantError):
		make_variant(campaign, "TN", 5)
	assert frappe.db.count("DMS Campaign Variant", {"campaign": campaign.name}) == 1
	make_variant(campaign, "TN", 5, enabled=0)  # a disabled draft is fine
	make_variant(campaign, "TS", 5)  # and so is another region


def test_hq_cannot_narrow_the_bounds_below_a_live_variant(campaign):
	make_variant(campaign, "TN", 8, items=[{"item_code": "DT-CM-2"}])
	for fields in (
		{"dms_max_discount": 5},
		{"dms_valid_upto": day(1)},
		{"dms_items": [{"item_code": "DT-CM-1"}]},
	):
		doc = frappe.get_doc("Campaign", campaign.name)
		doc.update(fields)
		with pytest.raises(CampaignBoundsConflictError):
			doc.save()
	assert frappe.db.get_value("Campaign", campaign.name, "dms_max_discount") == 10


# ---------------------------------------------------------------------------------------------
# ERPNext Pricing Rules


def test_a_variant_keeps_one_pricing_rule_per_company_of_its_region(campaign, org):
	variant = make_variant(campaign, "TN", 8)
	(rule,) = rules_of(variant.name)
	assert rule.company == org.companies["north"]
	assert (rule.campaign, rule.discount_percentage, rule.disable) == (campaign.name, 8, 0)
	assert (str(rule.valid_from), str(rule.valid_upto)) == (day(START), day(END))
	doc = frappe.get_doc("Pricing Rule", rule.name)
	assert (doc.selling, doc.buying, doc.apply_on, doc.applicable_for, doc.rate_or_discount) == (
		1,
		0,
		"Item Code",
		"Campaign",
		"Discount Percentage",
	)
	assert rule_models(rule.name) == {"DT-CM-1", "DT-CM-2"}  # no subset: all the campaign's models

	# saving twice never duplicates; a change updates the same rule
	variant.save()
	variant.discount_percentage = 6
	variant.set("items", [{"item_code": "DT-CM-2"}])
	variant.save()
	(updated,) = rules_of(variant.name)
	assert (updated.name, updated.discount_percentage) == (rule.name, 6)
	assert rule_models(rule.name) == {"DT-CM-2"}

	# disabled: the rule stays, disabled; deleted: the rule goes
	variant.enabled = 0
	variant.save()
	assert [r.disable for r in rules_of(variant.name)] == [1]
	variant.enabled = 1
	variant.save()
	assert [r.disable for r in rules_of(variant.name)] == [0]
	variant.delete()
	assert not frappe.db.exists("Pricing Rule", rule.name)


def test_a_store_with_a_company_of_its_own_gets_its_own_rule(campaign, org):
	store_company = make_company("DT North Two", "DTN2", parent=org.companies["north"])
	make_unit("TN3", "Store", store_company, "TN")
	variant = make_variant(campaign, "TN", 8)
	assert {r.company for r in rules_of(variant.name)} == {org.companies["north"], store_company}
	assert frappe.db.count("Pricing Rule", {"dms_campaign_variant": variant.name}) == 2
	variant.save()  # still one per company
	assert frappe.db.count("Pricing Rule", {"dms_campaign_variant": variant.name}) == 2


def test_campaign_model_changes_reach_the_rules_of_variants_taking_all_models(campaign):
	variant = make_variant(campaign, "TN", 8)
	doc = frappe.get_doc("Campaign", campaign.name)
	doc.append("dms_items", {"item_code": "DT-CM-3"})
	doc.save()
	(rule,) = rules_of(variant.name)
	assert rule_models(rule.name) == set(MODELS)


def test_erpnext_applies_the_region_discount_on_a_real_quotation(campaign, org):
	make_variant(campaign, "TN", 8)
	(rule,) = rules_of(frappe.db.get_value("DMS Campaign Variant", {"org_unit": "TN"}))

	north = make_quotation(org, campaign=campaign.name)
	item = north.items[0]
	assert (item.price_list_rate, item.discount_percentage, item.rate) == (LIST_PRICE, 8, 920)
	assert rule.name in (item.pricing_rules or "")
	assert north.net_total == 920

	# no campaign named, a model outside the campaign, another region's company: list price
	assert make_quotation(org).items[0].rate == LIST_PRICE
	other_model = frappe.get_doc(
		{"doctype": "Item Price", "item_code": "DT-CM-3", "price_list": PRICE_LIST, "price_list_rate": 500}
	).insert()
	assert make_quotation(org, campaign=campaign.name, item=other_model.item_code).items[0].rate == 500
	south = make_quotation(org, "south", "TS1", campaign=campaign.name)
	assert (south.items[0].discount_percentage or 0, south.items[0].rate) == (0, LIST_PRICE)

	# the south region joins with its own offer
	make_variant(campaign, "TS", 5)
	assert make_quotation(org, "south", "TS1", campaign=campaign.name).items[0].rate == 950


def test_no_discount_outside_the_variant_dates(campaign, org):
	make_variant(campaign, "TN", 8, valid_from=1)
	assert make_quotation(org, campaign=campaign.name).items[0].rate == LIST_PRICE


# ---------------------------------------------------------------------------------------------
# the bound quotation approvals check


def test_campaign_discount_bound(campaign, org):
	make_variant(campaign, "TN", 8)
	quotation = frappe.get_doc(
		{
			"doctype": "Quotation",
			"company": org.companies["north"],
			"dms_org_unit": "TN2",
			"campaign": campaign.name,
		}
	)
	assert campaign_discount_bound(quotation) == 8
	quotation.campaign = None
	assert campaign_discount_bound(quotation) is None
	south = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"company": org.companies["south"],
			"dms_org_unit": "TS1",
			"campaign": campaign.name,
		}
	)
	assert campaign_discount_bound(south) == 0.0  # the region did not join: no campaign discount
	plain = frappe.get_doc({"doctype": "Campaign", "campaign_name": "DT Plain Bound"}).insert()
	south.campaign = plain.name
	assert campaign_discount_bound(south) is None
	quotation.campaign, quotation.transaction_date = campaign.name, day(END + 1)
	assert campaign_discount_bound(quotation) == 0.0  # after the variant's dates


def test_quotations_keep_within_the_campaign_offer(campaign, org):
	"""The campaign's offer needs no discount approval (HQ and the region set it); more is refused."""
	from dms_suite.dms_sales import quotations

	quotations.configure()  # the approval workflow
	make_variant(campaign, "TN", 8)
	offer = make_quotation(org, campaign=campaign.name)
	assert (offer.dms_discount_percent, offer.dms_approval_level) == (8, 0)
	before = frappe.db.count("Quotation")
	with pytest.raises(quotations.DiscountBeyondBoundError):
		make_quotation(org, campaign=campaign.name, additional_discount_percentage=2)
	assert frappe.db.count("Quotation") == before


# ---------------------------------------------------------------------------------------------
# isolation of variants


def test_regions_see_and_edit_only_their_own_variants(campaign, org):
	users = org.users
	south_manager = make_user("dt.south.manager@example.com", "DMS Region Manager")
	assign(south_manager, "TS")
	frappe.set_user(users["north_manager"])
	north = make_variant(campaign, "TN", 8)
	with pytest.raises(frappe.PermissionError):
		make_variant(campaign, "TS", 5)
	frappe.set_user("Administrator")
	south = make_variant(campaign, "TS", 5)

	def visible(user):
		frappe.set_user(user)
		try:
			return set(frappe.get_list("DMS Campaign Variant", pluck="name"))
		finally:
			frappe.set_user("Administrator")

	assert visible(users["exec"]) >= {north.name, south.name}
	assert visible(users["north_manager"]) == {north.name}
	assert visible(south_manager) == {south.name}
	assert visible(users["unassigned"]) == set()

	frappe.set_user(users["north_manager"])
	assert not frappe.has_permission("DMS Campaign Variant", "read", south.name)
	other = frappe.get_doc("DMS Campaign Variant", south.name)
	other.discount_percentage = 1
	with pytest.raises(frappe.PermissionError):
		other.save()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("DMS Campaign Variant", south.name, "discount_percentage") == 5


# ---------------------------------------------------------------------------------------------
# results


@pytest.fixture
def results_data(campaign, org):
	"""TN1: 2 leads, 2 quotations (1 ordered, 1 draft) + 1 cancelled; TN2: 1 quotation;
	TS1: 1 lead, 1 quotation, ordered. Plus a lead, a quotation and an order of no campaign."""
	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	for i, (unit, company, name) in enumerate(
		[("TN1", "north", campaign.name), ("TN1", "north", campaign.name), ("TS1", "south", campaign.name),
			("TN1", "north", None)]
	):  # fmt: skip
		frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"Campaign Lead {i}",
				"email_id": f"dt.campaign.lead{i}@example.com",
				"company": org.companies[company],
				"dms_org_unit": unit,
				"campaign_name": name,
			}
		).insert()

	def quotation(unit, company, rate, name=campaign.name, submit=True):
		doc = make_quotation(org, company, unit, campaign=name, item="DT-CM-3", rate=rate)
		if submit:
			doc.submit()
		return doc

	def order(quotation_doc, warehouse):
		so = make_sales_order(quotation_doc.name)
		so.delivery_date = day(7)
		so.set_warehouse = warehouse
		for row in so.items:
			row.warehouse = warehouse
		so.insert()
		so.submit()
		return so

	wh = org.warehouses
	ordered_north = quotation("TN1", "north", 300)
	quotation("TN1", "north", 200, submit=False)
	quotation("TN1", "north", 999).cancel()
	quotation("TN2", "north", 100)
	ordered_south = quotation("TS1", "south", 700)
	no_campaign = quotation("TN1", "north", 50, name=None)
	return {
		"north_order": order(ordered_north, wh["TN1 Vehicles"]),
		"south_order": order(ordered_south, wh["TS1 Vehicles"]),
		"no_campaign_order": order(no_campaign, wh["TN1 Vehicles"]),
	}


def figures(rows):
	return {
		row["org_unit"]: (
			row["leads"],
			row["quotations"],
			row["orders"],
			row["revenue"],
			row["conversion_rate"],
		)
		for row in rows
	}


def test_results_per_region_and_per_store(campaign, results_data):
	assert results_data["north_order"].campaign == campaign.name  # ERPNext maps it from the quotation
	assert results_data["north_order"].dms_org_unit == "TN1"
	rows = campaign_results(campaign.name, day(START), day(END))
	assert {unit: f for unit, f in figures(rows).items() if unit in ("TG", "TN", "TS")} == {
		"TN": (2, 3, 1, 300, 33.33),
		"TS": (1, 1, 1, 700, 100),
		"TG": (0, 0, 0, 0, 0),  # HQ's own documents would show on its own row
	}
	per_store = figures(campaign_results(campaign.name, day(START), day(END), per_unit=True))
	assert per_store["TN1"] == (2, 2, 1, 300, 50)
	assert per_store["TN2"] == (0, 1, 0, 0, 0)
	assert per_store["TS1"] == (1, 1, 1, 700, 100)
	# the period filters by document date
	assert figures(campaign_results(campaign.name, day(1), day(END)))["TN"] == (0, 0, 0, 0, 0)


def test_results_only_show_the_units_a_user_may_see(campaign, results_data, org):
	users = org.users
	assert figures(campaign_results(campaign.name, day(START), day(END), user=users["north_manager"])) == {
		"TN": (2, 3, 1, 300, 33.33)
	}
	assert figures(campaign_results(campaign.name, day(START), day(END), user=users["tn1_user"])) == {
		"TN": (2, 2, 1, 300, 50)  # their store's figures only, under its region
	}
	assert figures(campaign_results(campaign.name, day(START), day(END), user=users["ts1_sales"])) == {
		"TS": (1, 1, 1, 700, 100)
	}
	assert campaign_results(campaign.name, day(START), day(END), user=users["unassigned"]) == []

	# the report itself, run as the user
	frappe.set_user(users["north_manager"])
	columns, data, _message, chart, summary = execute(
		{"campaign": campaign.name, "from_date": day(START), "to_date": day(END)}
	)
	assert [row["org_unit"] for row in data] == ["TN"]
	assert chart["data"]["labels"] == ["TN"]
	assert {s["label"]: s["value"] for s in summary}["Orders"] == 1
	assert "conversion_rate" in {c["fieldname"] for c in columns}


def test_results_of_every_campaign(campaign, results_data):
	assert figures(campaign_results(None, day(START), day(END)))["TN"] == (2, 3, 1, 300, 33.33)
	other = make_campaign("DT Autumn")
	assert figures(campaign_results(other.name, day(START), day(END)))["TN"] == (0, 0, 0, 0, 0)


def tally(campaign: str) -> dict[str, tuple]:
	rows = frappe.get_all(
		"DMS Campaign Tally",
		filters={"campaign": campaign},
		fields=["org_unit", "sum(leads) as leads", "sum(quotations) as quotations", "sum(orders) as orders",
			"sum(revenue) as revenue"],
		group_by="org_unit",
	)  # fmt: skip
	return {r.org_unit: (r.leads, r.quotations, r.orders, r.revenue) for r in rows}


def test_tallies_follow_every_change_of_the_documents(campaign, org):
	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	draft = make_quotation(org, campaign=campaign.name, item="DT-CM-3", rate=100)
	assert tally(campaign.name) == {"TN1": (0, 1, 0, 0)}
	draft.campaign = None  # no longer the campaign's
	draft.save()
	assert tally(campaign.name) == {"TN1": (0, 0, 0, 0)}
	draft.campaign = campaign.name
	draft.dms_org_unit = "TN2"  # moved to another store
	draft.save()
	assert tally(campaign.name) == {"TN1": (0, 0, 0, 0), "TN2": (0, 1, 0, 0)}
	draft.delete()
	assert tally(campaign.name)["TN2"] == (0, 0, 0, 0)

	quotation = make_quotation(org, campaign=campaign.name, item="DT-CM-3", rate=400)
	quotation.submit()
	order = make_sales_order(quotation.name)
	order.delivery_date = day(7)
	order.set_warehouse = org.warehouses["TN1 Vehicles"]
	order.insert()
	assert tally(campaign.name)["TN1"] == (0, 1, 0, 0)  # a draft order is no order yet
	order.submit()
	assert tally(campaign.name)["TN1"] == (0, 1, 1, 400)  # counted once, whatever db_set ran inside
	order.cancel()
	assert tally(campaign.name)["TN1"] == (0, 1, 0, 0)
	frappe.get_doc("Quotation", quotation.name).cancel()
	assert tally(campaign.name)["TN1"] == (0, 0, 0, 0)


def test_rebuilt_tallies_equal_the_kept_ones(campaign, results_data):
	kept = tally(campaign.name)
	assert kept["TN1"] == (2, 2, 1, 300)
	campaigns.rebuild_tallies()
	assert {unit: f for unit, f in tally(campaign.name).items() if any(f)} == {
		unit: f for unit, f in kept.items() if any(f)
	}
