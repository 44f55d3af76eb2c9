"""The dashboard in a real browser (Debian's chromium driven by Playwright) against a live
server, with simulated OLTs polled by the embedded coordinator.

Screenshots of the fleet page and of an OLT's timeline go to a temporary folder; with
``OLTFLOW_UPDATE_SCREENSHOTS=1`` they replace the ones in ``docs/screenshots/`` that the README
shows (so an ordinary test run leaves the working tree clean). For those, let the fleet run a
while first so the timeline has history: ``OLTFLOW_SCREENSHOT_MINUTES=10``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

from oltflow.inventory.models import Olt, OnuValue
from oltflow.simulator.spec import Fleet
from oltflow.web.demo import Demo, demo_fleet, prepare_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"
POLL_DEADLINE_SECONDS = 90


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """A fresh headless chromium page (a new temporary profile every time)."""
    if not CHROMIUM.exists():
        from conftest import require_service

        require_service("chromium", f"{CHROMIUM} is missing (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still
    # plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # Queries made while Playwright's loop runs use connections of their own context;
            # close them here or they outlive the test and block dropping the test database.
            connections.close_all()


@pytest.fixture
def polled_fleet(
    transactional_db: None, snmp_fleet_factory: Callable[[Fleet], Any]
) -> Iterator[Demo]:
    """Four demo OLTs (one slow, one silent) registered, with every job run once."""
    from oltflow.coordinator.runtime import start_local

    call_command("load_catalog", verbosity=0)
    olts = demo_fleet().olts
    smaller_slow = replace(olts[4], slots=1, ports_per_slot=4)
    fleet = snmp_fleet_factory(Fleet(olts=(olts[0], olts[1], smaller_slow, olts[7]), v3_user=None))
    runtime = start_local(tick_seconds=0.5)
    try:
        demo = prepare_demo(fleet)
        _wait_for(lambda: _polled(demo), "ONUs discovered and values read on the answering OLTs")
        if _updating_screenshots():
            time.sleep(60 * float(os.environ.get("OLTFLOW_SCREENSHOT_MINUTES", "0")))
        yield demo
    finally:
        runtime.stop(graceful=True, timeout=15)


def _polled(demo: Demo) -> bool:
    answering = [olt for olt in demo.olts if "down" not in olt.name]
    with_onus = Olt.objects.filter(pk__in=[o.pk for o in answering], onus__present=True)
    with_serials = OnuValue.objects.filter(onu__olt__in=answering, field="serial").exclude(text="")
    return with_onus.distinct().count() == len(answering) and with_serials.values(
        "onu__olt"
    ).distinct().count() == len(answering)


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + POLL_DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {POLL_DEADLINE_SECONDS} s: {what}")
        time.sleep(1)


def _updating_screenshots() -> bool:
    return os.environ.get("OLTFLOW_UPDATE_SCREENSHOTS") == "1"


def _screenshot_path(name: str, tmp_path: Path) -> Path:
    if _updating_screenshots():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS / name
    return tmp_path / name


def _sign_in(page: Any, live_server: Any, demo: Demo) -> None:
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", demo.username)
    page.fill("#id_password", demo.password)
    page.click("section.login button[type=submit]")
    page.wait_for_selector("table.fleet")


def test_a_user_session_on_the_dashboard_and_the_admin(
    browser_page: Any, live_server: Any, polled_fleet: Demo, tmp_path: Path
) -> None:
    page = browser_page
    silent = next(olt for olt in polled_fleet.olts if "down" in olt.name)
    _sign_in(page, live_server, polled_fleet)

    # The fleet page: every OLT, ONU counts, and the silent one shown unreachable.
    assert page.locator("table.fleet tbody tr").count() == 4
    page.wait_for_selector(f"tr.state-unreachable[data-olt='{silent.pk}']", timeout=60_000)
    assert "0 / 0" in page.locator(f"tr[data-olt='{silent.pk}']").inner_text()
    page.screenshot(path=str(_screenshot_path("fleet.png", tmp_path)), full_page=True)

    # An OLT page: the timeline has bars, then a search by serial finds one ONU.
    olt = Olt.objects.get(name="demo-zte-02")
    page.click(f"a[href='/olts/{olt.pk}/']")
    page.wait_for_selector("svg.timeline g.bar")
    page.click("section.timeline a[href='?minutes=10']")
    page.wait_for_selector("svg.timeline g.bar")
    page.locator("section.timeline").screenshot(
        path=str(_screenshot_path("olt-timeline.png", tmp_path))
    )
    serial = OnuValue.objects.filter(onu__olt=olt, field="serial").exclude(text="").first().text
    page.fill("input[name=q]", serial[-6:].lower())
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*q=.*"))
    links = page.locator("table.onus tbody a")
    assert links.count() == 1
    assert serial in page.locator("table.onus tbody").inner_text()

    # The ONU page.
    links.first.click()
    page.wait_for_selector("table.values")
    assert "serial" in page.locator("table.values").inner_text()

    # The admin: apply a template to a new OLT through the action and its preview.
    simulated = polled_fleet.olts[0]
    spare = Olt.objects.create(
        name="spare-huawei",
        brand=simulated.brand,
        model=simulated.model,
        host=simulated.host,
        snmp_port=simulated.snmp_port,
        community=simulated.community,
    )
    page.goto(f"{live_server.url}/admin/inventory/olt/")
    page.check(f"input[name=_selected_action][value='{spare.pk}']")
    page.select_option("select[name=action]", "apply_template_to_olts")
    page.click("button[name=index]")
    page.select_option("select[name=template]", label="Huawei GPON")
    page.click("input[type=submit]")
    page.wait_for_selector("#apply-report")
    assert "discovery.onus" in page.locator("#apply-report").inner_text()
    page.click("input[type=submit]")
    page.wait_for_selector("ul.messagelist")
    assert "Huawei GPON" in page.locator("ul.messagelist").inner_text()
    assert spare.job_hosts.count() == 10
