"""Who may read and write through the API, and who sees unpublished records.

Reading needs an authenticated user holding the model's ``view`` permission
(partners, analysts and editors all do); writing needs the model's ``add``,
``change`` or ``delete`` permission, which only editors (and superusers) hold;
which records an editor may change is decided by ``deals.services.rights``.
Drafts are shown to staff roles (editors, analysts) and superusers, never to
partners.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from deals.services.rights import has_model_permission

PARTNER = "partner"
EDITOR = "editor"
ANALYST = "analyst"
ROLE_GROUPS = (PARTNER, EDITOR, ANALYST)
PUBLISHER = "publisher"
DRAFT_READERS = (EDITOR, ANALYST, PUBLISHER)

WRITE_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def group_names(user) -> frozenset[str]:
    """The user's group names, fetched once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_portal_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._portal_group_names = cached
    return cached


def can_see_drafts(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(group_names(user) & set(DRAFT_READERS))


def _model_of(view):
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


class RolePermission(BasePermission):
    message = "Your role may only read through the API; writing needs an editor account."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = _model_of(view)
        if request.method in SAFE_METHODS:
            if model is None:
                return True
            needed = getattr(view, "read_permission", None) or _codename(model, "view")
            if not user.has_perm(needed):
                self.message = "Your account has no read access to this resource."
                return False
            return True
        if model is None:
            return user.is_superuser
        action = WRITE_ACTIONS.get(request.method)
        return action is not None and has_model_permission(user, action, model)


def _codename(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"
