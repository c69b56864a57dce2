"""Moving a company's or a source's publication state through the API.

Companies and sources are written in the admin; the API lets a publisher publish
or withdraw one (``PATCH {"publication": …}``), and an editor submit one for
review, under the same rights and citation rule as agreements and amounts: the
write goes through ``deals.services`` like every other.
"""

from __future__ import annotations

from .. import services
from .writes import ServiceWrite


def publication_serializer(model):
    """A write form of ``model`` carrying only its publication state."""

    class PublicationWrite(ServiceWrite):
        service = services.save

        class Meta:
            fields = ["publication"]
            validators = []

    PublicationWrite.Meta.model = model
    PublicationWrite.__name__ = f"{model.__name__}PublicationWrite"
    return PublicationWrite


class PublicationWrites:
    """A read-only resource that also takes ``PATCH`` of ``publication``."""

    http_method_names = ["get", "patch", "head", "options"]
