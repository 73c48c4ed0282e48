from .base import BasePage
from .guide import GuideIndexPage, GuidePage, HomePage, MedicalReviewMixin
from .people import Person
from .settings import ClinicSettings

__all__ = [
    "BasePage",
    "ClinicSettings",
    "GuideIndexPage",
    "GuidePage",
    "HomePage",
    "MedicalReviewMixin",
    "Person",
]
