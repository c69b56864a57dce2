"""Keep partners' incremental sync honest.

* **Tombstones.** Deleting a record the API exposes, or unpublishing one, records a
  ``Tombstone`` so ``GET /api/v1/tombstones/?since=`` can tell syncing partners to
  drop it. Unpublishing a deal or an agreement also hides what belongs to it
  (agreements, parties, amounts, events), so those get tombstones too. A deleted
  record partners never saw leaves a tombstone without its slug (which could tell
  them something); the tombstone still moves the API's data version (ETags).
* **Touching parents.** A record's JSON includes rows kept elsewhere: an agreement
  lists its parties, every record its citations, a deal its deposits. When such a
  row changes, the owning record's ``updated_at`` is advanced so ``updated_since``
  finds it; re-publishing a deal or agreement touches what it had hidden.

Bulk ``QuerySet.update()``/``delete()`` bypass signals and so bypass this too.
"""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from deposits.models import Commodity, Deposit, DepositCommodity, ResourceEstimate

from .models import (
    Agreement,
    AgreementParty,
    Amount,
    Citation,
    Company,
    Deal,
    Event,
    Ownership,
    Publication,
    Source,
    Tombstone,
)
from .visibility import PUBLIC, visible

RESOURCES = {
    Deposit: "deposits",
    Commodity: "commodities",
    Company: "companies",
    Deal: "deals",
    Agreement: "agreements",
    AgreementParty: "parties",
    Amount: "amounts",
    Event: "events",
    Source: "sources",
}
PUBLISHABLE = (Deal, Agreement, Amount, Event, Company, Source, Deposit)
P = Publication.PUBLISHED


def touch(model, pks):
    pks = [pk for pk in pks if pk is not None]
    if pks and any(f.name == "updated_at" for f in model._meta.concrete_fields):
        model._base_manager.filter(pk__in=pks).update(updated_at=timezone.now())


def tombstone(records):
    Tombstone.objects.bulk_create(
        Tombstone(
            resource=RESOURCES[type(record)],
            object_id=record.pk,
            slug=getattr(record, "slug", "") or "",
        )
        for record in records
    )


def hidden_with(record):
    """Querysets of what disappears from partners' view along with ``record``."""
    if isinstance(record, Deal):
        return [
            Agreement.objects.filter(deal=record, publication=P),
            AgreementParty.objects.filter(agreement__deal=record, agreement__publication=P),
            Amount.objects.filter(deal=record, publication=P),
            Event.objects.filter(Q(deal=record) | Q(agreement__deal=record), publication=P),
        ]
    if isinstance(record, Agreement):
        return [
            AgreementParty.objects.filter(agreement=record),
            Amount.objects.filter(agreement=record, publication=P),
            Event.objects.filter(agreement=record, publication=P),
        ]
    if isinstance(record, Company):  # its roles, and the money it commits (deals.visibility)
        return [
            AgreementParty.objects.filter(company=record),
            Amount.objects.filter(investor=record, publication=P),
        ]
    if isinstance(record, Deposit):
        return [Amount.objects.filter(deposit=record, publication=P)]
    return []


# --- deletions ---------------------------------------------------------------------


def remember_visibility(sender, instance, **kwargs):
    condition = PUBLIC.get(sender)
    if condition is not None and getattr(instance, "slug", ""):
        instance._was_public = sender._base_manager.filter(condition, pk=instance.pk).exists()


def record_deletion(sender, instance, **kwargs):
    public = instance.__dict__.pop("_was_public", True)
    slug = (getattr(instance, "slug", "") or "") if public else ""
    Tombstone.objects.create(resource=RESOURCES[sender], object_id=instance.pk, slug=slug)


for _model in RESOURCES:
    uid = f"tombstone-{_model.__name__}"
    pre_delete.connect(remember_visibility, sender=_model, dispatch_uid=uid)
    post_delete.connect(record_deletion, sender=_model, dispatch_uid=uid)


# --- publication changes -----------------------------------------------------------


@receiver(pre_save)
def remember_publication(sender, instance, raw=False, update_fields=None, **kwargs):
    if sender not in PUBLISHABLE or raw or instance.pk is None:
        return
    if update_fields is not None and "publication" not in update_fields:
        return
    instance._publication_before = (
        sender._base_manager.filter(pk=instance.pk).values_list("publication", flat=True).first()
    )
    if instance._publication_before == P and instance.publication != P:
        instance._seen_before = seen_by_partners(instance)


def seen_by_partners(record):
    """Whether partners see ``record`` now, and the rows they see that it will hide with it.

    Read just before it is unpublished: a tombstone names (by slug) only what partners saw,
    not a draft that sat under the record.
    """
    shown = visible(type(record)._base_manager.filter(pk=record.pk), None).exists()
    return shown, [row for queryset in hidden_with(record) for row in visible(queryset, None)]


@receiver(post_save)
def follow_publication(sender, instance, created, raw=False, **kwargs):
    if sender not in PUBLISHABLE or raw:
        return
    before = instance.__dict__.pop("_publication_before", None)
    if created or before is None or before == instance.publication:
        return
    if before == P:
        shown, rows = instance.__dict__.pop("_seen_before", None) or seen_by_partners(instance)
        slug = instance.slug if shown else ""
        Tombstone.objects.create(resource=RESOURCES[sender], object_id=instance.pk, slug=slug)
        tombstone(rows)
    elif instance.publication == P:
        for queryset in hidden_with(instance):
            touch(queryset.model, queryset.values_list("pk", flat=True))


# --- touching the owning record ------------------------------------------------------


def owners(instance):
    """(model, pks) pairs whose JSON includes ``instance``."""
    if isinstance(instance, AgreementParty):
        return [(Agreement, [instance.agreement_id])]
    if isinstance(instance, (DepositCommodity, ResourceEstimate)):
        return [(Deposit, [instance.deposit_id])]
    if isinstance(instance, Ownership):
        return [(Company, [instance.parent_id, instance.child_id])]
    if isinstance(instance, Citation):
        model = instance.content_type.model_class()
        pairs = [(model, [instance.object_id])]
        if model is AgreementParty:
            party = AgreementParty.objects.filter(pk=instance.object_id).first()
            if party is not None:
                pairs.append((Agreement, [party.agreement_id]))
        return pairs
    return []


OWNED = (AgreementParty, DepositCommodity, ResourceEstimate, Ownership, Citation)


def touch_owners(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for model, pks in owners(instance):
        if model is not None:
            touch(model, pks)


for _model in OWNED:
    post_save.connect(touch_owners, sender=_model, dispatch_uid=f"touch-save-{_model.__name__}")
    post_delete.connect(touch_owners, sender=_model, dispatch_uid=f"touch-del-{_model.__name__}")


@receiver(m2m_changed)
def touch_linked(sender, instance, action, model, pk_set, **kwargs):
    """A deal's deposits, an event's companies…: both ends list each other."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    touch(type(instance), [instance.pk])
    if pk_set:
        touch(model, pk_set)
