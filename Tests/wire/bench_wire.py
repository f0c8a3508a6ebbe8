#!/usr/bin/env python3
"""Wire-protocol speed: lakesql serve against PostgreSQL 15 on loopback.

Not a test (nothing is asserted); prints a markdown table for
Docs/BENCHMARKS.md. Both servers use trust authentication so that only the
protocol and the query path are compared. PostgreSQL runs as a throwaway
cluster in a temporary folder (as the `postgres` user when run as root).

Measures, with the same clients for every server, one measure at a time across all servers:
  * connections/s: pgbench -C (a new connection per `SELECT 1`), 1 client
  * SELECT 1 round trips/s: pgbench, simple and extended protocol, 1 and 32 clients
  * rows/s: psycopg 3 streaming a 10M-row result (cursor.stream, text format)

Wall-clock rates depend on the machine's load (client and server share the
cores). For every pgbench measure the script also prints the server's CPU
time per transaction, which does not: for LakeSQL the utime+stime of the
serve process (/proc/PID/stat), for PostgreSQL the postmaster's own and its
reaped children's (cutime+cstime: the backends, counted when they exit after
the run), divided by the transactions pgbench reports. The client's
(pgbench's) CPU per transaction is printed next to it.

Usage: python3 Tests/wire/bench_wire.py [--lakesql .build/release/lakesql] [--seconds 5] [--rows 10000000 (0: skip)]
                                      [--baseline OTHER_LAKESQL]  (an older build measured in the same run)
                                      [--repeat 3]  (runs per measure and server, alternating; medians)
"""
import argparse, os, shutil, subprocess, sys, tempfile, time, re

PGBIN = "/usr/lib/postgresql/15/bin"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def as_postgres(argv, **kw):
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--"] + argv
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def start_postgres(tmp):
    data = os.path.join(tmp, "pgdata")
    os.makedirs(data)
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres"); shutil.chown(data, "postgres")
    as_postgres([f"{PGBIN}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"])
    port = free_port()
    as_postgres([f"{PGBIN}/pg_ctl", "-D", data, "-l", os.path.join(data, "log"), "-w", "start",
                 "-o", f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"])
    return data, port


def stop_postgres(data):
    as_postgres([f"{PGBIN}/pg_ctl", "-D", data, "-m", "fast", "stop"])


def start_lakesql(lakesql):
    proc = subprocess.Popen([lakesql, "serve", "--listen", "127.0.0.1:0", "--auth", "trust", "--max-connections", "200"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            # A session of its own, as pg_ctl gives the postmaster (setsid): with
                            # sched_autogroup on, a server in the bench's session would share one
                            # CPU share with pgbench while PostgreSQL gets a share of its own.
                            start_new_session=True)
    line = proc.stdout.readline()
    return proc, int(line.strip().rsplit(":", 1)[1])


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid, children=False):
    """Seconds of CPU used by a process (all its threads); with children, also by its reaped children."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the ")": state is field 3, so utime (14) .. cstime (17) are indices 11..14.
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + ((cutime + cstime) if children else 0)) / CLOCK_TICKS


class ServerCPU:
    """The CPU a server spent, read before and after a measure."""
    def __init__(self, pid, children):
        self.pid, self.children = pid, children

    def read(self):
        if not self.children:
            return process_cpu(self.pid)
        # Backends are counted when the postmaster reaps them, just after the clients leave: wait until it settles.
        last, deadline = process_cpu(self.pid, True), time.time() + 3
        while time.time() < deadline:
            time.sleep(0.2)
            now = process_cpu(self.pid, True)
            if now == last:
                break
            last = now
        return last


def client_cpu():
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


LAST_TRANSACTIONS = [0]


def pgbench(port, db, user, clients, seconds, protocol="simple", connect=False, script=None):
    argv = [f"{PGBIN}/pgbench", "-n", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-f", script,
            "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds), "-M", protocol]
    if connect:
        argv.append("-C")
    argv.append(db)
    out = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, PGPASSWORD="x")).stdout
    m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out) or re.search(r"tps = ([0-9.]+)", out)
    if not m:
        raise RuntimeError(out)
    t = re.search(r"number of transactions actually processed: ([0-9]+)", out)
    LAST_TRANSACTIONS[0] = int(t.group(1)) if t else 0
    return float(m.group(1))


def stream_rows(port, db, user, rows):
    import psycopg
    with psycopg.connect(f"host=127.0.0.1 port={port} dbname={db} user={user}", autocommit=True) as c:
        start = time.perf_counter()
        n = 0
        for _ in c.cursor().stream(f"SELECT x, x * 2 AS y FROM generate_series(1, {rows}) AS t(x)"):
            n += 1
        elapsed = time.perf_counter() - start
    assert n == rows, n
    return rows / elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lakesql", default=os.path.join(ROOT, ".build/release/lakesql"))
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--baseline", help="another lakesql binary (e.g. before a change), measured in the same run")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each measure per server, alternating servers; the median is reported")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="lakesql-bench-")
    os.chmod(tmp, 0o777)
    script = os.path.join(tmp, "select1.sql")
    with open(script, "w") as f:
        f.write("SELECT 1;\n")
    os.chmod(script, 0o644)
    data, pg_port = start_postgres(tmp)
    with open(os.path.join(data, "postmaster.pid")) as f:
        postmaster = int(f.readline())
    lake, lake_port = start_lakesql(args.lakesql)
    servers = [("PostgreSQL 15", pg_port, "postgres", "postgres"), ("LakeSQL", lake_port, "lakesql", "bench")]
    cpu = {"PostgreSQL 15": ServerCPU(postmaster, True), "LakeSQL": ServerCPU(lake.pid, False)}
    base = None
    if args.baseline:
        base, base_port = start_lakesql(args.baseline)
        servers.insert(1, ("LakeSQL baseline", base_port, "lakesql", "bench"))
        cpu["LakeSQL baseline"] = ServerCPU(base.pid, False)
    # Measures outer, servers inner: on a shared machine the load drifts, and each measure
    # then sees every server under about the same load.
    measures = [("connections/s (pgbench -C, 1 client)",
                 lambda port, db, user: pgbench(port, db, user, 1, args.seconds, connect=True, script=script))]
    for clients in (1, 32):
        for protocol in ("simple", "extended"):
            measures.append((f"SELECT 1/s, {clients} client{'s' if clients > 1 else ''}, {protocol}",
                             lambda port, db, user, c=clients, p=protocol: pgbench(port, db, user, c, args.seconds, protocol=p, script=script)))
    if args.rows > 0:  # --rows 0 skips streaming (quick round-trip runs)
        measures.append((f"rows/s streaming {args.rows:,} rows to psycopg", lambda port, db, user: stream_rows(port, db, user, args.rows)))
    results = {name: {} for name, _, _, _ in servers}
    # measure -> server -> (server CPU µs per transaction, client CPU µs per transaction)
    cpu_per_transaction = {}
    try:
        for key, measure in measures:
            # Repeated, servers alternating, median reported: one 5-second reading on two
            # shared cores swings by 10-20% with where the scheduler puts client and server.
            readings = {name: [] for name, _, _, _ in servers}
            totals = {}   # name -> [server CPU s, client CPU s, transactions]
            for _ in range(max(1, args.repeat)):
                for name, port, db, user in servers:
                    LAST_TRANSACTIONS[0] = 0
                    before, client_before = cpu[name].read(), client_cpu()
                    readings[name].append(measure(port, db, user))
                    after, client_after = cpu[name].read(), client_cpu()
                    if LAST_TRANSACTIONS[0]:
                        t = totals.setdefault(name, [0.0, 0.0, 0])
                        t[0] += after - before; t[1] += client_after - client_before; t[2] += LAST_TRANSACTIONS[0]
            for name, values in readings.items():
                results[name][key] = sorted(values)[len(values) // 2]
            for name, (server_s, client_s, n) in totals.items():
                cpu_per_transaction.setdefault(key, {})[name] = (server_s * 1e6 / n, client_s * 1e6 / n)
            print(key, {name: [round(v) for v in readings[name]] for name, _, _, _ in servers},
                  f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
            if key in cpu_per_transaction:
                print("   CPU µs per transaction (server, pgbench):",
                      {name: tuple(round(x, 1) for x in v) for name, v in cpu_per_transaction[key].items()}, file=sys.stderr, flush=True)
    finally:
        lake.terminate(); lake.wait(30)
        if base:
            base.terminate(); base.wait(30)
        stop_postgres(data)
        shutil.rmtree(tmp, ignore_errors=True)
    keys = list(results["LakeSQL"].keys())
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    if args.baseline:
        print("| measure | PostgreSQL 15 | LakeSQL baseline | LakeSQL | LakeSQL / PostgreSQL |")
        print("|---|---:|---:|---:|---:|")
    else:
        print("| measure | PostgreSQL 15 | LakeSQL | LakeSQL / PostgreSQL |")
        print("|---|---:|---:|---:|")
    for k in keys:
        pg, ls = results["PostgreSQL 15"][k], results["LakeSQL"][k]
        middle = f" {results['LakeSQL baseline'][k]:,.0f} |" if args.baseline else ""
        print(f"| {k} | {pg:,.0f} |{middle} {ls:,.0f} | {ls / pg:.2f} |")
    if cpu_per_transaction:
        names = [name for name, _, _, _ in servers]
        print()
        print("Server CPU per transaction (µs; load-independent; pgbench's own CPU in parentheses):")
        print()
        print("| measure | " + " | ".join(names) + " | LakeSQL / PostgreSQL |")
        print("|---|" + "---:|" * (len(names) + 1))
        for k, per in cpu_per_transaction.items():
            cells = " | ".join(f"{per[n][0]:.1f} ({per[n][1]:.1f})" for n in names)
            print(f"| {k} | {cells} | {per['LakeSQL'][0] / per['PostgreSQL 15'][0]:.2f} |")

if __name__ == "__main__":
    main()
