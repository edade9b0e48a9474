"""Who talks, and what the database holds afterwards: helpers the conversation tests share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from bot.simulator import WeChatSimulator
from core.db import session_scope
from models.help_requests import HelpRequest
from models.meals import MealBooking
from models.person import Person
from models.volunteers import ServiceRecord

# The demo people (services/demo/): who they are matters to what the bot must do.
WANG = "demo_elder_wang"      # 王秀英, 84, lives alone, 低保, 阳光社区 (canteen delivers)
LI = "demo_elder_li"          # 李建国, 74, 和睦社区 (canteen closed Sundays, no delivery)
SON = "demo_family_wang"      # 王小明, 王秀英's accepted proxy (子女); no home address of his own
ZHANG = "demo_volunteer_zhang"  # 张芳, verified volunteer, 阳光社区
SUN = "demo_help_sun"         # 孙桂兰, has a submitted care request
ZHOU = "demo_help_zhou"       # 周德明, has a request in progress and one resolved
NEWCOMER = "oConvNewcomer0000000000000"  # an openid never seen before

TODAY = date(2026, 11, 29)     # Sunday (frozen clock, 09:00 Shanghai)
TOMORROW = date(2026, 11, 30)  # Monday
DAY_AFTER = date(2026, 12, 1)  # Tuesday
YESTERDAY = date(2026, 11, 28)


@dataclass(frozen=True)
class Voice:
    """A voice message: WeChat sends its own recognition text (often ending in "。")."""

    recognition: str

    def __str__(self) -> str:
        return f"[语音] {self.recognition}"


@dataclass(frozen=True)
class Tap:
    """A tap on the official account's custom menu (a CLICK event with its key)."""

    key: str

    def __str__(self) -> str:
        return f"[菜单] {self.key}"


@dataclass(frozen=True)
class Where:
    """A location message sent with the chat's “+” → 位置."""

    lat: float
    lng: float
    label: str

    def __str__(self) -> str:
        return f"[位置] {self.label}"


Step = str | Voice | Tap | Where


def _voice_xml(openid: str, recognition: str) -> str:
    from bot.reply import cdata
    from bot.simulator import _ids
    from core import clock

    return (f"<xml><ToUserName>{cdata('gh_linli')}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
            f"<CreateTime>{int(clock.now().timestamp())}</CreateTime><MsgType>{cdata('voice')}</MsgType>"
            f"<MediaId>{cdata('media_conv')}</MediaId><Format>{cdata('amr')}</Format>"
            f"<Recognition>{cdata(recognition)}</Recognition><MsgId>{next(_ids)}</MsgId></xml>")


def _location_xml(openid: str, where: Where) -> str:
    from bot.reply import cdata
    from bot.simulator import _ids
    from core import clock

    return (f"<xml><ToUserName>{cdata('gh_linli')}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
            f"<CreateTime>{int(clock.now().timestamp())}</CreateTime><MsgType>{cdata('location')}</MsgType>"
            f"<Location_X>{where.lat}</Location_X><Location_Y>{where.lng}</Location_Y><Scale>15</Scale>"
            f"<Label>{cdata(where.label)}</Label><MsgId>{next(_ids)}</MsgId></xml>")


@dataclass
class Chat:
    """A phone in each hand: send lines as a person, read the bot's replies."""

    sim: WeChatSimulator
    ids: dict[str, int]

    def say(self, who: str, *lines: Step) -> list[str]:
        """Send each step in turn (typed text, or a voice / tap / location step); return every reply."""
        return [self.send(who, line) for line in lines]

    def send(self, who: str, step: Step) -> str:
        """Send one step as WeChat would and return the reply text."""
        if isinstance(step, str):
            return self.sim.say(who, step).content
        if isinstance(step, Voice):
            return self.sim.post(_voice_xml(who, step.recognition)).content
        if isinstance(step, Tap):
            return self.sim.event(who, "CLICK", step.key).content
        return self.sim.post(_location_xml(who, step)).content

    def last(self, who: str, *lines: Step) -> str:
        """Send the lines; return the last reply."""
        return self.say(who, *lines)[-1]

    def id(self, who: str) -> int:
        """Return a person's id (demo people, or anyone who has written since)."""
        if who in self.ids:
            return self.ids[who]
        [person] = rows(Person, Person.oa_openid == who)
        return person.id


def rows(model: Any, *where: Any) -> list[Any]:
    """Read rows in a fresh session (what the database holds after the turn)."""
    with session_scope() as s:
        found = list(s.scalars(select(model).where(*where).order_by(model.id)))
        s.expunge_all()
        return found


def bookings(person_id: int | None = None, *, status: str | None = "booked") -> list[MealBooking]:
    """Meal bookings, for one person and/or in one status."""
    where = []
    if person_id is not None:
        where.append(MealBooking.person_id == person_id)
    if status is not None:
        where.append(MealBooking.status == status)
    return rows(MealBooking, *where)


def help_requests_of(person_id: int, *, since_demo: bool = True) -> list[HelpRequest]:
    """Help requests this person made in chat (the demo's own requests are left out)."""
    return [r for r in rows(HelpRequest, HelpRequest.requester_id == person_id)
            if not since_demo or r.channel == "chat"]


def help_request_by_code(code: str) -> HelpRequest:
    [found] = rows(HelpRequest, HelpRequest.code == code)
    return found


def service_records(person_id: int) -> list[ServiceRecord]:
    return rows(ServiceRecord, ServiceRecord.volunteer_id == person_id)


def where_of(request: HelpRequest) -> str:
    """Every place a request holds: its address, or a 'where the need is' field if it has one."""
    fields = ("address", "place", "location", "need_address", "where", "location_text")
    return " ".join(str(getattr(request, f)) for f in fields if getattr(request, f, None))


def person(who_id: int) -> Person:
    [found] = rows(Person, Person.id == who_id)
    return found


# ---------------------------------------------------------------- table-driven conversations

Check = Any  # a callable (chat) -> None that asserts what the database ends with


@dataclass
class Conv:
    """One conversation: who says which lines, what they must read, what must be stored.

    `says` maps a reply's index (-1 = the last) to phrases that must all appear
    in it; a phrase "A|B" is satisfied by either. `says_not` maps an index to
    phrases that reply must not contain (none of "A|B"), `never` lists phrases no reply may
    contain. `setup` runs first (rows made elsewhere, as staff or the
    mini-program would); `then` checks the database afterwards.
    """

    id: str
    who: str
    lines: list[Step]
    says: dict[int, tuple[str, ...] | str]
    then: Check | None = None
    never: tuple[str, ...] = ()
    setup: Check | None = None
    says_not: dict[int, tuple[str, ...] | str] | None = None


def _phrases(spec: tuple[str, ...] | str) -> tuple[str, ...]:
    return (spec,) if isinstance(spec, str) else spec


def run(chat: Chat, conv: Conv) -> list[str]:
    """Play a conversation and check what the person reads and what the database holds."""
    if conv.setup is not None:
        conv.setup(chat)
    replies = chat.say(conv.who, *conv.lines)
    transcript = "\n".join(f"> {line}\n{reply}" for line, reply in zip(conv.lines, replies, strict=True))
    for index, spec in conv.says.items():
        for phrase in _phrases(spec):
            options = phrase.split("|")
            assert any(o in replies[index] for o in options), (
                f"reply {index} should say {phrase!r}\n--- transcript\n{transcript}")
    for index, spec in (conv.says_not or {}).items():
        for phrase in _phrases(spec):
            assert not any(o in replies[index] for o in phrase.split("|")), (
                f"reply {index} should not say {phrase!r}\n--- transcript\n{transcript}")
    for phrase in conv.never:
        for reply in replies:
            assert not any(o in reply for o in phrase.split("|")), (
                f"no reply should say {phrase!r}\n--- transcript\n{transcript}")
    if conv.then is not None:
        try:
            conv.then(chat)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- transcript\n{transcript}") from error
    return replies


def cases(convs: list[Conv]) -> Any:
    """Give each conversation its own test id."""
    import pytest

    ids = [c.id for c in convs]
    assert len(ids) == len(set(ids)), "conversation ids must be unique"
    return pytest.mark.parametrize("conv", [pytest.param(c, id=c.id) for c in convs])


# ---------------------------------------------------------------- effects (what the database ends with)


def booked(who: str, *, day: date = TOMORROW, meal: str = "lunch", count: int = 1,
           delivery: bool | None = None, payable: int | None = None, by: str | None = None,
           subsidised: bool | None = None) -> Check:
    """Exactly one live booking for this person, and it is this meal."""

    def check(chat: Chat) -> None:
        found = bookings(chat.id(who))
        assert len(found) == 1, f"{who} should have one booking, has {[(b.day, b.meal, b.count) for b in found]}"
        [b] = found
        assert (b.day, b.meal, b.count) == (day, meal, count)
        if delivery is not None:
            assert b.delivery is delivery
        if payable is not None:
            assert b.payable_fen == payable, f"payable {b.payable_fen} fen, expected {payable}"
        if subsidised is not None:
            assert (b.subsidy_fen > 0) is subsidised
        assert b.booked_by_id == chat.id(by or who)
        assert b.channel == "chat"

    return check


def nothing_booked(*who: str) -> Check:
    """No live booking at all (for these people, or for anyone)."""

    def check(chat: Chat) -> None:
        if who:
            for w in who:
                assert bookings(chat.id(w)) == [], f"{w} should have no booking"
        else:
            assert bookings() == [], "nothing should be booked"

    return check


def help_saved(who: str, *, category: str | None = None, urgency: str = "normal",
               contains: tuple[str, ...] = (), where: tuple[str, ...] = (),
               for_whom: str | None = None, count: int = 1) -> Check:
    """The request(s) this person made in chat: one, with what they said in it."""

    def check(chat: Chat) -> None:
        made = help_requests_of(chat.id(who))
        assert len(made) == count, f"{who} should have {count} request(s), has {len(made)}"
        r = made[-1]
        if category is not None:
            assert r.category == category, f"category {r.category}, expected {category}"
        assert r.urgency == urgency
        for text in contains:
            assert text in r.description, f"{text!r} not in description {r.description!r}"
        for text in where:
            assert text in where_of(r), f"{text!r} not in where the need is: {where_of(r)!r}"
        if for_whom is not None:
            assert r.on_behalf_of_id == chat.id(for_whom)

    return check


def no_help_saved(who: str) -> Check:
    def check(chat: Chat) -> None:
        assert help_requests_of(chat.id(who)) == [], f"{who} should have filed nothing"

    return check


def both(*checks: Check) -> Check:
    def check(chat: Chat) -> None:
        for c in checks:
            c(chat)

    return check


# ---------------------------------------------------------------- rows made outside the chat


def book_for(who: str, *, day: date = TOMORROW, meal: str = "lunch", count: int = 1,
             delivery: bool = True, by: str | None = None) -> Check:
    """Book a meal as the mini-program would (before the conversation starts)."""

    def setup(chat: Chat) -> None:
        from models.meals import Canteen
        from services.meals.bookings import book_meal

        with session_scope() as s:
            principal = s.get(Person, chat.id(who))
            actor = s.get(Person, chat.id(by or who))
            assert principal is not None and actor is not None
            code = "ZC-HM" if who == LI else "ZC-YG"
            canteen = s.scalars(select(Canteen).where(Canteen.code == code)).one()
            book_meal(s, actor=actor, person_id=principal.id, canteen_id=canteen.id, day=day,
                      meal=meal, count=count, delivery=delivery, channel="miniprogram")

    return setup


def setups(*steps: Check) -> Check:
    def setup(chat: Chat) -> None:
        for step in steps:
            step(chat)

    return setup


def has_bookings(who: str, *expected: tuple[date, str, str]) -> Check:
    """This person's bookings are exactly these (day, meal, status), in booking order."""

    def check(chat: Chat) -> None:
        found = [(b.day, b.meal, b.status) for b in bookings(chat.id(who), status=None)]
        assert found == list(expected), f"{who}'s bookings: {found}"

    return check


def help_filed(by: str, *, category: str = "care", text: str = "想找人每周帮忙买菜",
               for_whom: str | None = None) -> Check:
    """File a help request as the mini-program would (before the conversation starts)."""

    def setup(chat: Chat) -> None:
        from services.help_requests.intake import submit_help_request

        with session_scope() as s:
            actor = s.get(Person, chat.id(by))
            submit_help_request(s, actor=actor, category=category, urgency="normal", description=text,
                                on_behalf_of_id=chat.id(for_whom) if for_whom else None,
                                channel="miniprogram", source_key=f"conv:{by}:{text}")

    return setup


def resolved_by_staff(requester: str, *, staff: str = "demo_staff_liu") -> Check:
    """Staff take the requester's submitted request through to 已办好 (which asks for a rating)."""

    def setup(chat: Chat) -> None:
        from services.help_requests import transition_help_request

        with session_scope() as s:
            worker = s.scalars(select(Person).where(Person.oa_openid == staff)).one()
            [request] = s.scalars(select(HelpRequest).where(
                HelpRequest.requester_id == chat.id(requester), HelpRequest.status == "submitted"))
            for to in ("accepted", "in_progress", "resolved"):
                transition_help_request(s, actor=worker, request_id=request.id, to=to)

    return setup


def rated(requester: str, text_in_request: str, rating: int) -> Check:
    """The requester's request that says this got this rating."""

    def check(chat: Chat) -> None:
        [request] = [r for r in rows(HelpRequest, HelpRequest.requester_id == chat.id(requester))
                     if text_in_request in r.description]
        assert request.rating == rating, f"rating {request.rating}, expected {rating}"

    return check


def asked_for_a_person(who: str, *, note: str = "") -> Check:
    """A request flagged for staff (转人工) exists for this person."""

    def check(chat: Chat) -> None:
        flagged = rows(HelpRequest, HelpRequest.requester_id == chat.id(who),
                       HelpRequest.needs_human.is_(True))
        assert len(flagged) == 1, f"{who} should have one 转人工 request, has {len(flagged)}"
        assert note in flagged[0].description

    return check


def service_for(beneficiary: str, *, volunteer: str = ZHANG, day: date = TODAY, hours: float = 2,
                what: str = "帮王奶奶买菜") -> Check:
    """A volunteer logs a service for this person, who is asked "…对吗？回复1确认，2不对"."""

    def setup(chat: Chat) -> None:
        from services.volunteers import log_service

        with session_scope() as s:
            actor = s.get(Person, chat.id(volunteer))
            log_service(s, actor=actor, day=day, hours=hours, description=what,
                        beneficiary_id=chat.id(beneficiary))

    return setup


def give_points_to(who: str, points: int) -> Check:
    """Credit service points (as verified services would)."""

    def setup(chat: Chat) -> None:
        from tests.volunteer_factories import give_points

        with session_scope() as s:
            volunteer = s.get(Person, chat.id(who))
            left = points
            while left > 0:
                give_points(s, volunteer=volunteer, points=min(left, 120))
                left -= 120

    return setup


def proxy_invited(*, agent: str, principal_phone: str, relation: str = "邻居") -> Check:
    """Someone asks (in the mini-program) to act for the person with this phone."""

    def setup(chat: Chat) -> None:
        from services.people.proxies import invite_proxy

        with session_scope() as s:
            invite_proxy(s, agent=s.get(Person, chat.id(agent)), phone=principal_phone, relation=relation)

    return setup


def proxy_status(*, agent: str, principal: str, status: str) -> Check:
    def check(chat: Chat) -> None:
        from models.person import Proxy

        [proxy] = rows(Proxy, Proxy.agent_id == chat.id(agent), Proxy.principal_id == chat.id(principal))
        assert proxy.status == status, f"proxy is {proxy.status}, expected {status}"

    return check


def proxy_accepted(*, agent: str, principal: str, relation: str = "子女") -> Check:
    """An accepted proxy, as if invited and accepted in the mini-program."""

    def setup(chat: Chat) -> None:
        from core import clock
        from models.person import Proxy

        with session_scope() as s:
            now = clock.now()
            s.add(Proxy(principal_id=chat.id(principal), agent_id=chat.id(agent), relation=relation,
                        status="accepted", created_at=now, decided_at=now))

    return setup
