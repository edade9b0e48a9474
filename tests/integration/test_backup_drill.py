"""The restore drill: write while a backup runs, restore into an empty database, check it all.

On SQLite and PostgreSQL: bookings, points and help requests are written by
threads through the services while `create_backup` runs; the backup is
restored into a brand-new database; every row committed before the backup
started is there, nothing that never committed is, the points ledger sums
to zero, every meal slot counts its bookings, and no notification goes out
twice (dispatch is held after the restore; the release sends only what the
old system had not sent).
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.db import configure_database, dispose_database, session_scope
from core.wechat import AppCredentials, WeChatClient
from models.help_requests import CATEGORIES, HelpRequest
from models.meals import MealBooking, MealSlot
from models.messaging import Notification
from models.person import Person
from models.region import Community
from models.volunteers import PointsEntry
from scheduler.dispatcher import dispatch_due_notifications
from services import meals
from services.help_requests import submit_help_request
from services.meals.rollups import check_meal_rollups
from services.messaging.notifications import enqueue_notification
from services.messaging.outbox_hold import SKIPPED_NOTE, get_outbox_hold, release_outbox_hold
from services.operations import backup
from services.volunteers import reconcile_ledger
from tests import services as test_services
from tests.factories import make_community
from tests.meals_factories import make_canteen, make_elder
from tests.volunteer_factories import give_points, make_staff, make_volunteer

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 29)  # the frozen clock says 09:00; lunch orders close at 09:30
SEND_PATHS = ("/cgi-bin/message/custom/send", "/cgi-bin/message/subscribe/bizsend",
              "/cgi-bin/message/template/send")


@pytest.fixture
def empty_target(db, tmp_path) -> Iterator[str]:
    """A brand-new, empty database of the same kind as `db` (dropped afterwards)."""
    if db.backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored' / 'linli.db'}"
        yield url
        dispose_database(url)
        return
    name = f"linli_restore_{test_services.RUN_ID}_{uuid.uuid4().hex[:6]}"
    url = test_services.create_pg_database(name)
    yield url
    dispose_database(url)
    test_services.drop_pg_database(name)


@pytest.fixture
def wechat(fake_wechat, memory_kv) -> WeChatClient:
    return WeChatClient(base_url=fake_wechat.url, official=AppCredentials("wx_oa", "s"),
                        miniprogram=AppCredentials("wx_mp", "s"), kv=memory_kv,
                        timeout=2.0, backoff=0.01)


class Writer(threading.Thread):
    """Commit one service call after another until told to stop; remember what committed."""

    def __init__(self, name: str, write: Callable[[int], int | None]) -> None:
        super().__init__(name=name, daemon=True)
        self.write, self.committed, self.errors = write, [], []
        self.stop = threading.Event()
        self.grew = threading.Condition()

    def run(self) -> None:
        for n in itertools.count():
            if self.stop.is_set():
                return
            try:
                row_id = self.write(n)
            except Exception as exc:  # shown by the test's assert, never swallowed
                self.errors.append(repr(exc))
                return
            if row_id is None:
                return
            with self.grew:
                self.committed.append(row_id)
                self.grew.notify_all()

    def wait_for(self, count: int) -> None:
        with self.grew:
            self.grew.wait_for(lambda: len(self.committed) >= count or not self.is_alive(),
                               timeout=120)


def _world() -> dict[str, object]:
    with session_scope() as s:
        community = make_community(s)
        make_staff(s, community=community)
        canteen = make_canteen(s, community=community, capacity=500)
        elders = [make_elder(s, community=community).id for _ in range(3)]
        volunteer = make_volunteer(s, community=community)
        return {"canteen": canteen.id, "elders": elders, "volunteer": volunteer.id,
                "community": community.id}


def _writers(world: dict[str, object]) -> list[Writer]:
    """Three writers that never run out: each booking and request is a new elder's."""
    days = [TODAY + timedelta(days=d) for d in range(1, 8)]

    def book(n: int) -> int | None:
        with session_scope() as s:
            elder = make_elder(s, community=s.get(Community, world["community"]))
            booking = meals.book_meal(s, actor=elder, person_id=elder.id,
                                      canteen_id=world["canteen"], day=days[n % len(days)],
                                      meal="lunch", count=1 + n % 2, delivery=False)
            return booking.id

    def earn(_n: int) -> int | None:
        with session_scope() as s:
            record = give_points(s, volunteer=s.get(Person, world["volunteer"]), points=10)
            return record.id

    def ask(n: int) -> int | None:
        with session_scope() as s:
            elder = make_elder(s, community=s.get(Community, world["community"]))
            request = submit_help_request(s, actor=elder, category=CATEGORIES[n % len(CATEGORIES)],
                                          urgency="normal", description=f"请帮忙看看第{n}件事")
            return request.id

    return [Writer("bookings", book), Writer("points", earn), Writer("help", ask)]


def _ids(model: type) -> set[int]:
    with session_scope(readonly=True) as s:
        return set(s.scalars(select(model.id)))


def _sent_keys() -> set[str]:
    with session_scope(readonly=True) as s:
        return set(s.scalars(select(Notification.dedupe_key).where(Notification.status == "sent")))


def _sends(fake) -> int:
    return sum(len(fake.requests_to(path)) for path in SEND_PATHS)


def _use(url: str) -> None:
    configure_database(url)


def test_restore_drill(db, empty_target, tmp_path, wechat, fake_wechat, frozen_clock):
    world = _world()
    with session_scope() as s:
        for n in range(3):  # these go out before the backup
            enqueue_notification(s, person_id=world["elders"][n], template="generic",
                                 text="您好", dedupe_key=f"drill:early:{n}")
        tomorrow = enqueue_notification(  # due tomorrow: the old system never reaches it
            s, person_id=world["elders"][0], template="meal_reminder", text="明天午餐别忘了",
            dedupe_key="drill:tomorrow", due_at=clock.now() + timedelta(days=1)).dedupe_key
    assert dispatch_due_notifications(wechat) == 3
    writers = _writers(world)
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.wait_for(3)
    before = {w.name: set(w.committed) for w in writers}

    path = tmp_path / "copies" / "linli.backup"
    manifest = backup.create_backup(database_url=db.url, path=path, now=clock.now())

    for writer in writers:  # and the service goes on after it
        writer.wait_for(len(before[writer.name]) + 3)
        writer.stop.set()
    for writer in writers:
        writer.join(timeout=120)
    assert [w.errors for w in writers] == [[], [], []]
    committed = {w.name: set(w.committed) for w in writers}
    dispatch_due_notifications(wechat)  # the old system sends what was due, after the backup
    sent_by_old = _sent_keys()
    requests_by_old = _sends(fake_wechat)
    assert requests_by_old == len(sent_by_old) > 0

    backup.restore_backup(path=path, into_url=empty_target, now=clock.now(), scratch=tmp_path)
    _use(empty_target)

    restored = {"bookings": _ids(MealBooking), "help": _ids(HelpRequest)}
    for name in ("bookings", "help"):
        assert before[name] <= restored[name] <= committed[name]
        assert committed[name] - restored[name], "rows written after the backup are not in it"
    with session_scope(readonly=True) as s:
        records = set(s.scalars(select(PointsEntry.posting_id)))
        assert len(records) >= len(before["points"])
        assert s.scalar(select(func.sum(PointsEntry.amount))) == 0
        assert reconcile_ledger(s)["ok"] is True
        booked = dict(s.execute(
            select(MealBooking.canteen_id.concat("/").concat(MealBooking.day),
                   func.sum(MealBooking.count))
            .where(MealBooking.status != "cancelled")
            .group_by(MealBooking.canteen_id, MealBooking.day)).all())
        slots = {f"{slot.canteen_id}/{slot.day}": slot.booked for slot in s.scalars(select(MealSlot))}
        assert slots == booked and slots
        assert check_meal_rollups(s) == {}  # the monthly rollups came from the same moment
        assert manifest.schema_revisions and get_outbox_hold(s) is not None

    assert dispatch_due_notifications(wechat) == 0  # held: nothing leaves before an operator says
    assert _sends(fake_wechat) == requests_by_old
    with session_scope() as s:
        report = release_outbox_hold(s, now=clock.now(), released_by="值班员")
    assert report.to_send == 1
    dispatch_due_notifications(wechat)
    frozen_clock.advance(days=1)
    dispatch_due_notifications(wechat)
    sent_after_restore = _sent_keys() - sent_by_old
    assert sent_after_restore == {tomorrow}
    assert _sends(fake_wechat) == requests_by_old + 1  # nothing went out twice
    with session_scope(readonly=True) as s:
        skipped = s.scalar(select(func.count()).select_from(Notification)
                           .where(Notification.last_error == SKIPPED_NOTE))
    assert skipped == report.skipped
