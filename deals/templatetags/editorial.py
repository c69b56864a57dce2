"""``{% load editorial %}``: ``user|sees_drafts`` — whether the editorial links apply."""

from django import template

from minerals_portal.api.permissions import can_see_drafts

register = template.Library()


@register.filter
def sees_drafts(user) -> bool:
    return can_see_drafts(user)
