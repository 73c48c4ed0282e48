"""The clinic's staff roles and the "Medical review" workflow, made the same way everywhere.

One function serves the data migration (with its historical models) and a flushed test or
development database (with the live models): pass the `apps` registry you have.

- Editors write and change guides and submit them for review; they cannot publish, and the
  review fields are hidden from them.
- Medical reviewers approve guides in the workflow and mark guides as reviewed. They can open
  the editor (Wagtail needs "change" for that) but cannot publish, add or delete pages.
- Moderators publish, and give the workflow's final sign-off; they also promote guides in
  search and keep the search synonyms.
- Medical reviewers (Spanish) read Spanish: they approve the Spanish guides in the "Medical
  review (Spanish)" workflow (the Spanish pages' own, whose sign-off is the Moderators' as in
  English) and mark them as reviewed. They may open the Spanish pages only. Medical reviewers who
  read only English are not asked, and cannot approve a Spanish guide nor mark it reviewed.
- Translators translate guides in wagtail-localize's editor and submit a translation to Medical
  review: they may change the pages of the other languages only (the Spanish home page and what
  is below it), never the English ones, and publish nothing.
"""

from django.conf import settings
from wagtail.permission_policies.pages import PagePermissionPolicy

EDITORS = "Editors"
MEDICAL_REVIEWERS = "Medical reviewers"
MODERATORS = "Moderators"
TRANSLATORS = "Translators"
SPANISH_MEDICAL_REVIEWERS = "Medical reviewers (Spanish)"
WORKFLOW_NAME = "Medical review"
REVIEW_TASK_NAME = "Medical reviewers' approval"
# The Spanish pages' workflow (setup_spanish_review): a Spanish guide is medically reviewed in Spanish.
SPANISH = "es"
SPANISH_WORKFLOW_NAME = "Medical review (Spanish)"
SPANISH_REVIEW_TASK_NAME = "Medical reviewers' approval (Spanish)"
SIGN_OFF_TASK_NAME = "Moderators approval"  # Wagtail's own default task, reused

# Page permissions, granted on the tree's root so they cover every page.
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    MEDICAL_REVIEWERS: ["change_page"],
    MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
# Other permissions as (app_label, model, codename, name).
ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
VIEW_PERSON = ("pages", "person", "view_person", "Can view person")
# wagtail-localize's "Translate this page": starts a translation (as a draft, never published).
SUBMIT_TRANSLATION = ("wagtail_localize", "translation", "submit_translation", "Can submit translations")
# Patients' feedback on guides (the feedback app): every role works on the guides' content.
VIEW_FEEDBACK = ("feedback", "guidefeedback", "view_guidefeedback", "Can view patient feedback")
# What patients searched for (the searches app): for those who write and publish guides.
VIEW_SEARCHES = ("searches", "searchwithoutresults", "view_searchwithoutresults", "Can view search without results")
# How each guide is read (the impact app's "Guide impact" report): totals only, nothing about any
# reader or patient, for everyone who works on the guides (and Patient coordinators, consultations/roles.py).
VIEW_GUIDE_IMPACT = ("impact", "dailyfigures", "view_dailyfigures", "Can view daily figures of a guide")
# Promoting a guide for a search term changes what patients see first, so it is the publishers'.
PROMOTE_SEARCH_RESULTS = [
    ("wagtailsearchpromotions", "searchpromotion", f"{action}_searchpromotion", f"Can {action} search promotion")
    for action in ("add", "change", "delete", "view")
]
# Synonyms change what patients' words find, as promotions change what they see first: the publishers' too.
EDIT_SEARCH_SYNONYMS = [
    ("searches", "synonym", f"{action}_synonym", f"Can {action} search synonym")
    for action in ("add", "change", "delete", "view")
]
MODEL_PERMISSIONS = {
    EDITORS: [ACCESS_ADMIN, VIEW_PERSON, VIEW_FEEDBACK, VIEW_SEARCHES, VIEW_GUIDE_IMPACT, SUBMIT_TRANSLATION],
    MEDICAL_REVIEWERS: [
        ACCESS_ADMIN,
        VIEW_PERSON,
        VIEW_FEEDBACK,
        VIEW_GUIDE_IMPACT,
        ("pages", "guidepage", "mark_guide_reviewed", "Can mark a guide as medically reviewed"),
    ],
    MODERATORS: [
        ACCESS_ADMIN,
        VIEW_PERSON,
        VIEW_FEEDBACK,
        VIEW_SEARCHES,
        VIEW_GUIDE_IMPACT,
        *PROMOTE_SEARCH_RESULTS,
        *EDIT_SEARCH_SYNONYMS,
        ("pages", "person", "add_person", "Can add person"),
        ("pages", "person", "change_person", "Can change person"),
        SUBMIT_TRANSLATION,
    ],
    TRANSLATORS: [ACCESS_ADMIN, SUBMIT_TRANSLATION],
}
# The Spanish guides' reviewers hold what the English guides' do (their page permission is on the
# Spanish home pages only, setup_spanish_review). Wagtail's own migrations (wagtailimages 0023,
# wagtaildocs 0011) gave choosing images and documents to every group that could use the admin when
# they ran, the Medical reviewers among them; a group made later is given them here, for the same
# editor to work the same.
CHOOSE_IMAGES_AND_DOCUMENTS = [
    ("wagtailimages", "image", "choose_image", "Can choose image"),
    ("wagtaildocs", "document", "choose_document", "Can choose document"),
]
MODEL_PERMISSIONS[SPANISH_MEDICAL_REVIEWERS] = MODEL_PERMISSIONS[MEDICAL_REVIEWERS] + CHOOSE_IMAGES_AND_DOCUMENTS
# Translators' page permission, granted on each other language's home page (setup_translators).
TRANSLATOR_PAGE_PERMISSIONS = ["change_page"]
# The Spanish guides' reviewers open them in the editor, as the English ones' do theirs.
SPANISH_REVIEWER_PAGE_PERMISSIONS = PAGE_PERMISSIONS[MEDICAL_REVIEWERS]


# Whoever may add, change or publish pages works on the guides: they see the reports about them
# (plain language here, review dates in medical_review).
WORKS_ON_GUIDES = ["add", "change", "publish"]


def works_on_guides(user):
    return PagePermissionPolicy().user_has_any_permission(user, WORKS_ON_GUIDES)


def _review_task_model(apps):
    """The review task's model in this registry: made in pages, moved to medical_review (its migration 0001)."""
    for app_label in ("medical_review", "pages"):
        try:
            return apps.get_model(app_label, "MedicalReviewTask")
        except LookupError:
            continue
    raise LookupError("No MedicalReviewTask model in this registry")


def _permission(apps, app_label, model, codename, name):
    # get_or_create: in a migration the post_migrate signal has not made them yet.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def _task(apps, model, name, group):
    ContentType = apps.get_model("contenttypes", "ContentType")
    task = model.objects.filter(name=name).first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(
            app_label=model._meta.app_label, model=model._meta.model_name
        )
        task = model.objects.create(name=name, active=True, content_type=content_type)
    task.groups.set([group])
    return task


def setup_roles_and_workflow(apps):
    """Create or correct the three groups and the workflow; safe to run again (Translators: setup_translators)."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    root = Page.objects.filter(depth=1).order_by("path").first()
    groups = {}
    for name, page_codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(*[_permission(apps, *spec) for spec in MODEL_PERMISSIONS[name]])
        # Exactly these page permissions, wherever Wagtail's defaults put others.
        GroupPagePermission.objects.filter(group=group).exclude(permission__codename__in=page_codenames).delete()
        if root is not None:
            for codename in page_codenames:
                permission = _permission(apps, "wagtailcore", "page", codename, codename.replace("_", " "))
                GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)

    review = _task(apps, _review_task_model(apps), REVIEW_TASK_NAME, groups[MEDICAL_REVIEWERS])
    sign_off = _task(apps, apps.get_model("wagtailcore", "GroupApprovalTask"), SIGN_OFF_TASK_NAME, groups[MODERATORS])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.filter(workflow=workflow).delete()
    WorkflowTask.objects.create(workflow=workflow, task=review, sort_order=0)
    WorkflowTask.objects.create(workflow=workflow, task=sign_off, sort_order=1)
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    # Wagtail's default one-step workflow is replaced, not left to confuse anyone; the Spanish
    # pages' own stays, even before there are Spanish pages to assign it to.
    Workflow.objects.exclude(pk=workflow.pk).exclude(name=SPANISH_WORKFLOW_NAME).filter(
        workflow_pages__isnull=True, workflow_content_types__isnull=True
    ).update(active=False)
    return groups


def setup_translators(apps):
    """The Translators group: its permissions, and "change" on each home page in a language other
    than English (so on every page of that language), nothing on the English pages. Safe to run
    again; the seeder runs it once it has made the Spanish home page."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    group, _ = Group.objects.get_or_create(name=TRANSLATORS)
    group.permissions.set([_permission(apps, *spec) for spec in MODEL_PERMISSIONS[TRANSLATORS]])
    homes = list(Page.objects.filter(depth=2).exclude(locale__language_code=settings.LANGUAGE_CODE))
    _grant_on_pages(apps, group, homes, TRANSLATOR_PAGE_PERMISSIONS)
    return group


def _grant_on_pages(apps, group, pages, codenames):
    """Exactly these page permissions for the group, on these pages and so everything below them."""
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(group=group).exclude(page__in=pages, permission__codename__in=codenames).delete()
    for page in pages:
        for codename in codenames:
            permission = _permission(apps, "wagtailcore", "page", codename, codename.replace("_", " "))
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def setup_spanish_review(apps):
    """The Medical reviewers (Spanish) group and the Spanish pages' workflow, "Medical review
    (Spanish)": its Medical reviewers' task is that group's, its sign-off the Moderators' (the same
    task as in English), and it is assigned to each Spanish home page, so every Spanish page below
    it goes through it (Wagtail takes the workflow of a page's nearest ancestor that has one).
    Safe to run again; the seeder runs it once it has made the Spanish home page."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    group, _ = Group.objects.get_or_create(name=SPANISH_MEDICAL_REVIEWERS)
    group.permissions.set([_permission(apps, *spec) for spec in MODEL_PERMISSIONS[SPANISH_MEDICAL_REVIEWERS]])
    homes = list(Page.objects.filter(depth=2, locale__language_code=SPANISH))
    _grant_on_pages(apps, group, homes, SPANISH_REVIEWER_PAGE_PERMISSIONS)

    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    review = _task(apps, _review_task_model(apps), SPANISH_REVIEW_TASK_NAME, group)
    sign_off = _task(apps, apps.get_model("wagtailcore", "GroupApprovalTask"), SIGN_OFF_TASK_NAME, moderators)
    workflow, _ = Workflow.objects.update_or_create(name=SPANISH_WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.filter(workflow=workflow).delete()
    WorkflowTask.objects.create(workflow=workflow, task=review, sort_order=0)
    WorkflowTask.objects.create(workflow=workflow, task=sign_off, sort_order=1)
    for home in homes:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return group
