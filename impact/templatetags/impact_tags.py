from django import template

register = template.Library()


@register.inclusion_tag("impact/counter.html", takes_context=True)
def reading_counter(context, guide):
    """Where a guide's sections end: the counter's marker and script, and an image that counts a
    view without JavaScript (impact/counting.py). The same for every reader; absent in previews."""
    request = context.get("request")
    shown = request is not None and guide.pk is not None and not getattr(request, "is_preview", False)
    return {"shown": shown, "view_url": f"/count/{guide.pk}/view", "end_url": f"/count/{guide.pk}/end"}
