"""Notification rules and gates, on dated event fixtures (plain data in, plain data out)."""

from __future__ import annotations

import datetime as dt

import pytest
from events import event, partner_block, support_block

from packetgen.pipeline.gates import event_gates, gates_for
from packetgen.pipeline.rules import THRESHOLD_TYPES, notification, notification_triggers

AS_OF = dt.date(2026, 12, 20)


def rules_of(pairs: list, event_id: str) -> set[str]:
    return {t.rule for t in notification_triggers(pairs, event_id)}


def escalations(*times: str) -> list:
    return [(f"e{i}", event(occurred_at=t)) for i, t in enumerate(times, 1)]


def test_a_single_escalation_needs_no_notification() -> None:
    pairs = escalations("2026-11-02 19:40")
    assert rules_of(pairs, "e1") == set()
    assert notification(pairs, "e1", AS_OF).state == "not-required"


def test_two_crisis_contacts_in_30_days_do_not_trigger() -> None:
    pairs = escalations("2026-11-01 19:00", "2026-11-20 19:00")
    assert "three-in-thirty" not in rules_of(pairs, "e2")


def test_three_crisis_contacts_within_30_days_trigger_and_name_the_events() -> None:
    pairs = escalations("2026-11-01 19:00", "2026-11-15 08:00", "2026-11-30 23:00")
    (trigger,) = notification_triggers(pairs, "e3")
    assert trigger.rule == "three-in-thirty"
    assert [ref.id for ref in trigger.events] == ["e1", "e2", "e3"]
    assert "3 crisis contacts within 30 days" in trigger.reason
    # The earlier events did not complete a pattern when they happened.
    assert rules_of(pairs, "e1") == rules_of(pairs, "e2") == set()


def test_three_crisis_contacts_spread_across_31_days_do_not_trigger() -> None:
    pairs = escalations("2026-11-01 07:00", "2026-11-15 12:00", "2026-12-01 07:00")
    assert rules_of(pairs, "e3") == set()


def test_the_window_slides_a_fourth_contact_can_complete_a_new_pattern() -> None:
    pairs = escalations("2026-10-01 19:00", "2026-10-25 19:00", "2026-11-05 19:00", "2026-11-20 19:00")
    assert "three-in-thirty" not in rules_of(pairs, "e3")  # 1 Oct to 5 Nov is 36 days
    refs = [t for t in notification_triggers(pairs, "e4") if t.rule == "three-in-thirty"][0].events
    assert [r.id for r in refs] == ["e2", "e3", "e4"]


def test_events_that_are_not_crisis_contacts_do_not_count() -> None:
    pairs = escalations("2026-11-01 19:00", "2026-11-10 19:00")
    pairs.append(("e3", event(occurred_at="2026-11-12 10:00", type="hospital-return")))
    pairs.append(("e4", event(occurred_at="2026-11-13 10:00", type="other", crisis_contact=True)))
    assert "three-in-thirty" not in rules_of(pairs, "e3")
    assert "three-in-thirty" in rules_of(pairs, "e4")


@pytest.mark.parametrize("kind", sorted(THRESHOLD_TYPES))
def test_each_threshold_type_requires_notification(kind: str) -> None:
    pairs = [("x", event(type=kind))]
    note = notification(pairs, "x", AS_OF)
    assert note.required and [t.rule for t in note.triggers] == ["threshold-type"]
    assert THRESHOLD_TYPES[kind] in note.triggers[0].reason


@pytest.mark.parametrize(
    "fields, rule",
    [
        ({"repeated_escalation": True}, "repeated-escalation"),
        ({"family_contact": {"contacted": True, "summary": "Upset", "major_concern": True}}, "family-concern"),
        ({"temporary_support": support_block(affects_authorization=True)}, "support-authorization"),
        ({"support_plan_changed": True}, "support-plan-changed"),
        ({"service_planning_issue": "No respite beds in the county"}, "service-planning"),
    ],
)
def test_flags_that_require_notification(fields: dict, rule: str) -> None:
    assert rules_of([("x", event(**fields))], "x") == {rule}


def test_a_support_increase_within_authorization_is_not_a_threshold() -> None:
    assert rules_of([("x", event(temporary_support=support_block()))], "x") == set()


@pytest.mark.parametrize(
    "notified, as_of, state",
    [
        (None, dt.date(2026, 11, 3), "due"),  # due 3 Nov 19:40: still due on the 3rd
        (None, dt.date(2026, 11, 4), "overdue"),
        ("2026-11-03 09:00", dt.date(2026, 11, 20), "notified"),
        ("2026-11-04 09:00", dt.date(2026, 11, 20), "late"),
    ],
)
def test_notification_state(notified: str | None, as_of: dt.date, state: str) -> None:
    pairs = [("x", event(type="injury", case_manager={"notified_at": notified} if notified else {}))]
    note = notification(pairs, "x", as_of)
    assert note.state == state
    assert note.due_at == dt.datetime(2026, 11, 3, 19, 40)
    if notified == "2026-11-03 09:00":
        assert note.hours_to_notify == 13.3


def test_a_complete_event_has_no_gates() -> None:
    complete = event(
        temporary_support=support_block(beyond_authorized_scope=True, window_ends="2026-11-10"),
        partners=[partner_block()],
        case_manager={
            "notified_at": "2026-11-03 09:00",
            "requested_action": "Review",
            "response": {"text": "Booked", "received_at": "2026-11-03 12:00"},
        },
    )
    assert event_gates(complete, dt.date(2026, 11, 8)) == []


@pytest.mark.parametrize(
    "fields, code, documents",
    [
        ({"next_update": {"due": "2026-11-05 12:00"}}, "no-supervisor", {"case-manager-update", "governance-update"}),
        (
            {"temporary_support": support_block(beyond_authorized_scope=True)},
            "support-beyond-scope",
            {"support-request", "governance-update"},
        ),
        (
            {"temporary_support": support_block(window_ends="2026-11-10")},
            "support-past-window",
            {"support-request", "governance-update"},
        ),
        (
            {"case_manager": {"notified_at": "2026-11-03 09:00", "requested_action": "Review"}},
            "no-response",
            {"case-manager-update", "governance-update"},
        ),
        ({"partners": [partner_block(action_owner=None)]}, "gap-without-owner", {"partnership-review"}),
        ({"partners": [partner_block(return_checklist=None)]}, "no-return-checklist", {"return-checklist"}),
    ],
)
def test_each_gate(fields: dict, code: str, documents: set[str]) -> None:
    gates = event_gates(event(**fields), dt.date(2026, 11, 20))
    assert [g.code for g in gates] == [code]
    assert set(gates[0].documents) == documents
    assert all(gates_for(gates, d) for d in documents)


def test_support_past_window_is_fine_when_the_case_manager_was_told_or_it_ended_in_time() -> None:
    told = event(temporary_support=support_block(window_ends="2026-11-10", extension_notified_at="2026-11-10 16:00"))
    ended = event(temporary_support=support_block(window_ends="2026-11-10", ended="2026-11-09"))
    running = event(temporary_support=support_block(window_ends="2026-11-10"))
    assert event_gates(told, dt.date(2026, 11, 20)) == []
    assert event_gates(ended, dt.date(2026, 11, 20)) == []
    assert event_gates(running, dt.date(2026, 11, 10)) == []  # on the last day of the window: not yet past
    assert [g.code for g in event_gates(running, dt.date(2026, 11, 11))] == ["support-past-window"]


def test_a_checklist_without_a_crisis_plan_decision_is_gated() -> None:
    partner = partner_block()
    partner["return_checklist"] = dict(partner["return_checklist"], crisis_plan_update_needed=None)
    assert [g.code for g in event_gates(event(partners=[partner]), AS_OF)] == ["no-plan-decision"]
