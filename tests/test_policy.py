"""Policy inheritance: set at group, overridden at region or store, read anywhere."""

import pytest

import frappe

from dms_suite.dms_org.doctype.dms_org_unit_policy.dms_org_unit_policy import DMSOrgUnitPolicy
from dms_suite.dms_org.policy import (
	POLICIES,
	InvalidPolicyValueError,
	get_effective_policies,
	get_effective_policy,
	get_policy_sources,
)


def test_set_at_group_override_at_region_read_at_store(org):
	tn1 = get_effective_policy("TN1")
	assert tn1["safety_stock_days"] == 5  # TN overrides TG's 10
	assert tn1["transfer_rule"] == "Nearest"  # from TG
	assert tn1["monthly_sales_target"] == 1_000_000.0  # from TG
	assert get_policy_sources("TN1")["safety_stock_days"] == "TN"
	assert get_policy_sources("TN1")["monthly_sales_target"] == "TG"

	ts1 = get_effective_policy("TS1")
	assert ts1["safety_stock_days"] == 10  # from TG
	assert ts1["transfer_rule"] == "Lowest Cost"  # TS overrides


def test_zero_is_a_value_not_unset(org):
	assert get_effective_policy("TN2")["safety_stock_days"] == 0
	assert get_policy_sources("TN2")["safety_stock_days"] == "TN2"


def test_unset_everywhere_falls_back_to_default(org):
	assert (
		get_effective_policy("TN1")["transfer_approval_limit"] == POLICIES["transfer_approval_limit"].default
	)
	assert "transfer_approval_limit" not in get_policy_sources("TN1")


def test_change_at_group_reaches_descendants_through_the_cache(org):
	assert get_effective_policy("TS1")["safety_stock_days"] == 10
	group = frappe.get_doc("DMS Org Unit", "TG")
	next(row for row in group.policies if row.policy == "safety_stock_days").value = "21"
	group.save()
	assert get_effective_policy("TS1")["safety_stock_days"] == 21
	assert get_effective_policy("TN1")["safety_stock_days"] == 5  # TN still overrides

	region = frappe.get_doc("DMS Org Unit", "TN")
	region.policies = []
	region.save()
	assert get_effective_policy("TN1")["safety_stock_days"] == 21


def test_batch_resolution_is_one_query(org):
	get_effective_policies()  # warm nothing: clear and count
	from dms_suite.dms_org.policy import clear_policy_cache

	clear_policy_cache()
	frappe.local.cache = {}
	queries = []
	original = frappe.db.sql

	def counting_sql(query, *args, **kwargs):
		queries.append(query)
		return original(query, *args, **kwargs)

	frappe.db.sql = counting_sql
	try:
		result = get_effective_policies(["TG", "TN", "TN1", "TN2", "TS", "TS1"])
	finally:
		frappe.db.sql = original
	assert len(queries) == 1
	assert set(result) == {"TG", "TN", "TN1", "TN2", "TS", "TS1"}


@pytest.mark.parametrize(
	"policy, value",
	[
		("safety_stock_days", "-1"),
		("safety_stock_days", "2.5"),
		("safety_stock_days", "ten"),
		("transfer_rule", "Cheapest"),
		("discount_approval_limit", "150"),
	],
)
def test_bad_policy_values_are_refused(org, policy, value):
	unit = frappe.get_doc("DMS Org Unit", "TN1")
	unit.append("policies", {"policy": policy, "value": value})
	with pytest.raises(InvalidPolicyValueError):
		unit.save()
	assert not frappe.db.exists("DMS Org Unit Policy", {"parent": "TN1", "policy": policy})


def test_policy_set_twice_is_refused(org):
	unit = frappe.get_doc("DMS Org Unit", "TN1")
	unit.append("policies", {"policy": "safety_stock_days", "value": "3"})
	unit.append("policies", {"policy": "safety_stock_days", "value": "4"})
	with pytest.raises(frappe.ValidationError, match="set twice"):
		unit.save()


def test_unknown_unit_is_an_error(org):
	with pytest.raises(frappe.DoesNotExistError):
		get_effective_policy("NO-SUCH-UNIT")


def test_policy_registry_matches_the_doctype_options():
	options = frappe.get_meta("DMS Org Unit Policy").get_field("policy").options.split("\n")
	assert options == list(POLICIES)
