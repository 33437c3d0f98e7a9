"""Editors' admin: curation through the same services as the API and the commands.

Changelists run a fixed number of queries whatever the page holds (select_related,
subquery annotations, no full result count); tests pin the numbers.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Claim, Entity, EntityMerge, EntityName, Mention, Source, SourceMerge
from .rendering import body_html, claim_span, mention_span
from .services import curation
from .services.imports import import_upload


def _count(model, field: str):
    """A correlated COUNT subquery: one query for the whole page, no GROUP BY over joins."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


class AliasesField(forms.CharField):
    """A JSON list of names, edited one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def validate(self, value):
        super().validate(value)
        for alias in value:  # the field's own validators see the list, not each name
            ProhibitNullCharactersValidator()(alias)


class SelectionChecked:
    """An action's selection is ids: anything else is a bad request, not a 500 from the query."""

    def response_action(self, request, queryset):
        if not all(pk.isdigit() for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            raise BadRequest("The selection holds something other than ids.")
        return super().response_action(request, queryset)


class CuratedAdmin(SelectionChecked, SimpleHistoryAdmin):
    """Saving goes through a service (recorded in history, marked curated)."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:  # then through the service too: keyed by its names, curated, like an edit
            super().save_model(request, obj, form, change)
        # the form has already copied its data onto `obj`; the service compares against the stored record
        stored = type(obj).objects.get(pk=obj.pk)
        try:
            self.save_through_service(request, stored, form)
        except ValidationError as exc:
            raise PermissionDenied("; ".join(exc.messages)) from exc


class NamesakesWarned:
    """After a save, a warning if another record has one of the saved record's names. Saving it
    is allowed (two people can share a name), but the editor should know, and have the merge
    one click away."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        namesakes = list(
            type(obj).objects.filter(merged_into=None, name_keys__key__in=obj.name_keys.values("key"))
            .exclude(pk=obj.pk).distinct().order_by("pk")[:5]
        )
        if not namesakes:
            return
        opts = obj._meta
        links = format_html_join(
            ", ", '<a href="{}">{}</a>',
            ((reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[n.pk]), n) for n in namesakes),
        )
        together = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?" + urlencode({"q": obj.name})
        self.message_user(request, format_html(
            _('{record} shares a name with {links}: <a href="{together}">list them together</a> to merge them '
              "if they are the same."),
            record=obj, links=links, together=together,
        ), messages.WARNING)


# -------------------------------------------------------------------------------------------
# Merging entities and sources


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(queryset=None, widget=forms.RadioSelect, empty_label=None,
                                      label=_("Keep this one"))

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = queryset


def merge_action(service, label):
    @admin.action(description=label, permissions=["change"])
    def merge(modeladmin, request, queryset):
        selected = list(queryset.filter(merged_into=None))
        if len(selected) < 2:
            modeladmin.message_user(request, _("Select at least two records that are not merged already."),
                                    messages.WARNING)
            return None
        candidates = queryset.filter(merged_into=None)
        form = MergeForm(request.POST if "confirm" in request.POST else None, queryset=candidates)
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = [obj for obj in selected if obj.pk != survivor.pk]
            try:
                service(survivor=survivor, others=others, user=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, "; ".join(exc.messages), messages.ERROR)
                return None
            modeladmin.message_user(
                request, _("Merged %(count)d into %(name)s.") % {"count": len(others), "name": survivor},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse(
                f"admin:{survivor._meta.app_label}_{survivor._meta.model_name}_change", args=[survivor.pk]
            ))
        return TemplateResponse(request, "admin/articles/merge.html", {
            **modeladmin.admin_site.each_context(request),
            "title": _("Merge %(things)s") % {"things": modeladmin.model._meta.verbose_name_plural},
            "opts": modeladmin.model._meta,
            "form": form,
            "selected": selected,
            "action_name": "merge",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })

    return merge


def undo_action(service):
    @admin.action(description=_("Undo the selected merges"), permissions=["change"])
    def undo(modeladmin, request, queryset):
        done = 0
        for merge in queryset.order_by("-created_at", "-id"):  # the service says which it cannot undo
            try:
                service(merge=merge, user=request.user)
                done += 1
            except ValidationError as exc:
                modeladmin.message_user(request, f"{merge}: {'; '.join(exc.messages)}", messages.ERROR)
        if done:
            modeladmin.message_user(request, ngettext("Undid %d merge.", "Undid %d merges.", done) % done,
                                    messages.SUCCESS)

    return undo


class MergeRecordAdmin(SelectionChecked, admin.ModelAdmin):
    list_display = ["merged", "survivor", "user", "created_at", "undone_at"]
    list_select_related = ["merged", "survivor", "user"]
    list_filter = [("undone_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["survivor", "merged", "user", "created_at", "undone_at", "added_aliases"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # the undo action needs "change" on the merged model, not on the record
        return request.user.has_perm(f"articles.change_{self.model.survivor.field.related_model._meta.model_name}")


@admin.register(EntityMerge)
class EntityMergeAdmin(MergeRecordAdmin):
    actions = [undo_action(curation.entity_merge_undo)]


@admin.register(SourceMerge)
class SourceMergeAdmin(MergeRecordAdmin):
    actions = [undo_action(curation.source_merge_undo)]


# -------------------------------------------------------------------------------------------
# Entities


class HasDuplicatesFilter(admin.SimpleListFilter):
    """Entities whose normalised names collide or that share an alias with another entity."""

    title = _("duplicates")
    parameter_name = "duplicates"

    def lookups(self, request, model_admin):
        return [("yes", _("has possible duplicates"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        shared = (
            EntityName.objects.filter(entity__merged_into=None).values("key")
            .annotate(n=Count("entity", distinct=True)).filter(n__gt=1).values("key")
        )
        return queryset.filter(merged_into=None, name_keys__key__in=shared).distinct()


class EntityForm(forms.ModelForm):
    aliases = AliasesField(required=False, label=_("aliases"), help_text=_("One name per line."))

    class Meta:
        model = Entity
        fields = ["name", "kind", "aliases"]


@admin.register(Entity)
class EntityAdmin(NamesakesWarned, CuratedAdmin):
    form = EntityForm
    list_display = ["name", "kind", "alias_list", "mention_count", "article_count", "merged_into", "curated"]
    list_filter = ["kind", HasDuplicatesFilter, "curated", ("merged_into", admin.EmptyFieldListFilter)]
    list_select_related = ["merged_into"]
    search_fields = ["name", "aliases"]
    readonly_fields = ["merged_into", "curated", "merges"]
    actions = [merge_action(curation.entity_merge, _("Merge the selected entities…"))]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            mentions_n=_count(Mention, "entity"),
            articles_n=Coalesce(Subquery(
                Mention.objects.filter(entity=OuterRef("pk")).order_by().values("entity")
                .annotate(n=Count("article", distinct=True)).values("n")[:1],
                output_field=IntegerField(),
            ), 0),
        )

    @admin.display(description=_("aliases"))
    def alias_list(self, obj):
        return Truncator(", ".join(obj.aliases)).chars(60)

    @admin.display(description=_("mentions"), ordering="mentions_n")
    def mention_count(self, obj):
        return obj.mentions_n

    @admin.display(description=_("articles"), ordering="articles_n")
    def article_count(self, obj):
        return obj.articles_n

    @admin.display(description=_("merges"))
    def merges(self, obj):
        rows = EntityMerge.objects.filter(Q(survivor=obj) | Q(merged=obj)).select_related("survivor", "merged")
        return format_html_join(
            "", '<div><a href="{}">{}</a> {}</div>',
            ((reverse("admin:articles_entitymerge_change", args=[m.pk]), m, m.created_at) for m in rows),
        ) or "—"

    def save_through_service(self, request, obj, form):
        curation.entity_update(entity=obj, user=request.user, name=form.cleaned_data["name"],
                               kind=form.cleaned_data["kind"], aliases=form.cleaned_data["aliases"])


# -------------------------------------------------------------------------------------------
# Sources


class SourceForm(forms.ModelForm):
    aliases = AliasesField(required=False, label=_("aliases"), help_text=_("One name per line."))
    url = forms.URLField(required=False, assume_scheme="https", label=_("URL"))

    class Meta:
        model = Source
        fields = ["name", "kind", "url", "aliases"]


@admin.register(Source)
class SourceAdmin(NamesakesWarned, CuratedAdmin):
    form = SourceForm
    list_display = ["name", "kind", "domain", "alias_list", "article_count", "merged_into", "curated"]
    list_filter = ["kind", "curated", ("merged_into", admin.EmptyFieldListFilter)]
    list_select_related = ["merged_into"]
    search_fields = ["name", "aliases", "domain"]
    readonly_fields = ["domain", "merged_into", "curated"]
    actions = [merge_action(curation.source_merge, _("Merge the selected sources…"))]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(articles_n=_count(Article, "source"))

    @admin.display(description=_("aliases"))
    def alias_list(self, obj):
        return Truncator(", ".join(obj.aliases)).chars(60)

    @admin.display(description=_("articles"), ordering="articles_n")
    def article_count(self, obj):
        return obj.articles_n

    def save_through_service(self, request, obj, form):
        curation.source_update(source=obj, user=request.user, name=form.cleaned_data["name"],
                               kind=form.cleaned_data["kind"], url=form.cleaned_data["url"],
                               aliases=form.cleaned_data["aliases"])


# -------------------------------------------------------------------------------------------
# Claims


class HasQuantityFilter(admin.SimpleListFilter):
    title = _("quantity")
    parameter_name = "has_quantity"

    def lookups(self, request, model_admin):
        return [("yes", _("has a quantity")), ("no", _("no quantity"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(quantities=[])
        if self.value() == "no":
            return queryset.filter(quantities=[])
        return queryset


def review_action(status, label):
    @admin.action(description=label, permissions=["change"])
    def review(modeladmin, request, queryset):
        count = curation.claim_review(claims=list(queryset), status=status, user=request.user)
        modeladmin.message_user(request, ngettext("%(n)d claim marked %(status)s.", "%(n)d claims marked %(status)s.",
                                                  count) % {"n": count, "status": Claim.Status(status).label},
                                messages.SUCCESS)

    review.__name__ = f"mark_{status}"
    return review


class ClaimForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = ["text", "kind", "status", "speaker", "attributed_to", "note"]


@admin.register(Claim)
class ClaimAdmin(CuratedAdmin):
    form = ClaimForm
    list_display = ["excerpt", "kind", "status", "speaker", "attributed_to", "article_link", "quantity_list",
                    "reviewed_by", "reviewed_at"]
    list_filter = ["status", "kind", HasQuantityFilter, ("attributed_to", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["speaker", "attributed_to", "article", "reviewed_by"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker", "attributed_to"]
    readonly_fields = ["context", "article", "quantities", "dates", "reviewed_by", "reviewed_at", "edited"]
    fields = ["context", "text", "kind", "status", "speaker", "attributed_to", "note", "article", "quantities",
              "dates", "reviewed_by", "reviewed_at", "edited"]
    actions = [
        review_action(Claim.Status.VERIFIED, _("Verify the selected claims")),
        review_action(Claim.Status.DISPUTED, _("Dispute the selected claims")),
        review_action(Claim.Status.REJECTED, _("Reject the selected claims")),
    ]
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description=_("claim"))
    def has_add_permission(self, request):
        return False  # claims come from the extraction of their article

    def excerpt(self, obj):
        return Truncator(obj.text).chars(80)

    @admin.display(description=_("article"), ordering="article__title")
    def article_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[obj.article_id]),
                           Truncator(obj.article.title).chars(30))

    @admin.display(description=_("quantities"))
    def quantity_list(self, obj):
        return ", ".join(q.get("text", "") for q in obj.quantities) or "—"

    @admin.display(description=_("in its context"))
    def context(self, obj):
        """The claim's sentence marked within its paragraph (escaped)."""
        body = obj.article.body
        start = body.rfind("\n\n", 0, obj.start) + 2 if "\n\n" in body[: obj.start] else 0
        end = body.find("\n\n", obj.end)
        end = len(body) if end < 0 else end
        if not (0 <= obj.start <= obj.end <= len(body)):
            return obj.text
        return format_html("{}<mark>{}</mark>{}", body[start : obj.start], body[obj.start : obj.end],
                           body[obj.end : end])

    def save_through_service(self, request, obj, form):
        data = form.cleaned_data
        curation.claim_update(claim=obj, user=request.user, text=data["text"], kind=data["kind"],
                              status=data["status"], note=data["note"], speaker=data["speaker"],
                              attributed_to=data["attributed_to"])


# -------------------------------------------------------------------------------------------
# Articles


class MentionInline(admin.TabularInline):
    model = Mention
    fields = ["surface", "entity", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ["text", "kind", "status", "speaker", "attributed_to"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "attributed_to")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Article files"),
        help_text=_("The seed layout, the livedoor layout or JSON Lines; UTF-8, UTF-16, Shift_JIS or EUC-JP."),
    )
    status = forms.ChoiceField(choices=Article.Status.choices, initial=Article.Status.DRAFT)


@admin.register(Article)
class ArticleAdmin(CuratedAdmin):
    list_display = ["title", "source", "language", "status", "entity_count", "claim_count", "published_at"]
    list_filter = ["status", "language", ("source", admin.RelatedOnlyFieldListFilter), "published_at"]
    list_select_related = ["source"]
    search_fields = ["title", "source_url"]
    readonly_fields = ["title", "slug", "source", "source_url", "language", "published_at", "subheadings",
                       "figures", "highlighted_body"]
    fields = ["title", "status", "slug", "source", "source_url", "language", "published_at", "subheadings",
              "figures", "highlighted_body"]
    inlines = [ClaimInline, MentionInline]
    actions = ["publish", "unpublish"]
    ordering = ["-id"]  # newest imports first, straight from the primary key (no sort of the whole table)
    show_full_result_count = False
    change_list_template = "admin/articles/article/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            entities_n=Coalesce(Subquery(
                Mention.objects.filter(article=OuterRef("pk")).order_by().values("article")
                .annotate(n=Count("entity", distinct=True)).values("n")[:1],
                output_field=IntegerField(),
            ), 0),
            claims_n=_count(Claim, "article"),
        )

    @admin.display(description=_("entities"), ordering="entities_n")
    def entity_count(self, obj):
        return obj.entities_n

    @admin.display(description=_("claims"), ordering="claims_n")
    def claim_count(self, obj):
        return obj.claims_n

    @admin.display(description=_("body"))
    def highlighted_body(self, obj):
        spans = [
            mention_span(m.start, m.end, reverse("admin:articles_entity_change", args=[m.entity_id]), m.entity.name)
            for m in obj.mentions.select_related("entity")
        ] + [claim_span(c.start, c.end, c.status, f"claim-{c.pk}") for c in obj.claims.all()]
        return body_html(obj.body, spans)

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        count = curation.article_set_status(articles=list(queryset), status=Article.Status.PUBLISHED, user=request.user)
        self.message_user(request, ngettext("%d article published.", "%d articles published.", count) % count)

    @admin.action(description=_("Unpublish the selected articles"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = curation.article_set_status(articles=list(queryset), status=Article.Status.DRAFT, user=request.user)
        self.message_user(request, ngettext("%d article unpublished.", "%d articles unpublished.", count) % count)

    def has_add_permission(self, request):
        return False  # articles come from the importer: see the upload page

    def save_through_service(self, request, obj, form):
        curation.article_set_status(articles=[obj], status=form.cleaned_data["status"], user=request.user)

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="articles_article_upload"), *super().get_urls()]

    def upload_view(self, request):
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            for upload in form.cleaned_data["files"]:
                report = import_upload(upload.name, upload.read(), status=form.cleaned_data["status"])
                for name, reason in report.failures:
                    failure = _("Not imported: %(file)s: %(reason)s") % {"file": name, "reason": reason}
                    self.message_user(request, failure, messages.ERROR)
                for name, reason in report.duplicates:
                    skipped = _("Not imported: %(file)s: %(reason)s") % {"file": name, "reason": reason}
                    self.message_user(request, skipped, messages.WARNING)
                if report.counts["imported"] or report.counts["updated"] or report.counts["unchanged"]:
                    self.message_user(request, _("From %(file)s: %(summary)s") % {"file": upload.name,
                                                                                "summary": report.summary()},
                                      messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        return TemplateResponse(request, "admin/articles/article/upload.html", {
            **self.admin_site.each_context(request),
            "title": _("Upload articles"),
            "opts": self.model._meta,
            "form": form,
        })


admin.site.site_header = _("News archive")
admin.site.site_title = _("News archive")
admin.site.index_title = _("Curation")
