"""bench commands of dms_suite: `bench --site SITE dms-demo`."""

import click

from frappe.commands import get_site, pass_context


@click.command("dms-demo")
@pass_context
def dms_demo(context):
	"""Build (or check) the demo dealer group and print what exists. Safe to run again."""
	import frappe

	from dms_suite.demo.builder import build_demo, summary_lines

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		result = build_demo()
		frappe.db.commit()
		for line in summary_lines(result):
			click.echo(line)
	finally:
		frappe.destroy()


commands = [dms_demo]
