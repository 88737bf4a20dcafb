"""Validation: SHACL shapes compiled to SPARQL, the layered validation of a build batch
by batch, its worker pool, and the closure constraints checked as the dump is written.
Imports query and the shared modules."""
