vcl 4.1;
# Varnish 7 (Debian's `varnish` package) in front of the site's app instances; see docs/deploy.md.
#
# It keeps what the app says every reader may share (Cache-Control: public, s-maxage=…) until the
# app purges it, and sends everything personal straight to the app. Tested by tests/test_varnish.py.

import std;

backend app {
    # The load balancer, or a single app instance.
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may send PURGE: the app instances (Wagtail's frontend-cache invalidation, after each
# content change). Add each app host on its own line, e.g. "10.0.0.12"; or a private network,
# e.g. "10.0.0.0"/8. If a TLS terminator on this machine connects to Varnish, every reader
# arrives from 127.0.0.1: then have it speak the PROXY protocol (`-a 127.0.0.1:6086,PROXY`)
# so that client.ip is the reader's own address, or remove "127.0.0.1" from this list.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Only ours to set: a reader cannot pretend a response was a hit, nor choose a copy.
    unset req.http.X-Cache;
    if (req.restarts == 0) {
        unset req.http.X-Encoding;
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "PURGE is allowed only from the app"));
        }
        # A page is kept once per encoding (below): purge the plain copy, then (restarting) the
        # gzip and the brotli ones. Answered 200 "Purged", whether or not a copy was held.
        if (req.restarts == 1) {
            set req.http.X-Encoding = "gzip";
        } elsif (req.restarts == 2) {
            set req.http.X-Encoding = "br";
        }
        return (purge);
    }

    # The one encoding this reader gets from a kept copy: brotli, gzip or (unset) none. The app
    # compresses pages itself (Vary: Accept-Encoding), and a copy is kept for each encoding.
    # Varnish on its own would ask the app for gzip only, and would match any reader to a copy
    # whatever its encoding; this keeps brotli, about a fifth smaller (vcl_hash, vcl_backend_fetch).
    if (req.http.Accept-Encoding ~ "(?i)(^|,)\s*br\s*(;\s*q=(1|0?\.0*[1-9][0-9]*)[^,]*)?(,|$)") {
        set req.http.X-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "(?i)(^|,)\s*gzip\s*(;\s*q=(1|0?\.0*[1-9][0-9]*)[^,]*)?(,|$)") {
        set req.http.X-Encoding = "gzip";
    }

    # Posting (forms, the admin), and any method but reading, is never cached.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # The load balancer's health check must reach the app every time.
    if (req.url ~ "^/healthz(\?|$)") {
        return (pass);
    }
    # Each reading count (impact/counting.py) must reach the app; the app answers it at once (204).
    if (req.url ~ "^/count/") {
        return (pass);
    }

    # Tracking parameters that social sites, newsletters and ad networks add to shared links:
    # they never change the page, so they are removed before the lookup (and are not sent to
    # the app). Every other parameter is kept, in a fixed order so that ?a=1&b=2 and ?b=2&a=1
    # are one copy.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "(?i)([?&])(utm_[a-z0-9_]*|fbclid|gclid|gclsrc|gbraid|wbraid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|yclid|twclid|ttclid|li_fat_id|_hsenc|_hsmi|mkt_tok|srsltid|oly_anon_id|oly_enc_id|vero_id|rb_clickid|s_cid)(=[^&]*)?(?=&|$)",
            "\1");
        set req.url = regsuball(req.url, "([?&])&+", "\1");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }

    # The admin, and its previews of unpublished drafts, are only for signed-in staff.
    if (req.url ~ "^/admin(/|$)") {
        return (pass);
    }
    # Search reads its query string and is never shared (the app says so too).
    if (req.url ~ "^/search(/|\?|$)") {
        return (pass);
    }
    # Anyone with a session (staff signed in, or anyone whose session holds state) sees their
    # own pages: "sessionid" is the app's SESSION_COOKIE_NAME (Django's default).
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Other cookies (analytics, csrftoken) do not change a page anyone may share; a page that
    # needs the CSRF cookie sets a new one and is then never kept (Set-Cookie, below).
    unset req.http.Cookie;
    # Builtin vcl_recv follows: it passes on Authorization, and looks up everything else.
}

sub vcl_hash {
    # One copy per encoding. Varnish has just rewritten Accept-Encoding to "gzip" for the lookup;
    # it is set back to the reader's own encoding, which the copy is fetched in.
    hash_data(req.http.X-Encoding);
    if (req.http.X-Encoding) {
        set req.http.Accept-Encoding = req.http.X-Encoding;
    } else {
        unset req.http.Accept-Encoding;
    }
    # Builtin vcl_hash follows: the URL and host name.
}

sub vcl_purge {
    if (req.restarts < 2) {
        return (restart);
    }
}

sub vcl_hit {
    set req.http.X-Cache = "hit";
}

sub vcl_miss {
    set req.http.X-Cache = "miss";
}

sub vcl_pass {
    set req.http.X-Cache = "pass";
}

sub vcl_backend_fetch {
    unset bereq.http.X-Cache;
    # A copy to keep is fetched in the encoding it will be served in (Varnish would ask for gzip).
    if (!bereq.uncacheable) {
        if (bereq.http.X-Encoding) {
            set bereq.http.Accept-Encoding = bereq.http.X-Encoding;
        } else {
            unset bereq.http.Accept-Encoding;
        }
    }
    unset bereq.http.X-Encoding;
}

sub vcl_backend_response {
    # The race a purge alone cannot close: a request that began inside the app before a
    # content change's commit can deliver the old page just after the purge. The app purges
    # again FRONTEND_CACHE_SECOND_PURGE_SECONDS (3 s) after the commit, which drops any such
    # copy fetched within 2 s; one that took longer than 2 s to fetch may have begun before a
    # commit and would outlive that second purge, so it goes to its reader and is not kept.
    # Immutable static files (hashed names) cannot be stale, so their speed does not matter.
    if (beresp.time - bereq.time > 2s && bereq.url !~ "^/static/") {
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # The app compresses its own pages; Varnish keeps them as they come and never compresses
    # anything a second time.
    set beresp.do_gzip = false;
    # Builtin vcl_backend_response follows: how long to keep a copy is the app's s-maxage, and
    # nothing is kept that sets a cookie or says private, no-store or no-cache.
}

sub vcl_deliver {
    # "hit" (served from Varnish), "miss" (fetched and kept if allowed) or "pass" (never kept).
    set resp.http.X-Cache = req.http.X-Cache;
}
