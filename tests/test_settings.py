"""config.toml, the environment and the defaults read once into one typed Settings object; a broken
file is an error naming its line (and column) or the key, never silently ignored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from esurety_tui import cli, settings
from esurety_tui.settings import ConfigError, Settings, load, parse


def _write(text: str | bytes) -> Path:
    home = Path(os.environ["ESURETY_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_no_file_gives_the_defaults():
    s = load()
    assert s.path is None and s.warnings == () and dict(s.keymap) == {}
    assert (s.dsure.max_failures, s.dsure.lock_minutes) == (5, 15)
    assert s.mail.host == "" and s.mail.port is None and s.mail.max_attempts == 5
    assert s.database.endswith("esurety.sqlite3")
    assert s.ssh.authorized_keys == Path.home() / ".ssh" / "authorized_keys" and not s.ssh.require_password


def test_every_section_is_read_typed():
    path = _write(
        'database = "/srv/nd.sqlite3"\npdf_font = "fonts/g.ttf"\nsmtp_host = " mail.example "\n'
        "smtp_port = 587\nsmtp_timeout = 2.5\ndsure_max_failures = 3\ndsure_lock_minutes = 60\n"
        'ssh_authorized_keys = "/srv/keys"\nssh_require_password = true\n[keymap]\nprint = "f9"\n'
    )
    s = load()
    assert s.path == path and s.database == "/srv/nd.sqlite3" and s.pdf_font == path.parent / "fonts" / "g.ttf"
    assert (s.mail.host, s.mail.port, s.mail.timeout) == ("mail.example", 587, 2.5)
    assert (s.dsure.max_failures, s.dsure.lock_minutes) == (3, 60)
    assert s.ssh == settings.SshConfig(Path("/srv/keys"), True)
    assert dict(s.keymap) == {"print": "f9"}


def test_the_environment_comes_before_the_file():
    _write('database = "/from/file"\nssh_authorized_keys = "/file/keys"\nsmtp_password = "in-file"\n')
    env = {
        "ESURETY_DATABASE": "/from/env",
        "ESURETY_SSH_AUTHORIZED_KEYS": "/env/keys",
        "ESURETY_SMTP_PASSWORD": "from-env",
    }
    s = load(env=env)
    assert (s.database, s.ssh.authorized_keys, s.mail.password) == ("/from/env", Path("/env/keys"), "from-env")
    assert not s.mail.password_in_file
    s = load(env={})
    assert (s.database, s.ssh.authorized_keys, s.mail.password) == ("/from/file", Path("/file/keys"), "in-file")
    assert s.mail.password_in_file and "in-file" not in repr(s)


def test_a_file_that_is_not_toml_names_its_line_and_column():
    _write('smtp_host = "x"\n[keymap\nprint = "f9"\n')
    with pytest.raises(ConfigError) as caught:
        load()
    e = caught.value
    assert (e.line, e.column) == (2, 8)
    assert "2行8列目" in e.ja and "line 2, column 8" in e.en and "config.toml" in e.en


def test_a_file_that_is_not_utf8_names_its_line():
    _write(b'smtp_host = "x"\nmail_from = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load()
    assert caught.value.line == 2 and "UTF-8" in caught.value.ja


@pytest.mark.parametrize(
    "text,key,line",
    [
        ('smtp_host = "x"\nsmtp_port = "587"\n', "smtp_port", 2),
        ("smtp_port = 70000\n", "smtp_port", 1),
        ("dsure_max_failures = 0\n", "dsure_max_failures", 1),
        ('ssh_require_password = "yes"\n', "ssh_require_password", 1),
        ("smtp_timeout = -1\n", "smtp_timeout", 1),
        ("database = 3\n", "database", 1),
        ('keymap = "f9"\n', "keymap", 1),
        ('[keymap]\nhelp = "f10"\nprint = 9\n', "keymap.print", 3),
    ],
)
def test_a_known_key_of_the_wrong_type_is_an_error_naming_the_key(text, key, line):
    _write(text)
    with pytest.raises(ConfigError) as caught:
        load()
    e = caught.value
    assert e.key == key and e.line == line
    assert key in e.ja and key in e.en and f"{line}行目" in e.ja


def test_an_unknown_key_is_a_warning_and_is_ignored():
    _write('smpt_host = "mail.example"\nsmtp_port = 25\n')
    s = load()
    assert s.mail.host == "" and s.mail.port == 25
    (warning,) = s.warnings
    assert "smpt_host" in warning and "1行目" in warning and "無視" in warning


def test_current_loads_once_until_the_file_changes():
    first = settings.current()
    assert settings.current() is first
    _write("dsure_max_failures = 2\n")
    second = settings.current()
    assert second is not first and second.dsure.max_failures == 2
    assert settings.current() is second


def test_the_cli_prints_one_line_and_exits_6_for_a_broken_config(capsys):
    _write('smtp_host = "x"\nsmtp_port = \n')
    assert cli.main(["locate"]) == cli.CONFIG == 6
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("esurety: 設定ファイル「") and "2行" in err
    assert "line 2" in err and "Traceback" not in err


def test_the_cli_exits_6_for_a_wrong_type_naming_the_key(capsys):
    _write('dsure_lock_minutes = "15"\n')
    assert cli.main(["locate"]) == cli.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dsure_lock_minutes" in err


def test_the_cli_warns_once_about_an_unknown_key_and_goes_on(capsys):
    _write('smpt_host = "x"\n')
    assert cli.main(["locate"]) == cli.OK
    out = capsys.readouterr()
    assert out.err.count("\n") == 1 and out.err.startswith("esurety: 警告: ") and "smpt_host" in out.err
    assert "config" in out.out


def test_the_tui_does_not_start_with_a_broken_config(capsys, monkeypatch):
    from esurety_tui.tui import app as app_module

    started = []
    monkeypatch.setattr(app_module.NetDeskApp, "run", lambda self: started.append(self))
    _write("[keymap]\nprint = f9\n")
    assert cli.main([]) == cli.CONFIG
    assert started == [] and "keymap" not in capsys.readouterr().out
    _write('[keymap]\nprint = "f9"\n')
    assert cli.main([]) == cli.OK
    (app,) = started
    assert dict(app.settings.keymap) == {"print": "f9"}


def test_the_app_reads_the_settings_it_is_given_without_the_file():
    _write("not toml at all [\n")
    given = parse({"dsure_max_failures": 2})
    from esurety_tui.tui.app import NetDeskApp

    assert NetDeskApp(None, settings=given).settings is given
    with pytest.raises(ConfigError):
        NetDeskApp(None)  # without one it reads config.toml, before any UI


async def test_a_keymap_in_the_settings_rebinds_the_key(demo_session):
    from esurety_tui.tui.app import NetDeskApp
    from esurety_tui.tui.screens.help import HelpScreen
    from tests.helpers.pilot import settle

    app = NetDeskApp(session=demo_session, settings=Settings(keymap={"help": "f10"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("f1")
        await settle(pilot, app)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f10")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)


def test_mail_settings_come_from_the_settings_object():
    from esurety_tui.services.mail import MailSettings

    s = MailSettings.from_settings(parse({"smtp_host": "h", "smtp_user": "u"}, env={"ESURETY_SMTP_PASSWORD": "pw"}))
    assert (s.host, s.port, s.starttls, s.password, s.warnings) == ("h", 587, True, "pw", ())
    with pytest.raises(ConfigError, match="smtp_port"):
        MailSettings.from_config({"smtp_port": "abc"}, env={})


async def test_the_tui_says_once_that_an_unknown_key_is_ignored(demo_session):
    from esurety_tui.tui.app import NetDeskApp
    from tests.helpers.pilot import settle

    _write('smpt_host = "x"\n')
    app = NetDeskApp(session=demo_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        notes = [n.message for n in app._notifications]
        assert len([m for m in notes if "smpt_host" in m]) == 1


def test_the_ssh_forced_command_exits_6_for_a_broken_config(capsys):
    from esurety_tui import sshsession

    _write("[keymap\n")
    assert sshsession.main(["--fingerprint", "SHA256:x", "--", "demo"]) == cli.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1行" in err
