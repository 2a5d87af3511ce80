"""Scan use cases, split by concept: kits before the round, ingest after it, the page queue and freeze."""
