"""Author profiles: on the user page for administrators, self-service for authors."""

import pytest
from pytest_django.asserts import assertContains

from django.urls import reverse

from articles.models import AuthorProfile
from tests.factories import AuthorProfileFactory, UserFactory


@pytest.mark.django_db
def test_administrator_edits_a_profile_on_the_user_page(admin_client, journalist):
    """The user change page carries the author profile inline."""
    response = admin_client.get(reverse("admin:auth_user_change", args=[journalist.pk]))
    assertContains(response, 'name="profile-0-display_name"')
    assertContains(response, 'name="profile-0-bio"')


@pytest.mark.django_db
def test_author_goes_straight_to_their_own_profile(client, journalist):
    """An author opening profiles lands on their own, creating it first if needed."""
    client.force_login(journalist)
    url = reverse("admin:articles_authorprofile_changelist")
    assert client.get(url)["Location"] == reverse("admin:articles_authorprofile_add")
    response = client.post(
        reverse("admin:articles_authorprofile_add"),
        {"display_name": "Luca Bianchi", "bio": "Covers the town council.", "user": 1},
    )
    assert response.status_code == 302
    profile = AuthorProfile.objects.get()
    assert (profile.user, profile.display_name) == (journalist, "Luca Bianchi")
    assert client.get(url)["Location"] == reverse(
        "admin:articles_authorprofile_change", args=[profile.pk]
    )


@pytest.mark.django_db
def test_author_cannot_edit_someone_elses_profile(client, journalist):
    """Another author's profile is out of reach and stays unchanged."""
    other = AuthorProfileFactory(user=UserFactory(), display_name="Other")
    client.force_login(journalist)
    url = reverse("admin:articles_authorprofile_change", args=[other.pk])
    response = client.post(url, {"display_name": "Hacked", "bio": ""})
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.display_name == "Other"
