"""No secret is committed: private keys, cloud and forge tokens, real API keys, secret files.

Scans every file git tracks (or, outside a git checkout, every file under the project but the
virtualenv and caches). The known development and test keys are allowed by value, since the
configuration refuses them in production (tests/webapp/test_config.py).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from webapp import config as app_config
from webapp.config import DEV_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", "instance",
             "node_modules", "build", ".hypothesis"}
ALLOWED = {DEV_SECRET_KEY, app_config.TestConfig.SECRET_KEY}
PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "hailong API key": re.compile(r"\bhlk_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}"),
    "assigned secret": re.compile(
        r"(?i)\b(?:SECRET_KEY|HAILONG_QR_KEYS|PASSWORD|API_KEY)\s*[=:]\s*[\"']([^\"'\s]{16,})"),
}
SECRET_FILES = re.compile(r"(^|/)(\.env|secret_key|id_rsa|id_ed25519|.*\.pem|.*\.key)$")


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True, timeout=30).stdout
        return [ROOT / name for name in out.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return [p for p in ROOT.rglob("*")
                if p.is_file() and not SKIP_DIRS & set(p.relative_to(ROOT).parts)]


def findings(name: str, text: str) -> list[str]:
    found = []
    for kind, pattern in PATTERNS.items():
        if kind == "assigned secret" and name.startswith("tests/"):
            continue  # throwaway test passwords (ruff's S105/S106 are off there too)
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            if value not in ALLOWED:
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {kind}")
    return found


def test_repository__holds_no_secret() -> None:
    files = tracked_files()
    assert len(files) > 50  # the scan really saw the project
    problems = []
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        if SECRET_FILES.search(relative):
            problems.append(f"{relative}: a secret file is committed")
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files (fonts, images) hold no text secrets
        problems += findings(relative, text)
    assert problems == []


@pytest.mark.parametrize("sample", [
    "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIE...",
    "key = 'AKIA" + "ABCDEFGHIJKLMNOP'",
    "token: ghp_" + "a" * 36,
    "xoxb-" + "1234567890-abcdef",
    "hlk_0a1b2c3d_" + "Z" * 43,
    'SECRET_KEY = "' + "k" * 32 + '"',
    "password: '" + "correct-horse-battery-staple" + "'",
])
def test_scanner__recognises_each_kind(sample: str) -> None:
    assert findings("x.py", sample), sample


def test_scanner__allows_the_known_development_keys() -> None:
    assert findings("x.py", f'SECRET_KEY = "{app_config.TestConfig.SECRET_KEY}"') == []
