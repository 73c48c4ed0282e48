"""Uploaded images keep their place in storage; the renditions patients see carry no EXIF or GPS."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import ExifTags, Image
from wagtail.images import get_image_model


def jpeg_with_gps():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ClinicCam"
    exif[ExifTags.Base.Model] = "Phone 1"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (32.0, 31.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (117.0, 2.0, 0.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "#336699").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spec", ["width-200", "fill-100x100", "width-200|format-webp", "width-200|format-png", "width-200|format-avif"]
)
def test_renditions_have_no_exif_or_gps(spec):
    original_bytes = jpeg_with_gps()
    # The test image really carries the GPS position.
    assert Image.open(io.BytesIO(original_bytes)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    image = get_image_model().objects.create(
        title="Consulting room", file=ImageFile(io.BytesIO(original_bytes), name="consulting-room.jpg")
    )
    rendition = image.get_rendition(spec)
    with rendition.file.open("rb") as stored:
        made = Image.open(io.BytesIO(stored.read()))
        made.load()
    assert made.width <= 200
    assert len(made.getexif()) == 0
    assert "exif" not in made.info
    assert not made.getexif().get_ifd(ExifTags.IFD.GPSInfo)


@pytest.mark.django_db
def test_a_photo_taken_sideways_is_still_turned_upright_in_its_rendition():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show the picture rotated 90°
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "#336699").save(buffer, "JPEG", exif=exif)
    image = get_image_model().objects.create(title="Sideways", file=ImageFile(buffer, name="sideways.jpg"))
    with image.get_rendition("max-200x200").file.open("rb") as stored:
        made = Image.open(io.BytesIO(stored.read()))
    assert made.height > made.width
    assert len(made.getexif()) == 0
