"""
Build the benchmark's dataset: authors, sections, tags, articles and threaded
comments in every status, shaped like a real newsroom's archive.

``--size default`` makes 5,000 articles and 100,000 comments; ``--size large``
makes 1,000,000 articles and 10,000,000 comments and needs PostgreSQL. Rows are
written with COPY on PostgreSQL and with batched INSERTs on SQLite. A marker
table (``bench_dataset``) records what was built, so a second run with the same
size finds the dataset and does nothing; ``--rebuild`` wipes it and builds again.

The command empties the content tables before building, so it refuses a
database that holds articles it did not make unless ``--rebuild`` is given: run
it against a database of its own (``make bench`` does).
"""

import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from tqdm import tqdm

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import color_style
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, AuthorProfile, Category, Tag, count_words
from comments.models import Comment, CommentEvent

from ...sanitize import comment_text_to_html
from ..bulk import Loader

# Bump when the shape of the generated data changes: older datasets get rebuilt.
DATASET_VERSION = 3

SIZES = {
    "default": {"articles": 5_000, "comments": 100_000, "authors": 20, "tags": 300},
    "large": {
        "articles": 1_000_000,
        "comments": 10_000_000,
        "authors": 200,
        "tags": 3_000,
    },
}

HOT_SLUG = "bench-article-with-50-comments"
INTAKE_SLUG = "bench-comment-intake"
HOT_APPROVED = 50
MARKER_TABLE = "bench_dataset"

SECTIONS = {
    "Politica": ["Governo", "Parlamento", "Elezioni", "Europa"],
    "Economia": ["Lavoro", "Mercati", "Imprese", "Tasse"],
    "Cronaca": ["Città", "Giustizia", "Sicurezza", "Ambiente"],
    "Cultura": ["Libri", "Cinema", "Musica", "Teatro"],
    "Sport": ["Calcio", "Ciclismo", "Basket", "Tennis"],
    "Scienza": ["Salute", "Spazio", "Clima", "Tecnologia"],
    "Esteri": ["Americhe", "Asia", "Africa", "Medio Oriente"],
    "Opinioni": ["Editoriali", "Lettere", "Interviste", "Analisi"],
}

WORDS = (
    "consiglio comunale bilancio approvato sindaco cittadini quartiere progetto "
    "scuola ospedale trasporti stazione ferrovia autobus lavori cantiere piazza "
    "mercato prezzi famiglie imprese lavoro sindacato accordo governo ministro "
    "regione provincia tribunale sentenza indagine procura testimoni polizia "
    "incendio alluvione fiume pioggia siccità raccolto agricoltori vino olio "
    "festival concerto mostra museo biblioteca romanzo autore regista attore "
    "squadra partita campionato allenatore stadio tifosi vittoria sconfitta "
    "ricerca università studenti laboratorio vaccino medici pazienti clima "
    "energia solare rete elettrica bollette inflazione tassi banca risparmio "
    "elezioni candidati sondaggio voto parlamento legge riforma opposizione"
).split()
FIRST_NAMES = (
    "Giulia Marco Francesca Luca Chiara Matteo Sara Andrea Elena Davide Anna "
    "Paolo Laura Simone Valentina Stefano Martina Alessandro Federica Giorgio"
).split()
LAST_NAMES = (
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco "
    "Bruno Gallo Conti DeLuca Mancini Costa Giordano Rizzo Lombardi Moretti"
).split()
COMMENT_LINES = [
    "Articolo molto chiaro, grazie.",
    "Non sono d'accordo con la conclusione: i numeri dicono altro.",
    "Qualcuno sa quando riapre la strada?",
    "Finalmente se ne parla.",
    "Vivo nel quartiere da vent'anni e la situazione è peggiorata.",
    "Ottima analisi, ma manca il punto di vista dei lavoratori.",
    "Bisognerebbe chiedere al sindaco cosa intende fare.",
    "Ero presente: è andata esattamente così.",
    "Il titolo è fuorviante rispetto al contenuto.",
    "Speriamo che questa volta i fondi arrivino davvero.",
]
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_body_pool(rng, size=200):
    """Clean article bodies (already in the sanitizer's allow-list) to reuse."""
    pool = []
    for _ in range(size):
        parts = []
        for _section in range(3):
            parts.append(f"<h2>{words(rng, 5).capitalize()}</h2>")
            for _p in range(2):
                parts.append(f"<p>{words(rng, 60).capitalize()}.</p>")
        pool.append("".join(parts))
    return pool


class Command(BaseCommand):
    help = "Build (or find) the benchmark dataset."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="default")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Wipe the content tables and build again even if a dataset exists.",
        )
        parser.add_argument(
            "--keep-search-trigger",
            action="store_true",
            help="Let the search-vector trigger fire on every inserted row instead "
            "of disabling it and filling the column in one pass afterwards.",
        )
        parser.add_argument("--seed", type=int, default=20261126)

    def handle(self, *args, size, rebuild, keep_search_trigger, seed, **options):
        spec = SIZES[size]
        if size == "large" and connection.vendor != "postgresql":
            raise CommandError(
                "The large dataset (1,000,000 articles, 10,000,000 comments) needs "
                "PostgreSQL: set DATABASE_URL to a PostgreSQL database. SQLite would "
                "take hours to build it and the numbers would say nothing about "
                "production."
            )
        self.ensure_marker_table()
        marker = self.read_marker()
        if (
            not rebuild
            and marker
            and marker["size"] == size
            and marker["version"] == DATASET_VERSION
            and Article.objects.filter(slug=HOT_SLUG).exists()
        ):
            self.stdout.write(
                f"Benchmark dataset '{size}' found ({marker['articles']:,} articles, "
                f"{marker['comments']:,} comments, built {marker['built_at']}); "
                "not rebuilding (use --rebuild to force)."
            )
            return
        if not marker and Article.objects.exists() and not rebuild:
            raise CommandError(
                "This database holds articles that the benchmark did not create. "
                "Point DATABASE_URL at a database of its own, or pass --rebuild to "
                "wipe them."
            )
        started = time.monotonic()
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.wipe()
        timings = self.build(spec, keep_search_trigger)
        elapsed = time.monotonic() - started
        self.write_marker(size, spec, elapsed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Built benchmark dataset '{size}': {spec['articles']:,} articles, "
                f"{spec['comments']:,} comments in {elapsed:.1f} s"
            )
        )
        for name, seconds in timings.items():
            self.stdout.write(f"  {name:<28} {seconds:7.1f} s")

    # The marker

    def ensure_marker_table(self):
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} ("
                "id integer PRIMARY KEY, size varchar(20), version integer, "
                "articles bigint, comments bigint, hot_article_id bigint, "
                "intake_article_id bigint, built_at varchar(40), "
                "build_seconds real)"
            )

    def read_marker(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT size, version, articles, comments, built_at "
                f"FROM {MARKER_TABLE} WHERE id = 1"
            )
            row = cursor.fetchone()
        if not row:
            return None
        keys = ["size", "version", "articles", "comments", "built_at"]
        return dict(zip(keys, row, strict=True))

    def write_marker(self, size, spec, elapsed):
        hot = Article.objects.get(slug=HOT_SLUG).pk
        intake = Article.objects.get(slug=INTAKE_SLUG).pk
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} "
                "VALUES (1, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    size,
                    DATASET_VERSION,
                    spec["articles"],
                    spec["comments"],
                    hot,
                    intake,
                    self.now.isoformat(),
                    elapsed,
                ],
            )

    # Wiping

    def wipe(self):
        tables = [
            CommentEvent._meta.db_table,
            Comment._meta.db_table,
            Article.tags.through._meta.db_table,
            Article.categories.through._meta.db_table,
            Article._meta.db_table,
            Tag._meta.db_table,
            Category._meta.db_table,
            AuthorProfile._meta.db_table,
            MARKER_TABLE,
        ]
        self.stdout.write("Emptying the content tables…")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"
                )
            else:
                with transaction.atomic():
                    # Other apps' rows pointing at articles (revisions, tasks) go too.
                    Article.objects.all().delete()
                    for table in tables:
                        cursor.execute(f"DELETE FROM {table}")
        get_user_model().objects.filter(username__startswith="bench-author-").delete()

    # Building

    def build(self, spec, keep_search_trigger):
        timings = {}
        postgres = connection.vendor == "postgresql"
        gin_indexes = []
        if postgres and not keep_search_trigger:
            gin_indexes = self.suspend_search_vector()

        t = time.monotonic()
        authors = self.build_authors(spec["authors"])
        categories = self.build_categories()
        tags = self.build_tags(spec["tags"])
        timings["authors, sections, tags"] = time.monotonic() - t

        t = time.monotonic()
        published = self.build_articles(spec["articles"], authors, categories, tags)
        timings["articles and their links"] = time.monotonic() - t

        t = time.monotonic()
        self.build_comments(spec["comments"], published)
        timings["comments"] = time.monotonic() - t

        if postgres:
            if not keep_search_trigger:
                t = time.monotonic()
                self.resume_search_vector(gin_indexes, spec["articles"])
                timings["search vectors"] = time.monotonic() - t
            t = time.monotonic()
            self.reset_sequences()
            with connection.cursor() as cursor:
                # As autovacuum leaves a live database: statistics for the
                # planner, no dead rows from the search-vector UPDATE, and the
                # visibility map set, so index-only scans stay index-only.
                # Without it autovacuum would do this during the benchmark.
                cursor.execute("VACUUM (ANALYZE)")
            timings["sequences, VACUUM ANALYZE"] = time.monotonic() - t
        else:
            self.reset_sequences()
        return timings

    def suspend_search_vector(self):
        """
        Disable the article table's triggers and drop its GIN indexes for the load.

        The search-vector trigger costs two to_tsvector() calls per language per
        row, and each inserted row also updates the GIN index; one UPDATE after
        the load followed by CREATE INDEX does the same work in bulk.
        """
        table = Article._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = %s AND indexdef ILIKE %s",
                [table, "%USING gin%"],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        return indexes

    def resume_search_vector(self, gin_indexes, n_articles):
        table = Article._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal",
                [table],
            )
            has_trigger = cursor.fetchone()[0] > 0
            if has_trigger:
                self.fill_search_vectors(n_articles)
            for _name, definition in gin_indexes:
                cursor.execute(definition)
        if has_trigger:
            # The UPDATE left a dead copy of every row; VACUUM needs autocommit.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {table}")

    def fill_search_vectors(self, n_articles):
        """
        Fire the trigger once per row by rewriting the title with itself.

        This works whatever function the trigger calls. The batches run on one
        connection per CPU: to_tsvector() is CPU-bound and PostgreSQL runs one
        statement on one core.
        """
        table = Article._meta.db_table
        step = 20_000

        def update(low):
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {table} SET title = title WHERE id > %s AND id <= %s",
                        [low, low + step],
                    )
                    return cursor.rowcount
            finally:
                connection.close()

        with (
            tqdm(total=n_articles, desc="search vectors", unit="row") as bar,
            ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool,
        ):
            for done in pool.map(update, range(0, n_articles + 1, step)):
                bar.update(done)

    def reset_sequences(self):
        models = [get_user_model(), AuthorProfile, Category, Tag, Article, Comment]
        models += [Article.tags.through, Article.categories.through]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(color_style(), models):
                cursor.execute(sql)

    def build_authors(self, n):
        User = get_user_model()
        users = [
            User(
                username=f"bench-author-{i}",
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(i * 7) % len(LAST_NAMES)],
                email=f"bench-author-{i}@example.org",
                password="!bench-unusable",
                is_staff=True,
            )
            for i in range(n)
        ]
        users = User.objects.bulk_create(users)
        AuthorProfile.objects.bulk_create(
            AuthorProfile(
                user=u,
                display_name=f"{u.first_name} {u.last_name}",
                bio=words(self.rng, 25).capitalize() + ".",
            )
            for u in users
        )
        return [u.pk for u in users]

    def build_categories(self):
        leaves = []
        for position, (section, subs) in enumerate(SECTIONS.items()):
            parent = Category.objects.create(
                name=section, position=position, description=words(self.rng, 15)
            )
            for sub in subs:
                leaf = Category.objects.create(
                    name=sub, parent=parent, description=words(self.rng, 15)
                )
                leaves.append((leaf.pk, parent.pk))
        return leaves

    def build_tags(self, n):
        names = set()
        while len(names) < n:
            names.add(f"{self.rng.choice(WORDS)} {self.rng.choice(WORDS)}")
        tags = Tag.objects.bulk_create(
            Tag(name=name, slug=f"{slugify(name)}-{i}")
            for i, name in enumerate(sorted(names))
        )
        return [t.pk for t in tags]

    def build_articles(self, n, authors, categories, tags):
        """Write n articles, newest last; return the published ones' ids and dates."""
        rng = self.rng
        bodies = make_body_pool(rng)
        counts = {body: count_words(body) for body in bodies}
        fields = [
            "id", "title", "slug", "standfirst", "body", "author_id", "byline",
            "status", "published_at", "created_at", "updated_at", "comments_open",
            "word_count",
        ]  # fmt: skip
        articles = Loader(Article, fields)
        # Ten articles a day on the default dataset, a full daily desk's output
        # (about 270 a day, over ten years) on the large one.
        span = timedelta(days=500 if n <= 10_000 else 3650)
        step = span / n
        published = []  # (id, published_at)
        links_cat, links_tag = [], []
        P = Article.Status
        hot_id, intake_id = n, n - 1

        def rows():
            for i in range(1, n + 1):
                when = self.now - step * (n - i) - timedelta(hours=2)
                roll = rng.random()
                if i in (hot_id, intake_id):
                    status, pub = P.PUBLISHED, when
                elif roll < 0.92:
                    status, pub = P.PUBLISHED, when
                elif roll < 0.95:
                    status, pub = (
                        P.PUBLISHED,
                        self.now + timedelta(days=rng.randint(1, 30)),
                    )
                elif roll < 0.99:
                    status, pub = P.DRAFT, None
                else:
                    status, pub = P.REVIEW, None
                if status == P.PUBLISHED and pub <= self.now:
                    published.append((i, pub))
                if i == hot_id:
                    title, slug = "Il consiglio comunale approva il bilancio", HOT_SLUG
                elif i == intake_id:
                    title, slug = "Scrivete alla redazione", INTAKE_SLUG
                else:
                    title = words(rng, rng.randint(5, 10)).capitalize()
                    slug = f"{slugify(title)[:180]}-{i}"
                leaf, section = rng.choice(categories)
                links_cat.append((i, leaf))
                if rng.random() < 0.2:
                    other = rng.choice(categories)[0]
                    if other != leaf:
                        links_cat.append((i, other))
                # Zipf-like: a few tags are on many articles, most on few.
                chosen = {tags[min(int(rng.paretovariate(1.2)) - 1, len(tags) - 1)]}
                for _ in range(rng.randint(1, 4)):
                    chosen.add(rng.choice(tags))
                links_tag.extend((i, t) for t in chosen)
                created = (pub or when) - timedelta(hours=3)
                standfirst = words(rng, 25).capitalize() + "."
                body = rng.choice(bodies)
                yield (
                    i, title, slug, standfirst, body, rng.choice(authors),
                    "Redazione" if rng.random() < 0.1 else "",
                    status, pub, created, created, True, counts[body],
                )  # fmt: skip

        articles.write(tqdm(rows(), total=n, desc="articles", unit="row"))
        cat_loader = Loader(Article.categories.through, ["article_id", "category_id"])
        cat_loader.write(tqdm(links_cat, desc="article categories", unit="row"))
        tag_loader = Loader(Article.tags.through, ["article_id", "tag_id"])
        tag_loader.write(tqdm(links_tag, desc="article tags", unit="row"))
        return published

    def build_comments(self, n, published):
        rng = self.rng
        hot_id, intake_id = published[-1][0], published[-2][0]
        assert hot_id > intake_id
        fields = [
            "id", "article_id", "parent_id", "author_name", "author_email",
            "author_url", "body", "body_html", "status", "held_reason", "created_at",
            "status_changed_at", "language", "ip_address", "user_agent",
            "referrer", "check_state", "verdict", "check_attempts", "checked_at",
        ]  # fmt: skip
        loader = Loader(Comment, fields)
        S, C, V = Comment.Status, Comment.CheckState, Comment.Verdict
        # Articles others comment on: everything published but the two special
        # ones, most of the traffic on recent articles.
        targets = published[:-2]
        threads = {}  # article id -> list of (comment id, depth)
        next_id = 1
        depth_limit = 3

        rendered = {}

        def render(text):
            # Few distinct texts: render each once, as Comment.save() would.
            if text not in rendered:
                rendered[text] = comment_text_to_html(text)
            return rendered[text]

        def comment(article_id, when, status, parent=None):
            nonlocal next_id
            cid = next_id
            next_id += 1
            who = rng.randrange(50_000)
            first = FIRST_NAMES[who % len(FIRST_NAMES)]
            held = ""
            if status == S.APPROVED:
                state, verdict = C.CHECKED, V.HAM
            elif status == S.SPAM:
                state, verdict = C.CHECKED, V.SPAM
            elif status == S.TRASH:
                state, verdict = C.CHECKED, V.HAM
                held = "disallowed word"
            else:
                state, verdict = C.CHECKED, V.HAM
                held = rng.choice(["held: 2 links", "held: moderation list"])
            text = " ".join(rng.choice(COMMENT_LINES) for _ in range(rng.randint(1, 4)))
            return (
                cid, article_id, parent, f"{first} {who}",
                f"reader{who}@example.org", "", text, render(text), status, held,
                when, when,
                "it", f"10.{who % 250}.{(who // 250) % 250}.{cid % 250}",
                USER_AGENT, "", state, verdict, 1, when,
            )  # fmt: skip

        def pick_status():
            roll = rng.random()
            if roll < 0.82:
                return S.APPROVED
            if roll < 0.88:
                return S.PENDING
            if roll < 0.98:
                return S.SPAM
            return S.TRASH

        def rows():
            hot_pub = published[-1][1]
            # The article page's test: exactly 50 approved comments, threaded
            # three deep, plus a few the public must not see.
            hot = []
            for k in range(HOT_APPROVED):
                when = hot_pub + timedelta(minutes=5 * (k + 1))
                parent, depth = None, 0
                if hot and k % 3:
                    pid, pdepth = rng.choice(hot)
                    if pdepth + 1 < depth_limit:
                        parent, depth = pid, pdepth + 1
                row = comment(hot_id, when, S.APPROVED, parent)
                hot.append((row[0], depth))
                yield row
            for k, status in enumerate([S.PENDING, S.PENDING, S.SPAM, S.SPAM, S.TRASH]):
                yield comment(hot_id, hot_pub + timedelta(minutes=3 + k), status)
            remaining = n - (HOT_APPROVED + 5)
            count = len(targets)
            for _ in range(remaining):
                # Skewed towards recent articles: a popular story draws hundreds.
                index = count - 1 - min(int(rng.expovariate(8 / count)), count - 1)
                article_id, pub = targets[index]
                when = pub + timedelta(minutes=rng.randint(1, 60 * 24 * 3))
                if when > self.now:
                    when = self.now - timedelta(minutes=rng.randint(1, 600))
                status = pick_status()
                thread = threads.setdefault(article_id, [])
                parent, depth = None, 0
                if status == S.APPROVED and thread and rng.random() < 0.35:
                    pid, pdepth = rng.choice(thread)
                    if pdepth + 1 < depth_limit:
                        parent, depth = pid, pdepth + 1
                row = comment(article_id, when, status, parent)
                if status == S.APPROVED and len(thread) < 100:
                    thread.append((row[0], depth))
                yield row

        loader.write(tqdm(rows(), total=n, desc="comments", unit="row"))
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: Django kept every query in memory.")
