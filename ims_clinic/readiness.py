"""Whether this server can serve the site's pages: the database answers, in a few seconds, and
holds every migration of the release this server runs (/ready/)."""

from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

# Long enough for a busy database, short enough for a load balancer's probe (often 5 s).
QUERY_TIMEOUT_MS = 2000


def pending_migrations() -> list:
    """The migrations this release has that the database has not applied; raises
    django.db.DatabaseError when the database does not answer."""
    if connection.vendor != "postgresql":
        return _pending()
    # On PostgreSQL, one transaction with its own statement timeout (SET LOCAL ends with it);
    # not on SQLite, where a transaction would take the write lock.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [QUERY_TIMEOUT_MS])
        return _pending()


def _pending() -> list:
    executor = MigrationExecutor(connection)  # reads django_migrations: one query
    return executor.migration_plan(executor.loader.graph.leaf_nodes())
