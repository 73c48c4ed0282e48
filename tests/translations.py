"""A guide's Spanish version for tests of what readers get, made and published as the clinic's
process requires (benchmarks/spanish_guide.py, shared with `make bench`); the browser tests walk
the same way in the admin."""

from benchmarks.spanish_guide import (  # noqa: F401 (the tests' names for them)
    TEST_TITLE,
    approve_through_review,
    publish_in_spanish,
    spanish_draft,
    staff_member,
)
