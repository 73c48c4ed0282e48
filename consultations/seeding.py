"""The consultation request page, the privacy notice and the coordinators' group, made by `seed_content`.

Registered as the "seed_content" hook (wagtail_hooks.py), which pages.seeding.Seeder.run calls after
the guides, so they are kept like the other pages: made when missing, brought in line with this
text unless staff have edited them.

The privacy notice says only what this software does with the details; it makes no claim about
the clinic itself. The clinic must have its legal notice checked (docs/consultations.md) and replace this text.
"""

from django.apps import apps as django_apps
from wagtail.models import Site

from pages.seeding import paragraphs_html

from .models import ClinicContactSettings, ConsultationRequestPage, PrivacyNoticePage
from .roles import setup_patient_coordinators

CONSULTATION_PAGE = {
    "slug": "consultation",
    "title": "Request a consultation",
    "summary": "Ask the clinic for a consultation about a treatment. A patient coordinator will contact you.",
    "introduction": paragraphs_html(
        [
            "Tell us how to reach you and which treatment you would like to know more about. "
            "A patient coordinator will contact you to arrange a consultation.",
        ]
    ),
}

PRIVACY_SECTIONS = [
    (
        "What we collect",
        [
            "When you send the consultation request form, we store what you type into it: your name, email "
            "address, phone number if you give one, the country you live in, how and in which language you would "
            "like to be contacted, the treatment you are interested in, your message if you write one, the "
            "time you agreed to this notice and, if you came to the form from a link in one of our guides, which "
            "guide it was.",
            "The form does not ask for your medical history, and we ask you not to send it.",
        ],
    ),
    (
        "Why",
        ["We use these details only to contact you about a consultation, in the way you asked."],
    ),
    (
        "Who can see them",
        [
            "Only the clinic's patient coordinators and the site's administrators can see your request. "
            "Each time one of them sees it in the list of requests, opens it or exports it, the site records who did "
            "so and when. "
            "The email that tells the coordinators a request has arrived does not contain your details.",
        ],
    ),
    (
        "How long we keep them",
        [
            "Once your request is closed, it is deleted automatically after the number of months the clinic has "
            "set. Copies of the site's database kept as backups also contain it until those backups are deleted.",
        ],
    ),
    (
        "Asking for your details to be deleted",
        [
            "You can ask the clinic at any time to delete your details. A coordinator can then erase every request "
            "sent from your email address. How to reach the clinic is under “Who is responsible for your details” "
            "below.",
        ],
    ),
    (
        "What we count when you read a guide",
        [
            "To learn whether each guide helps, the site counts how it is read: each time a guide is shown, how "
            "many different readers it had that day and, if your browser runs JavaScript, whether you scrolled to "
            "the end of the guide. Of your reading, only each day's totals for each guide are kept. Search "
            "engines and other programs are not counted. If you answer “Was this guide helpful?”, your answer "
            "(and your comment, if you write one) is kept with the guide and the time, with nothing about who "
            "you are.",
            "To count each reader once a day without a cookie, the site works out a code from your internet "
            "address, your browser's name and version, and the guide, using a secret that is replaced every day "
            "and never stored. The code is forgotten at the end of the day, and your address and browser are not "
            "written down anywhere. No cookie is set and nothing is stored on your device for this.",
        ],
    ),
]

PRIVACY_PAGE = {
    "slug": "privacy",
    "title": "Privacy notice",
    "summary": "What this site does with the details you send in a consultation request, and what it counts "
    "when you read a guide.",
    "body": "".join(f"<h2>{heading}</h2>{paragraphs_html(texts)}" for heading, texts in PRIVACY_SECTIONS),
}


def seed_consultation_pages(seeder, home):
    """Called inside the seeder's transaction, after the home page exists."""
    setup_patient_coordinators(django_apps)
    # The settings the admin shows, with no contact details: the clinic enters its own.
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and not ClinicContactSettings.objects.filter(site=site).exists():
        ClinicContactSettings.objects.create(site=site)
    for model, fields, what in (
        (ConsultationRequestPage, CONSULTATION_PAGE, "Consultation request page"),
        (PrivacyNoticePage, PRIVACY_PAGE, "Privacy notice page"),
    ):
        fields = dict(fields)
        slug = fields.pop("slug")
        seeder.page(home, model, slug, fields, what)
