"""The consultation request page, the privacy notice and the coordinators' group, made by `seed_content`.

Registered as the "seed_content" hook (wagtail_hooks.py), which pages.seeding.Seeder.run calls after
the guides, so they are kept like the other pages: made when missing, brought in line with this
text unless staff have edited them.

The privacy notice says only what this software does with the details; it makes no claim about
the clinic itself. The clinic must have its legal notice checked (docs/consultations.md) and replace this text.

Where the site has its Spanish home page, both pages are also made in Spanish ("Aviso de
privacidad"), as translations of the English ones: the same words, sentence for sentence, so the
Spanish notice says what the English one says and nothing more.
"""

from django.apps import apps as django_apps
from wagtail.models import Locale, Site

from lmi_site.language import SPANISH
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


CONSULTATION_PAGE_ES = {
    "slug": "consulta",
    "title": "Solicitar una consulta",
    "summary": "Pida a la clínica una consulta sobre un tratamiento. Un coordinador de pacientes se pondrá en "
    "contacto con usted.",
    "introduction": paragraphs_html(
        [
            "Díganos cómo comunicarnos con usted y sobre qué tratamiento le gustaría saber más. "
            "Un coordinador de pacientes se pondrá en contacto con usted para programar una consulta.",
        ]
    ),
}

PRIVACY_SECTIONS_ES = [
    (
        "Qué datos guardamos",
        [
            "Cuando envía el formulario de solicitud de consulta, guardamos lo que escribe en él: su nombre, su "
            "correo electrónico, su número de teléfono si lo da, el país donde vive, cómo y en qué idioma "
            "prefiere que nos comuniquemos con usted, el tratamiento que le interesa, su mensaje si escribe uno, "
            "el momento en que aceptó este aviso y, si llegó al formulario desde un enlace en una de nuestras "
            "guías, cuál guía fue.",
            "El formulario no pide sus antecedentes médicos, y le pedimos que no los envíe.",
        ],
    ),
    (
        "Para qué",
        ["Usamos estos datos solo para comunicarnos con usted sobre una consulta, de la manera que pidió."],
    ),
    (
        "Quién puede verlos",
        [
            "Solo los coordinadores de pacientes de la clínica y los administradores del sitio pueden ver su "
            "solicitud. Cada vez que uno de ellos la ve en la lista de solicitudes, la abre o la exporta, el sitio "
            "registra quién lo hizo y cuándo. "
            "El correo que avisa a los coordinadores de que ha llegado una solicitud no contiene sus datos.",
        ],
    ),
    (
        "Cuánto tiempo los conservamos",
        [
            "Una vez cerrada su solicitud, se borra automáticamente después del número de meses que la clínica ha "
            "fijado. Las copias de seguridad de la base de datos del sitio también la contienen hasta que esas "
            "copias se borran.",
        ],
    ),
    (
        "Cómo pedir que se borren sus datos",
        [
            "Puede pedir a la clínica en cualquier momento que borre sus datos. Un coordinador puede entonces borrar "
            "todas las solicitudes enviadas desde su correo electrónico. Cómo comunicarse con la clínica se indica "
            "más abajo, en «Quién es responsable de sus datos».",
        ],
    ),
    (
        "Qué contamos cuando lee una guía",
        [
            "Para saber si cada guía ayuda, el sitio cuenta cómo se lee: cada vez que se muestra una guía, cuántos "
            "lectores distintos tuvo ese día y, si su navegador ejecuta JavaScript, si usted llegó hasta el final "
            "de la guía. De su lectura, solo se guardan los totales de cada día para cada guía. No se cuentan los "
            "buscadores ni otros programas. Si responde «¿Le fue útil esta guía?», su respuesta (y su comentario, "
            "si escribe uno) se guarda con la guía y la hora, sin nada sobre quién es usted.",
            "Para contar a cada lector una sola vez al día sin una cookie, el sitio calcula un código a partir de "
            "su dirección de internet, el nombre y la versión de su navegador, y la guía, usando un secreto que se "
            "cambia cada día y nunca se guarda. El código se olvida al final del día, y su dirección y su navegador "
            "no se anotan en ningún lugar. No se instala ninguna cookie ni se guarda nada en su dispositivo para "
            "esto.",
        ],
    ),
]

PRIVACY_PAGE_ES = {
    "slug": "aviso-de-privacidad",
    "title": "Aviso de privacidad",
    "summary": "Qué hace este sitio con los datos que usted envía en una solicitud de consulta, y qué cuenta "
    "cuando usted lee una guía.",
    "body": "".join(f"<h2>{heading}</h2>{paragraphs_html(texts)}" for heading, texts in PRIVACY_SECTIONS_ES),
}


def seed_consultation_pages(seeder, home):
    """Called inside the seeder's transaction, after the home page exists."""
    setup_patient_coordinators(django_apps)
    # The settings the admin shows, with no contact details: the clinic enters its own.
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and not ClinicContactSettings.objects.filter(site=site).exists():
        ClinicContactSettings.objects.create(site=site)
    spanish = Locale.objects.filter(language_code=SPANISH).first()
    in_spanish = spanish is not None and home.get_translation_or_none(spanish) is not None
    for model, fields, spanish_fields, what in (
        (ConsultationRequestPage, CONSULTATION_PAGE, CONSULTATION_PAGE_ES, "Consultation request page"),
        (PrivacyNoticePage, PRIVACY_PAGE, PRIVACY_PAGE_ES, "Privacy notice page"),
    ):
        fields = dict(fields)
        slug = fields.pop("slug")
        page = seeder.page(home, model, slug, fields, what)
        if in_spanish:
            seeder.translation(page, SPANISH, spanish_fields, f"{what} (Spanish)")
