"""The app's models, as Django finds them: a patient's request, the clinic's contact settings, and the two pages.

Each lives in a module of its own, so the form handling (views.py) can import the request it stores
and the page can import the form handling that serves it, with no module importing itself back.
"""

from .contact import ClinicContactSettings
from .pages import ConsultationRequestPage, PrivacyNoticePage
from .request import ConsultationRequest

__all__ = ["ClinicContactSettings", "ConsultationRequest", "ConsultationRequestPage", "PrivacyNoticePage"]
