"""A patient on a phone scrolls to a figure: the AVIF loads under the public policy, in space kept for it."""

import pytest

from tests.test_images import ALT_TEXT, SECOND_GUIDE_URL, add_figure_to_second_guide, seed_with_second_guide, widths_in

pytestmark = pytest.mark.browser

# Before any of the page's own code: record policy violations and every layout shift.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
window.__layoutShifts = [];
new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__layoutShifts.push(entry.value);
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.urls("tests.media_urls")
def test_a_phone_loads_the_avif_in_the_space_kept_for_it(live_server, transactional_db, chromium, tmp_path):
    seed_with_second_guide()
    add_figure_to_second_guide()
    context = chromium.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    context.add_init_script(WATCH)
    page = context.new_page()
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    images = {}
    page.on("response", lambda response: "/media/" in response.url and images.setdefault(response.url, response))
    # Hold the picture back, to see the page as it is before the picture arrives.
    held = []

    def hold(route):
        held.append(route)

    page.route("**/media/**", hold)

    document = page.goto(live_server.url + SECOND_GUIDE_URL)
    # The public policy: images from the site itself only.
    assert "img-src 'self'" in document.headers["content-security-policy"]
    image = page.get_by_role("img", name=ALT_TEXT)
    caption = page.locator("figure.figure figcaption")
    image.scroll_into_view_if_needed()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, [route.request.url for route in held]  # one picture, in one format
    before = (image.bounding_box(), caption.bounding_box())
    assert image.evaluate("img => img.naturalWidth") == 0  # really not loaded yet
    assert before[0]["height"] > 100  # its space is kept already

    for route in held:
        route.continue_()
    page.unroute("**/media/**")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())

    assert (image.bounding_box(), caption.bounding_box()) == before
    assert page.evaluate("window.__layoutShifts.reduce((sum, value) => sum + value, 0)") == 0
    # The column is 328 CSS pixels, 656 device pixels on this screen: the 672 AVIF is the one to take.
    current = image.evaluate("img => img.currentSrc")
    assert current.endswith(".avif")
    avif = dict(
        (width, url) for url, width in widths_in(page.locator("source[type='image/avif']").get_attribute("srcset"))
    )
    assert current == live_server.url + avif[672]
    # naturalWidth is in CSS pixels: the 672-pixel file drawn at its density fills the column.
    assert image.evaluate("img => img.naturalWidth") == 328
    response = images[current]
    assert response.status == 200
    assert response.headers["content-type"] == "image/avif"
    assert page.evaluate("window.__cspViolations") == []
    assert console_errors == []

    # For people to look at (pytest --basetemp keeps it): the figure as the phone shows it.
    page.screenshot(path=tmp_path / "phone-figure.png")
    context.close()
