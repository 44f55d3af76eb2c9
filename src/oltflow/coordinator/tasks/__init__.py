"""Celery tasks, one module per worker role. Each looks up its input, calls a service and
returns; the decisions live in the services."""
