"""Cleaning: boilerplate removal, casing hints, degraded-text detection and repair."""
