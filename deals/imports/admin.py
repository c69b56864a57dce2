"""The import page of the agreements admin: upload, dry-run preview of every row, import.

The uploaded file is kept in the editor's session between the preview and the
confirmation (with its digest, so exactly the previewed file is imported), and
is checked again when imported: rows are validated against the data as it is then.
"""

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from deals.services.drafts import delete_imported_drafts

from .columns import columns, template_csv, template_xlsx
from .importer import import_file
from .reading import MAX_ROWS

SESSION_KEY = "agreement_import"
TEMPLATES = {
    "csv": ("text/csv; charset=utf-8", template_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", template_xlsx),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text=f"One row per agreement (at most {MAX_ROWS}), in the template's columns.",
    )


class AgreementImportMixin:
    """Adds ``import/`` (and the templates) to the agreements admin."""

    import_template = "admin/deals/agreement/import.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="deals_agreement_import"),
            path(
                "import/template.<str:ext>",
                wrap(self.import_template_view),
                name="deals_agreement_import_template",
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        action = type(self).delete_my_imported_drafts
        actions["delete_my_imported_drafts"] = (action, action.__name__, action.short_description)
        return actions

    def delete_my_imported_drafts(self, request, queryset):
        try:
            count = delete_imported_drafts(request.user, list(queryset))
        except (PermissionDenied, ValidationError) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, f"Nothing was deleted: {text}", messages.ERROR)
            return
        self.message_user(request, f"Deleted {count} imported draft(s).", messages.SUCCESS)

    delete_my_imported_drafts.short_description = "Delete my imported drafts (with their amounts)"

    def _check_import_permission(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied

    def import_template_view(self, request, ext):
        self._check_import_permission(request)
        if ext not in TEMPLATES:
            raise PermissionDenied
        content_type, build = TEMPLATES[ext]
        response = HttpResponse(build(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="agreements-template.{ext}"'
        return response

    def import_view(self, request):
        self._check_import_permission(request)
        form, result, digest = UploadForm(), None, ""
        if request.method == "POST" and request.POST.get("confirm"):
            stored = request.session.get(SESSION_KEY) or {}
            if stored.get("digest") != request.POST["confirm"]:
                self.message_user(request, "Upload the file again to import it.", messages.ERROR)
                return HttpResponseRedirect(request.path)
            data = base64.b64decode(stored["data"])
            result = import_file(stored["name"], data, request.user, commit=True)
            if result.committed:
                del request.session[SESSION_KEY]
                self.message_user(
                    request,
                    f"Imported {len(result.rows)} row(s) from {result.file_name}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:deals_agreement_changelist"))
            self.message_user(
                request, "Nothing was imported: the rows below are refused now.", messages.ERROR
            )
        elif request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                result = import_file(upload.name, data, request.user, commit=False)
                if result.ok:
                    digest = hashlib.sha256(data).hexdigest()
                    request.session[SESSION_KEY] = {
                        "name": upload.name,
                        "data": base64.b64encode(data).decode(),
                        "digest": digest,
                    }
        context = {
            **self.admin_site.each_context(request),
            "title": "Import agreements",
            "subtitle": None,
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "digest": digest,
            "columns": columns(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template, context)
