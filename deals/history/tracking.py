"""Which changes become history events: ``@tracked`` on every domain model.

PostgreSQL triggers (django-pghistory) write one event row per insert, update
and delete, whatever the write path (ORM, bulk ``update()``, raw SQL), into a
``<Model>History`` table beside the model. An update that only moves
timestamps, the search key or the edit version leaves no event.
"""

import pghistory

# Columns whose change alone is bookkeeping, not an edit (first_as_of: kept by a trigger).
BOOKKEEPING = ("search_key", "version", "first_as_of", "first_as_of_precision")


def tracked(model_class):
    """Class decorator: record insert, update and delete events of ``model_class``."""
    names = {f.name for f in model_class._meta.local_fields}
    quiet = [name for name in BOOKKEEPING if name in names]
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude=quiet, exclude_auto=True)),
        pghistory.DeleteEvent(),
        model_name=f"{model_class.__name__}History",
        obj_field=pghistory.ObjForeignKey(related_name="history", related_query_name="history"),
    )(model_class)
