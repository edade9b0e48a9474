"""`make chat`: talk to Linli in the terminal as a demo person, through /wechat itself.

Every line goes through the same pipeline WeChat uses: signed (and with
--safe, encrypted) XML in, reply XML out, via the Flask test client.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from flask import Flask

from bot.simulator import WeChatSimulator
from bot.views import bp as wechat_bp
from core import clock
from core.app import build_app
from core.config import ROOT, ConfigError, get_settings, refuse_in_production

PEOPLE = ("demo_elder_wang", "demo_elder_li", "demo_family_wang", "demo_volunteer_zhang")
QUIT = {"exit", "quit", "再见退出", ":q"}
# What the database must match: the migrations, the demo data's code, the day it was loaded.
_INPUTS = ("models/migrations/versions/*.py", "services/demo/*.py", "services/demo/*.csv")


def _readiness(url: str) -> str:
    """Say what a ready database was prepared from (the migrations, demo data, URL and date)."""
    digest = hashlib.sha256(url.encode())
    for pattern in _INPUTS:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.name.encode() + path.read_bytes())
    return f"{clock.today().isoformat()} {digest.hexdigest()}"


def _database_file(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _stamp(file: Path | None) -> Path:
    """Keep the stamp beside a SQLite file (it goes when the file goes), else under var/."""
    return file.with_name(file.name + ".chat-ready") if file else ROOT / "var" / "chat-ready.stamp"


def prepare_database() -> None:
    """Migrate and load the demo data unless that was done today for the same code and database."""
    url = get_settings().database_url
    wanted, file = _readiness(url), _database_file(url)
    stamp = _stamp(file)
    if stamp.exists() and stamp.read_text() == wanted and (file is None or file.exists()):
        return
    print("正在准备数据库和演示数据（只在第一次或代码更新后做）……", flush=True)
    from core.db import session_scope
    from core.migrate import upgrade_to_head
    from services.demo import load_demo_data

    upgrade_to_head(url)
    with session_scope() as session:
        load_demo_data(session)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(wanted)


def wechat_app() -> Flask:
    """Build an app that serves /wechat alone: the chat needs nothing else, and starts in a second."""
    app = build_app()
    app.register_blueprint(wechat_bp)
    return app


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="和邻里帮聊天（终端版）")
    parser.add_argument("--as", dest="openid", default=PEOPLE[0],
                        help=f"以谁的身份：演示用户（如 {', '.join(PEOPLE)}），"
                             "或任意新的 openid（如 oNewResident001，从登记开始）")
    parser.add_argument("--safe", action="store_true", help="用安全模式（加密）收发")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Read lines, send each as a text message, print the reply."""
    args = _parse_args(argv)
    try:
        refuse_in_production("终端聊天（以演示用户身份）", get_settings())
    except ConfigError as exc:
        print(exc, file=sys.stderr, flush=True)
        return 2
    app = wechat_app()
    prepare_database()
    sim = WeChatSimulator(app.test_client(), get_settings(), safe=args.safe)
    print(f"邻里帮终端聊天：你是 {args.openid}。输入 exit 退出。", flush=True)
    piped = not sys.stdin.isatty()
    for line in sys.stdin if piped else iter(lambda: input("你：") + "\n", None):
        text = line.strip()
        if not text:
            continue
        if text in QUIT:
            break
        if piped:  # a session fed from a file reads like one typed by hand
            print(f"你：{text}", flush=True)
        reply = sim.say(args.openid, text)
        shown = reply.content or ("（没有回复）" if reply.body == "success" else reply.body)
        print(f"邻里帮：{shown}\n", flush=True)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except (EOFError, KeyboardInterrupt):
        raise SystemExit(0) from None
