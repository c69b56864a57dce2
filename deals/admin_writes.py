"""Every admin write goes through the write layer; its refusals come back as form errors.

``ServiceAdminMixin`` saves the object, its many-to-many fields and its inline
rows through ``deals.services`` in one unit, so rules spanning rows (stake
totals, a published record's citations) are checked once, after the last row.

A refusal (``ValidationError`` or ``PermissionDenied``) rolls the whole save
back. The change form is then validated again from what the user posted, with
the refusal attached where it belongs: beside the field of the main form or of
the inline row it concerns, at the top of an inline group for a row being
deleted or a rule about the whole group, at the top of the page otherwise.
Deletes and actions that are refused show a message instead.
"""

from __future__ import annotations

from contextlib import contextmanager
from itertools import chain

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect

from . import services
from .admin_fields import editor_formfield
from .models import AgreementParty, Citation

# End-of-unit refusals, keyed by the field the write layer names: the inline they concern.
GROUP_OF_FIELD = {"stake": AgreementParty, "citations": Citation}


class Refused(Exception):
    """A refusal during an admin save and where its messages go: ``places`` maps
    (inline prefix or None for the main form, row index or None, field or None)
    to messages."""

    def __init__(self):
        super().__init__()
        self.places: dict[tuple, list[str]] = {}

    def add(self, error, prefix=None, index=None, fields=()):
        for name, texts in messages_of(error).items():
            on = name if name in fields else None
            self.places.setdefault((prefix, index, on), []).extend(texts)
        return self

    def messages(self) -> list[str]:
        return [text for texts in self.places.values() for text in texts]


def messages_of(error) -> dict[str, list[str]]:
    if isinstance(error, PermissionDenied):
        return {"__all__": [str(error) or "You may not make this change."]}
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def form_m2m(form) -> dict:
    """The many-to-many values a model form would save (``ModelForm._save_m2m``'s fields)."""
    opts = form._meta.model._meta
    cleaned = form.cleaned_data
    return {
        f.name: cleaned[f.name]
        for f in chain(opts.many_to_many, opts.private_fields)
        if hasattr(f, "save_form_data") and f.name in cleaned and f.name in form.fields
    }


@contextmanager
def refusing(**place):
    """Run a write, turning its refusal into ``Refused`` placed at ``place``."""
    try:
        yield
    except (ValidationError, PermissionDenied) as error:
        raise Refused().add(error, **place) from error


class ServiceAdminMixin:
    """Admin saves, deletes and actions through ``deals.services`` (see the module)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Aliases typed one per line; a slug left empty is made by the write layer."""
        return editor_formfield(
            db_field, super().formfield_for_dbfield(db_field, request, **kwargs)
        )

    # --- writing ---------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        with refusing(fields=form.fields):
            services.save(request.user, obj, m2m=form_m2m(form))

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        try:
            services.check_now()
        except ValidationError as error:
            groups = {fs.model: fs.prefix for fs in formsets}
            refused = Refused()
            for name, texts in messages_of(error).items():
                prefix = groups.get(GROUP_OF_FIELD.get(name))
                on = name if prefix is None and name in form.fields else None
                refused.places.setdefault((prefix, None, on), []).extend(texts)
            raise refused from error

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            with refusing(prefix=formset.prefix):
                services.delete(request.user, obj)
        for row in formset.saved_forms:
            index = formset.forms.index(row)
            with refusing(prefix=formset.prefix, index=index, fields=row.fields):
                services.save(request.user, row.instance, m2m=form_m2m(row))
                after_save = getattr(row, "after_save", None)
                if after_save is not None:
                    after_save(request.user)

    def response_change(self, request, obj):
        """An editor's change to a published record was kept as a revision: say so."""
        if not self._sent_for_review(request):
            return super().response_change(request, obj)
        return HttpResponseRedirect(request.path)

    def response_delete(self, request, obj_display, obj_id):
        if not self._sent_for_review(request):
            return super().response_delete(request, obj_display, obj_id)
        return HttpResponseRedirect(request.path.rsplit("/delete/", 1)[0] + "/change/")

    def _sent_for_review(self, request) -> bool:
        revisions = services.proposed()
        for revision in revisions:
            self.message_user(
                request,
                f"Sent for review: {revision} waits for a publisher; the published record "
                "is unchanged until it is approved.",
                messages.SUCCESS,
            )
        return bool(revisions)

    def delete_model(self, request, obj):
        with refusing():
            services.delete(request.user, obj)

    def delete_queryset(self, request, queryset):
        with refusing():
            services.delete_many(request.user, list(queryset))

    # --- refusals ----------------------------------------------------------------------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with services.unit(request.user):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except (Refused, ValidationError) as error:
            if request.method != "POST" or hasattr(request, "service_refusal"):
                raise
            refused = error if isinstance(error, Refused) else Refused().add(error)
            request.service_refusal = refused  # the second pass shows it and saves nothing
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with services.unit(request.user):
                return super().delete_view(request, object_id, extra_context)
        except (Refused, ValidationError) as error:
            return self._refused(request, error, "Nothing was deleted")

    def changelist_view(self, request, extra_context=None):
        try:
            with services.unit(request.user):
                return super().changelist_view(request, extra_context)
        except (Refused, ValidationError) as error:
            return self._refused(request, error, "Nothing was changed")

    def _refused(self, request, error, what):
        refused = error if isinstance(error, Refused) else Refused().add(error)
        for text in refused.messages():
            self.message_user(request, f"{what}: {text}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        refused = getattr(request, "service_refusal", None)
        mine = refused and {k: v for k, v in refused.places.items() if k[0] is None}
        if not mine:
            return form_class

        class Refusing(form_class):
            def clean(self):
                cleaned = super().clean()
                for (_, _, on), texts in mine.items():
                    self.add_error(on if on in self.fields else None, texts)
                return cleaned

        Refusing.__name__ = form_class.__name__
        return Refusing

    def get_formsets_with_inlines(self, request, obj=None):
        refused = getattr(request, "service_refusal", None)
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            prefix = formset_class.get_default_prefix()
            mine = refused and {k: v for k, v in refused.places.items() if k[0] == prefix}
            yield (refusing_formset(formset_class, mine) if mine else formset_class), inline


def refusing_formset(formset_class, places):
    """``formset_class`` showing ``places`` (row and field, or the group's top)."""

    class Refusing(formset_class):
        def clean(self):
            super().clean()
            top = []
            for (_, index, on), texts in places.items():
                row = self.forms[index] if index is not None and index < len(self.forms) else None
                if row is None or self._should_delete_form(row):
                    top += texts
                else:
                    row.add_error(on if on in row.fields else None, texts)
            if top:
                raise ValidationError(top)

    Refusing.__name__ = formset_class.__name__
    return Refusing
