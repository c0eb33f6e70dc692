"""Operators over SSH, with the real OpenSSH: a private sshd on 127.0.0.1 (its own host key, config
and authorized_keys under a temporary folder), the real ssh client and generated ed25519 keys bound
to logins by `esurety ssh authorize`. Plus the managed block and the command parser on their own.

Skips with a reason where no sshd exists, except on CI (CI=1), where a missing sshd fails.
"""

from __future__ import annotations

import getpass
import io
import os
import re
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from esurety_tui import sshkeys
from esurety_tui.domain.contract_number import make_contract_number
from esurety_tui.sshsession import Refused, parse

SEED, SEED_KEY = "35072-00000M", "Z28YUE4J3Bux"
UNKNOWN = make_contract_number("35072", 99999)
SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
SSH, SSH_KEYGEN = shutil.which("ssh"), shutil.which("ssh-keygen")
ROOT = Path(__file__).resolve().parent.parent


def _need_openssh() -> None:
    missing = [name for name, path in (("sshd", SSHD), ("ssh", SSH), ("ssh-keygen", SSH_KEYGEN)) if not path]
    if missing:
        reason = f"OpenSSH not installed ({', '.join(missing)} missing; Debian: openssh-server openssh-client)"
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI must have it (.ci/run installs it)")
        pytest.skip(reason)


# --- the managed block, without sshd ------------------------------------------------------------


def _keygen(path: Path) -> str:
    if not SSH_KEYGEN:
        pytest.skip("ssh-keygen not installed")
    subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "op@pc", "-f", str(path)], check=True)
    return path.with_suffix(".pub").read_text()


def test_fingerprint_is_openssh_s(tmp_path):
    pub = _keygen(tmp_path / "k")
    out = subprocess.run([SSH_KEYGEN, "-lf", str(tmp_path / "k.pub")], capture_output=True, text=True).stdout
    assert sshkeys.parse_public_key(pub).fingerprint == out.split()[1]


@pytest.mark.parametrize(
    "text,why",
    [
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "種類"),
        ("ssh-ed25519 not*base64", "base64"),
        ("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQC7", "一致しません"),  # an RSA blob called ed25519
        ("ssh-ed25519", "形式"),
        ("", "1行"),
    ],
)
def test_bad_keys_are_refused(text, why):
    with pytest.raises(sshkeys.KeyError_, match=why):
        sshkeys.parse_public_key(text)


def test_authorize_is_idempotent_keeps_other_lines_and_revokes(tmp_path):
    key = sshkeys.parse_public_key(_keygen(tmp_path / "k"))
    other = sshkeys.parse_public_key(_keygen(tmp_path / "k2"))
    ak = tmp_path / "ssh" / "authorized_keys"
    ak.parent.mkdir()
    ak.write_text("# mine\nssh-ed25519 AAAAmine admin@host\n")
    _, changed = sshkeys.authorize("demo", key, ak)
    assert changed
    first = ak.read_text()
    _, changed = sshkeys.authorize("demo", key, ak)
    assert not changed and ak.read_text() == first
    sshkeys.authorize("demo2", other, ak)
    text = ak.read_text()
    assert text.startswith("# mine\nssh-ed25519 AAAAmine admin@host\n" + sshkeys.BEGIN + "\n")
    assert oct(ak.stat().st_mode & 0o777) == "0o600"
    lines = [ln for ln in text.splitlines() if ln.startswith("command=")]
    assert len(lines) == 2
    assert lines[0].startswith(f'command="{sshkeys.launcher()[0]}')
    assert lines[0].endswith(f",restrict,pty ssh-ed25519 {key.blob} esurety:demo")
    assert f'-m esurety_tui.sshsession --fingerprint {key.fingerprint} -- demo"' in lines[0]
    assert lines[0].count('"') == 2
    with pytest.raises(sshkeys.KeyError_, match="demo"):
        sshkeys.authorize("demo2", key, ak)  # one key, one login
    assert [(e.login, e.fingerprint) for e in sshkeys.read_entries(ak)] == [
        ("demo", key.fingerprint),
        ("demo2", other.fingerprint),
    ]
    assert [e.login for e in sshkeys.revoke(key.fingerprint, ak)] == ["demo"]
    assert [e.login for e in sshkeys.revoke("demo2", ak)] == ["demo2"]
    assert ak.read_text() == "# mine\nssh-ed25519 AAAAmine admin@host\n"
    assert sshkeys.revoke("demo", ak) == []


@pytest.mark.parametrize("login", ["", "-rf", "a;b", "a b", "a\nb", "ä", "x" * 65, "$(id)"])
def test_logins_outside_the_safe_charset_are_refused(login):
    with pytest.raises(sshkeys.KeyError_):
        sshkeys.forced_command(login, "SHA256:" + "A" * 43)


@pytest.mark.parametrize("home", ['/tmp/a"b', "/tmp/a\\b", "/tmp/it's", "/tmp/a\nb"])
def test_paths_authorized_keys_cannot_quote_are_refused(home):
    with pytest.raises(sshkeys.KeyError_):
        sshkeys.forced_command("demo", "SHA256:" + "A" * 43, home=home)


# --- the command set -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command,expected",
    [
        ("key 35072-00000M", ("key", ["35072-00000M"], {})),
        ("contracts", ("contracts", [], {})),
        ("contracts --search '川崎 市'", ("contracts", [], {"--search": "川崎 市"})),
        ("certificate 35072-00000M --version=2", ("certificate", ["35072-00000M"], {"--version": "2"})),
        ("help", ("help", [], {})),
    ],
)
def test_the_fixed_commands_parse(command, expected):
    assert parse(command) == expected


@pytest.mark.parametrize(
    "command",
    [
        "",
        "sh -c id",
        "key 35072-00000M; id",
        "key 35072-00000M && id",
        "key",
        "key a b",
        "key 'unclosed",
        "notice",
        "contracts --all",
        "certificate N --version x",
        "KEY 35072-00000M",
        "/bin/sh",
        "help me",
        "contracts --search",
        "scp -f /etc/passwd",
        "rsync --server . /",
        "internal-sftp",
    ],
)
def test_anything_else_is_refused(command):
    with pytest.raises(Refused):
        parse(command)


def test_look_ups_import_neither_textual_nor_reportlab(tmp_path, demo_template):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(demo_template, home / "esurety.sqlite3")
    code = (
        "import json, sys\n"
        "from esurety_tui import cli\n"
        "code = cli.main(['ssh-session', '--fingerprint', 'SHA256:x', 'demo'])\n"
        "sys.stdout.flush()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "ESURETY_HOME": str(home), "SSH_ORIGINAL_COMMAND": f"key {SEED}", "PYTHONPATH": str(ROOT)}
    env.pop("ESURETY_DATABASE", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stdout) == (0, SEED_KEY + "\n"), done.stderr
    import json

    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "peewee" in loaded
    assert not loaded & {"textual", "reportlab", "rich"}


# --- the real sshd -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Host:
    """A running sshd and what the tests need to reach it."""

    def __init__(self, root: Path, home: Path, port: int, user: str, env: dict[str, str]):
        self.root, self.home, self.port, self.user, self.env = root, home, port, user, env
        self.authorized_keys = root / "authorized_keys"

    def esurety(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "esurety_tui", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
        )

    def key(self, name: str, login: str | None = None) -> Path:
        """A new ed25519 key pair; authorised as ``login`` when given. Returns the private key."""
        path = self.root / name
        _keygen(path)
        if login:
            done = self.esurety("ssh", "authorize", login, "--key-file", str(path.with_suffix(".pub")))
            assert done.returncode == 0, done.stderr
        return path

    def argv(self, key: Path, *args: str, tty: bool = False, options: tuple[str, ...] = ()) -> list[str]:
        return [
            SSH,
            *options,
            "-F",
            "/dev/null",
            "-i",
            str(key),
            "-p",
            str(self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "ConnectTimeout=20",
            *(["-tt"] if tty else ["-T"]),
            f"{self.user}@127.0.0.1",
            *args,
        ]

    def ssh(self, key: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.argv(key, *args), capture_output=True, text=not binary, stdin=subprocess.DEVNULL, timeout=120
        )


def _wait_for_banner(port: int, proc: subprocess.Popen, log: Path) -> None:
    give_up = time.monotonic() + 30
    while time.monotonic() < give_up:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(4).startswith(b"SSH-"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("sshd did not answer within 30 s")


def start_sshd(root: Path, authorized_keys: Path) -> tuple[subprocess.Popen, int]:
    """A private sshd on 127.0.0.1 (used by the tests and benchmarks/ssh_lookup.py)."""
    _need_openssh()
    host_key = root / "host_ed25519"
    subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
    port = _free_port()
    user = getpass.getuser()
    config = root / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                "PidFile none",
                f"AuthorizedKeysFile {authorized_keys}",
                "StrictModes no",
                "UsePAM no",
                f"AllowUsers {user}",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitTTY yes",
                # forwarding stays allowed here: the tests show that the key's `restrict` refuses it
                "AllowTcpForwarding yes",
                "X11Forwarding no",
                "PermitUserEnvironment no",
                "LogLevel VERBOSE",
                "",
            ]
        )
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
    log = root / "sshd.log"
    proc = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        stdin=subprocess.DEVNULL,
    )
    try:
        _wait_for_banner(port, proc, log)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, port


@pytest.fixture(scope="module")
def host(tmp_path_factory, demo_template):
    _need_openssh()
    root = tmp_path_factory.mktemp("sshd")
    os.chmod(root, 0o700)
    home = root / "netdesk"
    home.mkdir(mode=0o700)
    shutil.copy(demo_template, home / "esurety.sqlite3")
    authorized_keys = root / "authorized_keys"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESURETY_")}
    env.update(ESURETY_HOME=str(home), ESURETY_SSH_AUTHORIZED_KEYS=str(authorized_keys), PYTHONIOENCODING="utf-8")
    proc, port = start_sshd(root, authorized_keys)
    h = Host(root, home, port, getpass.getuser(), env)
    h.demo = h.key("demo_key", "demo")
    h.demo2 = h.key("demo2_key", "demo2")
    yield h
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _audit(host: Host) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(host.home / "esurety.sqlite3") as con:
        return con.execute("select actor, action, target, detail from audit_log where action like 'ssh.%'").fetchall()


def test_key_as_demo_prints_the_key(host):
    done = host.ssh(host.demo, "key", SEED)
    assert (done.returncode, done.stdout, done.stderr) == (0, SEED_KEY + "\n", "")
    fp = sshkeys.parse_public_key(host.demo.with_suffix(".pub").read_text()).fingerprint
    assert ("demo", "ssh.ok", f"key {SEED}", f"key={fp}") in _audit(host)
    assert not any(SEED_KEY in "".join(row) for row in _audit(host))  # never the key itself


def test_another_companys_number_is_answered_like_an_unknown_one(host):
    theirs = host.ssh(host.demo2, "key", SEED)
    missing = host.ssh(host.demo2, "key", UNKNOWN)
    assert theirs.returncode == missing.returncode == 1
    assert theirs.stdout == missing.stdout == ""
    assert theirs.stderr.replace(SEED, "N") == missing.stderr.replace(UNKNOWN, "N")
    assert SEED_KEY not in theirs.stderr
    assert SEED not in host.ssh(host.demo2, "contracts").stdout
    assert SEED in host.ssh(host.demo, "contracts", "--search", "35072-00000").stdout
    assert host.ssh(host.demo2, "notice", SEED, binary=True).returncode == 1


def test_notice_over_ssh_is_the_local_export(host, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "f.pdf"
    with out.open("wb") as fh:
        done = subprocess.run(
            host.argv(host.demo, "notice", SEED),
            stdout=fh,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert SEED_KEY in text and SEED in text
    local = tmp_path / "local.pdf"
    exported = host.esurety("notice", SEED, "-o", str(local))
    assert exported.returncode == 0, exported.stderr
    assert PdfReader(local).pages[0].extract_text() == text
    cert = host.ssh(host.demo, "certificate", SEED, binary=True)
    assert cert.returncode == 0 and cert.stdout.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(cert.stdout)).pages) >= 1


@pytest.mark.parametrize(
    "command",
    [
        ("sh -c id",),
        ("key 35072-00000M; id",),
        ("key", SEED, ";", "id"),
        ("/bin/sh",),
        ("cat /etc/passwd",),
        ("key $(id)",),
        ("key `id`",),
    ],
)
def test_commands_outside_the_set_are_refused(host, command):
    done = host.ssh(host.demo, *command)
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert "uid=" not in done.stderr and done.stderr.startswith("esurety: ")
    assert any(action == "ssh.refused" for _, action, _, _ in _audit(host))


def test_help_lists_the_commands(host):
    done = host.ssh(host.demo, "help")
    assert done.returncode == 0
    for word in ("key NUMBER", "contracts", "notice NUMBER", "certificate NUMBER"):
        assert word in done.stdout


def test_forwarding_is_refused(host):
    # stdio forwarding (-W) is a direct-tcpip channel, as -L opens; restrict refuses it
    done = subprocess.run(
        host.argv(host.demo, options=("-W", f"127.0.0.1:{host.port}")),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode != 0
    assert b"SSH-" not in done.stdout
    assert b"prohibited" in done.stderr or b"failed" in done.stderr, done.stderr
    forward = ("-o", "ExitOnForwardFailure=yes", "-R", f"127.0.0.1:{_free_port()}:127.0.0.1:{host.port}")
    remote = subprocess.run(
        host.argv(host.demo, "help", options=forward),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert remote.returncode == 255 and "forwarding failed" in remote.stderr, remote


def test_an_unknown_key_is_refused(host):
    stranger = host.key("stranger_key")
    done = host.ssh(stranger, "key", SEED)
    assert done.returncode == 255
    assert SEED_KEY not in done.stdout and "Permission denied" in done.stderr


def test_a_revoked_key_no_longer_gets_in(host):
    key = host.key("revoked_key", "demo")
    assert host.ssh(key, "key", SEED).stdout == SEED_KEY + "\n"
    fp = sshkeys.parse_public_key(key.with_suffix(".pub").read_text()).fingerprint
    listed = host.esurety("ssh", "list").stdout
    assert f"demo\t{fp}\tssh-ed25519" in listed
    done = host.esurety("ssh", "revoke", fp)
    assert done.returncode == 0 and fp in done.stdout
    refused = host.ssh(key, "key", SEED)
    assert refused.returncode == 255 and refused.stdout == ""
    assert host.ssh(host.demo, "key", SEED).returncode == 0  # the other key of demo still works
    assert fp not in host.esurety("ssh", "list").stdout


_ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")


def _read_until(fd: int, wanted: tuple[str, ...], seconds: float, seen: bytearray) -> str | None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return None
            if not chunk:
                return None
            seen.extend(chunk)
            text = _ANSI.sub(b"", bytes(seen)).decode("utf-8", "ignore")
            for w in wanted:
                if w in text:
                    return w
    return None


def test_ssh_tt_opens_the_tui_logged_in_and_ctrl_q_ends_it(host):
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: the ssh client on a real terminal of 80x24
        os.environ["TERM"] = "xterm-256color"
        os.execv(SSH, host.argv(host.demo, tty=True))
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        seen = bytearray()
        found = _read_until(fd, ("〇〇建設",), 60, seen)
        assert found, _ANSI.sub(b"", bytes(seen)).decode("utf-8", "replace")[-2000:]
        _read_until(fd, ("保証契約一覧",), 20, seen)
        os.write(fd, b"\x11")  # Ctrl+Q
        give_up = time.monotonic() + 30
        status = None
        while time.monotonic() < give_up:
            _read_until(fd, ("\x00never",), 0.2, seen)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
        assert status is not None and os.waitstatus_to_exitcode(status) == 0
        pid = 0
    finally:
        if pid:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    assert any(action == "ssh.tui" for _, action, _, _ in _audit(host))


def test_print_over_ssh_offers_the_line_that_fetches_the_pdf(monkeypatch):
    from esurety_tui.tui.app import ssh_fetch_line

    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    assert ssh_fetch_line(f"notice {SEED}", "x.pdf") is None
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 2222")
    monkeypatch.setattr(socket, "gethostname", lambda: "desk")
    monkeypatch.setattr(getpass, "getuser", lambda: "netdesk")
    assert ssh_fetch_line(f"notice {SEED}", f"認証キーのお知らせ_{SEED}.pdf") == (
        f"ssh -p 2222 netdesk@desk notice {SEED} > '認証キーのお知らせ_{SEED}.pdf'"
    )


def test_help_says_the_host_commands_are_the_administrators():
    done = subprocess.run(
        [sys.executable, "-m", "esurety_tui", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        timeout=60,
    )
    assert done.returncode == 0
    assert "administrator's" in done.stdout and "service account" in done.stdout
    assert "ssh authorize" in " ".join(done.stdout.split())


@pytest.mark.parametrize(
    "args,message",
    [
        (["ssh", "authorize", "nobody", "--key", "ssh-ed25519 AAAA"], "短すぎ"),
        (["ssh", "authorize", "nobody", "--key", "ssh-ed25519 AA*A"], "base64"),
        (["ssh", "authorize", "a;b", "--key", "x"], "ログインID"),
        (["ssh", "revoke", "SHA256:" + "A" * 43], "登録されていません"),
    ],
)
def test_ssh_admin_errors_are_one_line(tmp_path, args, message):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ESURETY_HOME": str(tmp_path / "home"),
        "ESURETY_SSH_AUTHORIZED_KEYS": str(tmp_path / "ak"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "esurety_tui", *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode in (1, 2)
    assert done.stderr.startswith("esurety: ") and message in done.stderr and done.stderr.count("\n") == 1


def test_authorize_needs_an_existing_login(tmp_path, demo_template):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(demo_template, home / "esurety.sqlite3")
    pub = _keygen(tmp_path / "k")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ESURETY_HOME": str(home),
        "ESURETY_SSH_AUTHORIZED_KEYS": str(tmp_path / "ak"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "esurety_tui", "ssh", "authorize", "nobody", "--key", pub],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2 and "nobody" in done.stderr
    assert not (tmp_path / "ak").exists()


@pytest.mark.parametrize("config,logged_in", [("", True), ("ssh_require_password = true\n", False)])
def test_the_tui_starts_logged_in_unless_the_config_asks_for_the_password(tmp_path, monkeypatch, config, logged_in):
    from esurety_tui import sshsession
    from esurety_tui.services.session import Role, Session
    from esurety_tui.tui import app as app_module

    home = tmp_path / "cfg"
    home.mkdir()
    (home / "config.toml").write_text(config)
    monkeypatch.setenv("ESURETY_HOME", str(home))
    started = {}

    class FakeApp:
        def __init__(self, database, *, demo_if_empty, session, settings):
            started.update(database=database, demo_if_empty=demo_if_empty, session=session)
            started["require_password"] = settings.ssh.require_password

        def run(self):
            started["ran"] = True

    monkeypatch.setattr(app_module, "NetDeskApp", FakeApp)
    demo = Session(1, "demo", Role.CONTRACTOR, company_id=1, company_name="C")
    assert sshsession._tui(demo) == 0
    assert started == {
        "database": None,
        "demo_if_empty": False,
        "session": demo if logged_in else None,
        "require_password": not logged_in,
        "ran": True,
    }


def test_a_database_failure_over_ssh_is_one_line(tmp_path, monkeypatch, capsys):
    from esurety_tui import sshsession

    (tmp_path / "bad.sqlite3").write_bytes(b"not a database" * 100)
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", f"key {SEED}")
    code = sshsession.main(["--database", str(tmp_path / "bad.sqlite3"), "--fingerprint", "SHA256:x", "--", "demo"])
    err = capsys.readouterr().err
    assert code == 3 and err.startswith("esurety: ") and err.count("\n") == 1 and "Traceback" not in err
