"""`esurety web`: the same app in a browser through textual-serve.

Each browser tab gets its own `python -m esurety_tui` process (the app's own ログイン decides who it
is); 印刷 becomes a browser download (NetDeskApp.deliver_pdf uses deliver_binary when is_web).
Bound to 127.0.0.1 by default: anything wider belongs behind a TLS reverse proxy.
"""

from __future__ import annotations

import os
import shlex
import sys


def app_command(database: str) -> str:
    """The shell command textual-serve runs per browser session (it goes through a shell: quoted)."""
    return shlex.join([os.path.abspath(sys.executable), "-m", "esurety_tui", "--database", database, "--no-demo"])


def serve(host: str, port: int, database: str | None) -> int:
    from textual_serve.server import Server

    from .locations import database_setting
    from .store.db import init_database

    setting = database_setting(database)
    init_database(setting)  # create / migrate once, before the first browser session
    public_url = os.environ.get("ESURETY_PUBLIC_URL") or None
    print(f"Net Desk: http://{host}:{port}/ （Ctrl+C で終了）", flush=True)
    Server(app_command(setting), host=host, port=port, title="Net Desk", public_url=public_url).serve()
    return 0
