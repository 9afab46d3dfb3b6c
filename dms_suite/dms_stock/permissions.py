"""How the stock domain's records are narrowed (registered in hooks.py ``dms_permission_rules``):
by their org unit; a transfer and a freight route by either end (the sending and the receiving
store both see it)."""

from dms_suite.permissions import Rule, unit_rule


def rules() -> list[Rule]:
	return [
		unit_rule("DMS Safety Level", "org_unit"),
		unit_rule("DMS Freight Route", "source_unit", "target_unit"),
		unit_rule("Cross Region Transfer", "source_unit", "target_unit"),
	]
