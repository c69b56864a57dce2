"""Bulk import of agreements, parties, amounts and citations from CSV or XLSX.

``columns`` describes the one flat row format (and makes the templates),
``reading`` turns a file into numbered rows, ``importer`` validates and writes
them: a dry run previews every row, a real import is all or nothing.
"""
