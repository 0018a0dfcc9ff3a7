"""A poster printed by the command line, as the README says, scans into a working survey on
the site `make serve` runs: the same key (instance/secret_key) and the same address
(http://HOST:PORT). Without the site's key the command refuses to print dead codes.

Issue #13: `hailong qr poster` signed with the development key and printed port 8000 whatever
port the server used, so the running server answered "Không đọc được mã QR này".
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bench.harness import ROOT, Gunicorn, PortTaken, free_port
from tests.webapp.survey_helpers import setup_counter
from webapp.config import site_environ

HAILONG = str(Path(sys.executable).with_name("hailong"))
DEAD_CODE = "Không đọc được mã QR này"


def _shell_env(instance: Path, database_url: str) -> dict[str, str]:
    """A new shell's environment: no SECRET_KEY, no HAILONG_BASE_URL (`make test` exports
    one), only where the site lives."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "HAILONG_BASE_URL", "HAILONG_QR_KEYS", "HAILONG_ENV",
                        "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    return env | {"HAILONG_INSTANCE": str(instance), "DATABASE_URL": database_url}


def _decode(png: Path) -> str:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(png))
    assert len(found) == 1, found
    return found[0].text


def test_cli_poster__as_the_readme_says__scans_into_the_survey_make_serve_runs(
        session: Session, database_url: str, tmp_path: Path) -> None:
    counter = setup_counter(session)
    instance = tmp_path / "instance"
    for _attempt in range(5):
        port = free_port(8400, 8499)
        # The key and address files exactly as `make serve` writes them, on a port not 8000.
        # From a new shell: under `make test` the outer make exports its own HAILONG_BASE_URL
        # (port 8000), which the inner make would otherwise keep.
        subprocess.run(["make", "-s", "site-files", f"INSTANCE={instance}", "HOST=127.0.0.1",
                       f"PORT={port}"], cwd=ROOT, check=True, timeout=60,
                       env=_shell_env(instance, database_url))
        secret = (instance / "secret_key").read_text().strip()
        try:
            # As `make serve` starts it: production, the key from the file.
            server = Gunicorn("wsgi:app", port, 1, {
                "DATABASE_URL": database_url, "SECRET_KEY": secret, "HAILONG_ENV": "production",
                "HAILONG_HTTPS": "0", "HAILONG_INSTANCE": str(instance), "REDIS_URL": ""})
            break
        except PortTaken:
            continue
    else:
        pytest.fail("no free port for gunicorn")
    try:
        out = tmp_path / "p.png"
        printed = subprocess.run(
            [HAILONG, "qr", "poster", "--counter", counter.code, "--format", "png", "--out",
             str(out)], env=_shell_env(instance, database_url), cwd=tmp_path,
            capture_output=True, text=True, timeout=300, check=False)
        assert printed.returncode == 0, printed.stderr
        url = _decode(out)
        assert url.startswith(f"http://127.0.0.1:{port}/s/"), url
        with urllib.request.urlopen(url, timeout=60) as reply:  # noqa: S310 (loopback http)
            status, html = reply.status, reply.read().decode()
    finally:
        server.stop()
    assert status == 200
    assert DEAD_CODE not in html
    assert "Xã Đắk Song" in html and 'name="csrf_token"' in html  # the counter's survey


def test_cli_poster__development_key__refused_with_the_fix(session: Session, database_url: str,
                                                            tmp_path: Path) -> None:
    counter = setup_counter(session)
    instance = tmp_path / "empty-instance"  # `make serve` never ran: no key file
    instance.mkdir()
    out = tmp_path / "p.png"
    printed = subprocess.run(
        [HAILONG, "qr", "poster", "--counter", counter.code, "--format", "png", "--out",
         str(out)], env=_shell_env(instance, database_url), cwd=tmp_path,
        capture_output=True, text=True, timeout=300, check=False)
    assert printed.returncode == 1
    assert "development key" in printed.stderr and "make serve" in printed.stderr
    assert "instance/secret_key" in printed.stderr and not out.exists()


def test_site_environ__files_fill_only_what_the_shell_leaves_unset(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("k" * 64 + "\n")
    (tmp_path / "base_url").write_text("http://127.0.0.1:8080\n")
    filled = site_environ({"HAILONG_INSTANCE": str(tmp_path)})
    assert filled["SECRET_KEY"] == "k" * 64
    assert filled["HAILONG_BASE_URL"] == "http://127.0.0.1:8080"
    kept = site_environ({"HAILONG_INSTANCE": str(tmp_path), "SECRET_KEY": "from-shell",
                         "HAILONG_BASE_URL": "https://khaosat.example.gov.vn"})
    assert kept["SECRET_KEY"] == "from-shell"
    assert kept["HAILONG_BASE_URL"] == "https://khaosat.example.gov.vn"
    assert "SECRET_KEY" not in site_environ({"HAILONG_INSTANCE": str(tmp_path / "none")})
