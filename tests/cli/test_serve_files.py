"""`rugpad serve` keeps its runtime files inside RUGPAD_DATA_DIR: nothing in the folder it was started from, in the
home folder (gunicorn's default control socket is ~/.gunicorn/gunicorn.ctl) or in the temporary folder, while it
serves and after it stopped. The server runs for real (gunicorn master and workers) with a private working folder,
HOME and TMPDIR, so anything it wrote elsewhere shows up there."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CLI = [sys.executable, "-c", "import sys; from rugpad.cli import main; sys.exit(main())"]
STARTUP_LIMIT = 90.0  # a guard against a server that never answers, not a measurement


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def test_serve_writes_nothing_outside_its_data_folder(tmp_path: Path) -> None:
    cwd, home, tmp, data = (tmp_path / name for name in ("cwd", "home", "tmp", "data"))
    for folder in (cwd, home, tmp):
        folder.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "XDG_RUNTIME_DIR", "RUGPAD_DATA_DIR")
    }
    env.update(HOME=str(home), TMPDIR=str(tmp), RUGPAD_DATA_DIR=str(data), PYTHONDONTWRITEBYTECODE="1")
    port = _free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", "2"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while not _answers(f"http://127.0.0.1:{port}/login/"):
            assert server.poll() is None, "the server stopped before it answered"
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.3)
        while_serving = {name: _files(folder) for name, folder in (("cwd", cwd), ("home", home), ("tmp", tmp))}
        control_socket = data / "gunicorn.ctl"
        # gunicorn's master opens its control socket after forking the workers: a warmed worker may answer first
        while not control_socket.is_socket() and time.monotonic() < deadline:
            time.sleep(0.1)
        socket_there = control_socket.is_socket()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    after = {name: _files(folder) for name, folder in (("cwd", cwd), ("home", home), ("tmp", tmp))}

    assert while_serving == {"cwd": [], "home": [], "tmp": []}, output
    assert after == {"cwd": [], "home": [], "tmp": []}, output
    assert socket_there, output
    assert f"Control socket listening at {control_socket}" in output
    assert (data / "rugpad.sqlite3").exists()
