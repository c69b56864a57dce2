"""The partner REST API under ``/api/v1/``: the policies shared by every resource.

Resources live in ``deposits.api`` and ``deals.api``; this package holds what they
share: token authentication, role permissions, throttling, pagination, ordering,
CSV export, conditional GET (ETag), the error shape and the OpenAPI schema.
"""
