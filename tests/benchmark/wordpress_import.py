"""
The WordPress import benchmark (issue 11): ``make bench-import``
(``python -m tests.benchmark.wordpress_import``).

It writes a WordPress export on the fly (10,000 posts and 100,000 comments by
default, threaded, a reply often before its parent), imports it with
``manage.py import_wordpress`` into a database of its own, and prints the time
and the peak memory of the import. The same is done first for a file a tenth
the size: with memory flat, both peaks are about the same.

The database is a new SQLite file in a temporary folder, or the PostgreSQL
database named by ``--database-url`` (created beforehand, emptied by
``migrate`` from scratch: never the site's own).
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Benchmark</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://bench.example</wp:base_blog_url>
<wp:author><wp:author_login>bench</wp:author_login>
<wp:author_email>bench@bench.example</wp:author_email>
<wp:author_display_name><![CDATA[Bench Writer]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name>
</wp:category>
"""
PARAGRAPH = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua.\n"
)


def write_export(path, posts, comments_per_post, seed=11):
    """Write the export file, one post at a time (the writer's memory is flat too)."""
    rng = random.Random(seed)
    comment_id = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(1, posts + 1):
            day = 1 + n % 28
            comments = []
            first = comment_id + 1
            for _ in range(comments_per_post):
                comment_id += 1
                parent = rng.randint(first, comment_id - 1) if comment_id > first else 0
                comments.append((comment_id, parent if rng.random() < 0.5 else 0))
            rng.shuffle(comments)  # replies often before their parents
            out.write(
                f"<item><title>Post {n}</title>"
                f"<link>https://bench.example/2020/01/{day:02d}/post-{n}/</link>"
                f"<dc:creator>bench</dc:creator>"
                f"<content:encoded><![CDATA[{PARAGRAPH * 4}\n{PARAGRAPH}]]>"
                f"</content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id>"
                f"<wp:post_date_gmt>2020-01-{day:02d} 10:00:00</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status>"
                f"<wp:post_name>post-{n}</wp:post_name><wp:status>publish</wp:status>"
                f"<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="news"><![CDATA[News]]>'
                f"</category>"
            )
            for wp_id, parent in comments:
                out.write(
                    f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {wp_id}]]></wp:comment_author>"
                    f"<wp:comment_author_email>r{wp_id}@bench.example"
                    f"</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{wp_id % 250}"
                    f"</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2020-01-{day:02d} 11:00:00"
                    f"</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[A comment, number {wp_id}.]]>"
                    f"</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
                    f"<wp:comment_type></wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def child(path):
    """In a process of its own: import the file, print seconds and peak RSS."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("import_wordpress", path, stdout=open(os.devnull, "w"))
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{seconds:.1f} {peak_kb / 1024:.0f}")


def measure(posts, comments_per_post, database_url, folder):
    path = Path(folder) / f"export-{posts}.xml"
    write_export(path, posts, comments_per_post)
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    found = subprocess.run(
        [sys.executable, "-m", "tests.benchmark.wordpress_import", "--child", path],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, peak = found.stdout.split()[-2:]
    return path.stat().st_size, float(seconds), float(peak)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments-per-post", type=int, default=10)
    parser.add_argument(
        "--database-url",
        help="An empty PostgreSQL database for the runs (default: SQLite files).",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child(options.child)
    print("posts   comments   file MB   seconds   items/s   peak RSS MB", flush=True)
    peaks = []
    with tempfile.TemporaryDirectory() as folder:
        for posts in (max(options.posts // 10, 1), options.posts):
            url = options.database_url or f"sqlite:///{folder}/bench-{posts}.sqlite3"
            if options.database_url:
                subprocess.run(
                    [sys.executable, "manage.py", "flush", "--no-input", "-v0"],
                    cwd=ROOT,
                    env={**os.environ, "DATABASE_URL": url},
                    check=False,
                )
            size, seconds, peak = measure(posts, options.comments_per_post, url, folder)
            comments = posts * options.comments_per_post
            rate = (posts + comments) / seconds
            peaks.append(peak)
            print(
                f"{posts:>6} {comments:>10} {size / 1e6:>9.1f} {seconds:>9.1f}"
                f" {rate:>9.0f} {peak:>13.0f}",
                flush=True,
            )
    flat = peaks[1] <= peaks[0] * 1.5
    print(
        f"memory {'flat' if flat else 'NOT flat'}: peak {peaks[1]:.0f} MB for the "
        f"whole file against {peaks[0]:.0f} MB for a tenth of it"
    )
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
