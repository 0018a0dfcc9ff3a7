"""Write papi_synthetic.csv and papi_margins.csv: a small synthetic PAPI-like sample.

Run from the repository root: ``.venv/bin/python tests/analysis/reference/make_papi_synthetic.py``.
Two provinces; 6 districts x 3 communes x 3 villages each; the PAPI design file draws 3
districts (capital forced), 2 communes, 2 villages and 20 residents per village; answers and
response are simulated. Nothing here is a real person or a real place.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.sampling import MultiStageDesign, draw_multistage
from analysis.sampling.multistage import DESIGNS_DIR

HERE = Path(__file__).parent
SEX = ("male", "female")
AGE = ("18-29", "30-49", "50-70")


def main(out_dir: Path = HERE) -> None:
    """Write both files into ``out_dir``."""
    rng = np.random.default_rng(20261204)
    villages, persons = [], []
    for p in ("P1", "P2"):
        for d in range(6):
            for c in range(3):
                for v in range(3):
                    village = f"{p}D{d}C{c}V{v}"
                    adults = int(rng.integers(60, 300))
                    urban = "urban" if d == 0 else "rural"
                    villages.append({"province": p, "district": f"{p}D{d}",
                                     "commune": f"{p}D{d}C{c}", "village": village,
                                     "adults": adults, "district_capital": d == 0,
                                     "district_seat": c == 0, "commune_seat": v == 0})
                    for i in range(adults):
                        persons.append({"province": p, "district": f"{p}D{d}",
                                        "commune": f"{p}D{d}C{c}", "village": village,
                                        "resident": f"{village}-{i:03d}", "urban": urban})
    frame, people = pd.DataFrame(villages), pd.DataFrame(persons)
    design = MultiStageDesign.load(DESIGNS_DIR / "papi.yaml")
    sample = draw_multistage(frame, design, rng, people).persons
    assert sample is not None
    sample = sample[sample["role"] == "sample"].reset_index(drop=True)
    n = len(sample)
    sample["sex"] = rng.choice(SEX, n)
    sample["age_group"] = rng.choice(AGE, n, p=[0.3, 0.4, 0.3])
    sample["ethnicity"] = rng.choice(["kinh", "other"], n, p=[0.8, 0.2])
    older = (sample["age_group"] == "50-70").to_numpy()
    sample["responded"] = rng.random(n) < np.where(older, 0.9, 0.7)
    village_effect = {v: rng.normal(0, 0.4) for v in sample["village"].unique()}
    sample["participation"] = np.round(np.clip(
        5.0 + 0.6 * older + 0.5 * (sample["urban"] == "urban")
        + sample["village"].map(village_effect) + rng.normal(0, 1.2, n), 0, 10), 2)
    sample["trust"] = (rng.random(n) < 0.55 + 0.1 * older).astype(int)
    columns = ["province", "district", "commune", "village", "resident", "stratum", "psu", "ssu",
               "prob", "base_weight", "sex", "age_group", "ethnicity", "urban", "responded",
               "participation", "trust"]
    out = sample[columns].copy()
    out["responded"] = out["responded"].astype(int)
    out.to_csv(out_dir / "papi_synthetic.csv", index=False, float_format="%.17g")
    total = float(frame["adults"].sum())
    urban_share = float(frame.loc[frame["district"].str.endswith("D0"), "adults"].sum()) / total
    rows = [("sex", "male", 0.49), ("sex", "female", 0.51),
            ("age_group", "18-29", 0.28), ("age_group", "30-49", 0.42),
            ("age_group", "50-70", 0.30),
            ("ethnicity", "kinh", 0.75), ("ethnicity", "other", 0.25),
            ("urban", "urban", urban_share), ("urban", "rural", 1 - urban_share)]
    pd.DataFrame([{"variable": v, "category": c, "population": round(total * s, 6)}
                  for v, c, s in rows]).to_csv(out_dir / "papi_margins.csv", index=False)


if __name__ == "__main__":
    main()
