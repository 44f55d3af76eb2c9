"""The dashboard pages: fleet, OLT, ONU and executions, and their live fragments."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oltflow.jobs.choices import ExecutionStatus
from oltflow.web.tests.fixtures import World, add_execution, add_olt, add_onu, add_samples


def test_pages_need_a_signed_in_user(client: Client, world: World) -> None:
    for url in (reverse("web:fleet"), reverse("web:olt", args=[world.olts[0].pk])):
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer.url.startswith(reverse("web:login"))


def test_a_reader_can_sign_in_and_see_the_fleet(client: Client, reader, world: World) -> None:
    answer = client.post(
        reverse("web:login"),
        {"username": "reader", "password": "correct horse battery staple"},
        follow=True,
    )

    assert answer.status_code == 200
    assert b"olt-a" in answer.content


def test_fleet_lists_every_olt_with_its_state(browser: Client, world: World) -> None:
    olt_a, olt_b, olt_c = world.olts
    add_execution(world, olt_a, "discovery", ExecutionStatus.RUNNING, ago=timedelta(seconds=20))
    add_execution(
        world,
        olt_b,
        "discovery",
        ExecutionStatus.FAILED,
        error="no answer from 192.0.2.2:161 after 2 tries",
        summary={"retryable": True},
    )

    page = browser.get(reverse("web:fleet")).content.decode()

    rows = {m[0]: m[1] for m in re.findall(r'data-olt="(\d+)">(.*?)</tr>', page, re.S)}
    assert "ONU discovery" in rows[str(olt_a.pk)] and "running" in rows[str(olt_a.pk)]
    assert "unreachable" in rows[str(olt_b.pk)]
    assert "no answer from 192.0.2.2:161" in rows[str(olt_b.pk)]
    assert "idle" in rows[str(olt_c.pk)]
    assert "40 / 40" in rows[str(olt_a.pk)]
    assert "0 / 0" in rows[str(olt_c.pk)]
    assert "of 25 pending" in page
    assert reverse("admin:index") in page


def test_fleet_page_queries_do_not_grow_with_the_fleet(browser: Client, world: World) -> None:
    def queries_for_fleet() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(reverse("web:fleet")).status_code == 200
        return len(captured)

    small = queries_for_fleet()
    for n in range(20):
        olt = add_olt(world, f"olt-more-{n}", onus=2, index=10 + n)
        add_execution(world, olt, "discovery", ExecutionStatus.FAILED, error="timeout")
        add_execution(world, olt, "get", ExecutionStatus.SUCCESS, ago=timedelta(minutes=1))
    large = queries_for_fleet()

    assert large == small
    assert large <= 15


def test_fleet_fragment_is_the_table_alone(browser: Client, world: World) -> None:
    answer = browser.get(reverse("web:fleet-fragment"))

    assert answer.status_code == 200
    assert b"<table" in answer.content and b"<html" not in answer.content


def test_olt_page_has_a_timeline_of_the_last_hour(browser: Client, world: World) -> None:
    olt = world.olts[0]
    ok = add_execution(world, olt, "discovery", ExecutionStatus.SUCCESS, ago=timedelta(minutes=50))
    bad = add_execution(
        world, olt, "get", ExecutionStatus.FAILED, ago=timedelta(minutes=10), error="x"
    )
    add_execution(world, olt, "get", ExecutionStatus.SUCCESS, ago=timedelta(hours=3))

    page = browser.get(reverse("web:olt", args=[olt.pk])).content.decode()

    svg = page[page.index('<svg class="timeline"') : page.index("</svg>")]
    assert svg.count('class="bar ') == 2
    assert f"#execution-{ok.pk}" in svg and f"#execution-{bad.pk}" in svg
    assert 'class="bar kind-discovery status-SUCCESS"' in svg
    assert 'class="bar kind-get status-FAILED"' in svg


def test_olt_live_fragment(browser: Client, world: World) -> None:
    answer = browser.get(reverse("web:olt-live", args=[world.olts[0].pk]))

    assert answer.status_code == 200
    assert b'<svg class="timeline"' in answer.content and b"<html" not in answer.content


def test_olt_page_searches_onus_by_serial(browser: Client, world: World) -> None:
    olt = world.olts[0]
    onu = add_onu(world, olt, slot=12, port=3, onu_id=9, serial="HWTCDEADBEEF")

    page = browser.get(reverse("web:olt", args=[olt.pk]), {"q": "deadbeef"}).content.decode()

    assert "HWTCDEADBEEF" in page
    assert reverse("web:onu", args=[onu.pk]) in page
    assert page.count('href="/onus/') == 1


def test_olt_page_filters_sorts_and_paginates_onus(browser: Client, world: World) -> None:
    olt = world.olts[0]
    weakest = add_onu(world, olt, slot=2, port=1, onu_id=7, rx_power=-31.25)
    for n in range(20):
        add_onu(world, olt, slot=8, port=n // 4, onu_id=n % 4)
    url = reverse("web:olt", args=[olt.pk])

    first_page = browser.get(url).content.decode()
    second_page = browser.get(url, {"page": 2}).content.decode()
    by_slot = browser.get(url, {"slot": 2, "port": 1}).content.decode()
    by_rx = browser.get(url, {"sort": "rx_power"}).content.decode()

    assert first_page.count('href="/onus/') == 50
    assert second_page.count('href="/onus/') == 11
    assert "page 2 of 2" in second_page
    assert by_slot.count('href="/onus/') == 5
    first_link = re.search(r'href="(/onus/\d+/)"', by_rx)[1]
    assert first_link == reverse("web:onu", args=[weakest.pk])


def test_onu_page_shows_values_and_an_rx_chart(browser: Client, world: World) -> None:
    onu = world.olts[0].onus.first()
    add_samples(world, onu, 200, every=timedelta(minutes=10))

    day = browser.get(reverse("web:onu", args=[onu.pk])).content.decode()
    week = browser.get(reverse("web:onu", args=[onu.pk]), {"hours": 168}).content.decode()

    assert "run_status" in day and "online" in day
    assert '<polyline class="series"' in day
    assert "143 samples" in day  # the oldest of the last 144 is just over 24 h old
    assert "200 samples" in week


def test_executions_page_filters(browser: Client, world: World) -> None:
    olt_a, olt_b = world.olts[:2]
    failed = add_execution(world, olt_a, "get", ExecutionStatus.FAILED, error="timeout")
    ok = add_execution(world, olt_b, "discovery", ExecutionStatus.SUCCESS, summary={"rows": 8})

    every = browser.get(reverse("web:executions")).content.decode()
    failures = browser.get(reverse("web:executions"), {"status": "FAILED"}).content.decode()
    on_b = browser.get(reverse("web:executions"), {"olt": olt_b.pk}).content.decode()

    assert f'id="execution-{failed.pk}"' in every and f'id="execution-{ok.pk}"' in every
    assert f'id="execution-{ok.pk}"' not in failures
    assert f'id="execution-{failed.pk}"' not in on_b
    assert "rows=8" in on_b


def test_an_unreachable_olt_stays_unreachable_while_it_tries_again(
    browser: Client, world: World
) -> None:
    olt = world.olts[1]
    add_execution(
        world,
        olt,
        "discovery",
        ExecutionStatus.FAILED,
        ago=timedelta(minutes=1),
        error="SnmpTimeoutError: no answer within 2 s walking 1.3.6.1 on 192.0.2.2:161",
    )
    add_execution(world, olt, "get", ExecutionStatus.RUNNING, ago=timedelta(seconds=2))

    page = browser.get(reverse("web:fleet")).content.decode()

    row = re.search(rf'<tr class="state-(\w+)" data-olt="{olt.pk}">(.*?)</tr>', page, re.S)
    assert row[1] == "unreachable"
    assert "RX power" in row[2]


def test_a_success_that_sent_no_request_does_not_hide_unreachability(
    browser: Client, world: World
) -> None:
    silent, answering = world.olts[2], world.olts[1]
    for olt in (silent, answering):
        add_execution(
            world,
            olt,
            "discovery",
            ExecutionStatus.FAILED,
            ago=timedelta(minutes=2),
            error="SnmpTimeoutError: no answer within 2 s",
        )
    add_execution(
        world,
        silent,
        "get",
        ExecutionStatus.SUCCESS,
        ago=timedelta(minutes=1),
        summary={"onus": 0, "snmp_requests": 0},
    )
    add_execution(world, answering, "get", ExecutionStatus.SUCCESS, ago=timedelta(minutes=1))

    page = browser.get(reverse("web:fleet")).content.decode()

    states = dict((pk, state) for state, pk in re.findall(r'state-(\w+)" data-olt="(\d+)"', page))
    assert states[str(silent.pk)] == "unreachable"
    assert states[str(answering.pk)] == "idle"


def test_the_timeline_window_can_be_narrowed(browser: Client, world: World) -> None:
    olt = world.olts[0]
    add_execution(world, olt, "get", ExecutionStatus.SUCCESS, ago=timedelta(minutes=30))
    add_execution(world, olt, "get", ExecutionStatus.SUCCESS, ago=timedelta(minutes=5))

    hour = browser.get(reverse("web:olt-live", args=[olt.pk])).content.decode()
    ten = browser.get(reverse("web:olt-live", args=[olt.pk]), {"minutes": 10}).content.decode()

    assert hour.count('class="bar ') == 2 and "Last hour" in hour
    assert ten.count('class="bar ') == 1 and "Last 10 minutes" in ten


def test_onu_filters_offer_the_slots_ports_and_statuses_of_the_olt(
    browser: Client, world: World
) -> None:
    olt = world.olts[1]
    add_onu(world, olt, slot=6, port=9, onu_id=0, present=False)

    page = browser.get(reverse("web:olt", args=[olt.pk])).content.decode()

    start = page.index('<form method="get" class="filters"')
    form = page[start : page.index("</form>", start)]
    slots = re.search(r'<select name="slot".*?</select>', form, re.S)[0]
    statuses = re.search(r'<select name="status".*?</select>', form, re.S)[0]
    assert re.findall(r'<option value="(\d+)"', slots) == ["0", "6"]
    assert re.findall(r'<option value="(\w+)"', statuses) == ["offline", "online"]


def test_an_empty_fleet_points_to_the_configuration(browser: Client) -> None:
    page = browser.get(reverse("web:fleet")).content.decode()

    assert "No OLTs yet." in page
    assert reverse("admin:inventory_olt_add") in page
    assert browser.get(reverse("web:olt", args=[987654])).status_code == 404
    assert browser.get(reverse("web:onu", args=[987654])).status_code == 404
