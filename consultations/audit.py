"""The audit-log actions of consultation requests (registered in wagtail_hooks.py)."""

VIEW_ACTION = "consultations.view"
EXPORT_ACTION = "consultations.export"
ERASE_ACTION = "consultations.erase"
PURGE_ACTION = "consultations.purge"
