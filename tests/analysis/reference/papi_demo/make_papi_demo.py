"""Write papi_demo_answers.csv and papi_demo_spec.json: the demo's PAPI field answers.

Run from the repository root:
``.venv/bin/python tests/analysis/reference/papi_demo/make_papi_demo.py``, then
``Rscript make_papi_scores.R`` in this directory (writes papi_demo_refs.json).

The demo (``hailong demo``, seed 2025) draws its PAPI sample with the shipped design and imports
the interviews as an ODK export, the way fieldwork does; its answers depend on the seed only.
This script loads that demo into a throw-away SQLite database and writes the answers with their
design variables (``stratum``, ``psu``, ``base_weight``) and unit, plus the scoring block, so that
R can score them independently (make_papi_scores.R).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SEED = 2025


def main(out_dir: Path = HERE) -> None:
    """Write both files into ``out_dir``."""
    sys.path.insert(0, str(HERE.parents[3]))
    from webapp import create_app
    from webapp.config import TestConfig
    from webapp.db import get_session
    from webapp.demo.loader import load_demo
    from webapp.fieldwork.indices import answers_frame, field_periods
    from webapp.migrate import upgrade
    from webapp.survey_versions import latest_version, load_version

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        upgrade(url)
        app = create_app(TestConfig(environ={"DATABASE_URL": url}, instance_path=Path(tmp)))
        with app.app_context():
            session = get_session()
            load_demo(session, app.config, responses=30, seed=SEED)
            period = field_periods(session, "papi")[-1]
            frame = answers_frame(session, "papi", period)
            spec = load_version(latest_version(session, "papi")).scoring_spec()
        app.extensions["hailong.engine"].dispose()
    items = sorted({ind["item"] for d in spec["dimensions"] for s in d["subdimensions"]
                    for ind in s["indicators"]})
    columns = ["stratum", "psu", "base_weight", "unit", *items]
    frame = frame.reindex(columns=columns).sort_values(["unit", "psu", *items], kind="stable")
    frame.to_csv(out_dir / "papi_demo_answers.csv", index=False)
    (out_dir / "papi_demo_spec.json").write_text(
        json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
