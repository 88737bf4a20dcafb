"""Building and publishing: the dump of the sources, the store loaded from it, the
statistics, and the publication of a build that passed validation (locally or to a
remote store). Imports validation, query, curated, reference and the shared modules."""
