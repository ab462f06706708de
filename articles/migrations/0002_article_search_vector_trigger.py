"""
Keep Article.search_vector filled on PostgreSQL, and index it.

The vector concatenates the Italian and English stemmings of the title (weight A),
the standfirst (B) and the body with its tags stripped (C). A trigger fills it on
every insert and update, so bulk loads and raw SQL stay searchable too. On other
databases the migration does nothing: search falls back to icontains there.
"""

from django.db import migrations

CREATE_SQL = r"""
CREATE OR REPLACE FUNCTION articles_article_search_vector(
    title text, standfirst text, body text
) RETURNS tsvector AS $$
    SELECT
        setweight(to_tsvector('italian', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('italian', coalesce(standfirst, '')), 'B')
        || setweight(to_tsvector('english', coalesce(standfirst, '')), 'B')
        || setweight(to_tsvector(
            'italian', regexp_replace(coalesce(body, ''), '<[^>]*>', ' ', 'g')
        ), 'C')
        || setweight(to_tsvector(
            'english', regexp_replace(coalesce(body, ''), '<[^>]*>', ' ', 'g')
        ), 'C')
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION articles_article_search_vector_trigger()
RETURNS trigger AS $$
BEGIN
    NEW.search_vector := articles_article_search_vector(
        NEW.title, NEW.standfirst, NEW.body
    );
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS articles_article_search_vector_update ON articles_article;
CREATE TRIGGER articles_article_search_vector_update
    BEFORE INSERT OR UPDATE OF title, standfirst, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_trigger();

UPDATE articles_article
    SET search_vector = articles_article_search_vector(title, standfirst, body);

CREATE INDEX IF NOT EXISTS articles_article_search_vector_gin
    ON articles_article USING gin (search_vector);
"""

DROP_SQL = r"""
DROP INDEX IF EXISTS articles_article_search_vector_gin;
DROP TRIGGER IF EXISTS articles_article_search_vector_update ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_vector_trigger();
DROP FUNCTION IF EXISTS articles_article_search_vector(text, text, text);
"""


def run_on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            run_on_postgresql(CREATE_SQL),
            run_on_postgresql(DROP_SQL),
            elidable=False,
        ),
    ]
