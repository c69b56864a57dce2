"""The timeline page as its templates render it: escaped, translated, cached as one body."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_entry_text_is_escaped_and_linked_to_its_deal(client):
    deal = f.deal("Mine <b>& mill</b>")
    f.agreement(deal, title='Offtake <script>alert("x")</script>')
    body = client.get(reverse("home")).content.decode()
    assert "<script>alert" not in body
    assert "Offtake &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert f'<a href="/deals/{deal.slug}/">Mine &lt;b&gt;&amp; mill&lt;/b&gt;</a>' in body


def test_entries_speak_the_interface_language(client):
    f.agreement(f.deal("Russian reader's deal"), title="Memorandum on tungsten")
    client.cookies["django_language"] = "ru"
    body = client.get(reverse("home")).content.decode()
    assert "Сделка: <a" in body and "Memorandum on tungsten" in body


def test_a_cached_page_shows_the_filters_as_typed_and_reads_no_records(client):
    f.agreement(f.deal("Kazakh deal"), title="Cached agreement")
    cache.clear()
    lower = client.get(reverse("home"), {"country": "kz"}).content.decode()
    upper = client.get(reverse("home"), {"country": "KZ"}).content.decode()
    assert 'name="country" value="kz"' in lower and 'name="country" value="KZ"' in upper
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(reverse("home"), {"country": "kz"}).content.decode()
    body = '<form class="filters"'  # the page's own part (the language form has a fresh token)
    assert again.split(body)[1] == lower.split(body)[1] and "Cached agreement" in again
    # Only the data version, which the cache key needs: no record, no choice list is read.
    assert len(ctx.captured_queries) == 1, [q["sql"][:60] for q in ctx.captured_queries]


def test_a_page_with_invalid_filters_is_never_served_from_the_cache(client):
    first = client.get(reverse("home"), {"date_after": "soon"})
    second = client.get(reverse("home"), {"date_after": "later"})
    assert first.status_code == second.status_code == 400
    assert 'value="later"' in second.content.decode()
    assert 'aria-invalid="true"' in second.content.decode()
