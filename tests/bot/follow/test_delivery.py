"""Delivery of queued alerts: the daily cap, a blocked user dropped without stopping the rest,
a failed send kept for the next round."""

from __future__ import annotations

from bot.follow.delivery import Outcome, deliver
from bot.follow.store import Alert, FollowStore


def queued(tmp_path, per_user: dict[int, int]) -> FollowStore:
    store = FollowStore(tmp_path / "f.sqlite")
    alerts = []
    for user, count in per_user.items():
        for n in range(count):
            follow = store.add(user, user * 10, f"topic {n}", "topic")
            alerts.append((follow, f"alert {n} for {user}"))
    store.settle("gen-1", [], alerts)
    return store


async def test_at_most_the_daily_cap_per_user(tmp_path):
    store = queued(tmp_path, {1: 5, 2: 2})
    sent: list[Alert] = []

    async def send(alert: Alert) -> Outcome:
        sent.append(alert)
        return Outcome.SENT

    report = await deliver(store, send, per_day=3, gap=0, chat_gap=0)
    assert [a.user_id for a in sent] == [1, 1, 1, 2, 2]
    assert (report.sent, report.over_cap) == (5, 2)
    assert store.owed() == []  # over the cap is dropped, not sent tomorrow
    store.settle("gen-2", [], [(store.of_user(1)[0], "later today")])
    await deliver(store, send, per_day=3, gap=0, chat_gap=0)
    assert len(sent) == 5 and store.sent_today(1) == 3


async def test_blocked_user_is_dropped_and_the_others_still_get_theirs(tmp_path):
    store = queued(tmp_path, {1: 2, 2: 1, 3: 1})
    calls: list[int] = []

    async def send(alert: Alert) -> Outcome:
        calls.append(alert.user_id)
        return {1: Outcome.BLOCKED, 2: Outcome.FAILED}.get(alert.user_id, Outcome.SENT)

    report = await deliver(store, send, per_day=10, gap=0, chat_gap=0)
    assert calls == [1, 2, 3]  # the blocked user's second alert is not tried
    assert (report.blocked_users, report.failed, report.sent) == (1, 1, 1)
    assert store.of_user(1) == [] and len(store.of_user(2)) == 1
    assert [a.user_id for a in store.owed()] == [2]  # kept for the next round


async def test_refused_alert_is_dropped(tmp_path):
    store = queued(tmp_path, {1: 1})

    async def send(alert: Alert) -> Outcome:
        return Outcome.REFUSED

    report = await deliver(store, send, per_day=10, gap=0, chat_gap=0)
    assert report.refused == 1 and store.owed() == [] and len(store.of_user(1)) == 1
