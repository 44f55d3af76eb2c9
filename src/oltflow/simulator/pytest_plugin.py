"""Pytest fixtures that start simulated OLTs on loopback.

The fixtures are being written; this module exists so that the root ``conftest.py`` can register
it already.
"""
