#!/usr/bin/python3
"""Plots the JSON lines of `bench/run --json FILE` (one object per cognate-bench row) as an SVG.

Usage: bench/plot.py FILE.jsonl [FILE.jsonl ...] [-o OUT.svg] [--title TEXT]

The SVG has one chart per operation (throughput in req/s on a log scale against the number of
virtual users, one line per server: Cognate, cognito-local), each level labelled with the ratio
Cognate / cognito-local, then a table per operation and level: req/s and p99 latency of each
server and their ratios. The same table is printed on stdout. Rows without a "server" key (older
files) are Cognate's. When a (server, operation, level) appears more than once (--json appends),
the last row wins. Python 3 standard library only.
"""

import argparse
import json
import math
import sys
from html import escape

OPS = ["SignUp", "ConfirmSignUp", "UserPasswordAuth", "GetTokensFromRefreshToken",
       "RefreshTokenAuth", "GetUser", "PasswordTotpSignIn", "SrpTotpSignIn"]
SERVERS = ["cognate", "cognito-local"]
COLOURS = {"cognate": "#1f77b4", "cognito-local": "#d95f02"}
NAMES = {"cognate": "Cognate", "cognito-local": "cognito-local"}
EXTRA_COLOURS = ["#7570b3", "#1b9e77", "#e7298a", "#666666"]
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"


def load(paths):
    rows = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"plot.py: {path}:{number}: {e}")
                row.setdefault("server", "cognate")
                rows[(row["server"], row["op"], int(row["concurrency"]))] = row
    if not rows:
        sys.exit("plot.py: no rows")
    return rows


def ordered(values, order):
    known = [v for v in order if v in values]
    return known + sorted(v for v in values if v not in order)


def fmt_rate(v):
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def fmt_ms(v):
    return f"{v:,.0f}" if v >= 100 else (f"{v:.1f}" if v >= 10 else f"{v:.2f}")


def fmt_ratio(v):
    if v is None:
        return "—"
    return f"×{v:,.0f}" if v >= 10 else f"×{v:.1f}"


def ratio(a, b):
    return a / b if a and b else None


def comparisons(rows, servers, ops):
    """(op, c, {server: row}) for every operation and level, in order."""
    out = []
    for op in ops:
        levels = sorted({c for (_, o, c) in rows if o == op})
        for c in levels:
            out.append((op, c, {s: rows[(s, op, c)] for s in servers if (s, op, c) in rows}))
    return out


def text_table(rows, servers, ops):
    base, other = servers[0], "cognito-local" if "cognito-local" in servers else None
    lines = []
    head = f"{'operation':<26} {'c':>4}"
    for s in servers:
        head += f" {NAMES.get(s, s) + ' req/s':>21}"
    if other:
        head += f" {'ratio':>8}"
    for s in servers:
        head += f" {NAMES.get(s, s) + ' p99 ms':>22}"
    if other:
        head += f" {'p99 ratio':>10}"
    lines.append(head)
    for op, c, by in comparisons(rows, servers, ops):
        line = f"{op:<26} {c:>4}"
        for s in servers:
            line += f" {fmt_rate(by[s]['requests_per_second']) if s in by else '—':>21}"
        if other:
            line += f" {fmt_ratio(rate_ratio(by, base, other)):>8}"
        for s in servers:
            line += f" {fmt_ms(by[s]['p99_ms']) if s in by else '—':>22}"
        if other:
            line += f" {fmt_ratio(p99_ratio(by, base, other)):>10}"
        errors = [f"{NAMES.get(s, s)} {by[s]['errors']} errors" for s in servers
                  if s in by and by[s].get("errors")]
        if errors:
            line += "  (" + ", ".join(errors) + ")"
        lines.append(line)
    return "\n".join(lines)


def rate_ratio(by, base, other):
    if base not in by or other not in by:
        return None
    return ratio(by[base]["requests_per_second"], by[other]["requests_per_second"])


def p99_ratio(by, base, other):
    """How many times lower Cognate's p99 is."""
    if base not in by or other not in by:
        return None
    return ratio(by[other]["p99_ms"], by[base]["p99_ms"])


class Svg:
    def __init__(self):
        self.parts = []

    def add(self, text):
        self.parts.append(text)

    def text(self, x, y, s, size=12, anchor="start", weight="normal", colour="#222",
             rotate=None, style=""):
        transform = f" transform='rotate({rotate} {x:.1f} {y:.1f})'" if rotate else ""
        self.add(f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' "
                 f"font-weight='{weight}' fill='{colour}' {FONT}{transform}{style}>"
                 f"{escape(str(s))}</text>")

    def line(self, x1, y1, x2, y2, colour="#ccc", width=1, dash=None):
        d = f" stroke-dasharray='{dash}'" if dash else ""
        self.add(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' "
                 f"stroke='{colour}' stroke-width='{width}'{d}/>")

    def rect(self, x, y, w, h, fill="none", stroke="none"):
        self.add(f"<rect x='{x:.1f}' y='{y:.1f}' width='{w:.1f}' height='{h:.1f}' "
                 f"fill='{fill}' stroke='{stroke}'/>")


def chart(svg, x0, y0, w, h, op, rows, servers, colours, y_lo, y_hi):
    """One operation's throughput chart with its top-left corner at (x0, y0)."""
    left, right, top, bottom = 62, 14, 26, 50
    px0, px1 = x0 + left, x0 + w - right
    py0, py1 = y0 + top, y0 + h - bottom  # top and bottom of the plotting area
    levels = sorted({c for (_, o, c) in rows if o == op})
    svg.text(x0 + w / 2, y0 + 16, op, size=14, anchor="middle", weight="bold")
    svg.rect(px0, py0, px1 - px0, py1 - py0, fill="#fafafa", stroke="#bbb")

    lx_lo, lx_hi = math.log2(levels[0]), math.log2(levels[-1])
    pad = 0.35 * max(lx_hi - lx_lo, 1)

    def X(c):
        return px0 + (math.log2(c) - lx_lo + pad) / (lx_hi - lx_lo + 2 * pad) * (px1 - px0)

    def Y(v):
        return py1 - (math.log10(v) - y_lo) / (y_hi - y_lo) * (py1 - py0)

    for e in range(y_lo, y_hi + 1):  # decades, with minor lines at 2 and 5
        svg.line(px0, Y(10 ** e), px1, Y(10 ** e), colour="#d0d0d0")
        svg.text(px0 - 6, Y(10 ** e) + 4, f"{10 ** e:,}", size=11, anchor="end", colour="#444")
        for m in (2, 5):
            if e < y_hi:
                svg.line(px0, Y(m * 10 ** e), px1, Y(m * 10 ** e), colour="#ececec")
    for c in levels:
        svg.line(X(c), py0, X(c), py1, colour="#ececec")
        svg.text(X(c), py1 + 15, c, size=11, anchor="middle", colour="#444")
    svg.text((px0 + px1) / 2, py1 + 30, "virtual users (c)", size=11, anchor="middle",
             colour="#444")
    svg.text(x0 + 14, (py0 + py1) / 2, "req/s (log)", size=11, anchor="middle", colour="#444",
             rotate=-90)

    for s in servers:
        points = [(c, rows[(s, op, c)]) for c in levels if (s, op, c) in rows]
        points = [(c, r) for c, r in points if r["requests_per_second"] > 0]
        if not points:
            continue
        path = " ".join(f"{'M' if i == 0 else 'L'}{X(c):.1f},{Y(r['requests_per_second']):.1f}"
                        for i, (c, r) in enumerate(points))
        svg.add(f"<path d='{path}' fill='none' stroke='{colours[s]}' stroke-width='2.5'/>")
        for c, r in points:
            failed = r.get("errors", 0) > 0
            svg.add(f"<circle cx='{X(c):.1f}' cy='{Y(r['requests_per_second']):.1f}' r='4.5' "
                    f"fill='{'white' if failed else colours[s]}' stroke='{colours[s]}' "
                    f"stroke-width='2'><title>{escape(NAMES.get(s, s))} c={c}: "
                    f"{fmt_rate(r['requests_per_second'])} req/s, p99 {fmt_ms(r['p99_ms'])} ms, "
                    f"{r.get('errors', 0)} errors</title></circle>")
    if "cognito-local" in servers[1:2]:  # the ratio at each level, under the higher point
        for c in levels:
            by = {s: rows[(s, op, c)] for s in servers if (s, op, c) in rows}
            q = rate_ratio(by, servers[0], servers[1])
            if q is not None:
                top_v = max(by[servers[0]]["requests_per_second"],
                            by[servers[1]]["requests_per_second"])
                svg.text(X(c), max(Y(top_v) - 10, py0 + 12), fmt_ratio(q), size=11,
                         anchor="middle", weight="bold", colour="#333")
    missing = [s for s in servers if not any((s, op, c) in rows for c in levels)]
    if missing:
        svg.text((px0 + px1) / 2, py1 - 10, "no " + ", ".join(NAMES.get(s, s) for s in missing) +
                 " rows (not supported or not run)", size=10, anchor="middle", colour="#777")


def table(svg, x0, y0, rows, servers, ops, colours):
    """The req/s and p99 of each server and their ratios, one line per operation and level."""
    base, other = servers[0], "cognito-local" if "cognito-local" in servers else None
    cols = [("operation", 200, "start"), ("c", 40, "end")]
    for s in servers:
        cols.append((f"{NAMES.get(s, s)} req/s", 165, "end"))
    if other:
        cols.append(("req/s ratio", 95, "end"))
    for s in servers:
        cols.append((f"{NAMES.get(s, s)} p99 ms", 175, "end"))
    if other:
        cols.append(("p99 ratio", 95, "end"))
    cols.append(("errors (" + " / ".join(NAMES.get(s, s) for s in servers) + ")", 250, "end"))
    width = sum(w for _, w, _ in cols)
    row_h = 19
    lines = comparisons(rows, servers, ops)
    y = y0
    svg.line(x0, y + 6, x0 + width, y + 6, colour="#888")
    x = x0
    for name, w, anchor in cols:
        server = next((s for s in servers if name.startswith(NAMES.get(s, s) + " ")), None)
        svg.text(x + (w - 8 if anchor == "end" else 4), y, name, size=12, anchor=anchor,
                 weight="bold", colour=colours.get(server, "#222"))
        x += w
    y += row_h + 4
    previous_op = None
    for i, (op, c, by) in enumerate(lines):
        if op != previous_op and previous_op is not None:
            svg.line(x0, y - 14, x0 + width, y - 14, colour="#ddd")
        cells = [op if op != previous_op else "", str(c)]
        previous_op = op
        for s in servers:
            cells.append(fmt_rate(by[s]["requests_per_second"]) if s in by else "—")
        if other:
            cells.append(fmt_ratio(rate_ratio(by, base, other)))
        for s in servers:
            cells.append(fmt_ms(by[s]["p99_ms"]) if s in by else "—")
        if other:
            cells.append(fmt_ratio(p99_ratio(by, base, other)))
        cells.append(" / ".join(str(by[s].get("errors", 0)) if s in by else "—"
                                for s in servers))
        x = x0
        for (name, w, anchor), cell in zip(cols, cells):
            weight = "bold" if "ratio" in name else "normal"
            colour = "#b00" if name.startswith("errors") and any(
                by[s].get("errors", 0) for s in by) else "#222"
            svg.text(x + (w - 8 if anchor == "end" else 4), y, cell, size=12, anchor=anchor,
                     weight=weight, colour=colour)
            x += w
        y += row_h
    return width, y - y0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="JSON lines from bench/run --json")
    parser.add_argument("-o", "--output", default="bench.svg", help="the SVG to write")
    parser.add_argument("--title", default=None)
    args = parser.parse_args()

    rows = load(args.files)
    servers = ordered({s for (s, _, _) in rows}, SERVERS)
    ops = ordered({o for (_, o, _) in rows}, OPS)
    colours = dict(COLOURS)
    for i, s in enumerate(s for s in servers if s not in colours):
        colours[s] = EXTRA_COLOURS[i % len(EXTRA_COLOURS)]

    rates = [r["requests_per_second"] for r in rows.values() if r["requests_per_second"] > 0]
    y_lo = math.floor(math.log10(min(rates)))
    y_hi = math.ceil(math.log10(max(rates) * 2.5))  # headroom for the ratio labels
    if y_hi == y_lo:
        y_hi += 1

    columns = min(4, len(ops))
    chart_w, chart_h = 330, 270
    margin = 30
    header_h = 92
    grid_rows = math.ceil(len(ops) / columns)
    n_lines = len(comparisons(rows, servers, ops))
    table_h = 60 + (n_lines + 1) * 19 + 10

    svg = Svg()
    width = max(margin * 2 + columns * chart_w, 1400 if len(servers) > 1 else 1000)
    height = header_h + grid_rows * chart_h + table_h + margin
    title = args.title or ("Throughput: " + " vs ".join(NAMES.get(s, s) for s in servers) +
                           " (same load generator, cognate-bench)")
    svg.text(margin, 32, title, size=20, weight="bold")
    levels = sorted({c for (_, _, c) in rows})
    svg.text(margin, 54, "Closed loop, c virtual users with one keep-alive connection each; "
             "higher is better. Bold labels: Cognate req/s ÷ " +
             ("cognito-local" if "cognito-local" in servers else "—") +
             " req/s at that level. Hollow points: the level had errors.", size=12,
             colour="#444")
    # Legend.
    lx = margin
    for s in servers:
        svg.line(lx, 74, lx + 28, 74, colour=colours[s], width=3)
        svg.add(f"<circle cx='{lx + 14}' cy='74' r='4.5' fill='{colours[s]}'/>")
        svg.text(lx + 36, 78, NAMES.get(s, s), size=13)
        lx += 60 + 8 * len(NAMES.get(s, s))

    for i, op in enumerate(ops):
        x = margin + (i % columns) * chart_w
        y = header_h + (i // columns) * chart_h
        chart(svg, x, y, chart_w, chart_h, op, rows, servers, colours, y_lo, y_hi)

    ty = header_h + grid_rows * chart_h + 24
    svg.text(margin, ty, "Per operation and level: throughput and p99 latency (ratios: "
             "how many times Cognate is ahead; p99 ratio = other p99 ÷ Cognate p99)", size=14,
             weight="bold")
    table_w, _ = table(svg, margin, ty + 30, rows, servers, ops, colours)
    width = max(width, margin * 2 + table_w)

    with open(args.output, "w", encoding="utf-8") as f:
        f.write(f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
                f"viewBox='0 0 {width} {height}'>\n")
        f.write(f"<rect width='{width}' height='{height}' fill='white'/>\n")
        f.write("\n".join(svg.parts))
        f.write("\n</svg>\n")
    print(text_table(rows, servers, ops))
    print(f"plot.py: wrote {args.output} ({len(rows)} rows, levels {levels})")


if __name__ == "__main__":
    main()
