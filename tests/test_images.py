"""The image library: checked uploads, renditions made once, images in the body."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pytest_django.asserts import assertContains

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Image
from newsroom.sanitize import clean_article_html
from tests.factories import ArticleFactory, ImageFactory

ADD_URL = "admin:articles_image_add"


def picture(format="JPEG", size=(2000, 1000), name=None):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 80, 40)).save(buffer, format=format)
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[format]
    return SimpleUploadedFile(name or f"photo.{extension}", buffer.getvalue())


def png_header_only(width, height):
    """A PNG claiming huge dimensions, with hardly any pixel data: a "bomb"."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def _forget_rendition_states():
    """imagekit remembers in the cache which renditions exist; each test starts anew."""
    cache.clear()


def upload(client, file, **fields):
    data = {
        "file": file,
        "alt_text": "The town hall at night",
        "caption": "Il municipio",
        "credit": "Foto redazione",
        **fields,
    }
    return client.post(reverse(ADD_URL), data)


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
@pytest.mark.django_db
def test_upload_makes_every_rendition_once(client, journalist, settings, format):
    """An upload is stored with its WebP and JPEG renditions at 480, 960, 1600 px."""
    client.force_login(journalist)
    response = upload(client, picture(format))
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (2000, 1000, journalist)
    for kind, pil_format in (("webp", "WEBP"), ("jpeg", "JPEG")):
        for width in (480, 960, 1600):
            spec = getattr(image, f"{kind}_{width}")
            path = Path(settings.MEDIA_ROOT) / spec.name
            assert path.exists(), f"{kind}_{width} was not generated on upload"
            with PILImage.open(path) as rendition:
                assert rendition.format == pil_format
                assert rendition.size == (width, width // 2)


@pytest.mark.django_db
def test_renditions_are_not_generated_again_on_edit(client, editor, settings):
    """Editing an image's caption leaves its rendition files untouched."""
    client.force_login(editor)
    upload(client, picture())
    image = Image.objects.get()
    path = Path(settings.MEDIA_ROOT) / image.webp_960.name
    stamp = path.stat().st_mtime_ns
    path.write_bytes(path.read_bytes())  # a rewrite would change the content below
    marker = path.stat().st_mtime_ns
    response = client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {"alt_text": "New alt", "caption": "New caption", "credit": "Redazione"},
    )
    assert response.status_code == 302
    assert path.stat().st_mtime_ns == marker >= stamp


@pytest.mark.django_db
def test_small_images_are_not_upscaled(client, editor, settings):
    """A picture narrower than a rendition keeps its own width."""
    client.force_login(editor)
    upload(client, picture(size=(600, 400)))
    image = Image.objects.get()
    with PILImage.open(Path(settings.MEDIA_ROOT) / image.jpeg_1600.name) as rendition:
        assert rendition.size == (600, 400)


@pytest.mark.parametrize(
    "file, message",
    [
        (
            SimpleUploadedFile("notes.jpg", b"Not a picture at all, just text."),
            "non è un'immagine leggibile",
        ),
        (
            SimpleUploadedFile("cut.jpg", picture().read()[:1500]),
            "danneggiata o incompleta",
        ),
        (
            SimpleUploadedFile("bomb.png", png_header_only(40000, 40000)),
            "troppi pixel",
        ),
        (picture("GIF"), "carica invece un'immagine JPEG, PNG o WebP"),
    ],
    ids=["not an image", "truncated", "decompression bomb", "gif"],
)
@pytest.mark.django_db
def test_hostile_files_are_refused_and_nothing_saved(
    client, journalist, settings, file, message
):
    """Bad uploads get a clear error on the form; no row and no file are saved."""
    client.force_login(journalist)
    response = upload(client, file)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert message in errors[0]
    assert not Image.objects.exists()
    assert media_files(settings) == []


@pytest.mark.django_db
def test_size_limit_is_a_setting(client, journalist, settings):
    """Files over IMAGES_MAX_UPLOAD_MB are refused with the limit in the message."""
    settings.IMAGES_MAX_UPLOAD_MB = 1
    noise = PILImage.frombytes("RGB", (800, 800), bytes(range(256)) * 7500)
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG", compress_level=0)
    assert len(buffer.getvalue()) > 1024 * 1024
    client.force_login(journalist)
    response = upload(client, SimpleUploadedFile("big.png", buffer.getvalue()))
    assertContains(response, "al massimo di 1 MB")
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_alt_text_caption_and_credit_are_required(client, journalist):
    """An image without alt text, caption or credit is not saved."""
    client.force_login(journalist)
    response = upload(client, picture(), alt_text="", caption="", credit="")
    assert set(response.context["adminform"].form.errors) == {
        "alt_text",
        "caption",
        "credit",
    }
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_library_lists_thumbnails_and_addresses_to_paste(
    client, editor, django_assert_num_queries
):
    """The list shows each image's thumbnail and 960px address, in fixed queries."""
    client.force_login(editor)
    url = reverse("admin:articles_image_changelist")
    upload(client, picture(size=(1000, 500)))
    with CaptureQueriesContext(connection) as one_image:
        assert client.get(url).status_code == 200
    expected = len(one_image)  # read now: each request clears the query log
    for _ in range(4):
        upload(client, picture(size=(1000, 500)))
    with django_assert_num_queries(expected):
        response = client.get(url)
    for image in Image.objects.all():
        assertContains(response, image.webp_480.url)
        assertContains(response, f'value="{image.webp_960.url}"')
    assertContains(response, "image_library.js")
    image = Image.objects.first()
    response = client.get(reverse("admin:articles_image_change", args=[image.pk]))
    assertContains(response, image.webp_960.url)


def test_sanitizer_keeps_library_images_and_figures():
    """Images pasted in the editor survive sanitizing, with their figure and caption."""
    html = (
        '<figure><img src="/media/CACHE/images/a/photo.webp" alt="Town hall" '
        'onerror="alert(1)"><figcaption>Il municipio</figcaption></figure>'
    )
    assert clean_article_html(html) == (
        '<figure><img src="/media/CACHE/images/a/photo.webp" alt="Town hall">'
        "<figcaption>Il municipio</figcaption></figure>"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["webp_960", "jpeg_480", "original"])
def test_library_image_in_the_body_gets_every_rendition(client, address):
    """Whichever address of a library image is pasted, readers get srcset and size."""
    image = ImageFactory()
    src = image.file.url if address == "original" else getattr(image, address).url
    article = ArticleFactory(
        body=f'<p>Text.</p><figure><img src="{src}" alt="Town hall">'
        "<figcaption>Il municipio</figcaption></figure>"
    )

    img = re.search(r"<img [^>]*>", article.body).group(0)
    srcset = ", ".join(
        f"{getattr(image, f'webp_{width}').url} {width}w" for width in (480, 960, 1600)
    )
    assert f'src="{src}"' in img
    assert f'srcset="{srcset}"' in img
    assert 'sizes="(min-width: 60rem) 44rem, 100vw"' in img
    assert 'width="1600" height="800"' in img
    assert 'loading="lazy"' in img
    assert 'alt="Town hall"' in img
    assertContains(client.get(article.get_absolute_url()), srcset)


@pytest.mark.django_db
def test_body_images_are_derived_again_on_each_save():
    """Saving again gives the same markup; a small image keeps its own width."""
    image = ImageFactory(file__width=600, file__height=300)
    article = ArticleFactory(body=f'<p><img src="{image.webp_960.url}" alt="x"></p>')
    first = article.body
    article.save()
    assert article.body == first
    assert first.count("srcset=") == 1
    assert f'srcset="{image.webp_480.url} 480w, {image.webp_960.url} 600w"' in first
    assert 'width="600" height="300"' in first


@pytest.mark.django_db
def test_other_images_in_the_body_are_left_as_they_are():
    """Pictures from elsewhere, or gone from the library, are not touched."""
    body = (
        '<p><img src="https://example.org/photo.jpg" alt="Elsewhere"></p>'
        '<p><img src="/media/CACHE/images/images/gone/abc.webp" alt="Gone"></p>'
        '<p><img src="/media/images/2020/01/deleted.jpg" alt="Deleted"></p>'
    )
    article = ArticleFactory(body=body)
    assert article.body == body


PROFILE_BAD_FILES = [
    (SimpleUploadedFile("cut.jpg", picture().read()[:1500]), "danneggiata"),
    (SimpleUploadedFile("bomb.png", png_header_only(12000, 12000)), "troppi pixel"),
    (SimpleUploadedFile("notes.jpg", b"Just text."), "non è un'immagine leggibile"),
]


@pytest.mark.parametrize(
    "file, message", PROFILE_BAD_FILES, ids=["cut", "bomb", "text"]
)
@pytest.mark.django_db
def test_a_profile_photo_is_checked_like_the_library(
    client, journalist, settings, file, message
):
    """A truncated JPEG or a pixel bomb as profile photo: refused, nothing saved."""
    client.force_login(journalist)
    response = client.post(
        reverse("admin:articles_authorprofile_add"),
        {"display_name": "Luca", "bio": "", "photo": file},
    )
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["photo"][0]
    assert media_files(settings) == []


@pytest.mark.django_db
def test_a_profile_photo_is_shown_as_a_small_rendition(client, journalist, settings):
    client.force_login(journalist)
    response = client.post(
        reverse("admin:articles_authorprofile_add"),
        {"display_name": "Luca", "bio": "", "photo": picture(size=(3000, 2000))},
    )
    assert response.status_code == 302
    ArticleFactory(author=journalist)
    page = client.get(reverse("articles:author", args=[journalist.username]))
    src = re.search(r'class="author__photo" src="([^"]+)"', page.text).group(1)
    assert src.endswith(".webp")
    stored = Path(settings.MEDIA_ROOT) / src.removeprefix(settings.MEDIA_URL)
    with PILImage.open(stored) as image:
        assert image.size == (192, 192)
