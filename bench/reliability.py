"""Reliability of stance scores: does a stance given with score 0.8 hold 80% of the time?

Reads the JSON lines `python -m factcheck.lab eval ... --predictions FILE` writes (`gold`,
`predicted`, `confidence`), keeps the items where a side was called (supports/refutes and
their dataset names), bins them by confidence and prints, per bin, the mean confidence
against the share that was right, with the expected calibration error. With --svg it also
draws the diagram.

Usage: python bench/reliability.py PRED.jsonl [PRED2.jsonl ...] [--svg bench/reliability.svg] [--all]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from factcheck.lab.evaluate import calibration_error, reliability_bins  # noqa: E402

NEUTRAL = {"neutral", "not enough info", "NOT_ENOUGH_INFO", "compatibles", "Not Enough Evidence"}


def read(paths: list[Path], include_neutral: bool) -> list[tuple[float, bool]]:
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("confidence") is None or (row["predicted"] in NEUTRAL and not include_neutral):
                continue
            rows.append((float(row["confidence"]), row["predicted"] == row["gold"]))
    return rows


def svg(rows: list[dict], title: str) -> str:
    """A reliability diagram: bars of observed accuracy per confidence bin, the diagonal for perfect calibration."""
    w, h, pad = 360, 300, 40
    plot_w, plot_h = w - 2 * pad, h - 2 * pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
        f'<rect width="{w}" height="{h}" fill="white"/>',
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-size="13">{title}</text>',
    ]
    for r in rows:
        lo = float(r["bin"].split("-")[0])
        x = pad + lo * plot_w
        bar = r["accuracy"] * plot_h
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{h - pad - bar:.1f}" width="{plot_w / 10 - 2:.1f}" height="{bar:.1f}" '
            f'fill="#4c78a8"><title>{r["bin"]}: n={r["n"]}, confidence {r["confidence"]}, '
            f"right {r['accuracy']}</title></rect>"
        )
        parts.append(
            f'<text x="{x + plot_w / 20:.1f}" y="{h - pad - bar - 3:.1f}" text-anchor="middle">{r["n"]}</text>'
        )
    parts += [
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{pad}" stroke="#e45756" stroke-dasharray="4 3"/>',
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="black"/>',
        f'<line x1="{pad}" y1="{h - pad}" x2="{pad}" y2="{pad}" stroke="black"/>',
        f'<text x="{w / 2}" y="{h - 8}" text-anchor="middle">stated confidence (bin; label = items)</text>',
        f'<text x="12" y="{h / 2}" transform="rotate(-90 12 {h / 2})" text-anchor="middle">share right</text>',
    ]
    for t in (0, 0.5, 1):
        parts.append(f'<text x="{pad + t * plot_w}" y="{h - pad + 14}" text-anchor="middle">{t}</text>')
        parts.append(f'<text x="{pad - 4}" y="{h - pad - t * plot_h + 4}" text-anchor="end">{t}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("predictions", type=Path, nargs="+")
    parser.add_argument("--svg", type=Path)
    parser.add_argument("--title", default="Stance score reliability")
    parser.add_argument("--all", action="store_true", help="include neutral predictions")
    args = parser.parse_args()
    rows = reliability_bins(read(args.predictions, args.all))
    result = {"n": sum(r["n"] for r in rows), "ece": calibration_error(rows), "bins": rows}
    if args.svg:
        args.svg.write_text(svg(rows, args.title), encoding="utf-8")
        result["svg"] = str(args.svg)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
