"""Only the write layer (``deals/services``) writes domain records.

Walks every module of deals/, deposits/ and minerals_portal/ (outside
``services``, ``migrations`` and tests) and fails, naming file:line, where code
writes a domain record itself: ``.save()``, ``.create()``, ``.update()``,
``.delete()``, ``get_or_create``, ``update_or_create``, ``bulk_create`` or
``bulk_update`` on a domain model, its manager or a queryset of it, or on an
instance; or the admin's default writers (``super().save_model(…)`` and kin)
in an admin of a domain model.

Telling domain calls from others, statically:
* A chain through ``.objects`` / ``._base_manager`` / ``._default_manager`` is a
  write on the model it starts from: allowed only when that is a known
  non-domain model (``NOT_DOMAIN``); a variable holding a model class counts
  as a domain model.
* ``.save()`` / ``.delete()`` on anything else is an instance write unless the
  receiver is a known non-domain object (``SAFE_RECEIVERS``) or the call is
  ``form.save(commit=False)`` (builds, writes nothing).
* ``.update()`` outside a manager chain is a dict or set update: not a write.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOTS = ("deals", "deposits", "minerals_portal")
SKIPPED_DIRS = {"services", "migrations", "tests", "__pycache__"}
WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}
ADMIN_WRITERS = {"save_model", "delete_model", "delete_queryset", "save_formset", "save_related"}
MANAGERS = {"objects", "_base_manager", "_default_manager"}

# Models of the deals app that are not domain records, and why.
NOT_DOMAIN = {
    "Tombstone": "sync bookkeeping written by the signals of a service's delete",
    "ApiToken": "partners' credentials, not data about deals",
    "SeedRecord": "the seed loader's record of what it wrote, not data about deals",
    "RefreshState": "derived-view scheduling state",
    "ViewRefresh": "derived-view scheduling state",
    "User": "accounts (django.contrib.auth)",
    "WebhookEndpoint": "partners' webhook settings (deals.services.webhooks), not data about deals",
    "WebhookDelivery": "the webhook delivery log, not data about deals",
    "ChangeNote": "change-feed bookkeeping written by database triggers",
    "Change": "the change feed, written by its sequencer (deals.services.changes)",
    "FeedState": "change-feed bookkeeping written by its sequencer",
    "SlugHistory": "old slugs, written by deals.services.slugs",
}
# Receivers of .save()/.delete() that are not domain records, and why.
SAFE_RECEIVERS = {
    "cache": "Django's cache",
    "serializer": "a write serializer: its create/update call deals.services",
    "book": "an openpyxl workbook (import template)",
    "user": "an account",
    "services": "the write layer itself (deals.services.save / delete)",
    "seeded": "the seed loader's SeedRecord (what it wrote), not a domain record",
}
# Whole functions allowed to write, and why (keep short).
ALLOWED = {
    ("deals/signals.py", "touch"): (
        "advances the owning record's updated_at for partners' sync, run by the "
        "signals of a service's write"
    ),
    ("deals/models/versioning.py", "save"): "the model's own save (optimistic locking)",
    ("minerals_portal/common/models.py", "save"): "the model's own save (search key)",
    ("deals/models/sources.py", "save"): "the model's own save (hash of the uploaded copy)",
    ("minerals_portal/common/search.py", "rekey"): (
        "migrations rebuild the derived search_key column when the way keys are made changes"
    ),
    ("deals/management/commands/create_api_token.py", "handle"): "creates an account",
}


def derived_models() -> set[str]:
    """Derived-view tables (deals/aggregates.py rebuilds them): derived data, not records."""
    from deals.models.aggregates import Derived

    return {m.__name__ for m in apps.get_app_config("deals").get_models() if issubclass(m, Derived)}


def domain_models() -> set[str]:
    models = [m for label in ("deals", "deposits") for m in apps.get_app_config(label).get_models()]
    names = {m.__name__ for m in models}
    return names - set(NOT_DOMAIN) - derived_models()


def chain(node):
    """The attribute names along a receiver and its root (a Name, ``super()`` or other)."""
    names = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                return names, node.func.id + "()"
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            return names, node.id
        else:
            return names, None


class Finder(ast.NodeVisitor):
    def __init__(self, path: str, domain: set[str]):
        self.path, self.domain = path, domain
        self.functions: list[str] = []
        self.classes: list[ast.ClassDef] = []
        self.found: list[str] = []

    def visit_FunctionDef(self, node):
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.classes.append(node)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Call(self, node):
        self.generic_visit(node)
        if not isinstance(node.func, ast.Attribute):
            return
        method = node.func.attr
        names, root = chain(node.func.value)
        if method in ADMIN_WRITERS and root == "super()" and self.admin_of_domain_model():
            self.report(node, f"super().{method}() writes a domain record")
        if method not in WRITES or self.allowed():
            return
        if MANAGERS & set(names):
            if root in NOT_DOMAIN or root in derived_models() or root == "get_user_model()":
                return
            self.report(node, f"{root}.….{method}() writes a domain model")
        elif method in ("save", "delete"):
            if root in SAFE_RECEIVERS or any(
                k.arg == "commit" and getattr(k.value, "value", True) is False
                for k in node.keywords
            ):
                return
            self.report(node, f"{root}.….{method}() writes a record")
        elif method != "update":
            if root in SAFE_RECEIVERS:
                return
            self.report(node, f"{root}.….{method}() writes through a related manager")

    def admin_of_domain_model(self) -> bool:
        for cls in self.classes:
            for decorator in cls.decorator_list:
                if isinstance(decorator, ast.Call):
                    registered = {a.id for a in decorator.args if isinstance(a, ast.Name)}
                    if registered & self.domain:
                        return True
        return False

    def allowed(self) -> bool:
        return any((self.path, name) in ALLOWED for name in self.functions)

    def report(self, node, what):
        self.found.append(f"{self.path}:{node.lineno}: {what}")


def violations(source: str, path: str) -> list[str]:
    finder = Finder(path, domain_models())
    finder.visit(ast.parse(source))
    return finder.found


def checked_files():
    base = Path(settings.BASE_DIR)
    for root in ROOTS:
        for file in sorted((base / root).rglob("*.py")):
            relative = file.relative_to(base)
            if SKIPPED_DIRS & set(relative.parts[:-1]):
                continue
            yield file, relative.as_posix()


def test_only_the_write_layer_writes_domain_records():
    found = [v for file, path in checked_files() for v in violations(file.read_text(), path)]
    assert not found, "Domain records written outside deals/services:\n" + "\n".join(found)


def test_the_check_catches_a_planted_violation():
    planted = """
from deals.models import Amount

def sneaky(pk, amount, model):
    Amount.objects.filter(pk=pk).update(value=1)
    amount.value = 2
    amount.save()
    Amount.objects.create(value=3)
    model._base_manager.filter(pk=pk).delete()
    amount.citations.create(quote="x")

@admin.register(Amount)
class AmountAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
"""
    found = violations(planted, "deals/planted.py")
    assert [line.split(":")[1] for line in found] == ["5", "7", "8", "9", "10", "15"]
    harmless = """
from deals.models import Tombstone

def fine(form, data, cache):
    data.update({"a": 1})
    cache.delete("key")
    form.save(commit=False)
    Tombstone.objects.create(resource="deals", object_id=1)
"""
    assert violations(harmless, "deals/harmless.py") == []
