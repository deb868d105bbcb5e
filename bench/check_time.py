"""Wall time of `check` on the French sample article: cold and warm. Prints JSON.

cold_first_use  a new process, no index yet: load the model, index the corpus, check
cold            a new process, index on disk: load the model, check
warm            the same process checking the article again (models loaded, caches warm)
baseline        a new process that only imports factcheck and exits, for the ratio

Usage: python bench/check_time.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "factcheck" / "samples" / "colossus-fr.md"


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    py = sys.executable
    check = [py, "-m", "factcheck", "check", str(SAMPLE), "--format", "json"]
    runs: dict[str, list[float]] = {"baseline": [], "cold_first_use": [], "cold": [], "warm": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "FACTCHECK_DATA_DIR": tmp, "HF_HUB_OFFLINE": "1"}
            runs["baseline"].append(timed([py, "-c", "import factcheck.checker"], env))
            runs["cold_first_use"].append(timed(check, env))
            runs["cold"].append(timed(check, env))
            warm = (
                "import sys, time, json\n"
                "from factcheck import FactChecker, read_article\n"
                "a = read_article(open(sys.argv[1], 'rb').read())\n"
                "c = FactChecker(); c.ensure_index(); c.check(a)\n"
                "t = time.perf_counter(); c.check(a); print(time.perf_counter() - t)\n"
            )
            out = subprocess.run([py, "-c", warm, str(SAMPLE)], cwd=ROOT, env=env, check=True, capture_output=True)
            runs["warm"].append(float(out.stdout.decode().strip().splitlines()[-1]))
    median = {k: round(statistics.median(v), 2) for k, v in runs.items()}
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
                "embedder": os.environ.get("FACTCHECK_EMBEDDER", "use-multilingual"),
                "repeat": args.repeat,
                "median_seconds": median,
                "runs": {k: [round(x, 2) for x in v] for k, v in runs.items()},
                "cold_over_warm": round(median["cold"] / median["warm"], 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
