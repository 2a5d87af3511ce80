"""Registry use cases, split by concept: the catalogue of events, people, places and imports."""
