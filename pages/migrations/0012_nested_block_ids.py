import json

from django.db import migrations

from pages.blocks import GuideBodyBlock, SourcesBlock, with_block_ids

STREAMS = {"body": GuideBodyBlock, "sources": SourcesBlock}


def _with_ids(name, value):
    as_text = isinstance(value, str)
    data = json.loads(value) if as_text else value
    if not data:
        return value
    data = with_block_ids(STREAMS[name](), data)
    return json.dumps(data) if as_text else data


def add_block_ids(apps, schema_editor):
    """Every block of every guide, and of every saved version, gets an id, nested blocks included.

    Guides seeded before pages.blocks.with_block_ids had ids on their sections only; the
    translation editor (wagtail-localize) needs one on every block to find each string."""
    GuidePage = apps.get_model("pages", "GuidePage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for guide in GuidePage.objects.all():
        for name in STREAMS:
            setattr(guide, name, with_block_ids(STREAMS[name](), getattr(guide, name).get_prep_value()))
        guide.save(update_fields=list(STREAMS))
    guide_type = ContentType.objects.filter(app_label="pages", model="guidepage").first()
    if guide_type is None:
        return
    for revision in Revision.objects.filter(content_type=guide_type).iterator():
        content = dict(revision.content)
        for name in STREAMS:
            if content.get(name):
                content[name] = _with_ids(name, content[name])
        if content != revision.content:
            revision.content = content
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0011_spanish_locale"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(add_block_ids, migrations.RunPython.noop)]
