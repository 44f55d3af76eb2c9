"""The dashboard speaks Spanish to a Spanish browser, and English otherwise."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import translation

from oltflow.jobs.choices import ExecutionStatus
from oltflow.web.tests.fixtures import World, add_execution


def test_a_spanish_browser_gets_spanish_pages(browser: Client, world: World) -> None:
    olt = world.olts[0]
    add_execution(world, olt, "discovery", ExecutionStatus.RUNNING, ago=timedelta(seconds=30))

    fleet = browser.get(reverse("web:fleet"), HTTP_ACCEPT_LANGUAGE="es-AR,es;q=0.9").content
    olt_page = browser.get(reverse("web:olt", args=[olt.pk]), HTTP_ACCEPT_LANGUAGE="es").content

    fleet_text, olt_text = fleet.decode(), olt_page.decode()
    assert '<html lang="es' in fleet_text
    for words in ("Flota", "Ejecuciones", "ONU presentes / total", "en ejecución", "pendientes"):
        assert words in fleet_text, words
    for words in ("Última hora", "Por qué espera", "Serie o descripción", "Potencia RX (dBm)"):
        assert words in olt_text, words


def test_an_english_browser_gets_english_pages(browser: Client, world: World) -> None:
    page = browser.get(reverse("web:fleet"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content

    assert b"Fleet" in page and b"Flota" not in page


def test_the_language_can_be_chosen_in_the_page(browser: Client, world: World) -> None:
    browser.post(reverse("set_language"), {"language": "es", "next": "/"})

    assert "Flota" in browser.get(reverse("web:fleet")).content.decode()


def test_every_dashboard_string_has_a_spanish_translation() -> None:
    from oltflow.web.templatetags.oltflow_web import OLT_STATES, QUEUE_REASONS

    with translation.override("es"):
        for label in [*QUEUE_REASONS.values(), *OLT_STATES.values()]:
            with translation.override("en"):
                english = str(label)
            assert str(label) != english, english
