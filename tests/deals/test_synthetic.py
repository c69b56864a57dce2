"""The synthetic benchmark world: fast to build, never mixed with real data, rules back on."""

import pytest
from django.db import IntegrityError, connection, transaction

from deals import synthetic
from deals.models import AgreementParty, Amount, Company, Source


@pytest.fixture
def bench_named(monkeypatch):
    """Let the test database pass for a benchmark one (its name says ``test_…``)."""
    monkeypatch.setattr(synthetic, "SAFE_NAME_PARTS", ("test_",))


@pytest.mark.django_db
def test_refuses_a_database_not_named_for_benchmarks():
    with pytest.raises(synthetic.NotABenchmarkDatabase, match="bench"):
        synthetic.generate(amounts=100)


@pytest.mark.django_db
def test_refuses_a_database_holding_real_sources(bench_named):
    Source.objects.create(
        slug="real-article", publisher="Kazinform", title="t", language="ru", published="2026-01-05"
    )
    with pytest.raises(synthetic.NotABenchmarkDatabase, match="real sources"):
        synthetic.generate(amounts=100)


@pytest.mark.django_db(transaction=True)
def test_generation_is_linear_and_leaves_every_rule_in_force(bench_named):
    sizes = synthetic.generate(amounts=20_000)  # quadratic before: minutes; now about a second
    assert Amount.objects.count() == sizes["amounts"] == 20_000

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'")
        assert cursor.fetchone()[0] == 0, "a table's triggers were left switched off"

    party = AgreementParty.objects.filter(role="investor").select_related("agreement").first()
    with pytest.raises(IntegrityError, match="100"), transaction.atomic():
        AgreementParty.objects.create(
            agreement=party.agreement, company=Company.objects.last(), role="investor", stake=5
        )

    amount = Amount.objects.first()
    amount.value += 1
    amount.save()
    assert amount.history.filter(pgh_label="update").count() == 1
