"""The whole application: core's Flask app with every door's blueprint and commands.

This is the one place above the doors. Core builds the door-agnostic app
(`core.app.build_app`); here each door is imported and registered by name, so
a reader (and import-linter) sees what the web process serves. Entry points:
`wsgi.py` (gunicorn, `flask --app wsgi ...`) and the tests.
"""

from __future__ import annotations

from flask import Flask

import bot.cli
import console.cli
import console.cli_addresses
import console.cli_filing
import console.cli_roles
import console.cli_rules
import core.cli
import scheduler.cli
from bot.views import bp as wechat_bp
from console.routes import bp as console_bp
from core.app import build_app
from core.config import Settings
from core.kv import KV
from miniprogram_api.routes import bp as api_bp

# Each adds its groups to `flask --app wsgi ...`.
COMMANDS = (
    core.cli.register,
    bot.cli.register,
    console.cli_roles.register,
    console.cli.register,
    console.cli_rules.register,
    console.cli_addresses.register,
    console.cli_filing.register,
    scheduler.cli.register,
)


def create_app(settings: Settings | None = None, *, kv: KV | None = None) -> Flask:
    """Build the web application: the mini-program API, the WeChat endpoint, the console, health."""
    app = build_app(settings, kv=kv)
    for blueprint in (api_bp, wechat_bp, console_bp):
        app.register_blueprint(blueprint)
    for register in COMMANDS:
        register(app)
    return app
