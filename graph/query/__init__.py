"""Querying: the store, the query workers and their sandbox, the SPARQL guard, the named
queries and their answers, result formats, the organisation lookup and the service
that ties them together. Imports only the shared modules."""
