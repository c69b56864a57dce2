"""Forms render through the project's renderer: every control labelled, described, explained."""

import re

import pytest
from django import forms
from django.utils import translation

CHOICES = [("tin", "Tin"), ("tungsten", "Tungsten"), ("copper", "Copper & gold")]


class EveryWidgetForm(forms.Form):
    name = forms.CharField(max_length=10, help_text="as on the licence")
    notes = forms.CharField(widget=forms.Textarea, required=False, help_text="free text")
    stage = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, help_text="one only")
    metals = forms.MultipleChoiceField(choices=CHOICES, help_text="hold Ctrl for several")
    kinds = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    public = forms.BooleanField(required=False, label="Public")


@pytest.fixture(autouse=True)
def english():
    """The messages asserted below are Django's English ones, whatever a test before left."""
    with translation.override("en"):
        yield


def field_blocks(html: str) -> dict[str, str]:
    """Each ``div.field`` of the rendered form, by the name of the control inside it."""
    blocks = re.split(r'(?=<div class="field)', html)
    return {re.search(r'name="([^"]+)"', b).group(1): b for b in blocks if 'name="' in b}


def assert_described_targets_exist(html: str) -> None:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    for target in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(target.split()) <= ids, f"aria-describedby={target!r} points at nothing"


def test_radios_textareas_and_multiselects_keep_values_help_and_errors_beside_them():
    data = {"name": "far too long a name", "notes": "<b>a & b</b>", "stage": "nickel",
            "metals": ["tin", "copper"], "kinds": ["tungsten"]}  # fmt: skip
    html = str(EveryWidgetForm(data))
    assert_described_targets_exist(html)
    fields = field_blocks(html)
    assert set(fields) == {"name", "notes", "stage", "metals", "kinds", "public"}
    # What the user typed and chose comes back, escaped, in the right control.
    assert '<textarea name="notes"' in fields["notes"]
    assert ">\n&lt;b&gt;a &amp; b&lt;/b&gt;</textarea>" in fields["notes"]
    assert re.search(r'<option value="tin" selected>Tin</option>', fields["metals"])
    assert re.search(r'<option value="copper" selected>Copper &amp; gold</option>', html)
    assert '<select name="metals"' in fields["metals"] and " multiple" in fields["metals"]
    assert re.search(r'value="tungsten"[^>]*checked', fields["kinds"])
    # Radio buttons are one group: a fieldset with a legend, described as a whole.
    assert re.search(r'<fieldset aria-describedby="id_stage_helptext id_stage_error">\s*<legend',
                     fields["stage"])  # fmt: skip
    assert fields["stage"].count('type="radio"') == 3
    # Errors sit beside their field, are announced, and mark the field invalid.
    for name, message in (("name", "at most 10 characters"), ("stage", "Select a valid choice")):
        assert fields[name].startswith('<div class="field invalid">')
        assert 'role="alert"' in fields[name] and message in fields[name]
        assert f'id="id_{name}_error"' in fields[name]
    assert 'aria-invalid="true"' in fields["name"]
    assert 'class="help meta" id="id_metals_helptext">hold Ctrl for several<' in fields["metals"]
    assert fields["notes"].startswith('<div class="field">') and "role=" not in fields["notes"]


def test_a_checkbox_comes_before_its_label():
    html = str(EveryWidgetForm())
    public = field_blocks(html)["public"]
    assert public.index('type="checkbox"') < public.index('<label for="id_public">')
    assert "aria-invalid" not in html and "_error" not in html
    assert_described_targets_exist(html)
