"""Text that people type and staff or customers read elsewhere (a rating comment, a rejection reason,
a carrier's name): stored as plain text, never as markup. Values written with ``db_set`` skip Frappe's
own sanitising of a save, so the paths that store them call ``plain_text`` first; pages escape on
output as well."""

import html

from frappe.utils import cstr, strip_html


def plain_text(value, limit: int | None = None) -> str | None:
	"""``value`` without tags or entities' markup (``<img onerror=…>`` → ``""``), trimmed, or None."""
	text = html.unescape(strip_html(cstr(value))).replace("<", "").replace(">", "").strip()
	if limit:
		text = text[:limit]
	return text or None
