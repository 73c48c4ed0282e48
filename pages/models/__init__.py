from .base import BasePage
from .guide import GuideIndexPage, GuidePage, HomePage, MedicalReviewMixin
from .people import Person
from .settings import ClinicSettings
from .workflow import MedicalReviewTask

__all__ = [
    "BasePage",
    "ClinicSettings",
    "GuideIndexPage",
    "GuidePage",
    "HomePage",
    "MedicalReviewMixin",
    "MedicalReviewTask",
    "Person",
]
