"""Rate limits for guest endpoints, keyed by the address the request really came from.

Frappe's ``rate_limit`` keys on ``frappe.local.request_ip``: the *first* ``X-Forwarded-For`` value,
which the client writes itself, so a bot sending a new value with every request is never limited.
The last value is the one the site's own reverse proxy appended (the peer it saw); without a proxy the
socket's peer address is used.
"""

from functools import wraps

import frappe
from frappe import _


def client_address() -> str:
	request = getattr(frappe.local, "request", None)
	if not request:
		return ""
	forwarded = [
		hop.strip() for hop in (request.headers.get("X-Forwarded-For") or "").split(",") if hop.strip()
	]
	return forwarded[-1] if forwarded else (request.remote_addr or "")


def limit_by_address(limit: int, seconds: int):
	"""At most ``limit`` calls per ``seconds`` from one address (429 beyond); callers in-process pass."""

	def decorator(fn):
		@wraps(fn)
		def wrapper(*args, **kwargs):
			if not getattr(frappe.local, "request", None):
				return fn(*args, **kwargs)
			key = frappe.cache.make_key(f"dms_rl:{fn.__module__}.{fn.__name__}:{client_address()}")
			count = frappe.cache.incr(key)
			if count == 1:
				frappe.cache.expire(key, seconds)
			if count > limit:
				frappe.throw(
					_("Too many requests from your address; please try again later."),
					frappe.TooManyRequestsError,
					title=_("Too Many Requests"),
				)
			return fn(*args, **kwargs)

		return wrapper

	return decorator
