"""Household monitoring cost: one run of the warnings job and one risk list over a large community.

Run: .venv/bin/python bench/household_signals_bench.py [--households 3000]
It migrates a fresh SQLite file, loads the demo data, adds `--households` two-person
households to 阳光社区 (every fifth with a household check, every tenth living alone
and over 80, every twentieth with three help requests), then times
`raise_household_warnings` (first run raises, second finds nothing new) and
`list_household_risks` as 刘社工. Prints one line each. Never part of the test run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from core import clock  # noqa: E402
from core.config import load_settings, use_settings  # noqa: E402
from core.db import configure_database, session_scope  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from models.help_requests import HelpRequest  # noqa: E402
from models.person import Person, PersonRole  # noqa: E402
from services.assistance import means_check  # noqa: E402
from services.demo import load_demo_data  # noqa: E402
from services.monitoring import household_signals, household_warnings  # noqa: E402


def _load(households: int) -> tuple[int, int]:
    with session_scope() as s:
        load_demo_data(s)
        staff = s.scalars(select(Person).where(Person.oa_openid == "demo_staff_liu")).one()
        community = s.scalars(select(Person.community_id).where(
            Person.oa_openid == "demo_elder_wang")).one()
        rows = [{"mp_openid": f"bench_{i}", "community_id": community, "living_alone": i % 20 == 0,
                 "birth_date": date(1940 if i % 20 == 0 else 1960, 1, 1)} for i in range(2 * households)]
        s.execute(insert(Person), rows)
        ids = list(s.scalars(select(Person.id).where(Person.mp_openid.like("bench_%"))
                             .order_by(Person.id)))
        s.execute(insert(PersonRole), [{"person_id": i, "role": "resident"} for i in ids])
        for n in range(households):
            head, member = s.get(Person, ids[2 * n]), s.get(Person, ids[2 * n + 1])
            assert head is not None and member is not None
            head.household_id = member.household_id = head.id
        s.flush()
        for n in range(0, households, 5):
            head_id, member_id = ids[2 * n], ids[2 * n + 1]
            means_check.start_check(s, actor=staff, person_id=head_id, members=[
                means_check.MemberFacts(head_id, income={"pension": 90000 + 100 * n}),
                means_check.MemberFacts(member_id)])
        requests = [{"code": f"QZ-B-{n}-{k}", "requester_id": ids[2 * n], "community_id": community,
                     "category": "living", "urgency": "normal", "description": "bench",
                     "status": "submitted", "channel": "chat", "created_at": clock.now(),
                     "accept_due_at": clock.now() + timedelta(days=1),
                     "resolve_due_at": clock.now() + timedelta(days=3),
                     "updated_at": clock.now()}
                    for n in range(0, households, 20) for k in range(3)]
        if requests:
            s.execute(insert(HelpRequest), requests)
        return staff.id, community


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=3000)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "bench.db"
    url = f"sqlite:///{path}"
    use_settings(load_settings(environ={"LINLI_ENV": "test"}, dotenv=Path("/nonexistent"))
                 .with_(database_url=url, log_level="WARNING"))
    upgrade_to_head(url)
    configure_database(url)
    with clock.frozen(clock.now()):
        staff_id, community = _load(args.households)
        for run in ("first", "second"):
            started = time.perf_counter()
            with session_scope() as s:
                raised = household_warnings.raise_household_warnings(s, now=clock.now())
            print(f"warnings job ({run} run), {args.households} households: "
                  f"{time.perf_counter() - started:.2f} s, {raised} alerts raised")
        started = time.perf_counter()
        with session_scope() as s:
            risks = household_signals.list_household_risks(
                s, actor=s.get(Person, staff_id), community_id=community)
        print(f"risk list as staff: {time.perf_counter() - started:.2f} s, {len(risks)} households listed")


if __name__ == "__main__":
    main()
