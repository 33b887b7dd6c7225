"""The follow store: limits, persistence across reopening, all-or-nothing settling, the daily
count and dropping a user who blocked the bot."""

from __future__ import annotations

from datetime import date

import pytest

from bot.follow.store import MAX_FOLLOWS, FollowError, FollowStore


def test_follows_survive_reopening_and_are_per_user(tmp_path):
    store = FollowStore(tmp_path / "follows.sqlite")
    store.add(1, 10, "  Maria   Zakharova ", "person")
    store.add(1, 10, "grain exports", "topic")
    store.add(2, 20, "maria zakharova", "person")  # another user may follow the same
    store.close()
    again = FollowStore(tmp_path / "follows.sqlite")
    assert [(f.phrase, f.kind) for f in again.of_user(1)] == [
        ("Maria Zakharova", "person"), ("grain exports", "topic")]
    assert [f.chat_id for f in again.of_user(2)] == [20]
    assert len(again.all()) == 3


def test_limits_duplicates_and_empty_phrases(tmp_path):
    store = FollowStore(tmp_path / "f.sqlite")
    for n in range(MAX_FOLLOWS):
        store.add(1, 1, f"topic {n}", "topic")
    with pytest.raises(FollowError, match="20"):
        store.add(1, 1, "one more", "topic")
    store.add(2, 2, "one more", "topic")  # the limit is per user
    with pytest.raises(FollowError, match="already"):
        store.add(2, 2, "ONE MORE", "topic")
    with pytest.raises(FollowError):
        store.add(3, 3, "   ", "topic")
    assert store.remove(1, "Topic 3")
    assert not store.remove(1, "topic 3")
    store.add(1, 1, "one more", "topic")  # room again
    assert len(store.of_user(1)) == MAX_FOLLOWS


def test_settle_marks_seen_and_queues_alerts_together(tmp_path):
    store = FollowStore(tmp_path / "f.sqlite")
    follow = store.add(1, 10, "Zakharova", "person")
    assert not store.has_baseline()
    store.settle("gen-1", [("a1", "h1")], [])
    assert store.has_baseline() and store.knows("gen-1") and not store.knows("gen-2")
    assert store.unseen([("a1", "h1"), ("a1", "h2"), ("a2", "h1")]) == {("a1", "h2"), ("a2", "h1")}
    store.settle("gen-2", [("a1", "h2")], [(follow, "<b>new</b>")])
    store.close()
    store = FollowStore(tmp_path / "f.sqlite")
    assert store.unseen([("a1", "h2")]) == set()
    [alert] = store.owed()
    assert (alert.user_id, alert.chat_id, alert.follow_id, alert.html) == (1, 10, follow.id,
                                                                         "<b>new</b>")


def test_sent_counts_per_day_and_blocked_users_are_dropped(tmp_path):
    store = FollowStore(tmp_path / "f.sqlite")
    a = store.add(1, 10, "Zakharova", "person")
    b = store.add(2, 20, "Blinken", "person")
    store.settle("gen-1", [], [(a, "one"), (a, "two"), (b, "three")])
    first, second, third = store.owed()
    day = date(2026, 12, 4)
    store.delivered(first, day)
    store.delivered(second, day)
    assert store.sent_today(1, day) == 2 and store.sent_today(1, date(2026, 12, 5)) == 0
    assert store.drop_user(2) == 1
    assert store.owed() == [] and [f.user_id for f in store.all()] == [1]
    assert third not in store.owed()


def test_unfollow_drops_what_it_owed(tmp_path):
    store = FollowStore(tmp_path / "f.sqlite")
    a = store.add(1, 10, "Zakharova", "person")
    b = store.add(1, 10, "Blinken", "person")
    store.settle("gen-1", [], [(a, "one"), (b, "two")])
    store.remove(1, "zakharova")
    assert [x.html for x in store.owed()] == ["two"]
