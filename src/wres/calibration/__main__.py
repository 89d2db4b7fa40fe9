"""``python -m wres.calibration --reps N --out results/calibration.csv [--quick]``.

Writes the calibration table of :func:`wres.calibration.harness.run` as CSV and prints the
seconds each block took. ``--quick`` caps the looped blocks and the national grid, for a
run of well under a minute on two cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from wres.calibration import harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wres.calibration", description=__doc__)
    parser.add_argument(
        "--reps", type=int, default=None, help="replicates per scenario (default 2000, or 300 with --quick)"
    )
    parser.add_argument("--out", type=Path, default=Path("results/calibration.csv"))
    parser.add_argument("--quick", action="store_true", help="reduced run")
    parser.add_argument("--seed", type=int, default=harness.SEED)
    args = parser.parse_args(argv)
    reps = args.reps if args.reps is not None else (300 if args.quick else 2000)
    t0 = time.perf_counter()
    table = harness.run(reps, quick=args.quick, seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, float_format="%.6g")
    print(f"{len(table)} rows -> {args.out} in {time.perf_counter() - t0:.1f} s; blocks: {table.attrs['seconds']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
