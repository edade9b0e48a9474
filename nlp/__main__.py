"""Print the parse of one message: `python -m nlp --now 2026-11-29T09:00+08:00 "帮我订明天中午的饭"`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo

from nlp.parser import parse

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


def _moment(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=DEFAULT_TZ)


def main(argv: list[str] | None = None) -> int:
    """Parse the message given on the command line and print it as JSON."""
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__)
    parser.add_argument("text", help="the message")
    parser.add_argument("--now", type=_moment, default=None,
                        help="ISO time the message arrives (default: now, Asia/Shanghai)")
    args = parser.parse_args(argv)
    now = args.now or dt.datetime.now(DEFAULT_TZ)
    print(json.dumps(parse(args.text, now).to_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
