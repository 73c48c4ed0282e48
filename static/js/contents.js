// Marks the section being read in a guide's "On this page" list (aria-current="location").
// Without JavaScript the list and its links work just the same; only the marking is missing.
(function () {
    "use strict";
    var nav = document.querySelector("nav.contents");
    if (!nav) {
        return;
    }
    var links = Array.prototype.slice.call(nav.querySelectorAll('a[href^="#"]'));
    var sections = links
        .map(function (link) {
            return { link: link, heading: document.getElementById(decodeURIComponent(link.hash.slice(1))) };
        })
        .filter(function (section) {
            return section.heading;
        });

    function update() {
        // The current section is the last one whose heading has passed the top third of the window.
        var line = window.innerHeight / 3;
        var current = null;
        sections.forEach(function (section) {
            if (section.heading.getBoundingClientRect().top <= line) {
                current = section;
            }
        });
        sections.forEach(function (section) {
            if (section === current) {
                section.link.setAttribute("aria-current", "location");
            } else {
                section.link.removeAttribute("aria-current");
            }
        });
    }

    var scheduled = false;
    function schedule() {
        if (!scheduled) {
            scheduled = true;
            window.requestAnimationFrame(function () {
                scheduled = false;
                update();
            });
        }
    }
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    window.addEventListener("hashchange", schedule);
    update();
})();
