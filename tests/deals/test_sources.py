"""Sources as first-class records: partial dates, any language, kept copies, relations."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse

from deals import services
from deals.models import Citation, Source, SourceRelation
from deals.services.citations import add_citation
from deals.services.sources import relate_sources, save_source
from tests import factories as f


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def new_source(**kw) -> Source:
    values = {
        "slug": "xinhua-lithium",
        "publisher": "Xinhua",
        "title": "锂矿项目在哈萨克斯坦启动",
        "language": "zh",
        "published": dt.date(2025, 1, 1),
        "published_precision": "year",
        "publication": "published",  # shown to the public (sources are drafts until published)
    }
    return Source(**values | kw)  # fmt: skip


def test_a_chinese_source_dated_only_by_its_year(db, client):
    source = save_source(None, new_source(accessed=dt.date(2026, 3, 2)))
    text = text_of(client.get(reverse("source-detail", args=[source.slug])))
    assert "Published 2025 " in text and "1 January" not in text
    assert "Language Chinese" in text and "Accessed 2 March 2026" in text


def test_a_month_precise_date_falls_on_the_first(db):
    with pytest.raises(ValidationError) as refused:
        save_source(None, new_source(published=dt.date(2025, 3, 14), published_precision="month"))
    assert "precision" in str(refused.value)
    march = new_source(published=dt.date(2025, 3, 1), published_precision="month")
    saved = save_source(None, march)
    assert str(saved.date) == "March 2025"


@pytest.mark.parametrize("code", ["xx", "zz", "RU", "rus"])
def test_a_language_outside_iso_639_1_is_refused(db, code):
    with pytest.raises(ValidationError) as refused:
        save_source(None, new_source(language=code))
    assert "language" in refused.value.message_dict


def test_the_database_refuses_an_unknown_language_too(db):
    source = f.source(language="zh")
    with pytest.raises(Exception, match="source_language_iso_639_1"):
        Source.objects.filter(pk=source.pk).update(language="xx")


def test_a_source_read_before_it_was_published_is_refused(db):
    with pytest.raises(ValidationError, match="before it was published"):
        save_source(None, new_source(accessed=dt.date(2024, 12, 31)))


def test_an_uploaded_copy_is_kept_with_its_sha256(db, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = "Полный текст статьи.\n".encode() * 100
    source = new_source(archive=SimpleUploadedFile("article.txt", content))
    save_source(None, source)
    source.refresh_from_db()
    assert source.archive_sha256 == hashlib.sha256(content).hexdigest()
    page = text_of(client.get(reverse("source-detail", args=[source.slug])))
    assert source.archive_sha256 in page
    download = client.get(reverse("source-copy", args=[source.slug]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]
    source.archive = None
    save_source(None, source)
    source.refresh_from_db()
    assert source.archive_sha256 == ""
    assert client.get(reverse("source-copy", args=[source.slug])).status_code == 404


def test_a_copy_of_an_unsafe_type_is_refused(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as refused:
        save_source(None, new_source(archive=SimpleUploadedFile("run.exe", b"MZ")))
    assert "archive" in refused.value.message_dict


def test_relations_are_shown_on_both_sources(db, client):
    original = f.source(publisher="The National Interest", language="en")
    translation = f.source(publisher="Charter97.org")
    relate_sources(None, translation, SourceRelation.Kind.TRANSLATION_OF, original)
    text = text_of(client.get(reverse("source-detail", args=[translation.slug])))
    assert "Translation of: The National Interest" in text
    text = text_of(client.get(reverse("source-detail", args=[original.slug])))
    assert "Charter97.org" in text and "translates this source" in text


def test_a_source_cannot_relate_to_itself_or_twice(db):
    a, b = f.source(), f.source()
    with pytest.raises(ValidationError, match="itself"):
        relate_sources(None, a, "relies_on", a)
    first = relate_sources(None, a, "relies_on", b)
    assert relate_sources(None, a, "relies_on", b) == first
    with pytest.raises(ValidationError):
        services.save(None, SourceRelation(source=a, other=b, kind="relies_on"))
    assert SourceRelation.objects.count() == 1


def test_a_source_others_rely_on_cannot_be_deleted(db):
    a, b = f.source(), f.source()
    relate_sources(None, a, "relies_on", b)
    with pytest.raises(ProtectedError):  # the API answers it with a 409
        services.delete(None, b)
    services.delete(None, a)  # its own relations go with it
    assert not SourceRelation.objects.exists()


def test_the_source_page_groups_citing_facts_by_record_and_links_them(client, seeded):
    source = Source.objects.get(slug="baq-2025-11-07")
    response = client.get(reverse("source-detail", args=[source.slug]))
    body, text = response.content.decode(), text_of(response)
    assert "cited for" not in text and "#" + "2" not in text
    assert 'href="/deals/katpar-kairakty-tungsten/"' in body
    assert re.search(r"Deal\s*</span>\s*<a href=\"/deals/katpar-kairakty-tungsten/\"", body)
    quotes = Citation.objects.filter(source=source).count()
    assert body.count('<li id="quote-') == quotes


def test_an_unverified_or_paraphrased_citation_says_so(db, client):
    deal = f.deal("Lithium deal")
    source = f.source(publisher="Test Wire")
    citation = add_citation(None, deal, source, "Someone said lithium.")
    citation.unverified, citation.quote_kind = True, "paraphrase"
    services.save(None, citation)
    text = text_of(client.get(reverse("source-detail", args=[source.slug])))
    assert "Paraphrase" in text and "Unverified" in text
    text = text_of(client.get(reverse("deal-detail", args=[deal.slug])))
    assert "paraphrase" in text and "unverified" in text


def test_the_sources_index_filters_and_costs_the_same_whatever_its_size(
    db, client, django_assert_num_queries, django_assert_max_num_queries
):
    first = f.source(publisher="Xinhua", language="zh")
    relate_sources(None, first, "relies_on", f.source(publisher="Reuters", language="en"))
    with django_assert_max_num_queries(4) as few:
        client.get(reverse("source-list"))
    for i in range(12):
        relate_sources(None, f.source(publisher=f"Wire {i}"), "republished_from", first)
    with django_assert_num_queries(len(few.captured_queries)):
        text = text_of(client.get(reverse("source-list")))
    assert "Republished from Xinhua" in text
    rows = re.findall(r"<td>([^<]+)</td><td><time", client.get(
        reverse("source-list"), {"language": "zh"}).content.decode())  # fmt: skip
    assert rows == ["Xinhua"]
    assert client.get(reverse("source-list"), {"language": "xx"}).status_code == 400


def test_seeded_sources_carry_the_relations_the_articles_state(seeded):
    relations = {(r.source.slug, r.kind, r.other.publisher) for r in
                 SourceRelation.objects.select_related("source", "other")}  # fmt: skip
    assert relations == {
        ("charter97-2025-11-06", "translation_of", "The National Interest"),
        ("ng-2025-09-03", "relies_on", "Forbes.kz"),
    }
    assert Source.objects.get(slug="national-interest-2025").date.iso() == "2025"


def test_every_event_links_its_sources_on_the_timeline(client, seeded):
    body = client.get(reverse("home")).content.decode()
    events = re.findall(r'<article class="entry event">.*?</article>', body, re.S)
    assert events
    assert all('href="/sources/' in event for event in events)
