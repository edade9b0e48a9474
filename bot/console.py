"""`make chat`: talk to Linli in the terminal as a demo person, through /wechat itself.

Every line goes through the same pipeline WeChat uses: signed (and with
--safe, encrypted) XML in, reply XML out, via the Flask test client.
"""

from __future__ import annotations

import argparse
import sys

from bot.simulator import WeChatSimulator
from core.app import create_app
from core.config import ConfigError, get_settings, refuse_in_production

PEOPLE = ("demo_elder_wang", "demo_elder_li", "demo_family_wang", "demo_volunteer_zhang")
QUIT = {"exit", "quit", "再见退出", ":q"}


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="和邻里帮聊天（终端版）")
    parser.add_argument("--as", dest="openid", default=PEOPLE[0],
                        help=f"以哪位演示用户的身份（如 {', '.join(PEOPLE)}）")
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
    app = create_app()
    sim = WeChatSimulator(app.test_client(), get_settings(), safe=args.safe)
    print(f"邻里帮终端聊天：你是 {args.openid}。输入 exit 退出。", flush=True)
    for line in sys.stdin if not sys.stdin.isatty() else iter(lambda: input("你：") + "\n", None):
        text = line.strip()
        if not text:
            continue
        if text in QUIT:
            break
        reply = sim.say(args.openid, text)
        shown = reply.content or ("（没有回复）" if reply.body == "success" else reply.body)
        print(f"邻里帮：{shown}\n", flush=True)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except (EOFError, KeyboardInterrupt):
        raise SystemExit(0) from None
