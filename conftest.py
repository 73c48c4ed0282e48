"""The fixtures every test uses, wherever it lives: tests/ and each app's own tests/ folder."""

pytest_plugins = ["tests.support", "tests.browser.support"]
