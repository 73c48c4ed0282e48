"""The fixtures every test uses, wherever it lives: tests/ and each app's own tests/ folder."""

from lmi_site.compile_translations import compile_all

pytest_plugins = ["tests.support", "tests.browser.support"]


def pytest_configure(config):
    # make test compiles the interface's translations first; pytest run on its own does the same,
    # so Spanish pages are never tested against missing or older compiled words.
    compile_all()
