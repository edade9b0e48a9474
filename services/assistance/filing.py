"""Filing with civil affairs (报送): assistance records for the provincial low-income monitoring platform.

`export_filing_batch` gathers the records dated from `since` up to yesterday
that were never filed (resolved help requests, including those member
organisations resolved; served meals with a subsidy, public or from a charity
fund; fund payments to projects), writes them as one numbered CSV batch and
marks each source row filed, so a record is never filed twice. The file is
kept sealed with the batch: `get_filing_batch_file` gives the same bytes
again. The format is documented in docs/filing.md. County-wide staff (or the
operator's CLI) only; every export and re-export is audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from core import clock
from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from models.filing import FiledRecord, FilingBatch
from models.funds import CharityFund, FundPosting, FundProjectPayment
from models.help_requests import CATEGORY_NAMES, LAYER_NAMES, HelpRequest
from models.meals import MEAL_NAMES, Canteen, MealBooking
from models.person import Person
from models.region import ORGANISATION_KIND_NAMES, Community, Organisation
from services.access.audit import record_access
from services.access.checks import require_staff_for

COLUMNS = ("批次号", "记录编号", "来源", "姓名", "身份证号", "户号", "所在社区", "救助层级或类别",
           "救助事项", "金额（元）", "实施单位", "单位类型", "开始日期", "办结日期")
SOURCE_NAMES = {"help_request": "求助办结", "meal_subsidy": "助餐补贴", "fund_project": "基金项目"}
DONE = ("resolved", "closed")
PUBLIC_PAYER = "民政部门（助餐补贴）"


@dataclass(frozen=True)
class Record:
    """One row of the file, before the batch number is put in front."""

    source_type: str
    source_id: int
    ref: str
    person_id: int | None
    community_id: int | None
    layer: str
    item: str
    amount_fen: int | None
    organisation: str
    organisation_kind: str
    started: date
    done: date


def _county_staff(actor: Person | None) -> None:
    if actor is None:  # the operator's CLI
        return
    if require_staff_for(actor) is not None:
        raise NotAllowed("向省平台报送由县级工作人员办理。")


def _local_day(at: datetime) -> date:
    return clock.as_aware(at).astimezone(clock.LOCAL_TZ).date()


def _window(since: date, until: date) -> tuple[datetime, datetime]:
    start = datetime.combine(since, datetime.min.time(), clock.LOCAL_TZ)
    end = datetime.combine(until, datetime.min.time(), clock.LOCAL_TZ)
    return start, end


def _filed(source_type: str):  # type: ignore[no-untyped-def]
    return select(FiledRecord.source_id).where(FiledRecord.source_type == source_type)


def _help_records(session: Session, since: date, until: date) -> list[Record]:
    start, end = _window(since, until)
    found = session.scalars(select(HelpRequest).where(
        HelpRequest.status.in_(DONE), HelpRequest.resolved_at >= start, HelpRequest.resolved_at < end,
        HelpRequest.id.not_in(_filed("help_request"))))
    records = []
    for r in found:
        category = CATEGORY_NAMES.get(r.category, r.category)
        org = r.organisation
        records.append(Record(
            "help_request", r.id, r.code, r.beneficiary_id, r.community_id,
            LAYER_NAMES.get(r.layer, r.layer) if r.layer else category, f"{category}求助办结", None,
            org.name if org else "", ORGANISATION_KIND_NAMES.get(org.kind, "") if org else "",
            _local_day(r.created_at), _local_day(r.resolved_at or r.created_at)))
    return records


def _meal_records(session: Session, since: date, until: date) -> list[Record]:
    rows = session.execute(
        select(MealBooking, Canteen.name, CharityFund, Organisation)
        .join(Canteen, Canteen.id == MealBooking.canteen_id)
        .outerjoin(FundPosting, (FundPosting.booking_id == MealBooking.id)
                   & (FundPosting.kind == "meal_subsidy"))
        .outerjoin(CharityFund, CharityFund.id == FundPosting.fund_id)
        .outerjoin(Organisation, Organisation.id == CharityFund.organisation_id)
        .where(MealBooking.status == "served", MealBooking.subsidy_fen > 0,
               MealBooking.day >= since, MealBooking.day < until,
               MealBooking.id.not_in(_filed("meal_subsidy"))))
    records = []
    for booking, canteen, fund, org in rows:
        item = f"老年助餐补贴 {booking.day:%m月%d日}{MEAL_NAMES[booking.meal]}（{canteen}）"
        payer = f"{org.name}·{fund.name}" if fund is not None else PUBLIC_PAYER
        kind = "慈善组织" if fund is not None else "民政"
        records.append(Record("meal_subsidy", booking.id, f"ZC-{booking.id}", booking.person_id,
                              None, "老年助餐", item, booking.subsidy_fen, payer, kind,
                              booking.day, booking.day))
    return records


def _project_records(session: Session, since: date, until: date) -> list[Record]:
    rows = session.execute(
        select(FundProjectPayment, CharityFund, Organisation)
        .join(CharityFund, CharityFund.id == FundProjectPayment.fund_id)
        .join(Organisation, Organisation.id == CharityFund.organisation_id)
        .where(FundProjectPayment.paid_on >= since, FundProjectPayment.paid_on < until,
               FundProjectPayment.id.not_in(_filed("fund_project"))))
    return [Record("fund_project", p.id, f"JJ-{p.id}", None, p.community_id, "慈善项目",
                   f"{fund.name}：{p.title}", p.amount_fen, org.name, "慈善组织", p.paid_on, p.paid_on)
            for p, fund, org in rows]


def _csv(number: int, records: list[Record], people: dict[int, Person],
         places: dict[int, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in records:
        who = people.get(r.person_id or 0)
        community = r.community_id or (who.community_id if who else None)
        writer.writerow([
            f"{number:05d}", r.ref, SOURCE_NAMES[r.source_type], (who.name or "") if who else "",
            (who.id_number or "") if who else "",
            (who.household_id or "") if who else "", places.get(community or 0, ""), r.layer, r.item,
            "" if r.amount_fen is None else f"{r.amount_fen / 100:.2f}", r.organisation,
            r.organisation_kind, r.started.isoformat(), r.done.isoformat()])
    return "\ufeff" + buffer.getvalue()


def export_filing_batch(session: Session, *, actor: Person | None, since: date) -> FilingBatch | None:
    """File every record dated `since` … yesterday that was never filed; None when there is none."""
    _county_staff(actor)
    until = clock.today()
    if since >= until:
        raise ValidationFailed("起始日期要早于今天（今天的记录明天再报）。", fields={"since": "太晚了"})
    if since < until - timedelta(days=3660):
        raise ValidationFailed("起始日期太早了。", fields={"since": "太早了"})
    records = [*_help_records(session, since, until), *_meal_records(session, since, until),
               *_project_records(session, since, until)]
    if not records:
        return None
    records.sort(key=lambda r: (r.done, list(SOURCE_NAMES).index(r.source_type), r.source_id))
    people = {p.id: p for p in session.scalars(select(Person).where(
        Person.id.in_({r.person_id for r in records if r.person_id})))}
    places = {cid: name for cid, name in session.execute(select(Community.id, Community.name))}
    number = int(session.scalar(select(func.coalesce(func.max(FilingBatch.number), 0))) or 0) + 1
    content = _csv(number, records, people, places)
    batch = FilingBatch(number=number, since=since, until=until - timedelta(days=1),
                        rows=len(records), content=content,
                        sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
                        created_by_id=actor.id if actor else None, created_at=clock.now())
    try:
        with session.begin_nested():
            session.add(batch)
            session.flush()
            session.add_all([FiledRecord(batch_id=batch.id, source_type=r.source_type,
                                         source_id=r.source_id) for r in records])
            session.flush()
    except IntegrityError:
        raise Conflict("另一批报送正在生成，请稍后再试。") from None
    _audit(session, actor, batch, again=False)
    return batch


def _audit(session: Session, actor: Person | None, batch: FilingBatch, *, again: bool) -> None:
    record_access(session, actor_id=actor.id if actor else None, action="export",
                  subject_type="filing_batch", subject_id=batch.id,
                  fields=["name", "id_number", "household_id"],
                  detail={"number": batch.number, "rows": batch.rows, "sha256": batch.sha256,
                          "again": again})


def get_filing_batch_file(session: Session, *, actor: Person | None, number: int) -> tuple[FilingBatch, bytes]:
    """Return batch N and its file, byte for byte as first exported (audited)."""
    _county_staff(actor)
    batch = session.scalar(select(FilingBatch).where(FilingBatch.number == number))
    if batch is None:
        raise NotFound("没有这一批报送。")
    data = batch.content.encode("utf-8")
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise Conflict("这一批报送文件校验不一致，请联系管理员。")
    _audit(session, actor, batch, again=True)
    return batch, data


def list_filing_batches(session: Session, *, actor: Person | None) -> list[FilingBatch]:
    """Return every batch, newest first."""
    _county_staff(actor)
    return list(session.scalars(select(FilingBatch).options(defer(FilingBatch.content))
                                .order_by(FilingBatch.number.desc())))


def filing_file_name(batch: FilingBatch) -> str:
    """Name a batch's file: linli-filing-00003.csv."""
    return f"linli-filing-{batch.number:05d}.csv"
