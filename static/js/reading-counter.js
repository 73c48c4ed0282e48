// Counts this reading of the guide for the clinic's "Guide impact" figures: one request when the
// page is shown, one when the reader scrolls past the guide's last section. No cookie is sent and
// nothing is kept on the device; the site keeps only each day's totals (impact/counting.py).
(function () {
    "use strict";
    var marker = document.querySelector("[data-count-view]");
    if (!marker || !window.fetch) {
        return;
    }

    function send(url) {
        // An empty POST, sent on even if the reader leaves the page at that moment.
        return fetch(url, { method: "POST", credentials: "omit", keepalive: true, cache: "no-store" });
    }

    function watchForTheEnd() {
        if (!("IntersectionObserver" in window)) {
            return;
        }
        var observer = new IntersectionObserver(function (entries) {
            if (entries.some(function (entry) { return entry.isIntersecting; })) {
                observer.disconnect();
                send(marker.getAttribute("data-count-end")).catch(function () {});
            }
        });
        observer.observe(marker);
    }

    function count() {
        // The end is watched for once the view has been counted: it counts only for a reader seen.
        send(marker.getAttribute("data-count-view")).then(watchForTheEnd, function () {});
    }

    // A page opened in a background tab (or prepared before it is shown) is read when it is shown.
    if (document.visibilityState === "visible") {
        count();
    } else {
        document.addEventListener("visibilitychange", function shown() {
            if (document.visibilityState === "visible") {
                document.removeEventListener("visibilitychange", shown);
                count();
            }
        });
    }
})();
