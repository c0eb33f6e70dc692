"""`ssh … key 35072-00000M` against `ssh … true`, to the same private sshd on loopback.

    python benchmarks/ssh_lookup.py [-n 20]

Starts an sshd on 127.0.0.1 (own host key, config and authorized_keys in a temporary folder, as
tests/test_ssh.py does), with two client keys: one authorised as demo by `esurety ssh authorize`
(forced command → `ssh-session … key N`), one plain line without a forced command (→ the account's
shell runs `true`). Both are run -n times, interleaved, with a fresh connection each time (no
ControlMaster); the medians and their ratio are printed (goal: key ≤ 1.5 × true).
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, clean_env, demo_home

NUMBER, KEY = "35072-00000M", "Z28YUE4J3Bux"
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


def start_sshd(root: Path, authorized_keys: Path) -> tuple[subprocess.Popen, int]:
    keygen(root / "host")
    port = free_port()
    (root / "sshd_config").write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {root / 'host'}",
                "PidFile none",
                f"AuthorizedKeysFile {authorized_keys}",
                "StrictModes no",
                "UsePAM no",
                f"AllowUsers {getpass.getuser()}",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "",
            ]
        )
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(root / "sshd_config")], stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(4) == b"SSH-":
                    return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("sshd did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=20)
    args = ap.parse_args()
    if not shutil.which("ssh") or not os.path.exists(SSHD):
        raise SystemExit("needs openssh-server and openssh-client")
    root = Path(tempfile.mkdtemp(prefix="esurety-ssh-bench-"))
    src = Path(__file__).resolve().parents[1]
    pythonpath = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH", "")]))
    home = demo_home(PYTHONPATH=pythonpath)
    ak = root / "authorized_keys"
    keygen(root / "op")
    keygen(root / "plain")
    env = clean_env(ESURETY_HOME=str(home), ESURETY_SSH_AUTHORIZED_KEYS=str(ak))
    env["PYTHONPATH"] = pythonpath
    subprocess.run(
        [PYTHON, "-m", "esurety_tui", "ssh", "authorize", "demo", "--key-file", str(root / "op.pub")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with ak.open("a") as fh:  # outside the managed block: an ordinary login key, no forced command
        fh.write((root / "plain.pub").read_text())
    proc, port = start_sshd(root, ak)

    def argv(key: str, *cmd: str) -> list[str]:
        return [
            "ssh",
            "-F",
            "/dev/null",
            "-i",
            str(root / key),
            "-p",
            str(port),
            "-T",
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
            f"{getpass.getuser()}@127.0.0.1",
            *cmd,
        ]

    def once(cmd: list[str], expect: str) -> float:
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        elapsed = time.perf_counter() - t
        if done.returncode != 0 or done.stdout != expect:
            raise SystemExit(f"unexpected answer from {cmd[-2:]}: {done.returncode} {done.stdout!r} {done.stderr!r}")
        return elapsed

    key_cmd, true_cmd = argv("op", "key", NUMBER), argv("plain", "true")
    try:
        once(key_cmd, KEY + "\n")
        once(true_cmd, "")  # warm-up (page cache, .pyc files)
        keys, trues = [], []
        for _ in range(args.n):
            trues.append(once(true_cmd, ""))
            keys.append(once(key_cmd, KEY + "\n"))
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    mk, mt = statistics.median(keys), statistics.median(trues)
    print(f"ssh … true            median {mt * 1000:7.1f} ms  (min {min(trues) * 1000:.1f}, n={args.n})")
    print(f"ssh … key {NUMBER}  median {mk * 1000:7.1f} ms  (min {min(keys) * 1000:.1f}, n={args.n})")
    print(f"ratio key/true        {mk / mt:.2f}  (goal ≤ 1.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
