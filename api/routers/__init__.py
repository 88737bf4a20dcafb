"""One router per resource: organisations, partnerships, queries, network, SPARQL."""
