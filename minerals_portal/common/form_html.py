"""Filter forms rendered in Python: label, control, help text and errors per field.

Django renders every widget and every ``<option>`` through a template, which
costs more than the timeline's own queries. Filter forms only use text boxes,
check boxes and selects, so they are written out here directly, with the
accessibility links Django would add (``aria-describedby`` pointing at help text
and errors that are on the page, ``aria-invalid`` on a field with errors).
"""

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs(pairs) -> str:
    """`` name="value"`` for each pair whose value is not None (True: the bare name)."""
    out = []
    for name, value in pairs:
        if value is True:
            out.append(f" {name}")
        elif value is not None and value is not False:
            out.append(f' {name}="{escape(value)}"')
    return "".join(out)


def _options(field: forms.ChoiceField, value) -> str:
    chosen = "" if value is None else str(value)
    return "".join(
        f'<option value="{escape(key)}"{" selected" if str(key) == chosen else ""}>'
        f"{escape(label)}</option>"
        for key, label in field.choices
    )


def render_field(bound: forms.BoundField) -> SafeString:
    """One field in a ``div.field``: label, control, help text, errors."""
    field, widget = bound.field, bound.field.widget
    control_id = bound.auto_id
    errors = bound.errors
    described = []
    help_html = error_html = ""
    if bound.help_text:
        described.append(f"{control_id}_helptext")
        help_html = format_html(
            '<span class="help meta" id="{}">{}</span>', described[-1], bound.help_text
        )
    if errors:
        described.append(f"{control_id}_error")
        error_html = format_html(
            '<p class="error" role="alert" id="{}">{}</p>', described[-1], " ".join(errors)
        )
    common = [
        ("name", bound.html_name), ("id", control_id),
        ("aria-describedby", " ".join(described) or None),
        ("aria-invalid", "true" if errors else None),
    ]  # fmt: skip
    value = bound.value()
    suffix = bound.form.label_suffix if field.label_suffix is None else field.label_suffix
    label = format_html('<label for="{}">{}{}</label>', control_id, bound.label, suffix or "")
    if isinstance(widget, forms.CheckboxInput):
        checked = widget.check_test(value)
        control = f'<input type="checkbox"{_attrs([*common, ("checked", checked)])}>'
        row = f"{control} {label}"
    elif isinstance(widget, forms.Select):
        row = f"{label} <select{_attrs(common)}>{_options(field, value)}</select>"
    else:
        attrs = [("type", widget.input_type), *common, ("value", value or None),
                 ("maxlength", widget.attrs.get("maxlength"))]  # fmt: skip
        row = f"{label} <input{_attrs(attrs)}>"
    invalid = " invalid" if errors else ""
    return mark_safe(f'<div class="field{invalid}">{row}{help_html}{error_html}</div>')


def render_fields(form: forms.Form) -> SafeString:
    return mark_safe("\n".join(render_field(bound) for bound in form))
