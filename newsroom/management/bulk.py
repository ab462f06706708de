"""Writing many rows fast, for datasets built in bulk (the benchmark's)."""

from django.db import connection, transaction

# Rows per INSERT batch (and transaction) where there is no COPY.
BATCH = 20_000


class Loader:
    """Write rows of one model, with COPY on PostgreSQL and INSERTs elsewhere."""

    def __init__(self, model, attnames):
        self.model = model
        self.table = model._meta.db_table
        self.fields = [model._meta.get_field(name) for name in attnames]
        given = {f.attname for f in self.fields}
        # Columns the generator does not set get their default, computed once.
        self.rest = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in given and not f.primary_key
        ]
        self.rest_values = tuple(self._default(f) for f in self.rest)
        self.columns = [f.column for f in self.fields + self.rest]
        self.postgres = connection.vendor == "postgresql"

    @staticmethod
    def _default(field):
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            value = field.get_default()
        return field.get_db_prep_save(value, connection)

    def write(self, rows):
        """Write an iterable of tuples ordered like ``attnames``."""
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.table)
        rest = self.rest_values
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + rest)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
                batch = []
                for row in rows:
                    batch.append(row + rest)
                    if len(batch) >= BATCH:
                        # One transaction per batch: SQLite syncs on every commit.
                        with transaction.atomic():
                            cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    with transaction.atomic():
                        cursor.executemany(sql, batch)
