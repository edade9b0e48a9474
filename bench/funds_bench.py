"""Fund-paid meal bookings per second against public-only ones, and a filing export, on PostgreSQL.

    /work/main/.venv/bin/python bench/funds_bench.py [--seconds 6] [--clients 8] [--served 20000]

Every fund-paid booking updates its fund's balance row, so bookings paid by one fund
serialise on that row for the rest of their transaction; this prints what that costs,
then the time to file a batch of `--served` served, subsidised meals and its size.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.meals_bench import _create_db, _drop_db, _jobs, bench_service  # noqa: E402
from core import clock  # noqa: E402
from core.config import load_settings, use_settings  # noqa: E402
from core.db import configure_database, dispose_database, session_scope  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from models.meals import MealBooking, SubsidyRule  # noqa: E402


def _seed(people: int, *, funded: bool) -> tuple[int, list[int]]:
    from services import funds
    from tests.factories import make_community
    from tests.meals_factories import make_canteen, make_elder
    from tests.volunteer_factories import make_charity_admin

    with session_scope() as s:
        community = make_community(s)
        canteen = make_canteen(s, community=community, capacity=1_000_000)
        if funded:
            admin, charity = make_charity_admin(s, community=community)
            fund = funds.create_fund(s, actor=admin, organisation_id=charity.id, code="BENCH",
                                     name="基准基金", kind="special")
            funds.record_donation(s, actor=admin, fund_id=fund.id, donor_name="基准",
                                  amount_fen=10**9, received_on=clock.today())
            s.add(SubsidyRule(code="BENCH_FUND", min_age=60, requires_disability=True,
                              amount_fen=500, monthly_cap_fen=10**6, fund_id=fund.id))
        ids = [make_elder(s, community=community, age=70, disability=1).id for _ in range(people)]
        return canteen.id, ids


def bench_filing(canteen_id: int, ids: list[int], served: int) -> tuple[float, int]:
    from services.assistance.filing import export_filing_batch

    day = clock.today() - timedelta(days=1)
    rows = [{"person_id": ids[i % len(ids)], "canteen_id": canteen_id,
             "day": day - timedelta(days=i // (len(ids) * 3)), "meal": ("breakfast", "lunch", "dinner")[i % 3],
             "count": 1, "delivery": False, "price_fen": 800, "subsidy_fen": 300, "payable_fen": 500,
             "reason": "基准", "breakdown": {}, "booked_by_id": ids[i % len(ids)], "channel": "chat",
             "status": "served", "created_at": clock.now(), "updated_at": clock.now()}
            for i in range(served)]
    with session_scope() as s:
        s.execute(insert(MealBooking), rows)
    started = time.perf_counter()
    with session_scope() as s:
        batch = export_filing_batch(s, actor=None, since=day - timedelta(days=365))
        assert batch is not None and batch.rows == served, batch
        size = len(batch.content.encode("utf-8"))
    return time.perf_counter() - started, size


def _one_database(args: argparse.Namespace, *, funded: bool) -> tuple[float, tuple[float, int] | None]:
    name, url = _create_db()
    try:
        use_settings(load_settings(environ={"LINLI_ENV": "test", "DATABASE_URL": url},
                                   dotenv=Path("/nonexistent")))
        upgrade_to_head(url)
        configure_database(url)
        canteen_id, ids = _seed(args.people, funded=funded)
        rate = bench_service(canteen_id, _jobs(ids), args.clients, args.seconds)
        filed = bench_filing(canteen_id, ids, args.served) if not funded else None
        return rate, filed
    finally:
        dispose_database(url)
        _drop_db(name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--people", type=int, default=600)
    parser.add_argument("--served", type=int, default=20_000)
    args = parser.parse_args()
    public, filed = _one_database(args, funded=False)
    funded, _ = _one_database(args, funded=True)
    print(f"bookings, public subsidy only: {public:.0f}/s ({args.clients} threads, PostgreSQL)")
    print(f"bookings, all paid by one fund: {funded:.0f}/s (same)")
    if filed is not None:
        print(f"filing export of {args.served} served meals: {filed[0]:.2f} s, {filed[1] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
