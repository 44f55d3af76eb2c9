"""The OpenAPI schema builds without warnings and validates against the OpenAPI spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


def test_schema_validates_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    text = out.read_text()
    for path in (
        "/api/v1/olts/{id}/queue/",
        "/api/v1/workflow-templates/{id}/apply/",
        "/api/v1/job-hosts/{id}/run-now/",
        "/api/v1/onus/{id}/samples/",
    ):
        assert path in text


@pytest.mark.django_db
def test_schema_is_served(admin_user) -> None:
    client = APIClient()
    client.force_authenticate(admin_user)

    answer = client.get("/api/schema/", {"format": "json"})

    assert answer.status_code == 200
    assert answer.json()["info"]["title"] == "oltflow API"
