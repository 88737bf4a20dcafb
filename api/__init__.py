"""nhskg.api: the read-only HTTP API and SPARQL endpoint over the published graph."""
