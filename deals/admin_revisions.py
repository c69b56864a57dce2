"""Revisions in the admin: the list of pending reviews and one revision's review page.

The review page shows each changed field now and as proposed, the comments on
the record, and, for publishers, "Approve" and "Reject" (a reason required).
Editors see their own revisions there, with the reason when rejected, and may
withdraw one still pending.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from minerals_portal.api.permissions import can_see_drafts

from .history.proposed import revision_diff
from .models import Comment, Revision
from .models.versioning import EditConflict
from .services.revisions import add_comment, approve, reject, withdraw
from .services.rights import may_review
from .templatetags.portal import stamp
from .views.editorial import admin_url


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the editor should change; they see this sentence.",
    )


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 2}))


def _of(model, record):
    content_type = ContentType.objects.get_for_model(record)
    return model.objects.filter(content_type=content_type, object_id=record.pk)


def comments_of(record) -> list:
    return list(_of(Comment, record).select_related("author"))


def revisions_of(record) -> list:
    return list(_of(Revision, record).select_related("author", "decided_by", "content_type"))


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "record_name", "author", "path", "status", "proposed")
    list_filter = ("status", "content_type")
    list_select_related = ("author", "content_type")
    review_template = "admin/editorial/revision.html"

    @admin.display(description="record")
    def record_name(self, obj):
        record = obj.record
        return str(record) if record is not None else f"#{obj.object_id} (deleted)"

    @admin.display(description="proposed", ordering="created_at")
    def proposed(self, obj):
        return stamp(obj.created_at)

    def has_module_permission(self, request):
        return can_see_drafts(request.user)

    def has_view_permission(self, request, obj=None):
        return can_see_drafts(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            raise Http404("No such revision.")
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        record = revision.record
        reject_form, comment_form = RejectForm(), CommentForm()
        if request.method == "POST":
            done, reject_form, comment_form = self._decide(request, revision, record)
            if done:
                return HttpResponseRedirect(request.get_full_path())
        context = {
            **self.admin_site.each_context(request),
            "title": str(revision),
            "subtitle": None,
            "opts": self.model._meta,
            "revision": revision,
            "record": record,
            "record_url": admin_url(record) if record is not None else "",
            "rows": revision_diff(revision),
            "moved_on": record is not None
            and getattr(record, "version", revision.base_version) != revision.base_version,
            "comments": comments_of(record) if record is not None else [],
            "may_decide": may_review(request.user) and revision.status == Revision.Status.PENDING,
            "may_withdraw": revision.author_id == request.user.pk
            and revision.status == Revision.Status.PENDING,
            "reject_form": reject_form,
            "comment_form": comment_form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context)

    def _decide(self, request, revision, record):
        reject_form, comment_form = RejectForm(), CommentForm()
        action = request.POST.get("action")
        try:
            if action == "approve":
                approve(request.user, revision)
                self.message_user(request, f"{revision} approved and published.")
                return True, reject_form, comment_form
            if action == "reject":
                reject_form = RejectForm(request.POST)
                if reject_form.is_valid():
                    reject(request.user, revision, reject_form.cleaned_data["reason"])
                    self.message_user(request, f"{revision} rejected; the editor sees why.")
                    return True, reject_form, comment_form
            if action == "withdraw":
                withdraw(request.user, revision)
                self.message_user(request, f"{revision} withdrawn; the record is unchanged.")
                return True, reject_form, comment_form
            if action == "comment":
                comment_form = CommentForm(request.POST)
                if comment_form.is_valid() and record is not None:
                    add_comment(request.user, record, comment_form.cleaned_data["body"])
                    return True, reject_form, comment_form
        except (ValidationError, PermissionDenied, EditConflict) as exc:
            texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            for text in texts:
                self.message_user(request, f"Nothing was changed: {text}", messages.ERROR)
        return False, reject_form, comment_form


def review_url(revision) -> str:
    return reverse("admin:deals_revision_change", args=[revision.pk])
