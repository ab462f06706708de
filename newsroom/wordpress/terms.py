"""Authors, categories and tags: the channel's lists, then what posts use."""

from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.text import slugify
from django.utils.translation import gettext

from articles import cache
from articles.models import AuthorProfile, Category, Tag

from ..models import ImportedItem
from . import content, reader

Kind = ImportedItem.Kind
JOURNALIST_GROUP = "Journalist"


class TermsMixin:
    """The Importer's authors and terms (see importer.py for the run)."""

    def _terms(self, entries):
        categories = []
        for entry in entries:
            if entry.tag == "wp:author":
                self._each(self._author, entry)
            elif entry.tag == "wp:category":
                categories.append(entry)
            elif entry.tag == "wp:tag":
                self._each(self._tag, entry)
            else:
                taxonomy = reader.text(entry.element, "wp:term_taxonomy")
                if taxonomy == "category":
                    continue  # also listed as wp:category
                if taxonomy == "post_tag":
                    continue
                self.report.note(
                    gettext("terms of taxonomy “%(name)s” (not imported)")
                    % {"name": taxonomy}
                )
        for entry in categories:
            self._each(self._category, entry)
        parents = {}
        for entry in categories:
            slug = self._slug(reader.text(entry.element, "wp:category_nicename"))
            parents[slug] = self._slug(reader.text(entry.element, "wp:category_parent"))
        self._set_parents(parents)

    def _author(self, entry):
        element = entry.element
        login = reader.text(element, "wp:author_login")
        self.report.read("author")
        if not login:
            self.report.skip("author", "?", gettext("no login."), entry.line)
            return
        user = self.user_for(login, element)
        if (wp_id := reader.text(element, "wp:author_id")) and user is not None:
            self.users_by_wp_id[wp_id] = user

    def user_for(self, login, element=None):
        """The user for a WordPress login: mapped, imported before, or new."""
        # Some exports write a stray bracket around a login (">name").
        login = login.strip().strip("<>").strip() or "wordpress"
        if login in self.users:
            return self.users[login]
        User = get_user_model()
        if login in self.author_map:
            user = self.author_map[login]
            self.report.outcome("author", "unchanged")
        elif (record := self.existing(Kind.AUTHOR, login, User))[1] is not None:
            user = record[1]
            self.report.outcome("author", "unchanged")
        else:
            username = "".join(
                ch if ch.isalnum() or ch in "@.+-_" else "-" for ch in login
            )[:150]
            user = User.objects.filter(username=username).first()
            if user is None:
                user = self._new_user(username, element)
                self.report.outcome("author", "imported")
            else:
                self.report.outcome("author", "unchanged")
                self.report.note(gettext("authors matched to existing users by login"))
            self.remember(Kind.AUTHOR, login, user, "")
        self.users[login] = user
        return user

    def _new_user(self, username, element):
        User = get_user_model()
        get = (lambda tag: reader.text(element, tag)) if element is not None else str
        user = User.objects.create_user(
            username=username,
            email=get("wp:author_email")[:254] if element is not None else "",
            first_name=get("wp:author_first_name")[:150] if element is not None else "",
            last_name=get("wp:author_last_name")[:150] if element is not None else "",
            password=None,  # unusable: they choose one through the password reset
            is_staff=True,
        )
        group = Group.objects.filter(name=JOURNALIST_GROUP).first()
        if group is not None:
            user.groups.add(group)
        display = get("wp:author_display_name") if element is not None else ""
        AuthorProfile.objects.create(
            user=user, display_name=content.plain_text(display)[:150]
        )
        return user

    @staticmethod
    def _slug(value):
        return slugify(unquote(value or ""))[:120]

    def _category(self, entry):
        element = entry.element
        wp_id = reader.text(element, "wp:term_id")
        slug = self._slug(reader.text(element, "wp:category_nicename"))
        name = content.plain_text(reader.text(element, "wp:cat_name"))[:100]
        self.report.read("category")
        if not slug and not name:
            self.report.skip("category", wp_id, gettext("no name."), entry.line)
            return
        fields = {
            "name": name or slug,
            "description": content.plain_text(
                reader.text(element, "wp:category_description")
            ),
        }
        self.categories[slug] = self._term(
            Kind.CATEGORY, wp_id or slug, Category, slug, fields, reader.digest(element)
        )

    def _tag(self, entry):
        element = entry.element
        wp_id = reader.text(element, "wp:term_id")
        slug = self._slug(reader.text(element, "wp:tag_slug"))
        name = content.plain_text(reader.text(element, "wp:tag_name"))[:100]
        self.report.read("tag")
        if not slug and not name:
            self.report.skip("tag", wp_id, gettext("no name."), entry.line)
            return
        fields = {"name": name or slug}
        checksum = reader.digest(element)
        self.tags[slug] = self._term(
            Kind.TAG, wp_id or slug, Tag, slug, fields, checksum
        )

    def _term(self, kind, wp_id, model, slug, fields, checksum):
        record, obj = self.existing(kind, wp_id, model)
        label = kind.value
        if obj is not None and record.checksum == checksum:
            self.report.outcome(label, "unchanged")
            return obj
        if obj is None:
            obj = model.objects.filter(slug=slug).first() if slug else None
        if obj is None and model is Tag:
            obj = Tag.objects.filter(name=fields["name"]).first()
        outcome = "updated" if obj is not None else "imported"
        obj = obj or model(slug=slug)
        for name, value in fields.items():
            setattr(obj, name, value)
        if (
            model is Tag
            and Tag.objects.filter(name=obj.name).exclude(pk=obj.pk).exists()
        ):
            obj.name = f"{obj.name} ({slug})"[:100]
        obj.save()
        self.report.outcome(label, outcome)
        self.remember(kind, wp_id, obj, checksum)
        cache.articles_changed()
        return obj

    def _used_term(self, model, known, slug, name):
        """
        A post's category or tag: the one the file listed under that slug, or
        else under that name (exports do not always agree with themselves), or
        a new one.
        """
        found = known.get(slug) or next(
            (term for term in known.values() if term.name == name), None
        )
        if found is None:
            found = model.objects.filter(slug=slug).first() or (
                model.objects.filter(name=name).first() if name else None
            )
        if found is None:
            found = model.objects.create(name=name or slug, slug=slug)
            self.report.note(
                gettext("categories and tags used by posts but not listed, created")
            )
            cache.articles_changed()
        known[slug] = found
        return found

    def _set_parents(self, parents):
        for slug, parent_slug in parents.items():
            child = self.categories.get(slug)
            parent = self.categories.get(parent_slug) if parent_slug else None
            if child is None:
                continue
            ancestor = parent
            while ancestor is not None:  # never a loop of parents
                if ancestor.pk == child.pk:
                    parent = None
                    break
                ancestor = ancestor.parent
            if child.parent_id != (parent.pk if parent else None):
                child.parent = parent
                child.save(update_fields=["parent"])
                cache.articles_changed()

    def term_path(self, category):
        """WordPress's address of a category: /category/parent/child/."""
        slugs, seen = [], set()
        while category is not None and category.pk not in seen:
            seen.add(category.pk)
            slugs.insert(0, category.slug)
            category = category.parent
        return "/category/" + "/".join(slugs) + "/"
