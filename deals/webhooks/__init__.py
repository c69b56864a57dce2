"""Signed webhooks fed from the change feed (see ``deals.webhooks.delivery``)."""
