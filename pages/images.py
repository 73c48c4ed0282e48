"""Renditions carry no photo metadata: no EXIF (camera, time, GPS position), no XMP, no comments.

Wagtail makes every rendition through Willow, which copies the original's EXIF into JPEG and PNG
renditions. Every rendition starts with Willow's auto_orient operation (it turns the picture the
way its EXIF says), so that operation is replaced with one that also drops the metadata afterwards.
"""

from willow.plugins.pillow import PillowImage
from willow.registry import registry

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
