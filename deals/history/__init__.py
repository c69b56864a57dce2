"""Change history of every domain record (see ``tracking``, ``context``, ``entries``, ``revert``).

Importing this package loads no models, so model modules can use ``tracking``.
"""
