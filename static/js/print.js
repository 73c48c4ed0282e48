// For a printout: the date it was printed, and full addresses for the site's own links (print.css
// writes them out after each link). Without JavaScript a printout still has the page's address
// in its header, and the site's links print as paths.
(function () {
    "use strict";
    var dated = document.querySelector("[data-printed-date]");

    function writeDate() {
        if (!dated) {
            return;
        }
        // Day first, as the site writes every date (templates' "j F Y"), in the page's language.
        var lang = document.documentElement.lang || "en";
        var format = new Intl.DateTimeFormat(lang.indexOf("en") === 0 ? "en-GB" : lang, {
            day: "numeric",
            month: "long",
            year: "numeric",
        });
        dated.querySelector("span").textContent = format.format(new Date());
        dated.hidden = false;
    }

    Array.prototype.forEach.call(document.querySelectorAll('main a[href^="/"], footer a[href^="/"]'), function (link) {
        link.setAttribute("data-print-href", link.href);
    });
    writeDate();
    // A page left open for days is printed with the day it is printed.
    window.addEventListener("beforeprint", writeDate);
})();
