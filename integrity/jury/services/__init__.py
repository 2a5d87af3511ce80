"""Jury services: conflicts, the draw ceremony, marking and reconciliation (flush and audit only)."""
