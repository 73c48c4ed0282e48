"""Compile the interface's translations (locale/<language>/LC_MESSAGES/*.po) into the .mo files Django reads.

    python -m lmi_site.compile_translations [--check]

Django's compilemessages needs GNU gettext's msgfmt, which a clean machine (CI, a server) may not
have; polib, which wagtail-localize already installs, writes the same files in pure Python. Only
translated, non-fuzzy messages go in, as with msgfmt. A .mo newer than its .po is left alone.
With --check, nothing is written: it exits 1 naming each .mo that is missing or older than its .po.
"""

import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"


def out_of_date():
    """(po, mo) for each catalogue whose compiled file is missing or older than it."""
    pairs = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pairs.append((po, mo))
    return pairs


def compile_all():
    """Compile what is out of date; returns the .mo files written."""
    written = []
    for po, mo in out_of_date():
        catalogue = polib.pofile(str(po))
        temporary = mo.with_suffix(".mo.tmp")
        catalogue.save_as_mofile(str(temporary))
        temporary.replace(mo)  # whole or not at all, for a server reading it meanwhile
        written.append(mo)
    return written


def main(argv):
    if "--check" in argv:
        stale = out_of_date()
        for po, mo in stale:
            print(
                f"{mo.relative_to(BASE_DIR)} is missing or older than {po.name}: run make (or python -m {__spec__.name})"
            )
        return 1 if stale else 0
    for mo in compile_all():
        print(f"Compiled {mo.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
