"""Server-rendered analyst pages of the deals app (one module per page)."""
