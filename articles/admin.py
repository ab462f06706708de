import reversion
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from newsroom.admin import (
    BulkDeletePermissionMixin,
    EstimatedCountPaginator,
    HistoryInline,
    RefreshesPagesMixin,
)

from . import cache, workflow
from .filters import AuthorFilter, PublishedMonthFilter, StateListFilter
from .forms import ArticleAdminForm, AuthorProfileForm, ImageAdminForm
from .models import (
    Article,
    ArticleTransition,
    AuthorProfile,
    Category,
    Correction,
    Image,
    Tag,
    in_review_first,
    words_query,
)

User = get_user_model()
State = Article.State

# Registered here, before ArticleAdmin would register it with its defaults: the
# transitions inline must not be followed (restoring an old version would delete
# the steps taken since), and the search vector is rebuilt by the database.
reversion.register(Article, exclude=["search_vector"])

# What restoring an old version leaves as it is: the workflow state, the version
# counter, the address of a possibly published article, and its owner.
RESTORE_KEEPS = ["status", "published_at", "version", "slug", "author_id"]


class RefreshesReadersPagesMixin(RefreshesPagesMixin):
    """Titles, sections, tags, pictures and bylines show on every reader's page."""

    refreshes = [cache.ARTICLES]


class EditorsBulkDeleteMixin(BulkDeletePermissionMixin):
    """Only editors may delete a selection, whoever wrote it and whatever its state."""

    bulk_delete_permission = "articles.review_article"


@admin.register(Category)
class CategoryAdmin(RefreshesReadersPagesMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "position"]
    list_select_related = ["parent"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ("name",)}
    fields = ["name", "slug", "parent", "description", "position"]


@admin.register(Tag)
class TagAdmin(RefreshesReadersPagesMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


class ArticleTransitionInline(HistoryInline):
    """The article's workflow history."""

    model = ArticleTransition
    fields = ["created_at", "actor", "from_state", "to_state", "note"]
    verbose_name_plural = _("workflow history")


class CorrectionInline(admin.StackedInline):
    """Corrections noted under the article, added without touching its text."""

    model = Correction
    fields = ["date", "text"]
    extra = 0


PUBLISHED = ngettext_lazy(
    "%(count)d article was published.", "%(count)d articles were published.", "count"
)
UNPUBLISHED = ngettext_lazy(
    "%(count)d article was unpublished.",
    "%(count)d articles were unpublished.",
    "count",
)


class BulkTransitionMixin:
    """One bulk helper for the workflow actions, reporting with ngettext."""

    def _bulk_transition(self, request, queryset, transition, done_message):
        """``done_message``: an ngettext_lazy message with a "count" number."""
        done = 0
        for article in queryset:
            try:
                with transaction.atomic():
                    transition(article, by=request.user)
                    self.log_change(request, article, done_message % {"count": 1})
            except workflow.TransitionNotAllowed as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)


def _author_of(version):
    """The author's id in a saved version of an article, or None if unreadable."""
    try:
        return version.field_dict.get("author_id")
    except Exception:  # a version of an older shape than the model
        return None


@admin.register(Article)
class ArticleAdmin(
    RefreshesReadersPagesMixin,
    EditorsBulkDeleteMixin,
    BulkTransitionMixin,
    CompareVersionAdmin,
):
    form = ArticleAdminForm
    list_display = ["title", "state_column", "author", "published_at", "category_list"]
    list_display_links = ["title"]
    list_filter = [
        StateListFilter,
        "is_sticky",
        "categories",
        ("author", AuthorFilter),
        "published_at",
        PublishedMonthFilter,
    ]
    list_select_related = ["author"]
    list_per_page = 100
    # No COUNT(*) of the whole table on each page view (see EstimatedCountPaginator).
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    search_fields = [
        "title",
        "standfirst",
        "body",
        "author__username",
        "author__last_name",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories", "tags", "featured_image"]
    inlines = [CorrectionInline, ArticleTransitionInline]
    actions = ["publish_selected", "unpublish_selected"]
    history_latest_first = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        (
            _("Picture and classification"),
            {"fields": ["featured_image", "categories", "tags"]},
        ),
        (
            _("Workflow and publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "note",
                    "author",
                    "byline",
                    "comments_open",
                    "is_sticky",
                    "version",
                ]
            },
        ),
        (
            _("Updates and search engines"),
            {"fields": ["revised_at", "noindex"]},
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term or connections[queryset.db].vendor != "postgresql":
            return super().get_search_results(request, queryset, search_term)
        # On PostgreSQL the words are looked up in the articles' GIN-indexed
        # search vector (title, standfirst and text, Italian and English
        # stems), not with a LIKE over every article; a user name or last name
        # finds that author's articles.
        authors = User.objects.filter(
            Q(username__iexact=term) | Q(last_name__iexact=term)
        ).values_list("pk", flat=True)
        matches = Q(search_vector=words_query(term)) | Q(author_id__in=list(authors))
        return queryset.filter(matches), False

    # Columns

    @admin.display(description=_("status"), ordering="status")
    def state_column(self, obj):
        return obj.state().label

    @admin.display(description=_("categories"))
    def category_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all())

    # Who sees and changes what (see workflow.py for the policy)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("categories")
        if workflow.is_editor(request.user):
            return queryset
        return queryset.filter(author=request.user)

    def get_ordering(self, request):
        if workflow.is_editor(request.user):
            # Editors first see what waits for them: articles in review.
            attention = in_review_first()
        else:
            # Journalists see their own articles, the sent-back ones first.
            attention = Case(
                When(status=Article.Status.RETURNED, then=Value(0)),
                When(status=Article.Status.DRAFT, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        return [attention.asc(), "-updated_at"]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Out of this user's reach (someone else's article) is a refusal, not
            # a missing page.
            try:
                if Article.objects.filter(pk=unquote(object_id)).exists():
                    raise PermissionDenied
            except (ValueError, ValidationError):
                pass
            return None
        keeps = getattr(request, "_article_restore_keeps", None)
        if keeps is not None:
            for name, value in keeps.items():
                setattr(obj, name, value)
        elif request.method == "POST":
            # Lock the row until the admin's transaction ends and read the version
            # saved last, so two simultaneous saves cannot both pass the check.
            obj.version = (
                Article.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=obj.pk)
            )
        return obj

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    # Deleted articles: the recover list and the recover page show a journalist
    # only what they could edit, their own articles, like the list of articles.

    def _reversion_order_version_queryset(self, request, queryset):
        queryset = super()._reversion_order_version_queryset(request, queryset)
        if workflow.is_editor(request.user):
            return queryset
        own = [v.pk for v in queryset if _author_of(v) == request.user.pk]
        return queryset.filter(pk__in=own)

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.is_editor(request.user):
            version = get_object_or_404(Version, pk=version_id)
            if _author_of(version) != request.user.pk:
                raise Http404
        return super().recover_view(request, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.can_delete(request.user, obj)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        if workflow.can_publish(request.user):
            return []
        return ["published_at", "author"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            # Staff write articles; former authors stay valid on their articles.
            kwargs["queryset"] = (
                User.objects.filter(Q(is_staff=True) | Q(articles__isnull=False))
                .distinct()
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def view_on_site(self, obj):
        # Unpublished articles have the Preview button instead.
        return obj.get_absolute_url() if obj.is_published() else None

    def preview_url(self, obj):
        try:
            return reverse("articles:preview", args=[obj.pk])
        except NoReverseMatch:  # until the reader's site has its preview view
            return obj.get_absolute_url()

    # Saving: the workflow decides

    def save_model(self, request, obj, form, change):
        if not change and not (workflow.can_publish(request.user) and obj.author_id):
            obj.author = request.user
        target = form.transition()
        if target is None:
            obj.save()
            cache.articles_changed()
        else:
            workflow.move_to(
                obj, target, by=request.user, note=form.cleaned_data.get("note", "")
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and not obj.is_published():
            extra_context["preview_url"] = self.preview_url(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    # Revisions: restoring keeps the workflow state and the version counter

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request._article_restore_keeps = (
            Article.objects.filter(pk=unquote(object_id)).values(*RESTORE_KEEPS).first()
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)

    # Bulk actions, for editors only

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk_transition(request, queryset, workflow.publish, PUBLISHED)

    @admin.action(description=_("Unpublish selected articles"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk_transition(request, queryset, workflow.unpublish, UNPUBLISHED)


class OwnedByUploaderMixin:
    """Editors change and delete every image; others only those they uploaded."""

    def _may_touch(self, request, obj):
        return (
            obj is None
            or workflow.is_editor(request.user)
            or obj.uploaded_by_id == request.user.pk
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_touch(
            request, obj
        )


@admin.register(Image)
class ImageAdmin(
    RefreshesReadersPagesMixin,
    EditorsBulkDeleteMixin,
    OwnedByUploaderMixin,
    admin.ModelAdmin,
):
    """
    The image library. Each image shows the address of its 960px rendition, to
    paste into the editor's Image button, with a button that copies it.
    """

    form = ImageAdminForm
    list_display = [
        "thumbnail",
        "alt_text",
        "caption",
        "credit",
        "uploaded_by",
        "created_at",
        "editor_address",
    ]
    list_display_links = ["thumbnail", "alt_text"]
    list_filter = ["created_at", ("uploaded_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview", "dimensions", "editor_address", "renditions"]

    class Media:
        css = {"all": ["articles/admin/image_library.css"]}
        js = ["articles/admin/image_library.js"]

    def get_fieldsets(self, request, obj=None):
        fields = ["file", "alt_text", "caption", "credit"]
        if obj is None:
            return [(None, {"fields": fields})]
        return [
            (None, {"fields": ["preview", *fields]}),
            (
                _("Use in an article"),
                {
                    "fields": ["editor_address", "dimensions", "renditions"],
                    "description": _(
                        "In the article editor, press the Image button and paste "
                        "this address. Write the alternative text again there."
                    ),
                },
            ),
        ]

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, obj):
        return format_html(
            '<img src="{}" alt="{}" width="120" loading="lazy">',
            obj.webp_480.url,
            obj.alt_text,
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html(
            '<img src="{}" alt="{}" class="image-preview">',
            obj.webp_960.url,
            obj.alt_text,
        )

    @admin.display(description=_("address for the editor"))
    def editor_address(self, obj):
        return format_html(
            '<input type="text" readonly value="{}" size="50" class="image-address">'
            ' <button type="button" class="button image-copy" data-copied="{}">'
            "{}</button>",
            obj.webp_960.url,
            gettext("Copied"),
            gettext("Copy"),
        )

    @admin.display(description=_("original size"))
    def dimensions(self, obj):
        return gettext("%(width)s × %(height)s pixels") % {
            "width": obj.width,
            "height": obj.height,
        }

    @admin.display(description=_("renditions"))
    def renditions(self, obj):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (getattr(obj, name).url, name.replace("_", " "))
                for name in ("webp_480", "webp_960", "webp_1600")
                + ("jpeg_480", "jpeg_960", "jpeg_1600")
            ),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


# Author profiles: on the user's page for administrators, and for each author
# their own.


class AuthorProfileInline(admin.StackedInline):
    model = AuthorProfile
    form = AuthorProfileForm
    can_delete = False
    fields = ["display_name", "bio", "photo"]


admin.site.unregister(User)


@admin.register(User)
class NewsroomUserAdmin(RefreshesReadersPagesMixin, UserAdmin):
    inlines = [*UserAdmin.inlines, AuthorProfileInline]


@admin.register(AuthorProfile)
class AuthorProfileAdmin(RefreshesReadersPagesMixin, admin.ModelAdmin):
    """Administrators manage every profile; each author edits only their own."""

    form = AuthorProfileForm
    list_display = ["__str__", "user"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__username"]

    def _manages_all(self, request):
        return request.user.has_perm("auth.change_user")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._manages_all(request):
            return queryset
        return queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        if self._manages_all(request):
            return ["user", "display_name", "bio", "photo"]
        return ["display_name", "bio", "photo"]

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        return (
            self._manages_all(request)
            or not AuthorProfile.objects.filter(user=request.user).exists()
        )

    def changelist_view(self, request, extra_context=None):
        if self._manages_all(request):
            return super().changelist_view(request, extra_context)
        # An author has one profile: go straight to it.
        profile = AuthorProfile.objects.filter(user=request.user).first()
        if profile is not None:
            url = reverse("admin:articles_authorprofile_change", args=[profile.pk])
        elif self.has_add_permission(request):
            url = reverse("admin:articles_authorprofile_add")
        else:
            raise PermissionDenied
        return HttpResponseRedirect(url)

    def save_model(self, request, obj, form, change):
        if not self._manages_all(request):
            obj.user = request.user
        super().save_model(request, obj, form, change)
