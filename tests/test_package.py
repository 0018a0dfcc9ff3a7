"""`pip install .` serves Vietnamese: the package build compiles the message catalogues.

The wheel is built from a copy of the package sources without any compiled catalogue (as in a
fresh clone), installed into a folder of its own, and imported from there alone by a new
Python process, which renders a counter's survey page. Issue #13: the installed package had
only the .po sources and showed English under <html lang="vi">.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.webapp.survey_helpers import setup_counter
from webapp import create_app
from webapp.config import TestConfig as AppConfig
from webapp.db import get_session
from webapp.respond.tokens import sign_counter_token

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "setup.py", "README.md", "webapp", "survey_defs", "analysis",
           "migrations"]
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.egg-info")

RENDER = textwrap.dedent("""
    import json, sys
    import webapp
    from webapp import create_app
    from webapp.config import TestConfig
    app = create_app(TestConfig(environ={"DATABASE_URL": sys.argv[1]},
                                instance_path=__import__("pathlib").Path(sys.argv[2])))
    reply = app.test_client().get("/s/" + sys.argv[3])
    print(json.dumps({"module": webapp.__file__, "status": reply.status_code,
                      "html": reply.get_data(as_text=True)}))
""")


def _wheel(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=SKIP)
        else:
            shutil.copy2(path, source / name)
    assert not list(source.rglob("*.mo"))  # only the build can put a catalogue in the wheel
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "--quiet", "--wheel-dir", str(dist), str(source)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = dist.glob("hailong-*.whl")
    return wheel


def test_built_wheel__installed_alone__survey_page_in_vietnamese(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                    "--quiet", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    assert list(target.glob("webapp/translations/vi/LC_MESSAGES/messages.mo"))

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)  # ahead of the editable install of the source tree
    # The schema built by the installed package's own migrations; a counter added by the
    # source tree's helpers.
    url = f"sqlite:///{tmp_path / 'hailong.db'}"
    migrate = ("import sys; from webapp.migrate import MIGRATIONS_DIR, upgrade; "
               "upgrade(sys.argv[1]); print(MIGRATIONS_DIR)")
    built = subprocess.run([sys.executable, "-c", migrate, url], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    assert Path(built.stdout.strip()).is_relative_to(target), built.stdout
    app = create_app(AppConfig(environ={"DATABASE_URL": url}, instance_path=tmp_path / "a"))
    with app.app_context():
        token = sign_counter_token(setup_counter(get_session()), app.config)
    app.extensions["hailong.engine"].dispose()

    run = subprocess.run([sys.executable, "-c", RENDER, url, str(tmp_path / "b"), token],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                         check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    page = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(page["module"]).is_relative_to(target), page["module"]  # the installed copy
    assert page["status"] == 200
    html = page["html"]
    assert '<html lang="vi"' in html
    # The button's label from the compiled catalogue, not its English source text.
    assert "Tiếp tục" in html and ">Continue<" not in html.replace(" ", "")
