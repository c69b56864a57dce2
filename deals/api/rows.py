"""The agreements list and CSV export from ``values()`` rows, not a serializer per record.

Through the list serializer a page of 100 agreements costs about 1,500 model
instances and 20,000 serializer-field calls. ``AgreementRows`` builds the same JSON
items (and the CSV cells from them) from the declaration in
``deals.representations.agreement``: one ``values()`` query for the page, one per
nested list (parties with their companies, deposits, commodities). The output
must equal the serializer's; ``tests/api/test_rows.py`` checks it.
"""

from minerals_portal.api.rows import RepresentationRows, loose_date

from ..representations.agreement import AgreementRepresentation

AgreementRows = RepresentationRows(AgreementRepresentation)

__all__ = ["AgreementRows", "loose_date"]
