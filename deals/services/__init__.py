"""The write layer: the only code that creates, changes, deletes, publishes or reverts records.

Every function takes the acting user as ``actor`` first (``None``: the system, e.g.
the seed loader) and runs in ``transaction.atomic()``. Refusals are
``django.core.exceptions.ValidationError`` (a field → messages dict, non-field
messages under ``"__all__"``; bad input) and ``PermissionDenied`` (rights). Each
write is checked for rights (``rights``), validated (``full_clean``), given a
slug when it has none, saved with optimistic locking (``EditConflict``), labelled
in the history (``path`` optional: admin, api, import, seed, command, revert),
and database refusals become ``ValidationError`` (``refusals``). Checks that span
rows (stake totals, citations of published records) run at the end of the
outermost ``unit``; the derived-view refresh is requested once per transaction.

Generic (any domain record of the deals and deposits apps)
    unit(actor=None, path=None)                 several writes, one transaction, checks at the end
    save(actor, record, *, m2m=None, path=None) create or change; m2m = {field: objects} to set
    delete(actor, record, *, path=None)
    delete_many(actor, records, *, path=None)
    check_now()                                 run the end-of-unit checks of the current unit now

Per aggregate (thin, typed entry points over the generic ones)
    deals.save_deal / delete_deal
    agreements.save_agreement(actor, agreement, *, parties=None, m2m=None)
        parties: [{"company", "role", "stake", "held_via"}] replaces the list, keeping rows
    agreements.replace_parties / save_party / delete_party
    amounts.save_amount / delete_amount
    events.save_event / delete_event
    citations.add_citation(actor, record, source, quote, field="") / save_citation /
        delete_citation / replace_citations(actor, record, wanted)
    sources.save_source (hashes its uploaded copy) / delete_source / relate_sources /
        replace_relations(actor, source, [(kind, other)]) / delete_relation
    companies.save_company / delete_company / save_ownership / delete_ownership
    deposits.save_deposit / save_deposit_commodity / save_estimate / save_region /
        save_commodity and their delete_… counterparts
    rates.save_rate / delete_rate
    publication.change_publication(actor, records, state)   moves what belongs along
    history.revert_change(actor, model, event)
    slugs.unique_slug(model, text, fallback) / slugs.fill_slug(record)
    figures: a report marked in use becomes the record's value; an agreement's status
        follows its dated history (steps of ``save``/``delete``, see the module)
"""

from . import figures  # noqa: F401  (registers its steps of the generic write)
from .base import check_now, delete, delete_many, proposals, proposed, save, unit

__all__ = ["check_now", "delete", "delete_many", "proposals", "proposed", "save", "unit"]
