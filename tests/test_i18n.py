"""
Italian first, English second: pages, admin, models, forms, plurals, dates, and
catalogues that are complete and compiled.
"""

import ast
import gettext
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import ngettext

from articles.models import Article
from comments.forms import CommentForm
from comments.models import Comment

from .factories import ArticleFactory, CommentFactory

ROME = ZoneInfo("Europe/Rome")
REQUIRED = '<span class="required" aria-hidden="true"> *</span>'


def approved_comments(article, count):
    for _ in range(count):
        CommentFactory(article=article, approved=True)


# The reader's site


@pytest.mark.django_db
def test_home_page_is_italian(client):
    """/ is in Italian, starting with the skip link."""
    ArticleFactory()

    response = client.get("/")

    assertContains(response, '<html lang="it">')
    assertContains(
        response, '<a class="skip-link" href="#main-content">Vai al contenuto</a>'
    )
    assertContains(response, "Ultime notizie")
    assertNotContains(response, "Skip to content")


@pytest.mark.django_db
def test_article_page_comment_section_is_italian(client):
    """Heading, form labels, required marks, button and Akismet notice in Italian."""
    article = ArticleFactory()

    response = client.get(article.get_absolute_url())

    assertContains(response, '<h2 id="comments-title">Commenta per primo</h2>')
    assertContains(response, "Lascia un commento")
    assertContains(
        response,
        "Il tuo indirizzo email non sarà mai pubblicato. "
        "I campi obbligatori sono contrassegnati *",
    )
    assertContains(response, f'<label for="id_author_name">Nome{REQUIRED}</label>')
    assertContains(response, f'<label for="id_author_email">Email{REQUIRED}</label>')
    assertContains(response, '<label for="id_author_url">Sito web</label>')
    assertContains(response, f'<label for="id_body">Commento{REQUIRED}</label>')
    assertContains(response, "Salva il mio nome, email e sito web in questo browser")
    assertContains(response, ">Invia commento</button>")
    assertContains(
        response,
        "Questo sito usa Akismet per ridurre lo spam. "
        f'<a href="{reverse("comments:privacy")}">'
        "Scopri come vengono trattati i dati dei commenti.</a>",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("count", "heading"), [(1, "1 commento"), (2, "2 commenti"), (12, "12 commenti")]
)
def test_comment_count_uses_italian_plurals(client, count, heading):
    """One comment is "commento", any other number "commenti"."""
    article = ArticleFactory()
    approved_comments(article, count)

    response = client.get(article.get_absolute_url())

    assertContains(response, f'<h2 id="comments-title">{heading}</h2>')


@pytest.mark.django_db
def test_english_site_under_en(client):
    """/en/ pages are English: skip link, comment heading, form and notice."""
    article = ArticleFactory()
    approved_comments(article, 2)

    response = client.get("/en" + article.get_absolute_url())

    assertContains(response, '<html lang="en">')
    assertContains(response, ">Skip to content</a>")
    assertContains(response, '<h2 id="comments-title">2 comments</h2>')
    assertContains(response, f'<label for="id_author_name">Name{REQUIRED}</label>')
    assertContains(response, "This site uses Akismet to reduce spam.")
    assertNotContains(response, "Vai al contenuto")


@pytest.mark.django_db
def test_privacy_page_is_italian(client):
    """The page explaining what is sent to Akismet is translated, plurals included."""
    response = client.get(reverse("comments:privacy"))

    assertContains(response, "<h1>I commenti e i tuoi dati</h1>")
    assertContains(
        response, f"Vengono cancellati dopo {settings.COMMENTS_RETENTION_DAYS} giorni."
    )


@pytest.mark.django_db
def test_not_found_page_is_italian(client):
    """A missing page says so in Italian, in English under /en/."""
    assertContains(client.get("/nowhere/"), "Pagina non trovata", status_code=404)
    assertContains(client.get("/en/nowhere/"), "Page not found", status_code=404)


@pytest.mark.django_db
def test_form_error_is_italian(client, comment_data):
    """A refused comment form explains itself in Italian and keeps the text."""
    article = ArticleFactory()

    response = client.post(
        reverse("comments:post", args=[article.pk]),
        comment_data(article, author_name="", body="Il mio testo."),
    )

    assertContains(response, "Inserisci il tuo nome.", status_code=400)
    assertContains(response, "Il mio testo.", status_code=400)


# Dates


@pytest.mark.django_db
def test_dates_are_written_as_the_italian_press_does(client):
    """Day without a leading zero, month in lowercase: 6 novembre 2025."""
    article = ArticleFactory(published_at=datetime(2025, 11, 6, 9, 30, tzinfo=ROME))

    assertContains(client.get("/"), ">6 novembre 2025</time>")
    assertContains(
        client.get(article.get_absolute_url()), ">6 novembre 2025, 09:30</time>"
    )
    month = reverse("articles:archive-month", kwargs={"year": 2025, "month": 11})
    assertContains(client.get(month), "Articoli di novembre 2025")
    assertContains(client.get("/en/"), ">Nov. 6, 2025</time>")


def test_month_and_day_names_are_lowercase_in_italian():
    """Every month and weekday name is lowercase, as inside an Italian sentence."""
    with translation.override("it"):
        months = [formats.date_format(datetime(2026, m, 1), "F") for m in range(1, 13)]
        days = [formats.date_format(datetime(2026, 11, d), "l") for d in range(23, 30)]
        assert formats.date_format(datetime(2026, 11, 26), "DATE_FORMAT") == (
            "26 novembre 2026"
        )
    assert months[0] == "gennaio" and months[10] == "novembre"
    assert days[0] == "lunedì" and days[6] == "domenica"
    assert all(name == name.lower() for name in months + days)


# Models, forms and plurals


def test_model_names_are_italian():
    """Models, fields and status choices are named in Italian."""
    with translation.override("it"):
        assert str(Article._meta.verbose_name) == "articolo"
        assert str(Article._meta.verbose_name_plural) == "articoli"
        assert str(Article._meta.get_field("standfirst").verbose_name) == "sommario"
        assert str(Article._meta.get_field("byline").verbose_name) == "firma"
        assert str(Comment._meta.verbose_name_plural) == "commenti"
        assert str(Comment.Status.PENDING.label) == "In attesa"
        assert str(Comment.Status.TRASH.label) == "Cestino"


@pytest.mark.django_db
def test_form_labels_and_errors_are_italian():
    """The comment form's labels and its own error messages are Italian."""
    data = {"author_name": "", "author_email": "x", "body": ""}
    with translation.override("it"):
        form = CommentForm(data=data, article=ArticleFactory())
        assert not form.is_valid()
        assert form.fields["author_url"].label == "Sito web"
        assert form.errors["author_name"] == ["Inserisci il tuo nome."]
        assert form.errors["body"] == ["Scrivi il tuo commento."]
        assert form.errors["author_email"] == [
            "Inserisci un indirizzo email valido, come nome@example.com."
        ]


def test_ngettext_follows_italian_plural_rule():
    """Italian plural rule n != 1: "1 commento", "0 commenti", "2 commenti"."""
    with translation.override("it"):
        for n, expected in [(1, "1 commento"), (0, "0 commenti"), (2, "2 commenti")]:
            text = ngettext("%(counter)s comment", "%(counter)s comments", n)
            assert text % {"counter": n} == expected


# The admin follows its user's language


@pytest.mark.django_db
def test_admin_is_italian_by_default(admin_client):
    """With no cookie and no browser preference the admin speaks Italian."""
    response = admin_client.get(reverse("admin:index"))

    assertContains(response, '<html lang="it"')
    assertContains(response, "Amministrazione di Newsroom")
    assert response["Content-Language"] == "it"


@pytest.mark.django_db
def test_admin_strings_django_leaves_in_english_are_italian(admin_client):
    """Strings Django 6.1's Italian catalogue lacks come from the project's."""
    ArticleFactory()
    response = admin_client.get(reverse("admin:articles_article_changelist"))

    assertContains(response, ">Esegui</button>")
    assertNotContains(response, ">Run</button>")
    assertContains(response, "- Scegli un&#x27;opzione -")


@pytest.mark.django_db
def test_admin_javascript_strings_are_italian(admin_client):
    """The admin's calendar and selector strings, from the djangojs catalogue."""
    response = admin_client.get(reverse("admin:jsi18n"))

    assertContains(response, "Oggi (%(date)s)")
    assertContains(response, "Scegli tutti: %s")


@pytest.mark.django_db
def test_admin_follows_the_browser_language(admin_client):
    """A browser preferring English gets the English admin."""
    response = admin_client.get(
        reverse("admin:articles_article_changelist"),
        headers={"accept-language": "en-GB,en;q=0.9"},
    )

    assertContains(response, '<html lang="en"')
    assertContains(response, "Newsroom administration")
    assertContains(response, "Select article to change")
    assert response["Content-Language"] == "en"
    assert {"Accept-Language", "Cookie"} <= {
        v.strip() for v in response["Vary"].split(",")
    }


@pytest.mark.django_db
def test_admin_follows_the_language_cookie_before_the_browser(admin_client):
    """The switcher's cookie wins over Accept-Language, in both directions."""
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.get(
        reverse("admin:index"), headers={"accept-language": "it"}
    )
    assertContains(response, "Newsroom administration")

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    response = admin_client.get(
        reverse("admin:index"), headers={"accept-language": "en"}
    )
    assertContains(response, "Amministrazione di Newsroom")


@pytest.mark.django_db
def test_admin_messages_follow_the_admin_language(admin_client):
    """An admin action reports in the user's language, with its plural."""
    articles = ArticleFactory.create_batch(2, draft=True)
    data = {"action": "publish_selected", "_selected_action": [a.pk for a in articles]}
    url = reverse("admin:articles_article_changelist")

    response = admin_client.post(url, data, follow=True)
    assertContains(response, "2 articoli sono stati pubblicati.")

    Article.objects.update(status=Article.Status.DRAFT)
    response = admin_client.post(
        url, data, follow=True, headers={"accept-language": "en"}
    )
    assertContains(response, "2 articles were published.")


@pytest.mark.django_db
def test_reader_pages_keep_their_address_language(client):
    """Outside the admin the address decides: an article page stays Italian."""
    article = ArticleFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(article.get_absolute_url())

    assertContains(response, '<html lang="it">')


# The catalogues


BASE = Path(settings.BASE_DIR)
CATALOGUES = sorted(
    p
    for p in BASE.glob("*/locale/*/LC_MESSAGES/*.po")
    if not p.is_relative_to(BASE / ".venv")
)


def read_po(path):
    """Return the entries of a .po file: dicts of msgctxt, msgid, msgid_plural,
    msgstr (a list, one string per plural form) and flags; obsolete ones skipped."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                field = int(keyword[7:-1]) if "[" in keyword else 0
                entry["msgstr"][field] = value
            else:
                field = keyword
                entry[field] = value
    return entries


def test_there_are_italian_catalogues_for_the_project_and_each_app():
    """Templates and project strings, articles and comments each have one."""
    names = {str(p.relative_to(BASE)) for p in CATALOGUES}
    assert {
        "newsroom/locale/it/LC_MESSAGES/django.po",
        "articles/locale/it/LC_MESSAGES/django.po",
        "comments/locale/it/LC_MESSAGES/django.po",
    } <= names


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(BASE)))
def test_catalogue_is_complete(po):
    """Every entry is translated, none is fuzzy, the header names Italian plurals."""
    entries = read_po(po)
    header, messages = entries[0], entries[1:]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]
    assert "Language: it" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]
    assert messages
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [
        e["msgid"]
        for e in messages
        if not all(e["msgstr"].values())
        or len(e["msgstr"]) != (2 if "msgid_plural" in e else 1)
    ]
    assert fuzzy == []
    assert untranslated == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(BASE)))
def test_compiled_catalogue_matches_its_source(po):
    """The .mo holds exactly the .po's translations (it was compiled after the
    last change), and msgfmt, when installed, finds nothing to complain about."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    expected = {}
    for entry in read_po(po)[1:]:
        key = entry["msgid"]
        if "msgctxt" in entry:
            key = f"{entry['msgctxt']}\x04{key}"
        if "msgid_plural" in entry:
            for n, text in entry["msgstr"].items():
                expected[(key, n)] = text
        else:
            expected[key] = entry["msgstr"][0]
    compiled = {k: v for k, v in catalog.items() if k != ""}
    assert compiled == expected, f"{mo} is out of date: run make messages"
    if shutil.which("msgfmt"):
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "untranslated" not in result.stderr
        assert "fuzzy" not in result.stderr


def test_comment_history_is_kept_in_the_newsroom_language(client, moderator):
    """A moderator using the English admin still writes the Italian history."""
    from django.contrib.admin import helpers

    comment = CommentFactory()
    client.force_login(moderator)

    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", helpers.ACTION_CHECKBOX_NAME: [comment.pk]},
        headers={"accept-language": "en"},
    )

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.events.get(to_status="approved").message == "approvato da maria"
