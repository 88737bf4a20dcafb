"""Growing the graph from new papers: `nhskg ingest` finds the organisations a document
names, links them to their codes on the document's date and proposes evidenced records
for a person to accept (`nhskg review`). Nothing proposed is built until accepted.
"""
