"""The database cache, with an increment that holds when many app servers count at once.

Django's DatabaseCache increments by reading and writing back, so two servers counting
the same rate-limit window at the same moment both write n+1. Here the row is locked
for the increment (SELECT … FOR UPDATE where the database has it; SQLite runs one
writing transaction at a time). With `REDIS_URL` set, Django's Redis cache is used
instead, whose increment is atomic in Redis.
"""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now

TABLE = "peerstod_cache"


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {quote(self._table)} "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            expires = row[1]
            expression = models.Expression(output_field=models.DateTimeField())
            for convert in connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection):
                expires = convert(expires, expression, connection)
            if expires is not None and expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode()
            cursor.execute(
                f"UPDATE {quote(self._table)} SET {quote('value')} = %s "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)
