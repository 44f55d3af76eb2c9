"""Simulated GPON OLTs for tests, demos and benchmarks (plain Python, no Django)."""
