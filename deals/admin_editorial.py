"""The editorial workflow in the admin: publication rules, edit conflicts, history, revert.

* ``EditorialForm``: the publication states a user may choose, and a hidden
  ``version`` so a save from a stale page is refused with what changed meanwhile.
* ``AmountInlineForm``: an amount entered on its agreement's page can carry its
  own citation, and takes its deal and slug from the agreement when left empty.
* ``HistoryAdminMixin``: the record's history with diffs, and reverting a change.
* ``PublishableAdminMixin``: the above plus "Submit for review", "Publish",
  "Withdraw" and "Return to draft" actions (companies, sources, deposits, estimates);
  ``EditorialAdminMixin`` adds edit conflicts for versioned records (deals…).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from minerals_portal.api.writing import unique_slug

from .admin_revisions import CommentForm, comments_of, revisions_of
from .admin_writes import ServiceAdminMixin
from .history.conflicts import refuse_stale
from .history.entries import build_entries, event_model, history, scope
from .history.revert import RevertRefused, find_change, revert
from .models import Amount, Publication, Source
from .models.versioning import EditConflict
from .publishing import UNCITED, is_cited
from .services.citations import add_citation
from .services.history import undo_save
from .services.publication import PublicationRefused, change_publication
from .services.revisions import add_comment
from .services.rights import (
    allowed_states,
    has_model_permission,
    may_publish,
    transition_error,
)

HISTORY_PAGE_SIZE = 25


# --- forms ------------------------------------------------------------------------------


class PublicationFormMixin:
    """Offers only the publication states the user may choose; refuses any other."""

    editorial_user = None  # set by the admin (see ``with_user``)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("publication")
        if field is None or self.editorial_user is None:
            return
        allowed = allowed_states(self.editorial_user, self._stored_publication())
        field.choices = [(v, label) for v, label in Publication.choices if v in allowed]
        field.required = False  # left out: the state stays (a new record: a draft)
        if not may_publish(self.editorial_user):
            field.help_text = "Publishing and withdrawing are for publishers and administrators."

    def _stored_publication(self):
        return self.instance.publication if self.instance.pk else None

    def clean_publication(self):
        wanted = self.cleaned_data["publication"] or self._stored_publication() or "draft"
        if self.editorial_user is not None:
            error = transition_error(self.editorial_user, self._stored_publication(), wanted)
            if error:
                raise ValidationError(error)
        return wanted


class PublishableForm(PublicationFormMixin, forms.ModelForm):
    """A publishable record's admin form (no version: the record is not versioned)."""


class EditorialForm(PublicationFormMixin, forms.ModelForm):
    """A publishable, versioned record's admin form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            self._check_version(cleaned)
        return cleaned

    def _check_version(self, cleaned):
        refuse_stale(self, cleaned)


class VersionedRowForm(forms.ModelForm):
    """An inline row that carries the version it was read at: a row changed by someone else
    since is refused beside the row, naming each field, their value and yours. A row this
    page left unchanged is not saved, so it is not checked either."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and self.has_changed():
            refuse_stale(self, cleaned)
        return cleaned


class AmountInlineFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.parent = self.instance  # the agreement, possibly not saved yet
        return form


class AmountInlineForm(PublicationFormMixin, VersionedRowForm):
    citation_source = forms.ModelChoiceField(
        Source.objects.all(), required=False, label="citation: source"
    )
    citation_quote = forms.CharField(
        required=False,
        label="citation: quoted sentence",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The sentence this amount relies on, verbatim in the source's language.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("deal", "slug"):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = "Left empty: taken from the agreement."

    def clean(self):
        cleaned = super().clean()
        source, quote = cleaned.get("citation_source"), (cleaned.get("citation_quote") or "")
        if bool(source) != bool(quote.strip()):
            raise ValidationError("A citation needs both its source and the quoted sentence.")
        parent = getattr(self, "parent", None)
        if not cleaned.get("deal") and parent is not None and parent.deal_id:
            cleaned["deal"] = parent.deal
        if not cleaned.get("slug") and cleaned.get("deal") and cleaned.get("as_of"):
            text = f"{cleaned['deal'].slug} {cleaned.get('kind', '')} {cleaned['as_of']:%Y-%m}"
            cleaned["slug"] = unique_slug(Amount, text.replace("_", " "), "amount")
        if cleaned.get("publication") == Publication.PUBLISHED and not (
            source or is_cited(self.instance)
        ):
            self.add_error("publication", UNCITED)
        return cleaned

    def after_save(self, actor):
        """Called by the admin once the amount is saved: add the citation typed with it."""
        source = self.cleaned_data.get("citation_source")
        if source:
            add_citation(actor, self.instance, source, self.cleaned_data["citation_quote"], "value")


def with_user(form_class, user):
    """``form_class`` bound to the editing user (its publication choices depend on them)."""
    return type(form_class.__name__, (form_class,), {"editorial_user": user})


# --- history ----------------------------------------------------------------------------


class HistoryAdminMixin(ServiceAdminMixin):
    """ "History" shows the change history with diffs; editors may revert a change there."""

    history_template = "admin/editorial/history.html"
    revert_template = "admin/editorial/revert.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_revert"
        revert_url = path(
            "<path:object_id>/history/<str:key>/revert/",
            self.admin_site.admin_view(self.revert_view),
            name=name,
        )
        undo_url = path(
            "<path:object_id>/history/save/<uuid:save_id>/undo/",
            self.admin_site.admin_view(self.undo_view),
            name=f"{opts.app_label}_{opts.model_name}_undo",
        )
        return [revert_url, undo_url, *super().get_urls()]

    def _record_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such record.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        obj = self._record_or_404(request, object_id)
        comment_form = CommentForm(request.POST if request.method == "POST" else None)
        if comment_form.is_valid():
            try:
                add_comment(request.user, obj, comment_form.cleaned_data["body"])
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"Not added: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        entries = history(obj)
        page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        opts = self.model._meta
        revert_name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revert"
        undo_name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_undo"
        previous = None
        for entry in page.object_list:
            if entry.revertable and has_model_permission(request.user, "change", entry.model):
                entry.revert_url = reverse(revert_name, args=[obj.pk, entry.key])
            if entry.save_id and entry.save_id != previous:
                entry.undo_url = reverse(undo_name, args=[obj.pk, entry.save_id])
            previous = entry.save_id
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "opts": self.model._meta,
            "object": obj,
            "page": page,
            "comments": comments_of(obj),
            "comment_form": comment_form,
            "revisions": revisions_of(obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.history_template, context)

    def revert_view(self, request, object_id, key):
        obj = self._record_or_404(request, object_id)
        model, event = find_change(obj, key)
        if event is None:
            raise Http404("No such change in this record's history.")
        if not has_model_permission(request.user, "change", model):
            raise PermissionDenied
        opts = self.model._meta
        back = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history",
            args=[obj.pk],
        )
        if request.method == "POST":
            try:
                revert(model, event, request.user)
            except RevertRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
            except ValidationError as exc:
                self.message_user(
                    request, "Not reverted: " + " ".join(exc.messages), messages.ERROR
                )
            except (EditConflict, PermissionDenied) as exc:
                self.message_user(request, f"Not reverted: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Reverted the change {key}.", messages.SUCCESS)
            return HttpResponseRedirect(back)
        [entry] = [e for e in build_entries(_with_previous(model, event)) if e.key == key]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revert a change to {obj}",
            "subtitle": None,
            "opts": opts,
            "object": obj,
            "entry": entry,
            "entry_list": [entry],
            "back": back,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revert_template, context)

    def undo_view(self, request, object_id, save_id):
        """Undo every change one save made (confirmed by a POST)."""
        obj = self._record_or_404(request, object_id)
        opts = self.model._meta
        back = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]
        )
        entries = [e for e in history(obj) if e.save_id == str(save_id)]
        if not entries:
            raise Http404("No such save in this record's history.")
        if request.method == "POST":
            try:
                undo_save(request.user, save_id, within=scope(obj))
            except RevertRefused as exc:
                self.message_user(request, str(exc), messages.ERROR)
            except (ValidationError, EditConflict, PermissionDenied) as exc:
                texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                self.message_user(request, "Not undone: " + " ".join(texts), messages.ERROR)
            else:
                self.message_user(
                    request, f"Undone: the {len(entries)} changes of that save.", messages.SUCCESS
                )
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Undo a save of {obj}",
            "subtitle": None,
            "opts": opts,
            "object": obj,
            "entry_list": entries,
            "back": back,
            "undo": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revert_template, context)


def _with_previous(model, event):
    """[(model, [the snapshot before ``event``, ``event``])] to describe one change."""
    before = (
        event_model(model)
        .objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__lt=event.pgh_id)
        .order_by("-pgh_id")
        .select_related("pgh_context")
        .first()
    )
    return [(model, [e for e in (before, event) if e is not None])]


# --- publishable records ------------------------------------------------------------------


class PublishableAdminMixin(HistoryAdminMixin):
    """Publication states, history and the workflow's actions."""

    form = PublishableForm
    actions = ["submit_for_review", "publish", "withdraw", "return_to_draft"]

    def get_form(self, request, obj=None, **kwargs):
        return with_user(super().get_form(request, obj, **kwargs), request.user)

    def has_publish_permission(self, request):
        return may_publish(request.user)

    def _move(self, request, queryset, state, verb):
        try:
            moved = change_publication(request.user, list(queryset), state)
        except PublicationRefused as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            self.message_user(request, f"Nothing was {verb}.", messages.WARNING)
            return
        except EditConflict as exc:
            self.message_user(request, f"Nothing was {verb}: {exc}", messages.ERROR)
            return
        if moved:
            names = ", ".join(f"{r._meta.verbose_name} “{r}”" for r in moved)
            self.message_user(request, f"{verb.capitalize()}: {names}.", messages.SUCCESS)
        else:
            self.message_user(request, f"Nothing to do: already {state.replace('_', ' ')}.")

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, Publication.IN_REVIEW, "submitted for review")

    @admin.action(description="Publish (with what is in review under it)", permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, Publication.PUBLISHED, "published")

    @admin.action(description="Withdraw from publication", permissions=["publish"])
    def withdraw(self, request, queryset):
        self._move(request, queryset, Publication.WITHDRAWN, "withdrawn")

    @admin.action(description="Return to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._move(request, queryset, Publication.DRAFT, "returned to draft")


class EditorialAdminMixin(PublishableAdminMixin):
    """A versioned publishable record: the above plus edit conflicts."""

    form = EditorialForm
    exclude = ("version",)  # the model field: the form declares its own hidden field

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or "version" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as exc:  # a row on the page changed between reading and saving
            self.message_user(request, f"Nothing was saved: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
