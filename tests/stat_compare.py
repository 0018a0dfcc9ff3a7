"""Comparing two paths' result rows on any CPU.

Estimates, counts and degrees of freedom are sums of at most a few thousand terms of order one
to a few hundred (weights times 0/1 answers), so the two paths differ by rounding, far below
1e-9. Standard errors are not compared directly: a variance that is zero in exact arithmetic
(every respondent alike) comes out as +-1e-17 on one path and 0 on the other, and its square
root then differs by 3e-9 although both variances agree to 1e-17. So the variances (se²) are
compared with an absolute floor of 1e-12 (terms of order up to 1e2-1e3, summed, lose at most
about 1e3 ulps of 1e3, i.e. 1e-10 relative to them, in either path; 1e-12 is far above the 1e-17
seen and far below any variance a page shows, 1e-6 at least), and the intervals' ends, which
move with the square root of the variance times a t quantile (at most 13 at one degree of
freedom), to t × sqrt(1e-12) = 1.3e-5. The design effect is a ratio of variances; it is
compared where the SRS variance is not itself near zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EXACT = ["estimate", "df", "n", "n_eff", "n_responses"]
VAR_FLOOR = 1e-12
CI_FLOOR = 13 * VAR_FLOOR**0.5


def assert_same_results(got: pd.DataFrame, want: pd.DataFrame, atol: float = 1e-9) -> None:
    """Assert two result frames (RESULT_COLUMNS) agree as the paths' arithmetic allows."""
    got, want = got.reset_index(drop=True), want.reset_index(drop=True)
    assert len(got) == len(want)
    pd.testing.assert_frame_equal(got[EXACT].astype(float), want[EXACT].astype(float),
                                  rtol=0, atol=atol)
    g_se, w_se = got["se"].to_numpy(float), want["se"].to_numpy(float)
    np.testing.assert_array_equal(np.isnan(g_se), np.isnan(w_se))
    np.testing.assert_allclose(g_se**2, w_se**2, rtol=1e-9, atol=VAR_FLOOR)
    for col in ("ci_low", "ci_high"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float),
                                   rtol=0, atol=CI_FLOOR)
    srs = (w_se**2 / want["deff"].to_numpy(float))
    sure = np.isfinite(srs) & (srs > 1e3 * VAR_FLOOR) & (w_se**2 > 1e3 * VAR_FLOOR)
    np.testing.assert_allclose(got["deff"].to_numpy(float)[sure],
                               want["deff"].to_numpy(float)[sure], rtol=1e-6)
