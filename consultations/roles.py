"""The Patient coordinators group: the only staff who see patients' consultation requests.

As pages/roles.py: one function for the data migration (historical models) and for a flushed
test or development database (live models); pass the `apps` registry you have. Superusers see
the requests too; Editors, Medical reviewers and Moderators do not. Coordinators also read the
"Guide impact" report (the impact app), which holds totals only.
"""

COORDINATORS = "Patient coordinators"
PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
    ("consultations", "consultationrequest", "view_consultationrequest", "Can view consultation request"),
    ("consultations", "consultationrequest", "change_consultationrequest", "Can change consultation request"),
    ("consultations", "consultationrequest", "delete_consultationrequest", "Can delete consultation request"),
    (
        "consultations",
        "consultationrequest",
        "erase_consultationrequest",
        "Can erase every request from one email address",
    ),
    # Which guides lead patients to ask for a consultation: the "Guide impact" report, totals only.
    ("impact", "dailyfigures", "view_dailyfigures", "Can view daily figures of a guide"),
]


def setup_patient_coordinators(apps):
    """Create or correct the group with exactly these permissions; safe to run again."""
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COORDINATORS)
    permissions = []
    for app_label, model, codename, name in PERMISSIONS:
        # get_or_create: in a migration the post_migrate signal has not made them yet.
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        permissions.append(permission)
    group.permissions.set(permissions)
    return group
