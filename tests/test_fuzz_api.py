"""Bad input gets a clear 4xx, never a 5xx: every whitelisted method of dms_suite, fuzzed.

Each method found in Frappe's whitelist whose module is dms_suite's own (the API, the domains'
whitelisted helpers) is called the way Frappe's /api/method handler calls it, with its arguments
drawn by hypothesis from hostile strings (NaN, Infinity, 1e400, 1e12, invalid or mistyped JSON,
non-dates, long text) beside plain ones and, for arguments that name a record, real records of the
site (the demo's transfers, service orders, quotations…), as Administrator (who passes every permission check, so
the validation itself is reached) and as a store user. An exception the handler would answer with
a status of 500 or more (anything that is not a Frappe exception with a 4xx status) fails the test
with the method and the arguments. Everything runs inside the test's transaction, rolled back.
"""

import importlib
import inspect
import json
import os
import pkgutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import frappe

import dms_suite

from .test_attacks import call

EXAMPLES = 30
NASTY = (
	"NaN",
	"nan",
	"Infinity",
	"-Infinity",
	"1e400",
	"1e12",
	"-1",
	"0",
	"",
	" ",
	"{",
	"[",
	"[]",
	"{}",
	"null",
	"true",
	'"text"',
	"[1, 2]",
	'{"X": "NaN"}',
	'{"X": 1e400}',
	'{"X": -5}',
	'{"X": [1]}',
	"not-a-date",
	"2026-02-30",
	"9999-99-99 99:99:99",
	"x" * 2000,
	"'; select 1; --",
	"<script>alert(1)</script>",
)
# our own modules only: the overrides of Frappe's methods wrap Frappe's code, tried by the matrix
SKIP_PREFIXES = ("dms_suite.overrides.",)


def dms_methods() -> list[str]:
	for module in pkgutil.walk_packages(dms_suite.__path__, "dms_suite."):
		if ".demo" in module.name or module.name.endswith(("hooks", "commands")) or ".patches" in module.name:
			continue
		importlib.import_module(module.name)
	return sorted(
		f"{fn.__module__}.{fn.__name__}"
		for fn in frappe.whitelisted
		if fn.__module__.startswith("dms_suite.") and not fn.__module__.startswith(SKIP_PREFIXES)
	)


def parameters(method: str) -> list[str]:
	return list(inspect.signature(frappe.get_attr(method)).parameters)


hostile = st.one_of(
	st.sampled_from(NASTY),
	st.text(max_size=40),
	st.integers(min_value=-(10**30), max_value=10**30).map(str),
	st.floats(allow_nan=True, allow_infinity=True).map(repr),
	st.dictionaries(st.text(max_size=8), st.one_of(st.floats(), st.text(max_size=8), st.none())).map(
		json.dumps
	),
	st.lists(st.one_of(st.integers(), st.text(max_size=8))).map(json.dumps),
)


# an argument of this name names a record of this doctype: real names are drawn beside hostile
# values, so that a call gets past "not found" to the code that uses the other arguments
RECORD_ARGUMENTS = {
	"name": "Cross Region Transfer",
	"order": "Service Order",
	"service_order": "Service Order",
	"quotation": "Quotation",
	"document_name": "Quotation",
	"task": "Task",
	"project": "Project",
	"unit": "DMS Org Unit",
	"org_unit": "DMS Org Unit",
	"store": "DMS Org Unit",
	"requesting_unit": "DMS Org Unit",
	"dealer_unit": "Dealer Unit",
	"customer": "Customer",
	"contract": "Contract",
	"request": "DMS Customer Access Request",
	"template": "Contract Template",
	"category": "DMS Service Category",
}


def argument_strategy(name: str):
	doctype = RECORD_ARGUMENTS.get(name)
	names = frappe.get_all(doctype, pluck="name", limit=20, order_by="modified desc") if doctype else []
	return st.one_of(st.sampled_from(names), hostile) if names else hostile


def over_http(method: str, arguments: dict):
	"""As Frappe's request does: the auth hooks once the user is known, then the handler."""
	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	frappe.local.form_dict = frappe._dict(arguments)
	frappe.local.request = Request(EnvironBuilder(path=f"/api/method/{method}", method="POST").get_environ())
	try:
		for hook in frappe.get_hooks("auth_hooks"):
			frappe.get_attr(hook)()
	finally:
		del frappe.local.request
	return call(method, **arguments)


def test_every_method_is_fuzzed():
	methods = dms_methods()
	# the walk finds the API and the domains' helpers; a method lost from it is a method not fuzzed
	for expected in (
		"dms_suite.api.transfer.receive",
		"dms_suite.api.transfer.dispatch",
		"dms_suite.api.portal.rate_service",
		"dms_suite.dms_stock.approval.set_rejection_reason",
	):
		assert expected in methods
	assert len(methods) >= 25, methods


@pytest.mark.parametrize("method", dms_methods())
@pytest.mark.parametrize("user", ["Administrator", "tn1_user"])
def test_no_input_gets_a_server_error(method, user, org):
	login = "Administrator" if user == "Administrator" else org.users[user]
	names = parameters(method)

	@settings(
		max_examples=EXAMPLES,
		deadline=None,
		database=None,
		# the same draws on every run, so CI's verdict is the code's; DMS_FUZZ_RANDOM=1 explores anew
		derandomize=not os.environ.get("DMS_FUZZ_RANDOM"),
		suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
	)
	@given(st.fixed_dictionaries({}, optional={name: argument_strategy(name) for name in names}))
	def run(arguments):
		frappe.set_user(login)
		frappe.db.savepoint("fuzz")
		try:
			over_http(method, arguments)
		except Exception as exc:
			status = getattr(exc, "http_status_code", 500)
			if status >= 500:
				raise AssertionError(
					f"{method}({arguments!r}) as {login}: {type(exc).__name__} {exc!s:.300}"
				) from exc
		finally:
			frappe.db.rollback(save_point="fuzz")
			frappe.local.message_log = []
			frappe.set_user("Administrator")

	run()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "1e400", "1e12", float("nan")])
def test_a_number_no_column_holds_is_refused_on_any_doctype(value):
	from dms_suite.validation import InvalidArgumentError

	item = {
		"doctype": "Item",
		"item_code": "DT-FUZZ-NUMBER",
		"item_group": "All Item Groups",
		"stock_uom": "Nos",
	}
	with pytest.raises(InvalidArgumentError, match="Valuation Rate"):
		frappe.get_doc({**item, "valuation_rate": value}).insert()
	with pytest.raises(InvalidArgumentError, match="Row 1: "):  # child rows too
		frappe.get_doc({**item, "uoms": [{"uom": "Nos", "conversion_factor": value}]}).insert()
	# what Frappe reads as a number (or as 0) is left as it was
	doc = frappe.get_doc({**item, "valuation_rate": "1,250.5", "weight_per_unit": "abc"}).insert()
	assert frappe.db.get_value("Item", doc.name, ["valuation_rate", "weight_per_unit"]) == (1250.5, 0)
