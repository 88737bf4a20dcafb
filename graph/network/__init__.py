"""Partnership networks: views built from the graph, analyses, exports and pictures."""
