"""
The moderation queue's search for words on PostgreSQL, through the full-text
index of migration 0013 (the same expression).

The queue lists the newest comments first. For a word in many comments,
walking the comments from the newest and keeping those that contain it finds
a page at once; for a rare word that walk reads the whole table, and the
planner cannot tell the two apart when the word is not among the frequent
words its statistics keep (it then guesses 0.5% of the comments). So the
rare case is decided here: when some word of the search is not known to be
frequent, the index gives the matching comments (at most PROBE_LIMIT of
them, in no order) and the queue sorts just those. A search matching more
than that goes back to the walk, which then finds a page quickly.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, transaction

INDEX = "comment_words_idx"
# A word in at least this share of the comments is found by walking from the
# newest: about 100 / share comments are read for a page of 100.
FREQUENT = 0.01
PROBE_LIMIT = 10_000


def matching(queryset, term):
    """The comments of the queryset with every word of term in name or text."""
    words = queryset.alias(
        words=SearchVector("author_name", "body", config="simple")
    ).filter(words=SearchQuery(term, config="simple"))
    if rarest_share(term) >= FREQUENT:
        return words
    # Only the index is read for the matches, never the whole table. The
    # settings end with the savepoint if the probe fails, and are put back
    # when it succeeds (they would last to the end of a request's transaction).
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
            )
        found = list(words.order_by().values_list("pk", flat=True)[: PROBE_LIMIT + 1])
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
    if len(found) > PROBE_LIMIT:
        return words
    if not found:
        return queryset.none()
    return queryset.filter(pk__in=found)


def rarest_share(term):
    """
    The share of comments holding the rarest word of the term, by the
    statistics of the index (0 when a word is not among their frequent ones).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT words.lexeme, stats.share
            FROM unnest(tsvector_to_array(to_tsvector('simple', %s))) AS words(lexeme)
            LEFT JOIN (
                SELECT unnest(most_common_elems::text::text[]) AS lexeme,
                       unnest(most_common_elem_freqs) AS share
                FROM pg_stats WHERE tablename = %s
            ) AS stats USING (lexeme)
            """,
            [term, INDEX],
        )
        shares = [share or 0.0 for _lexeme, share in cursor.fetchall()]
    return min(shares, default=0.0)
