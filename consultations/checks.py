"""A deployment check (`make deploy-check` against the site's database): Mexico's data-protection law
(LFPDPPP) requires the privacy notice to name who is responsible for patients' details and their
address, so the site does not go live without them."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError


# Tags.database: run only when the check is given a database (`check --deploy --database default`).
@register(Tags.database, deploy=True)
def privacy_notice_names_the_clinic(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from wagtail.models import Site

    from .models import ClinicContactSettings

    where = "Enter it in the admin: Settings → Clinic contact and consultation settings."
    try:
        sites = list(Site.objects.all())
        found = {setting.site_id: setting for setting in ClinicContactSettings.objects.all()}
    except DatabaseError as error:
        return [
            Error(
                f"Could not read the clinic's contact settings from the database ({error}).",
                hint="Run `manage.py migrate` first, with the same settings.",
                id="consultations.E002",
            )
        ]
    errors = []
    for site in sites:
        settings = found.get(site.pk)
        for field, label in (("legal_name", "clinic's legal name"), ("address", "address")):
            if not settings or not getattr(settings, field).strip():
                errors.append(
                    Error(
                        f"The privacy notice of {site.hostname} has no {label}: Mexico's data protection law "
                        "requires it to name who is responsible for patients' details, and their address.",
                        hint=where,
                        obj=site,
                        id="consultations.E001",
                    )
                )
    return errors
