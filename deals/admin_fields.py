"""Form fields the admin uses for every domain record: aliases as lines, optional slugs."""

from django import forms

ALIASES_HELP = "One name per line, in any script (other spellings, former names)."
SLUG_HELP = "Left empty: made from the record's name or title when it is saved."


class AliasesField(forms.CharField):
    """A list of names edited as text, one per line (the model stores a JSON list)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


def editor_formfield(db_field, field):
    """``field`` (the admin's form field for ``db_field``) as editors use it."""
    if db_field.name == "aliases":
        return AliasesField(required=False, label=db_field.verbose_name, help_text=ALIASES_HELP)
    if db_field.name == "slug" and field is not None:
        field.required = False
        field.help_text = SLUG_HELP
    return field
