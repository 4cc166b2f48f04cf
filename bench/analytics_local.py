"""First analytics timings through arca.local, next to pandas on the same data.

Every party runs as a thread of this process (arca.local), so the figure is the whole
computation on one machine; bytes and rounds per operator are in docs/FRAME.md (from the
tests' network counters). Usage, after a build:

    PYTHONPATH=build/python /usr/bin/python3 bench/analytics_local.py [rows]
"""

import sys
import time

import numpy as np
import pandas as pd

import arca
import arca.local


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = np.random.default_rng(1)
    data = pd.DataFrame({"k": rng.integers(0, 100, rows), "x": np.round(rng.normal(100, 20, rows), 2),
                         "y": np.round(rng.normal(5, 1, rows), 2)})
    t = arca.dataset("t", schema={"k": {"type": "integer", "domain": list(range(100))},
                                  "x": "decimal", "y": "decimal"})
    cases = [
        ("filter + group-by-sum (100 groups)", t[t.y > 4.5].groupby("k").agg({"x": "sum"}),
         lambda d: d[d.y > 4.5].groupby("k").agg({"x": "sum"})),
        ("sort + head(10)", t.sort_values("x").head(10),
         lambda d: d.sort_values("x", kind="stable").head(10)),
    ]
    print(f"{'operation':36} {'rows':>8} {'protocol':>10} {'secure s':>9} {'pandas s':>9} {'ratio':>7}")
    for name, frame, reference in cases:
        start = time.perf_counter()
        reference(data)
        plain = time.perf_counter() - start
        for protocol in ("dealer2pc", "rep3"):
            plan = arca.Plan("bench", outputs={"o": frame}, recipients=["lab"], levels=[protocol])
            start = time.perf_counter()
            arca.local.run(plan, {"t": data}, protocol=protocol)
            secure = time.perf_counter() - start
            print(f"{name:36} {rows:>8} {protocol:>10} {secure:>9.2f} {plain:>9.4f} {secure / plain:>6.0f}x")


if __name__ == "__main__":
    main()
