"""A figure's image as a reader's browser gets it: AVIF and WebP at the widths their screen needs,
a fallback for older browsers, its shape known before it loads, made once and without metadata."""

import io
import re
from pathlib import Path
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.core.files.images import ImageFile
from PIL import ExifTags, Image
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from pages.images import FIGURE_SIZES
from pages.seeding import seed

from .support import FIXTURES, TEST_FIXTURES

SECOND_GUIDE_URL = "/guides/second-test-guide/"
ALT_TEXT = "A nurse drawing blood from a patient's arm"
XMP_WITH_POSITION = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="32,31.5N"/></rdf:RDF></x:xmpmeta>'
)
FORMATS = {".avif": ("AVIF", "image/avif"), ".webp": ("WEBP", "image/webp"), ".jpg": ("JPEG", "image/jpeg")}


def photo_with_gps(width=1600, height=1000, kind="JPEG"):
    """A photograph as a phone takes it: the camera and the place it was taken in its EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ClinicCam"
    exif[ExifTags.Base.Model] = "Phone 1"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (32.0, 31.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (117.0, 2.0, 0.0),
    }
    picture = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize((width, height)),
            Image.radial_gradient("L").resize((width, height)),
            Image.linear_gradient("L").rotate(90).resize((width, height)),
        ),
    )
    buffer = io.BytesIO()
    picture.save(buffer, kind, exif=exif, xmp=XMP_WITH_POSITION)
    original = buffer.getvalue()
    # The test picture really carries the position (and, as a JPEG, again in its XMP).
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert kind != "JPEG" or b"GPSLatitude" in Image.open(io.BytesIO(original)).info["xmp"]
    return original


def seed_with_second_guide():
    seed(guide_paths=[FIXTURES / "guides" / "nk-cell-therapy.yaml", TEST_FIXTURES / "guides" / "second-guide.yaml"])


def add_figure_to_second_guide(
    name="blood-test.jpg", description="A nurse takes a small sample of blood from the arm.", **photo
):
    """An editor's uploaded photo as a figure in the second guide's first section, published.

    The seed files carry only the drawings kept with the site, so the upload is made here.
    """
    from wagtail.models import Collection

    from pages.models import GuidePage

    # A transactional test after another finds the tables emptied, the migrations' root collection too.
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    image = get_image_model().objects.create(
        title="Blood test", file=ImageFile(io.BytesIO(photo_with_gps(**photo)), name=name), collection=collection
    )
    guide = GuidePage.objects.get(slug="second-test-guide")
    body = guide.body.raw_data
    body[0]["value"]["content"].append(
        {
            "type": "figure",
            "value": {
                "illustration": "",
                "image": {"image": image.pk, "alt_text": ALT_TEXT, "decorative": False},
                "caption": "A blood test",
                "description": description,
            },
        }
    )
    guide.body = body
    guide.save_revision().publish()
    return image


def widths_in(srcset):
    """[(url, width), ...] from a srcset of width descriptors."""
    candidates = [candidate.strip().rsplit(" ", 1) for candidate in srcset.split(",")]
    return [(url, int(re.fullmatch(r"(\d+)w", descriptor).group(1))) for url, descriptor in candidates]


def stored_file(url):
    assert url.startswith(settings.MEDIA_URL), url
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


def figure_picture(client):
    cache.clear()  # render it, not the page cache's copy
    response = client.get(SECOND_GUIDE_URL)
    assert response.status_code == 200
    pictures = BeautifulSoup(response.content, "html.parser").select("figure.figure picture")
    assert len(pictures) == 1
    return pictures[0]


@pytest.fixture
def second_guide_with_photo(db):
    seed_with_second_guide()
    return add_figure_to_second_guide()


def test_figure_offers_avif_and_webp_at_each_width_with_a_jpeg_fallback(client, second_guide_with_photo):
    picture = figure_picture(client)
    sources = picture.find_all("source")
    # The browser takes the first it knows: AVIF is the smallest, then WebP.
    assert [source["type"] for source in sources] == ["image/avif", "image/webp"]
    for source, extension in zip(sources, [".avif", ".webp"], strict=True):
        assert source["sizes"] == FIGURE_SIZES
        candidates = widths_in(source["srcset"])
        assert [width for _, width in candidates] == [1344, 1008, 672, 336]
        assert all(url.endswith(extension) for url, _ in candidates)

    img = picture.find("img")
    assert img["alt"] == ALT_TEXT
    assert img["loading"] == "lazy"
    assert img["decoding"] == "async"
    assert img["sizes"] == FIGURE_SIZES
    assert "figure__image" in img["class"]
    assert img["src"].endswith(".jpg")
    assert [width for _, width in widths_in(img["srcset"])] == [1344, 1008, 672, 336]
    # Width and height give the space the picture will take (1600x1000 scaled to 1344 wide)
    # before a byte of it arrives, so nothing below it moves when it does.
    assert (img["width"], img["height"]) == ("1344", "840")


def test_every_rendition_is_a_real_file_of_its_stated_format_and_width_without_metadata(
    client, second_guide_with_photo
):
    picture = figure_picture(client)
    candidates = [*widths_in(picture.find("img")["srcset"])]
    for source in picture.find_all("source"):
        candidates += widths_in(source["srcset"])
    assert len(candidates) == 12
    for url, width in candidates:
        expected_format, _ = FORMATS[Path(url).suffix]
        with Image.open(stored_file(url)) as made:
            made.load()
            assert made.format == expected_format, url
            assert made.size == (width, round(width * 1000 / 1600)), url
            # Nothing says where or with what the photo was taken.
            assert len(made.getexif()) == 0, url
            assert not made.getexif().get_ifd(ExifTags.IFD.GPSInfo), url
            assert not {"exif", "xmp", "XML:com.adobe.xmp"} & set(made.info), url
        stored = stored_file(url).read_bytes()
        assert b"ClinicCam" not in stored and b"GPSLatitude" not in stored, url


@pytest.mark.urls("tests.media_urls")
def test_renditions_are_served_with_their_content_type(client, second_guide_with_photo):
    picture = figure_picture(client)
    urls = [picture.find("img")["src"]] + [widths_in(s["srcset"])[0][0] for s in picture.find_all("source")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == FORMATS[Path(url).suffix][1], url


def test_a_second_render_makes_no_rendition_and_no_image_work(client, second_guide_with_photo):
    Rendition = get_image_model().get_rendition_model()
    first = str(figure_picture(client))
    renditions = list(Rendition.objects.order_by("pk").values_list("pk", "file"))
    files = sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())
    assert len(renditions) == 12

    # Filter.run is where Wagtail opens an image and resizes it; a stored rendition needs none.
    with mock.patch.object(Filter, "run", autospec=True, side_effect=Filter.run) as image_work:
        again = str(figure_picture(client))
    assert image_work.call_count == 0
    assert again == first
    assert list(Rendition.objects.order_by("pk").values_list("pk", "file")) == renditions
    assert sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()) == files


def test_a_small_photo_is_never_enlarged_nor_offered_twice_at_one_width(client, db):
    seed_with_second_guide()
    add_figure_to_second_guide(width=500, height=400)
    picture = figure_picture(client)
    img = picture.find("img")
    assert (img["width"], img["height"]) == ("500", "400")
    for srcset in [img["srcset"]] + [source["srcset"] for source in picture.find_all("source")]:
        assert [width for _, width in widths_in(srcset)] == [500, 336]


def test_a_png_keeps_png_as_its_fallback_so_transparency_survives(client, db):
    seed_with_second_guide()
    add_figure_to_second_guide(name="diagram.png", kind="PNG")
    picture = figure_picture(client)
    assert [source["type"] for source in picture.find_all("source")] == ["image/avif", "image/webp"]
    img = picture.find("img")
    assert img["src"].endswith(".png")
    with Image.open(stored_file(img["src"])) as made:
        assert made.format == "PNG"
        assert len(made.getexif()) == 0


def test_a_photo_missing_from_storage_breaks_only_its_picture_not_the_guide(client, db):
    seed_with_second_guide()
    image = add_figure_to_second_guide()
    image.file.storage.delete(image.file.name)
    picture = figure_picture(client)  # the guide still answers 200
    assert picture.find("img")["alt"] == ALT_TEXT
    assert get_image_model().get_rendition_model().objects.count() == 0


def test_a_media_storage_that_never_answers_costs_the_guide_its_picture_briefly_not_the_page(
    client, second_guide_with_photo, settings
):
    """The bucket's port accepts the connection and never answers, as a stalled storage service does."""
    import socket
    import time

    from botocore.config import Config
    from django.test import override_settings

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes each connection; nothing ever reads or answers
        bucket = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "guides",
                "endpoint_url": f"http://127.0.0.1:{silent.getsockname()[1]}",
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "client_config": Config(**settings.MEDIA_STORAGE_CLIENT_CONFIG),
            },
        }
        stalled = override_settings(STORAGES={**settings.STORAGES, "default": bucket})
        stalled.enable()
        cache.clear()
        started = time.monotonic()
        try:
            response = client.get(SECOND_GUIDE_URL)
        finally:
            stalled.disable()
        waited = time.monotonic() - started
    assert response.status_code == 200
    figure = BeautifulSoup(response.content, "html.parser").select_one("figure.figure")
    # As for a missing original: a picture that shows its alt text, and the caption and description.
    assert figure.find("img")["alt"] == ALT_TEXT
    assert "A nurse takes a small sample of blood from the arm." in figure.get_text()
    # One read timeout (3 s), with room for drawing the guide on a busy machine.
    assert waited < settings.MEDIA_STORAGE_CLIENT_CONFIG["read_timeout"] + 3, waited
    # What was drawn without the picture is not kept: once the storage is back, the picture is too.
    assert response.headers.get("X-Page-Cache") is None
    assert figure_picture(client).find("img")["alt"] == ALT_TEXT


def test_a_figure_with_a_library_image_asks_only_for_its_alt_text(client, db):
    """Issue 18: "Alt text" and a required "Description" asked twice for the same thing."""
    from pages.blocks import FigureBlock
    from pages.models import GuidePage

    seed_with_second_guide()
    add_figure_to_second_guide(description="")
    figure = next(
        block.value
        for section in GuidePage.objects.get(slug="second-test-guide").body
        for block in section.value["content"]
        if block.block_type == "figure"
    )
    assert FigureBlock().clean(figure)["description"] == ""  # publishing accepts it

    cache.clear()
    page = BeautifulSoup(client.get(SECOND_GUIDE_URL).content, "html.parser")
    shown = page.select_one("figure.figure")
    assert shown.find("img")["alt"] == ALT_TEXT
    assert shown.select_one(".figure__caption strong").get_text() == "A blood test"
    assert shown.select(".figure__description") == []  # no empty text for a screen reader to land on


def test_a_drawing_without_a_description_is_refused_on_the_description(db):
    from django.core.exceptions import ValidationError

    from pages.blocks import FigureBlock

    block = FigureBlock()
    value = block.to_python({"illustration": "nk-cell-therapy-stages", "caption": "Three stages", "description": "  "})
    with pytest.raises(ValidationError) as refused:
        block.clean(value)
    assert {
        name: [str(e.message) for e in errors.error_list] for name, errors in refused.value.block_errors.items()
    } == {"description": ["Say in words what the drawing shows."]}
