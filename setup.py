"""Package build hook: compile the message catalogues (.po -> .mo) into the built package.

Everything else about the package is in pyproject.toml. Without this, `pip install .` (a wheel,
a container image) shipped only the .po sources and served English under <html lang="vi">,
since `make` compiled the catalogues into the working tree only (issue #13).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """``build_py`` that also writes ``messages.mo`` next to each ``messages.po``, and copies
    the Alembic migrations into the package (``webapp/migrations``), so that an installed
    package can build its schema (``hailong db upgrade``) without the source tree."""

    def run(self) -> None:
        super().run()
        migrations = Path(__file__).resolve().parent / "migrations"
        if migrations.is_dir():
            shutil.copytree(migrations, Path(self.build_lib) / "webapp" / "migrations",
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                            dirs_exist_ok=True)
        # babel is a build requirement (pyproject.toml [build-system]) and a dependency of
        # flask-babel, so it is there both in an isolated build and with --no-build-isolation.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        package = Path(self.get_package_dir("webapp"))
        for po in sorted(package.glob("translations/*/LC_MESSAGES/*.po")):
            relative = po.relative_to(package)
            target = Path(self.build_lib) / "webapp" / relative.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parts[-3])
            with target.open("wb") as out:
                # As `make` does (pybabel compile --use-fuzzy).
                write_mo(out, catalogue, use_fuzzy=True)


setup(cmdclass={"build_py": BuildWithCatalogues})
