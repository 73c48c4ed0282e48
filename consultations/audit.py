"""The audit-log actions of consultation requests (registered in wagtail_hooks.py)."""

VIEW_ACTION = "consultations.view"
# The list shows each request's patient name and treatment: a page of it is a look at each of them.
LIST_ACTION = "consultations.list"
EXPORT_ACTION = "consultations.export"
ERASE_ACTION = "consultations.erase"
PURGE_ACTION = "consultations.purge"
