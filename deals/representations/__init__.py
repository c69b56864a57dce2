"""The public representation of each model, declared once (see
``minerals_portal.api.representation``): the API's serializers and schema, the fast
list path, CSV export, import columns and the seed file's keys derive from it."""
