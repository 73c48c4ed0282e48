"""An admin menu item shown only to the staff a check lets see it (each report names its own check)."""

from wagtail.admin.menu import MenuItem


class MenuItemFor(MenuItem):
    def __init__(self, label, url, shown_to, **kwargs):
        super().__init__(label, url, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)
