"""Curated knowledge: what the source documents say, each fact with its exact quote.

data/sources/ holds the document texts and their metadata; data/curated/ holds one
YAML file of records per document. This package reads both, checks every quote
against its document, every organisation reference against the landscape and
every date, and turns the records into statements with Web Annotation evidence.
"""
