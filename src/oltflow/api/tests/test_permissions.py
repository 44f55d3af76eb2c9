"""Who may write: every signed-in user reads; writes need the model's Django permission."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from oltflow.web.tests.fixtures import World, make_user

WRITES = [
    ("post", "/api/v1/brands/", {"name": "Nokia"}),
    ("patch", "/api/v1/olts/{olt}/", {"retries": 2}),
    ("delete", "/api/v1/olts/{olt}/", None),
    ("post", "/api/v1/workflow-templates/{template}/apply/", {"olts": ["{olt}"]}),
    ("post", "/api/v1/workflow-templates/{template}/unapply/", {"olts": ["{olt}"]}),
    ("post", "/api/v1/job-hosts/{host}/run-now/", None),
]


def _fill(world: World, text: str) -> str:
    olt = world.olts[0]
    return text.format(olt=olt.pk, template=world.template.pk, host=world.host(olt, "discovery").pk)


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=lambda v: str(v)[:40])
def test_a_reader_gets_403_on_writes(
    reader_api: APIClient, world: World, method: str, path: str, body: dict | None
) -> None:
    if body is not None:
        body = {
            k: [int(_fill(world, x)) for x in v] if isinstance(v, list) else v
            for k, v in body.items()
        }

    answer = getattr(reader_api, method)(_fill(world, path), body, format="json")

    assert answer.status_code == 403


def test_a_reader_can_read(reader_api: APIClient, world: World) -> None:
    for path in ("/api/v1/olts/", "/api/v1/onus/", "/api/v1/executions/", "/api/v1/brands/"):
        assert reader_api.get(path).status_code == 200, path


def test_anonymous_requests_are_refused(world: World) -> None:
    client = APIClient()

    assert client.get("/api/v1/olts/").status_code in (401, 403)
    assert client.post("/api/v1/brands/", {"name": "x"}).status_code in (401, 403)


def test_a_model_permission_allows_exactly_that_write(world: World) -> None:
    editor = make_user("editor")
    editor.user_permissions.add(Permission.objects.get(codename="add_brand"))
    client = APIClient()
    client.force_authenticate(editor)

    assert client.post("/api/v1/brands/", {"name": "Nokia"}, format="json").status_code == 201
    brand = client.get("/api/v1/brands/", {"name": "Nokia"}).json()["results"][0]
    assert client.delete(f"/api/v1/brands/{brand['id']}/").status_code == 403


def test_token_authentication(api: APIClient, world: World) -> None:
    assert api.get("/api/v1/olts/").status_code == 200
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.get("/api/v1/olts/").status_code == 401


def test_session_authentication_needs_csrf_for_writes(admin_user, world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="operator", password="correct horse battery staple")

    assert client.get("/api/v1/olts/").status_code == 200
    assert client.post("/api/v1/brands/", {"name": "Nokia"}).status_code == 403


def test_a_script_gets_its_token_with_username_and_password(admin_user, world: World) -> None:
    client = APIClient()

    answer = client.post(
        "/api/v1/auth-token/",
        {"username": "operator", "password": "correct horse battery staple"},
        format="json",
    )
    wrong = client.post(
        "/api/v1/auth-token/", {"username": "operator", "password": "guess"}, format="json"
    )

    assert answer.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert client.get("/api/v1/olts/").status_code == 200
    assert wrong.status_code == 400 and "non_field_errors" in wrong.json()
