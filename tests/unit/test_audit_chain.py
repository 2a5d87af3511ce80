from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from integrity.audit.domain import (
    GENESIS,
    EventRecord,
    canonical_json,
    event_hash,
    format_time,
    verify_chain,
)

T0 = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def build_chain(n: int) -> list[EventRecord]:
    events: list[EventRecord] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        at = T0 + dt.timedelta(seconds=seq)
        data = canonical_json({"n": seq, "name": "Әсел"})
        payload = {
            "seq": seq,
            "at": format_time(at),
            "actor_id": 1,
            "actor": "organiser",
            "action": "registry.add_school",
            "subject": f"school:{seq}",
            "data": {"n": seq, "name": "Әсел"},
        }
        digest = event_hash(prev, payload)
        events.append(
            EventRecord(
                seq, at, 1, "organiser", "registry.add_school", f"school:{seq}", data, prev, digest
            )
        )
        prev = digest
    return events


def test_an_untouched_chain_verifies_and_reports_its_head() -> None:
    chain = build_chain(5)
    report = verify_chain(chain, expected_head=(5, chain[-1].hash))
    assert report.ok
    assert report.events == 5
    assert report.head == chain[-1].hash


def test_the_empty_chain_verifies_against_the_genesis_head() -> None:
    assert verify_chain([], expected_head=(0, GENESIS)).ok


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("data", '{"n":3,"name":"Асел"}'),
        ("actor", "someone"),
        ("action", "registry.add_room"),
        ("subject", "school:99"),
        ("actor_id", 2),
        ("at", T0),
    ],
)
def test_editing_any_field_of_an_event_names_that_event(field: str, value: object) -> None:
    chain = build_chain(5)
    chain[2] = dataclasses.replace(chain[2], **{field: value})
    report = verify_chain(chain, expected_head=(5, chain[-1].hash))
    assert not report.ok
    assert report.first_broken == 3


def test_reordering_events_is_caught() -> None:
    chain = build_chain(4)
    chain[1], chain[2] = chain[2], chain[1]
    report = verify_chain(chain, expected_head=(4, chain[-1].hash))
    assert not report.ok
    assert report.first_broken == 3


def test_removing_an_event_in_the_middle_is_caught() -> None:
    chain = build_chain(4)
    del chain[1]
    report = verify_chain(chain, expected_head=(4, build_chain(4)[-1].hash))
    assert not report.ok
    assert report.first_broken == 3


def test_removing_the_newest_events_is_caught_by_the_stored_head() -> None:
    full = build_chain(5)
    report = verify_chain(full[:3], expected_head=(5, full[-1].hash))
    assert not report.ok
    assert report.first_broken == 4


def test_recomputing_every_hash_after_an_edit_still_fails_against_the_head() -> None:
    chain = build_chain(3)
    forged = build_chain(3)
    # A forger who rewrites event 2 and recomputes the rest produces a different head.
    forged[1] = dataclasses.replace(forged[1], data='{"n":2,"name":"forged"}')
    prev = forged[0].hash
    for i in range(1, 3):
        payload = forged[i].payload()
        forged[i] = dataclasses.replace(forged[i], prev_hash=prev, hash=event_hash(prev, payload))
        prev = forged[i].hash
    assert verify_chain(forged, expected_head=(3, forged[-1].hash)).ok
    assert not verify_chain(forged, expected_head=(3, chain[-1].hash)).ok


def test_canonical_json_is_key_order_independent_and_keeps_kazakh_letters() -> None:
    assert (
        canonical_json({"b": 1, "a": "қ"})
        == canonical_json({"a": "қ", "b": 1})
        == '{"a":"қ","b":1}'
    )


def test_canonical_json_refuses_floats_whose_text_is_not_stable() -> None:
    with pytest.raises(TypeError):
        canonical_json({"score": 7.5})


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_time(dt.datetime(2026, 1, 1))  # noqa: DTZ001
