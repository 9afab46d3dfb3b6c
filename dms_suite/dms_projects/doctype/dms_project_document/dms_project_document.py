from frappe.model.document import Document


class DMSProjectDocument(Document):
	pass
