"""The deal page: one footnote per sentence, last updated, a public change log."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from deals.models import Citation
from tests import factories as f

pytestmark = pytest.mark.django_db


def _cite(record, source, quote, field=""):
    return Citation.objects.create(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
        source=source, quote=quote, field=field,
    )  # fmt: skip


def test_a_sentence_cited_for_several_facts_is_one_footnote(client):
    deal = f.deal("Footnoted deal")
    agreement = f.agreement(deal, title="Footnoted memo")
    source = f.source()
    sentence = "The parties signed a memorandum on tungsten."
    _cite(deal, source, sentence)
    _cite(agreement, source, sentence, field="title")
    _cite(agreement, source, sentence, field="signed_on")
    _cite(agreement, source, "A different sentence.")
    body = client.get(reverse("deal-detail", args=[deal.slug])).content.decode()
    panel = body.split('id="sources-heading"')[1]
    assert panel.count("<blockquote") == 2
    assert "<code>title</code>, <code>signed_on</code>" in panel
    memo = body.split("Footnoted memo")[1].split("</h3>")[0]
    assert re.findall(r"\[(\d+)\]", memo) == ["1", "2"]


def test_the_change_log_shows_published_states_only(client):
    deal = f.deal("Logged deal")
    memo = f.agreement(deal, title="Public memo v1")
    memo.title = "Public memo v2"
    memo.save()
    draft = f.agreement(deal, title="Secret draft memo", publication="draft")
    draft.title = "Secret draft memo v2"
    draft.save()
    body = client.get(reverse("deal-detail", args=[deal.slug])).content.decode()
    log = body.split('id="change-log-heading"')[1].split("</section>")[0]
    assert "Public memo v2" in log and "Secret" not in body
    assert "Last updated" in body
