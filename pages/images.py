"""Renditions carry no photo metadata: no EXIF (camera, time, GPS position), no XMP, no comments.

Wagtail makes every rendition through Willow, which copies the original's EXIF into JPEG and PNG
renditions. Every rendition starts with Willow's auto_orient operation (it turns the picture the
way its EXIF says), so that operation is replaced with one that also drops the metadata afterwards.

A guide's figure shows its photo as a <picture> of such renditions (figure_picture, below).
"""

import logging
import threading

from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from willow.plugins.pillow import PillowImage
from willow.registry import registry

logger = logging.getLogger(__name__)

# Pillow's names for metadata it would write back out; the colour profile (icc_profile) stays.
METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "Comment", "Description")

_auto_orient = PillowImage.auto_orient


def auto_orient_without_metadata(image):
    oriented = _auto_orient(image)
    for key in METADATA_KEYS:
        oriented.image.info.pop(key, None)
    return oriented


def register():
    registry.register_operation(PillowImage, "auto_orient", auto_orient_without_metadata)


# The figure's column: the page's 42rem measure, or the screen less the container's 1rem padding each side.
FIGURE_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
# Widest first: the <img> takes its width and height from the first, so the space kept for it has
# the picture's shape before a byte arrives. 1344 and 672 are the column at 2x and 1x; 1008 suits
# 1.5x screens and 3x phones; 336 a phone at 1x.
FIGURE_WIDTHS = (1344, 1008, 672, 336)
# Browsers that know neither AVIF nor WebP get the original's kind: JPEG for photographs,
# PNG for drawings and anything that may be transparent (JPEG would fill the clear parts black).
LOSSLESS_ORIGINALS = (".png", ".gif")


def figure_picture(image, alt):
    """A figure's image as Wagtail's {% picture %} tag renders it: AVIF and WebP sources, a fallback <img>.

    The tag itself takes a fixed list of widths, so a small upload would get several renditions of
    the same size and a srcset naming one width many times; here the widths stop at the original's.
    Wagtail stores each rendition once and finds it again on the next render without opening the image.
    """
    widths = [width for width in FIGURE_WIDTHS if width < image.width]
    if image.width <= FIGURE_WIDTHS[0]:
        widths.insert(0, image.width)
    fallback = "png" if image.file.name.lower().endswith(LOSSLESS_ORIGINALS) else "jpeg"
    specs = [f"width-{width}|format-{kind}" for kind in ("avif", "webp", fallback) for width in widths]
    attrs = {
        "alt": alt,
        "class": "figure__image",
        "sizes": FIGURE_SIZES,
        # Figures sit inside a guide's sections, below the first screen.
        "loading": "lazy",
        "decoding": "async",
    }
    # As the tag does: an original that cannot be read (missing, or its storage failing or timing
    # out) gives a broken picture that still shows its alt text, not a broken guide. Anything else
    # the storage raises (saving a new rendition to it) leaves the picture out; the caption and
    # description stay. Either way what was drawn is not kept (delivery/fragments.py), so the picture
    # is back as soon as the storage is.
    try:
        renditions = get_renditions_or_not_found(image, specs)
    except Exception as error:  # whatever the storage raises: a disk's OSError, a bucket's client errors
        logger.warning("Figure image %s left out: its storage failed (%s: %s)", image.pk, type(error).__name__, error)
        _left_out.count = figures_left_out() + 1
        return ""
    if any(rendition.file.name == NOT_FOUND for rendition in renditions.values()):
        logger.warning("Figure image %s drawn without its picture: its original could not be read", image.pk)
        _left_out.count = figures_left_out() + 1
    return Picture(renditions, attrs)


# Wagtail's name for the stand-in rendition of an original it could not read (get_renditions_or_not_found).
NOT_FOUND = "not-found"
# How many figures this thread has drawn without their picture; delivery/fragments.py checks it.
_left_out = threading.local()


def figures_left_out():
    return getattr(_left_out, "count", 0)
