#!/usr/bin/env python3
"""LakeSQL benchmark harness: TPC-H and a click-stream lake, LakeSQL vs DuckDB vs Polars.

    python3 Tests/bench/run.py gen-tpch --sf 1 [--data /tmp/lakebench]
    python3 Tests/bench/run.py gen-clickstream [--scale 1] [--data /tmp/lakebench]
    python3 Tests/bench/run.py tpch --sf 1 [--queries 1,3,5-9] [--runs 5] [--markdown out.md]
    python3 Tests/bench/run.py clickstream [--scale 1] [--queries m1,m3]

All three engines query the same Parquet files in place. For every query the engines take turns
(LakeSQL, DuckDB, Polars): one warm-up round, then --runs timed rounds; the table shows medians,
the ratios LakeSQL/DuckDB and LakeSQL/Polars with their geometric means, and each engine's peak
resident memory during the query. Results are checked against DuckDB's (integers and text
exactly, floats with relative tolerance 1e-6, decimals to 2 digits, row order only under a
final ORDER BY); a query whose result differs is flagged and left out of the geometric means.
How LakeSQL was driven (serve / REPL / process per query) is printed with the table; see
engines.py for the modes and the memory method. This is a script, never a timed test.
"""

import argparse
import datetime as dt
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import clickstream  # noqa: E402
import engines  # noqa: E402


def _load_tpch_run():
    """Tests/tpch/run.py (its data preparation and comparison rules), under a name of its own."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("tpch_run", os.path.join(REPO, "Tests", "tpch", "run.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tpch_run = _load_tpch_run()

TPCH_TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]
DEFAULT_DATA = "/tmp/lakebench"


# ---------------------------------------------------------------- data

def tpch_folder(data, sf):
    return os.path.join(data, f"tpch-sf{sf:g}")


def gen_tpch(sf, data, force=False):
    """TPC-H as Parquet, one folder per table: tpchgen-cli if installed, else DuckDB's dbgen
    (if its extension loads offline), else our own Tests/tpch/tpchgen.py."""
    folder = tpch_folder(data, sf)
    marker = os.path.join(folder, "_complete")
    if os.path.exists(marker) and not force:
        return folder
    os.makedirs(folder, exist_ok=True)
    started = time.time()
    if shutil.which("tpchgen-cli"):
        staging = folder + ".staging"
        subprocess.run(["tpchgen-cli", "parquet", "-s", f"{sf:g}", "-c", "SNAPPY",
                        "--row-group-bytes", "64MB", "-o", staging, "-q", "--overwrite"], check=True)
        for table in TPCH_TABLES:
            os.makedirs(os.path.join(folder, table), exist_ok=True)
            source = os.path.join(staging, table)
            if os.path.isdir(source):
                for name in os.listdir(source):
                    os.replace(os.path.join(source, name), os.path.join(folder, table, name))
            else:
                os.replace(source + ".parquet", os.path.join(folder, table, table + ".parquet"))
        shutil.rmtree(staging, ignore_errors=True)
        stamp = "tpchgen-cli"
    else:
        generated = tpch_run.prepare_data(sf, data)
        for table in TPCH_TABLES:
            os.replace(os.path.join(generated, table), os.path.join(folder, table))
        stamp = "Tests/tpch generator"
    with open(marker, "w") as f:
        f.write(f"{stamp} sf={sf:g}\n")
    print(f"# TPC-H SF{sf:g} ready in {folder} ({stamp}, {time.time() - started:.0f}s)")
    return folder


def clickstream_folder(data, scale):
    return os.path.join(data, f"clickstream-x{scale:g}")


def gen_clickstream(scale, data, force=False):
    folder = clickstream_folder(data, scale)
    marker = os.path.join(folder, "_complete")
    if os.path.exists(marker) and not force:
        return folder
    started = time.time()
    total = clickstream.generate(folder, scale, log=lambda m: print(f"# {m}", flush=True))
    with open(marker, "w") as f:
        f.write(f"clickstream v{clickstream.GENERATOR_VERSION} scale={scale:g} events={total}\n")
    print(f"# click-stream lake (x{scale:g}, {total} events) ready in {folder} ({time.time() - started:.0f}s)")
    return folder


# ---------------------------------------------------------------- queries

def tpch_queries(spec):
    numbers = list(range(1, 23))
    if spec:
        numbers = []
        for part in spec.split(","):
            lo, _, hi = part.partition("-")
            numbers.extend(range(int(lo.lstrip("q")), int((hi or lo).lstrip("q")) + 1))
    out = []
    for n in numbers:
        with open(os.path.join(REPO, "Tests", "tpch", "queries", f"q{n:02d}.sql")) as f:
            out.append((f"q{n:02d}", f.read()))
    return out


def mission_queries(spec):
    folder = os.path.join(HERE, "mission")
    wanted = set(spec.split(",")) if spec else None
    out = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".sql"):
            continue
        short = name.split("_")[0]
        if wanted and short not in wanted and name[:-4] not in wanted:
            continue
        with open(os.path.join(folder, name)) as f:
            out.append((name[:-4], f.read()))
    return out


def tpch_tables(folder):
    return {t: (os.path.join(folder, t, "*.parquet"), False) for t in TPCH_TABLES}


def clickstream_tables(folder):
    return {"events": (os.path.join(folder, "events", "**", "*.parquet"), True),
            "products": (os.path.join(folder, "products", "*.parquet"), False)}


# ---------------------------------------------------------------- comparison

def as_text_rows(rows):
    return [[engines._as_text(v) for v in row] for row in rows]


def check(reference, result, sql):
    """None when `result` agrees with DuckDB's `reference`, else a short reason."""
    if result["error"]:
        return "error: " + result["error"].splitlines()[0][:120]
    actual = result["rows"] if result["text"] else as_text_rows(result["rows"])
    # timestamps are compared as PostgreSQL text; other reference values keep their Python type
    expected = [[engines._as_text(v) if isinstance(v, dt.datetime) else v for v in row]
                for row in reference["rows"]]
    return tpch_run.compare(expected, reference["names"], actual, tpch_run.has_order_by(sql))


# ---------------------------------------------------------------- running

def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def fmt(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f}"


def benchmark(title, lake, tables, queries, args):
    binary = engines.which_lakesql(args.lakesql)
    engine_names = [e for e in args.engines.split(",") if e]
    print(f"# starting engines ({', '.join(engine_names)}) on {lake}", flush=True)
    drivers = {}
    if "lakesql" in engine_names:
        drivers["lakesql"] = engines.open_lakesql(binary, lake, args.mode)
    for name in ("duckdb", "polars"):
        if name in engine_names or name == "duckdb":      # DuckDB is always the reference
            drivers[name] = engines.PythonEngine(name, tables, threads=args.threads)
    results = []
    try:
        for name, sql in queries:
            row = {"query": name, "times": {}, "peak": {}, "status": {}}
            order = [e for e in ("lakesql", "duckdb", "polars") if e in engine_names]
            warm = {}
            for engine in order + (["duckdb"] if "duckdb" not in order else []):
                try:
                    warm[engine] = drivers[engine].run(sql, args.timeout)
                except (TimeoutError, EOFError) as error:
                    warm[engine] = {"error": str(error), "seconds": None, "rows": [], "text": True,
                                    "peak_mb": None, "names": None}
            reference = warm["duckdb"]
            for engine in order:
                if warm[engine]["error"]:
                    row["status"][engine] = "error: " + warm[engine]["error"].splitlines()[0][:100]
                elif engine != "duckdb":
                    problem = check(reference, warm[engine], sql)
                    row["status"][engine] = problem or "ok"
                else:
                    row["status"][engine] = "ok"
            live = [e for e in order if not row["status"][e].startswith("error")]
            runs = args.runs
            slowest = max((warm[e]["seconds"] or 0) for e in live) if live else 0
            if slowest * len(live) * runs > args.budget:
                runs = max(1, int(args.budget / max(slowest * len(live), 1e-9)))
            samples = {e: [] for e in live}
            peaks = {e: [warm[e]["peak_mb"]] for e in live}
            for _ in range(runs):
                for engine in live:
                    try:
                        r = drivers[engine].run(sql, args.timeout)
                    except (TimeoutError, EOFError):
                        continue
                    samples[engine].append(r["seconds"])
                    peaks[engine].append(r["peak_mb"])
            for engine in live:
                row["times"][engine] = statistics.median(samples[engine]) if samples[engine] else None
                known = [p for p in peaks[engine] if p is not None]
                row["peak"][engine] = max(known) if known else None
            row["runs"] = runs
            results.append(row)
            print(format_progress(row, order), flush=True)
    finally:
        for driver in drivers.values():
            driver.close()
    mode = drivers["lakesql"].mode if "lakesql" in drivers else "not run"
    table = format_table(title, results, engine_names, mode, args)
    print()
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")
    failures = [r["query"] for r in results if any(s != "ok" for s in r["status"].values())]
    return 1 if failures and args.strict else 0


def format_progress(row, order):
    parts = [f"{row['query']:<32}"]
    for engine in order:
        parts.append(f"{engine} {fmt(row['times'].get(engine))}s {row['status'][engine]}")
    return "  ".join(parts)


def ratio(row, a, b):
    ta, tb = row["times"].get(a), row["times"].get(b)
    if ta is None or tb is None or row["status"].get(a) != "ok" or row["status"].get(b) != "ok":
        return None
    return ta / tb


def format_table(title, results, engine_names, mode, args):
    import importlib.metadata as md
    has_polars = "polars" in engine_names
    lines = [f"### {title}", "",
             f"{dt.date.today().isoformat()}, {os.cpu_count()} cores, {platform.machine()}; "
             f"DuckDB {md.version('duckdb')} (threads={args.threads})"
             + (f", Polars {md.version('polars')}" if has_polars else "")
             + f"; LakeSQL driven as: **{mode}**; "
             f"median of {args.runs} timed runs after 1 warm-up, engines alternating; peak = process RSS high-water mark (MB).",
             ""]
    header = ["query", "LakeSQL s", "DuckDB s"] + (["Polars s"] if has_polars else []) + ["L/D"] \
        + (["L/P"] if has_polars else []) + ["peak L MB", "peak D MB"] + (["peak P MB"] if has_polars else []) \
        + ["check"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    ld, lp = [], []
    for row in results:
        r_ld = ratio(row, "lakesql", "duckdb")
        r_lp = ratio(row, "lakesql", "polars") if has_polars else None
        if r_ld:
            ld.append(r_ld)
        if r_lp:
            lp.append(r_lp)
        notes = [f"{e}: {s}" for e, s in row["status"].items() if s != "ok"]
        if row.get("runs", args.runs) != args.runs:
            notes.append(f"{row['runs']} timed run(s) (budget)")
        cells = [row["query"], fmt(row["times"].get("lakesql")), fmt(row["times"].get("duckdb"))] \
            + ([fmt(row["times"].get("polars"))] if has_polars else []) + [fmt(r_ld, 2)] \
            + ([fmt(r_lp, 2)] if has_polars else []) \
            + [fmt(row["peak"].get("lakesql"), 0), fmt(row["peak"].get("duckdb"), 0)] \
            + ([fmt(row["peak"].get("polars"), 0)] if has_polars else []) \
            + ["; ".join(notes).replace("|", "/") or "ok"]
        lines.append("| " + " | ".join(cells) + " |")
    g_ld, g_lp = geomean(ld), geomean(lp)
    lines.append("")
    lines.append(f"Geometric mean LakeSQL/DuckDB: **{fmt(g_ld, 2)}** over {len(ld)} queries"
                 + (f"; LakeSQL/Polars: **{fmt(g_lp, 2)}** over {len(lp)} queries" if has_polars else "")
                 + f". Worst L/D: {fmt(max(ld) if ld else None, 2)}"
                 + (f", worst L/P: {fmt(max(lp) if lp else None, 2)}" if has_polars else "") + ".")
    return "\n".join(lines)


def ab_compare(engine_a, engine_b, queries, rounds, timeout=900):
    """A/B of two LakeSQL binaries: per query one warm-up each, then `rounds` runs alternating
    A and B, medians. Yields (name, median A, median B, problem or None), the problem naming an
    error or rows that differ between the two."""
    for name, sql in queries:
        engine_a.run(sql, timeout)
        engine_b.run(sql, timeout)
        times_a, times_b, problem = [], [], None
        for _ in range(rounds):
            a, b = engine_a.run(sql, timeout), engine_b.run(sql, timeout)
            if a["error"] or b["error"]:
                problem = "error: " + (a["error"] or b["error"]).splitlines()[0][:120]
            elif a["rows"] != b["rows"]:
                problem = "A and B returned different rows"
            times_a.append(a["seconds"])
            times_b.append(b["seconds"])
        yield name, statistics.median(times_a), statistics.median(times_b), problem


def ab(args, lake, queries):
    """Prints the A/B of `--a` against `--b` (one REPL process each) over `queries`."""
    a = engines.ReplLakeSQL(engines.which_lakesql(args.a), lake)
    b = engines.ReplLakeSQL(engines.which_lakesql(args.b), lake)
    failed = False
    try:
        print(f"# A = {args.a}, B = {args.b}; one REPL process each, medians of {args.rounds} alternating runs")
        for name, ma, mb, problem in ab_compare(a, b, queries, args.rounds, args.timeout):
            print(f"{name:38s} A {ma:.4f}  B {mb:.4f}  B/A {mb / ma:.3f}" + (f"  {problem}" if problem else ""), flush=True)
            failed = failed or problem is not None
    finally:
        a.close()
        b.close()
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description="LakeSQL vs DuckDB vs Polars benchmark.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--data", default=DEFAULT_DATA, help=f"data root (default {DEFAULT_DATA}; never the repo)")

    g = sub.add_parser("gen-tpch", help="generate TPC-H Parquet")
    common(g)
    g.add_argument("--sf", type=float, default=1)
    g.add_argument("--force", action="store_true")
    g = sub.add_parser("gen-clickstream", help="generate the click-stream lake")
    common(g)
    g.add_argument("--scale", type=float, default=1, help="1 = 100M-row day + 6 x 10M-row days")
    g.add_argument("--force", action="store_true")
    for name in ("tpch", "clickstream"):
        b = sub.add_parser(name, help=f"run the {name} benchmark (generates data when missing)")
        common(b)
        if name == "tpch":
            b.add_argument("--sf", type=float, default=1)
        else:
            b.add_argument("--scale", type=float, default=1)
        b.add_argument("--queries", default="", help="tpch: 1,3,5-9; clickstream: m1,m3")
        b.add_argument("--lakesql", default=None, help="lakesql binary (default .build/release/lakesql)")
        b.add_argument("--mode", default="auto", choices=["auto", "serve", "repl", "process"],
                       help="how to drive LakeSQL (auto: serve, else streaming REPL, else process per query)")
        b.add_argument("--engines", default="lakesql,duckdb,polars")
        b.add_argument("--runs", type=int, default=5)
        b.add_argument("--threads", type=int, default=2, help="DuckDB threads / POLARS_MAX_THREADS")
        b.add_argument("--timeout", type=float, default=900, help="seconds per single run")
        b.add_argument("--budget", type=float, default=600,
                       help="seconds of timed runs per query before fewer runs are taken")
        b.add_argument("--markdown", default=None, help="also write the table to this file")
        b.add_argument("--strict", action="store_true", help="exit 1 if any result differs")
    a = sub.add_parser("ab", help="A/B two lakesql binaries on the same queries (one REPL process each)")
    common(a)
    a.add_argument("suite", choices=["tpch", "clickstream"])
    a.add_argument("--a", required=True, help="the baseline lakesql binary")
    a.add_argument("--b", required=True, help="the lakesql binary compared with it")
    a.add_argument("--sf", type=float, default=1)
    a.add_argument("--scale", type=float, default=1)
    a.add_argument("--queries", default="", help="tpch: 1,3,5-9; clickstream: m1,m3")
    a.add_argument("--rounds", type=int, default=5)
    a.add_argument("--timeout", type=float, default=900, help="seconds per single run")
    args = parser.parse_args()

    if args.command == "gen-tpch":
        gen_tpch(args.sf, args.data, args.force)
        return 0
    if args.command == "gen-clickstream":
        gen_clickstream(args.scale, args.data, args.force)
        return 0
    if args.command == "ab":
        if args.suite == "tpch":
            return ab(args, gen_tpch(args.sf, args.data), tpch_queries(args.queries))
        return ab(args, gen_clickstream(args.scale, args.data), mission_queries(args.queries))
    if args.command == "tpch":
        folder = gen_tpch(args.sf, args.data)
        return benchmark(f"TPC-H SF{args.sf:g}", folder, tpch_tables(folder), tpch_queries(args.queries), args)
    folder = gen_clickstream(args.scale, args.data)
    return benchmark(f"Click-stream x{args.scale:g}", folder, clickstream_tables(folder),
                     mission_queries(args.queries), args)


if __name__ == "__main__":
    sys.exit(main())
