"""Tests marked `postgresql` need real concurrent transactions (row locks, threads on
separate connections). SQLite's in-memory test database cannot give them, so on SQLite
they are deselected, not skipped; CI runs the whole suite again on PostgreSQL, where
they run. `make test` on SQLite says how many were left for the PostgreSQL pass."""

from django.conf import settings


def pytest_collection_modifyitems(config, items):
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    kept, left = [], []
    for item in items:
        (left if item.get_closest_marker("postgresql") else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"{len(left)} PostgreSQL-only test(s) run in the PostgreSQL pass.")
