from django import template

from pages.images import figure_picture as build_figure_picture

register = template.Library()


@register.simple_tag
def figure_picture(image, alt):
    """{% figure_picture image alt %}: see pages.images.figure_picture."""
    return build_figure_picture(image, alt)
