#!/usr/bin/env python3
"""Real PostgreSQL clients against `lakesql serve` (run by .ci/test).

Starts the server on a free loopback port over Fixtures/demo with SCRAM
users from a password file, then drives it with psql, psycopg 3, asyncpg,
pgjdbc (compiled with javac here), SQLAlchemy and pandas, raw sockets with
bad bytes, 100 concurrent connections, cancellation, TLS and shutdown.
Checks that need the pg_catalog emulation (psql's \\d family, JDBC
DatabaseMetaData, the SQLAlchemy inspector, asyncpg's type introspection)
are reported as PENDING if `pg_catalog.pg_class` is not queryable. A second
server runs on a governance catalog: SCRAM users, per-user masks, row
policies and the audit log through the wire.
Exit status 1 if any check fails.
"""
import argparse, asyncio, os, shutil, signal, socket, struct, subprocess, sys, tempfile, threading, time, traceback
from decimal import Decimal
import datetime as dt
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = {"ok": 0, "fail": 0, "pending": 0}


def report(status, name, detail=""):
    results[status] += 1
    print(f"{status.upper():8} {name}{(' — ' + detail) if detail else ''}", flush=True)


def check(name, fn, pending_if=None):
    try:
        fn()
        report("ok", name)
    except Exception as e:
        if pending_if:
            report("pending", name, f"needs {pending_if}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        else:
            report("fail", name, f"{type(e).__name__}: {e}")
            traceback.print_exc()


class Server:
    def __init__(self, lakesql, *args):
        self.proc = subprocess.Popen([lakesql, "serve", "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "server.log"), "a"), text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on"):
            raise RuntimeError(f"server did not start: {line!r}")
        self.port = int(line.strip().rsplit(":", 1)[1])

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return None
        return self.proc.returncode


def dsn(port, user="alice", password="secret", **kw):
    extra = " ".join(f"{k}={v}" for k, v in kw.items())
    return f"host=127.0.0.1 port={port} dbname=lakesql user={user} password={password} {extra}"


def main():
    global tmp
    ap = argparse.ArgumentParser()
    ap.add_argument("--lakesql", default=os.path.join(ROOT, ".build/debug/lakesql"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="lakesql-wire-")
    pwfile = os.path.join(tmp, "passwords")
    with open(pwfile, "w") as f:
        f.write("alice:secret\nbob:hunter2\n")
    lake = os.path.join(ROOT, "Fixtures/demo")
    server = Server(args.lakesql, "--lake", lake, "--password-file", pwfile, "--max-connections", "150")
    port = server.port
    try:
        run_all(args, server, port)
    finally:
        rc = server.stop()
        check("SIGTERM shuts the server down cleanly (exit 0)", lambda: expect(rc == 0, f"exit status {rc}"))
    print(f"\nwire client tests: {results['ok']} passed, {results['fail']} failed, {results['pending']} pending", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if results["fail"] else 0)


def expect(cond, msg="expectation failed"):
    if not cond:
        raise AssertionError(msg)


# Every array type LakeSQL supports, with NULL elements and empty arrays (multidimensional arrays are not supported).
ARRAY_VALUES = [
    ("int2[]", [1, None, -32768]), ("int4[]", [1, None, 2147483647]), ("int8[]", [None, 9223372036854775807]),
    ("float4[]", [1.5, None, -0.25]), ("float8[]", [3.141592653589793, None]),
    ("numeric[]", [Decimal("1.50"), None, Decimal("-2.25")]), ("bool[]", [True, None, False]),
    ("text[]", ["a", "b,c", None, '"q"', ""]), ("varchar[]", ["x", None]),
    ("date[]", [dt.date(2024, 2, 29), None]), ("timestamp[]", [dt.datetime(1999, 12, 31, 23, 59, 59, 999999), None]),
    ("timestamptz[]", [dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), None]),
    ("interval[]", [dt.timedelta(days=3, seconds=5, microseconds=7), None]),
    ("oid[]", [1259, None, 4294967295]), ("int4[]", []), ("text[]", []), ("oid[]", []), ("date[]", []),
]


def array_literal(typ, values):
    """ARRAY[…]::typ built in SQL (so the server constructs the array itself)."""
    def lit(x):
        if x is None: return "NULL"
        if isinstance(x, bool): return "true" if x else "false"
        if isinstance(x, dt.timedelta): return f"'{x.days} days {x.seconds} seconds {x.microseconds} microseconds'"
        if isinstance(x, (int, float, Decimal)): return f"'{x}'"
        return "'" + str(x).replace("'", "''") + "'"
    return f"ARRAY[{', '.join(lit(x) for x in values)}]::{typ}" if values else f"'{{}}'::{typ}"


def same_array(typ, got, sent):
    if got is not None and typ == "timestamptz[]":
        got = [x if x is None else x.astimezone(dt.timezone.utc) for x in got]
    if typ == "numeric[]" and got is not None and len(got) == len(sent):
        return all((a is None and b is None) or (a is not None and b is not None and Decimal(a) == Decimal(b)) for a, b in zip(got, sent))
    return got == sent


def has_catalog(port):
    import psycopg
    try:
        with psycopg.connect(dsn(port), autocommit=True) as c:
            c.execute("SELECT count(*) FROM pg_catalog.pg_class").fetchone()
        return True
    except Exception:
        return False


def run_all(args, server, port):
    import psycopg
    catalog = has_catalog(port)
    need_catalog = None if catalog else "pg_catalog emulation"
    env = dict(os.environ, PGPASSWORD="secret")

    # ---- psql
    def psql(*cmds, **kw):
        argv = ["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(port), "-U", "alice", "-d", "lakesql"]
        for c in cmds:
            argv += ["-c", c]
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, **kw)

    def psql_queries():
        r = psql("SELECT count(*) FROM customers", "SELECT 1/0", "SELECT 'still here'")
        expect(r.stdout.split() == ["2000", "still", "here"], r.stdout + r.stderr)
        expect("division by zero" in r.stderr, r.stderr)
    check("psql: queries, an error keeps the session usable", psql_queries)

    def psql_copy():
        r = psql("\\copy (SELECT customer_id, country FROM customers ORDER BY customer_id LIMIT 3) to stdout with (format csv, header)")
        lines = r.stdout.strip().splitlines()
        expect(lines[0] == "customer_id,country" and len(lines) == 4, r.stdout + r.stderr)
    check("psql: \\copy … to stdout (COPY TO STDOUT csv)", psql_copy)

    def psql_script():
        script = "BEGIN;\nSELECT 1;\nSELECT nope;\nSELECT 2;\nROLLBACK;\nSELECT 3;\n"
        r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", str(port), "-U", "alice", "-d", "lakesql"],
                           input=script, env=env, capture_output=True, text=True, timeout=60)
        expect("current transaction is aborted" in r.stderr, r.stderr)
        expect(r.stdout.split() == ["1", "3"], r.stdout)
    check("psql: error inside BEGIN gives 25P02 until ROLLBACK", psql_script)

    for meta, needle in [("\\dt", "customers"), ("\\d customers", "customer_id"), ("\\l", "lakesql"), ("\\dn", "public")]:
        def psql_meta(meta=meta, needle=needle):
            r = psql(meta)
            expect(r.returncode == 0 and needle in r.stdout, (r.stdout + r.stderr).strip()[:200])
        check(f"psql: {meta}", psql_meta, pending_if=need_catalog)

    # ---- psycopg 3
    def psycopg_params():
        with psycopg.connect(dsn(port), autocommit=True) as c:
            row = c.execute("SELECT %s::int4 + 1, %s || '!', %s::numeric(10,2) * 2",
                            (41, "hi", Decimal("1.25"))).fetchone()
            expect(row == (42, "hi!", Decimal("2.50")), repr(row))
            rows = c.execute("SELECT customer_id FROM customers WHERE customer_id < %s ORDER BY 1", (4,)).fetchall()
            expect(rows == [(1,), (2,), (3,)], repr(rows))
    check("psycopg: parameters (text and binary)", psycopg_params)

    values = [
        ("bool", True), ("int2", 32767), ("int4", -2147483648), ("int8", 9223372036854775807), ("oid", 4294967295),
        ("float4", 1.5), ("float8", 3.141592653589793), ("numeric(20,6)", Decimal("-12345678901234.123456")),
        ("numeric(10,0)", Decimal("1000000000")), ("numeric(12,5)", Decimal("0.00012")),
        ("text", "grüße\t\"x\""), ("varchar(5)", "abc"), ("char(3)", "ab "), ("bytea", b"\x00\x01\xff'\\"),
        ("date", dt.date(2024, 2, 29)), ("time", dt.time(13, 14, 15, 123456)),
        ("timestamp", dt.datetime(1999, 12, 31, 23, 59, 59, 999999)),
        ("timestamptz", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)),
        ("interval", dt.timedelta(days=3, seconds=14706, microseconds=7)),
        ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678")),
        ("int4[]", [1, None, 3]), ("text[]", ["a", "b,c", None]),
    ]
    for binary in (False, True):
        def array_roundtrip(binary=binary):
            bad = []
            with psycopg.connect(dsn(port), autocommit=True) as c:
                cur = c.cursor(binary=binary)
                for typ, v in ARRAY_VALUES:
                    try:
                        got = cur.execute(f"SELECT %s::{typ}", (v,)).fetchone()[0]
                        if not same_array(typ, got, v):
                            bad.append(f"{typ}: sent {v!r} got {got!r}")
                        got = cur.execute(f"SELECT {array_literal(typ, v)}").fetchone()[0]
                        if not same_array(typ, got, v):
                            bad.append(f"{typ} literal: got {got!r}")
                    except Exception as e:
                        bad.append(f"{typ}: {type(e).__name__}: {e}")
            expect(not bad, "; ".join(bad))
        check(f"psycopg: every array type round-trips, NULL elements, empty ({'binary' if binary else 'text'} results)", array_roundtrip)

    for binary in (False, True):
        def roundtrip(binary=binary):
            bad = []
            with psycopg.connect(dsn(port), autocommit=True) as c:
                cur = c.cursor(binary=binary)
                for typ, v in values:
                    try:
                        got = cur.execute(f"SELECT %s::{typ}", (v,)).fetchone()[0]
                        if isinstance(v, dt.datetime) and v.tzinfo and got is not None:
                            got = got.astimezone(dt.timezone.utc)
                        if got != v:
                            bad.append(f"{typ}: sent {v!r} got {got!r}")
                    except Exception as e:
                        bad.append(f"{typ}: {type(e).__name__}: {e}")
            expect(not bad, "; ".join(bad))
        check(f"psycopg: every type round-trips ({'binary' if binary else 'text'} results)", roundtrip)

    def sqlstates():
        with psycopg.connect(dsn(port), autocommit=True) as c:
            for sql, state in [("SELECT * FROM nope", "42P01"), ("SELECT 1/0", "22012"), ("SELECT nope FROM customers", "42703"),
                               ("SELEC 1", "42601"), ("SELECT 'x'::int", "22P02"), ("SELECT $1", "42P02")]:
                try:
                    c.execute(sql)
                    raise AssertionError(f"{sql} did not fail")
                except psycopg.Error as e:
                    expect(e.sqlstate == state, f"{sql}: {e.sqlstate} != {state}")
        with psycopg.connect(dsn(port)) as c:  # autocommit off: psycopg sends BEGIN
            try:
                c.execute("SELECT 1/0")
            except psycopg.Error:
                pass
            try:
                c.execute("SELECT 1")
                raise AssertionError("statement after error in transaction did not fail")
            except psycopg.Error as e:
                expect(e.sqlstate == "25P02", e.sqlstate)
            c.rollback()
            expect(c.execute("SELECT 5").fetchone() == (5,))
    check("psycopg: SQLSTATEs, 25P02 in a failed transaction", sqlstates)

    def executemany():
        with psycopg.connect(dsn(port), autocommit=True) as c:
            c.execute("CREATE TABLE wire_em (a int, b text)")
            with c.cursor() as cur:
                cur.executemany("INSERT INTO wire_em VALUES (%s, %s)", [(i, str(i)) for i in range(100)])
            expect(c.execute("SELECT count(*), sum(a) FROM wire_em").fetchone() == (100, 4950))
    check("psycopg: executemany (pipelined Bind/Execute)", executemany)

    def server_cursor_bounded():
        before = server.rss_kb()
        peak = before
        n = 0
        with psycopg.connect(dsn(port)) as c:
            with c.cursor(name="big") as cur:
                cur.itersize = 5000
                cur.execute("SELECT x, repeat('x', 200) AS pad FROM generate_series(1, 1000000) AS t(x)")
                for row in cur:
                    n += 1
                    if n % 50000 == 0:
                        peak = max(peak, server.rss_kb())
        grew_mb = (peak - before) / 1024
        print(f"         server RSS {before/1024:.0f} MB before, {peak/1024:.0f} MB peak while streaming 1M rows (~210 MB of data)")
        expect(n == 1000000, f"{n} rows")
        expect(grew_mb < 150, f"server RSS grew by {grew_mb:.0f} MB")
    check("psycopg: server-side cursor over 1M rows with bounded server memory", server_cursor_bounded)

    def cancel_psycopg():
        with psycopg.connect(dsn(port), autocommit=True) as c:
            t = threading.Timer(0.5, c.cancel)
            t.start()
            try:
                c.execute("SELECT count(*) FROM generate_series(1, 2000000000)")
                raise AssertionError("query was not cancelled")
            except psycopg.errors.QueryCanceled as e:
                expect(e.sqlstate == "57014")
            expect(c.execute("SELECT 7").fetchone() == (7,))
    check("psycopg: cancel() a long query → 57014, session still usable", cancel_psycopg)

    def statement_timeout():
        with psycopg.connect(dsn(port), autocommit=True) as c:
            c.execute("SET statement_timeout = 300")
            try:
                c.execute("SELECT count(*) FROM generate_series(1, 2000000000)")
                raise AssertionError("no timeout")
            except psycopg.errors.QueryCanceled as e:
                expect("statement timeout" in str(e), str(e))
            c.execute("SET statement_timeout = 0")
            expect(c.execute("SELECT 8").fetchone() == (8,))
    check("psycopg: statement_timeout cancels with 57014", statement_timeout)

    def wrong_password():
        for user, pw in [("alice", "wrong"), ("mallory", "secret")]:
            try:
                psycopg.connect(dsn(port, user=user, password=pw)).close()
                raise AssertionError("connected with a wrong password")
            except psycopg.OperationalError as e:
                expect(f'password authentication failed for user "{user}"' in str(e), str(e))
    check("psycopg: wrong password / unknown user refused", wrong_password)

    def wrong_database():
        try:
            psycopg.connect(dsn(port).replace("dbname=lakesql", "dbname=other")).close()
            raise AssertionError("connected to another database")
        except psycopg.OperationalError as e:
            expect('database "other" does not exist' in str(e), str(e))
    check("psycopg: unknown database refused (3D000)", wrong_database)

    def concurrent():
        barrier = threading.Barrier(100)
        errors = []
        def worker(i):
            try:
                with psycopg.connect(dsn(port), autocommit=True) as c:
                    barrier.wait(timeout=60)
                    got = c.execute("SELECT %s::int * 2", (i,)).fetchone()[0]
                    if got != i * 2:
                        errors.append(f"{i}: {got}")
                    barrier.wait(timeout=60)
            except Exception as e:
                errors.append(f"{i}: {e}")
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(100)]
        for t in threads: t.start()
        for t in threads: t.join()
        expect(not errors, "; ".join(errors[:3]))
    check("100 concurrent connections", concurrent)

    # ---- asyncpg
    import asyncpg
    async def asyncpg_checks():
        conn = await asyncpg.connect(host="127.0.0.1", port=port, user="alice", password="secret", database="lakesql")
        try:
            st = await conn.prepare("SELECT customer_id, name FROM customers WHERE customer_id < $1 ORDER BY 1")
            rows = await st.fetch(4)
            expect([r["customer_id"] for r in rows] == [1, 2, 3], repr(rows))
            expect(await st.fetchval(2) == 1)
            limited = await conn.fetch("SELECT customer_id FROM customers ORDER BY 1 LIMIT $1 OFFSET $2", 2, 1)
            expect([r[0] for r in limited] == [2, 3], repr(limited))
            expect(await conn.fetchval("SELECT $1::numeric(10,2) + 1", Decimal("1.50")) == Decimal("2.50"))
            expect(await conn.fetchval("SELECT $1::date", dt.date(2024, 2, 29)) == dt.date(2024, 2, 29))
            async with conn.transaction():
                total = 0
                async for r in conn.cursor("SELECT x FROM generate_series(1, 20000) AS t(x)", prefetch=500):
                    total += r["x"]
                expect(total == 200010000, str(total))
            try:
                await conn.fetch("SELECT count(*) FROM generate_series(1, 2000000000)", timeout=0.5)
                raise AssertionError("no timeout")
            except asyncio.TimeoutError:
                pass
            expect(await conn.fetchval("SELECT 9") == 9)
            try:
                await asyncpg.connect(host="127.0.0.1", port=port, user="alice", password="bad", database="lakesql")
                raise AssertionError("connected with a wrong password")
            except asyncpg.InvalidPasswordError as e:
                expect(e.sqlstate == "28P01")
        finally:
            await conn.close()
    check("asyncpg: prepared statements, LIMIT $1 OFFSET $2, fetchrow, cursor, timeout-cancel, 28P01", lambda: asyncio.run(asyncpg_checks()))

    async def asyncpg_arrays():
        # asyncpg decodes results in binary and looks element types up by OID (its introspection query
        # joins pg_type on oid columns and takes `$1::oid[]`), so every array type exercises that path.
        conn = await asyncpg.connect(host="127.0.0.1", port=port, user="alice", password="secret", database="lakesql")
        try:
            bad = []
            for typ, v in ARRAY_VALUES:
                try:
                    st = await conn.prepare(f"SELECT $1::{typ} AS a")
                    got = await st.fetchval(v)
                    if not same_array(typ, got, v):
                        bad.append(f"{typ}: sent {v!r} got {got!r}")
                    got = await conn.fetchval(f"SELECT {array_literal(typ, v)}")
                    if not same_array(typ, got, v):
                        bad.append(f"{typ} literal: got {got!r}")
                except Exception as e:
                    bad.append(f"{typ}: {type(e).__name__}: {e}")
            oids = await conn.fetchval("SELECT array_agg(oid ORDER BY oid) FROM pg_class WHERE relname IN ('pg_class', 'pg_type')")
            if oids != [1247, 1259]:
                bad.append(f"array_agg(oid): {oids!r}")
            st = await conn.prepare("SELECT relname FROM pg_class WHERE oid = ANY($1) ORDER BY 1")
            if [(a.oid, a.name) for a in st.get_parameters()] != [(1028, "oid[]")]:
                bad.append(f"parameter type {st.get_parameters()}")
            if [r[0] for r in await st.fetch([1259, 1247])] != ["pg_class", "pg_type"]:
                bad.append("oid = ANY($1) with an oid[] parameter")
            expect(not bad, "; ".join(bad))
        finally:
            await conn.close()
    check("asyncpg: every array type (parameters and results, NULL elements, empty), oid[] parameters",
          lambda: asyncio.run(asyncpg_arrays()), pending_if=need_catalog)

    async def asyncpg_introspection():
        conn = await asyncpg.connect(host="127.0.0.1", port=port, user="alice", password="secret", database="lakesql")
        try:
            v = await conn.fetchval("SELECT array_agg(country) FROM (SELECT country FROM customers ORDER BY customer_id LIMIT 2) s")
            expect(len(v) == 2)
        finally:
            await conn.close()
    check("asyncpg: type introspection (bpchar[])", lambda: asyncio.run(asyncpg_introspection()), pending_if=need_catalog)

    # ---- pgjdbc
    def jdbc():
        jar = "/usr/share/java/postgresql.jar"
        expect(os.path.exists(jar), f"{jar} missing (apt-get install libpostgresql-jdbc-java)")
        out = os.path.join(tmp, "jdbc")
        os.makedirs(out, exist_ok=True)
        subprocess.run(["javac", "-d", out, os.path.join(ROOT, "Tests/wire/JdbcCheck.java")], check=True, timeout=120)
        r = subprocess.run(["java", "-cp", f"{out}:{jar}", "JdbcCheck", f"jdbc:postgresql://127.0.0.1:{port}/lakesql", "alice", "secret"]
                           + (["catalog"] if catalog else []), capture_output=True, text=True, timeout=120)
        expect(r.returncode == 0, (r.stdout + r.stderr)[-800:])
    check("pgjdbc: PreparedStatement, ResultSetMetaData, SQLSTATE, fetch size" + (", DatabaseMetaData" if catalog else ""), jdbc)
    if not catalog:
        report("pending", "pgjdbc: DatabaseMetaData.getTables/getColumns/getSchemas", "needs pg_catalog emulation")

    # ---- SQLAlchemy and pandas
    def pandas_dbapi():
        import pandas, warnings
        with psycopg.connect(dsn(port), autocommit=True) as c, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = pandas.read_sql("SELECT country, count(*) AS n FROM customers GROUP BY country ORDER BY n DESC", c)
        expect(len(df) > 1 and df["n"].sum() == 2000, repr(df))
    check("pandas.read_sql over a psycopg connection", pandas_dbapi)

    def sqlalchemy_inspector():
        import sqlalchemy, pandas
        engine = sqlalchemy.create_engine(f"postgresql+psycopg://alice:secret@127.0.0.1:{port}/lakesql")
        insp = sqlalchemy.inspect(engine)
        expect("customers" in insp.get_table_names(), "get_table_names")
        cols = [c["name"] for c in insp.get_columns("customers")]
        expect("customer_id" in cols, repr(cols))
        df = pandas.read_sql("SELECT count(*) AS n FROM customers", engine)
        expect(int(df["n"][0]) == 2000)
        engine.dispose()
    check("SQLAlchemy 2 inspector and pandas.read_sql(engine)", sqlalchemy_inspector, pending_if=need_catalog)

    # ---- raw bytes
    def raw_garbage():
        cases = {
            "HTTP request": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            "huge startup length": struct.pack("!II", 0x7FFFFFFF, 196608),
            "protocol 2": struct.pack("!II", 8, 0x20000),
        }
        for name, payload in cases.items():
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(payload)
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                expect(data[:1] == b"E" and b"08P01" in data, f"{name}: {data[:80]!r}")
        # After start-up: an unknown message type.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(struct.pack("!II", 8, 80877103))
            expect(s.recv(1) == b"N")
            with psycopg.connect(dsn(port), autocommit=True) as c:
                expect(c.execute("SELECT 1").fetchone() == (1,))
    check("raw sockets: garbage gets 08P01 and a close; server keeps serving", raw_garbage)

    # ---- TLS
    def tls():
        cert, key = os.path.join(tmp, "server.crt"), os.path.join(tmp, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                        "-subj", "/CN=localhost"], check=True, capture_output=True, timeout=60)
        s2 = Server(args.lakesql, "--lake", os.path.join(ROOT, "Fixtures/demo"), "--password-file", os.path.join(tmp, "passwords"),
                    "--tls-cert", cert, "--tls-key", key, "--auth", "password")
        try:
            with psycopg.connect(dsn(s2.port, sslmode="require"), autocommit=True) as c:
                expect(c.execute("SELECT count(*) FROM customers").fetchone() == (2000,))
                expect(c.pgconn.ssl_in_use)
            try:
                psycopg.connect(dsn(s2.port, sslmode="disable")).close()
                raise AssertionError("cleartext password accepted without TLS")
            except psycopg.OperationalError as e:
                expect("SSL" in str(e), str(e))
        finally:
            s2.stop()
    check("TLS: sslmode=require with --tls-cert; password auth refused without TLS", tls)

    # ---- trust
    def trust():
        s3 = Server(args.lakesql, "--lake", os.path.join(ROOT, "Fixtures/demo"), "--auth", "trust")
        try:
            with psycopg.connect(f"host=127.0.0.1 port={s3.port} dbname=lakesql user=anyone", autocommit=True) as c:
                expect(c.execute("SELECT 1").fetchone() == (1,))
        finally:
            s3.stop()
    check("trust authentication on loopback", trust)

    def shutdown_with_running_query():
        s4 = Server(args.lakesql, "--lake", os.path.join(ROOT, "Fixtures/demo"), "--auth", "trust", "--shutdown-grace", "1")
        outcome = {}
        def long_query():
            try:
                with psycopg.connect(f"host=127.0.0.1 port={s4.port} dbname=lakesql user=u", autocommit=True) as c:
                    c.execute("SELECT count(*) FROM generate_series(1, 2000000000)")
                    outcome["result"] = "finished"
            except psycopg.Error as e:
                outcome["result"] = e.sqlstate or type(e).__name__
        t = threading.Thread(target=long_query)
        t.start()
        time.sleep(1.0)
        started = time.time()
        rc = s4.stop(timeout=30)
        t.join(30)
        expect(rc == 0, f"exit status {rc}")
        expect(time.time() - started < 15, "shutdown took too long")
        expect(outcome.get("result") in ("57014", "57P01", "OperationalError"), repr(outcome))
    check("SIGTERM with a running query: grace period, then cancel, exit 0", shutdown_with_running_query)

    def killed_client_cancels_query():
        # One slot: it frees only when the worker ends, i.e. when the hung-up client's query was cancelled.
        s5 = Server(args.lakesql, "--lake", os.path.join(ROOT, "Fixtures/demo"), "--auth", "trust", "--max-connections", "1")
        try:
            p = subprocess.Popen(["psql", f"host=127.0.0.1 port={s5.port} dbname=lakesql user=u", "-c",
                                  "SELECT count(*) FROM generate_series(1, 2000000000)"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            p.kill(); p.wait()
            deadline, last = time.time() + 15, None
            while time.time() < deadline:
                try:
                    with psycopg.connect(f"host=127.0.0.1 port={s5.port} dbname=lakesql user=u", autocommit=True) as c:
                        expect(c.execute("SELECT 5").fetchone() == (5,))
                        return
                except psycopg.OperationalError as e:
                    last = e
                    time.sleep(0.2)
            raise AssertionError(f"slot still taken 15 s after the client was killed: {last}")
        finally:
            s5.stop()
    check("client killed mid-query: its statement is cancelled, its slot freed", killed_client_cancels_query)

    # ---- governance catalog: users, masks and row policies per connection
    def catalog_users():
        cat = os.path.join(tmp, "governance.db")
        setup = """
            CREATE ROLE pii_reader;
            CREATE USER steward PASSWORD 'st-pass' IN ROLE pii_reader;
            CREATE USER staff PASSWORD 'staff-pass';
            GRANT SELECT ON TABLE customers TO steward, staff;
            CREATE MASKING POLICY email_mask AS (val text) RETURNS text ->
              CASE WHEN is_member('pii_reader') THEN val ELSE mask_email(val) END;
            ALTER TABLE customers ALTER COLUMN email SET MASKING POLICY email_mask;
            ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
            CREATE POLICY fr_only ON customers FOR SELECT TO staff USING (country = 'FR');
            CREATE POLICY everything ON customers FOR SELECT TO steward USING (true);
        """
        r = subprocess.run([args.lakesql, "--lake", lake_dir, "--catalog", cat, "-c", setup], capture_output=True, text=True, timeout=120)
        expect(r.returncode == 0, r.stderr)
        raw = subprocess.run([args.lakesql, "--lake", lake_dir, "--catalog", cat, "--format", "csv", "-c",
                              "SELECT email FROM customers WHERE country = 'FR' ORDER BY customer_id LIMIT 1"],
                             capture_output=True, text=True, timeout=60).stdout.splitlines()[1]
        s5 = Server(args.lakesql, "--lake", lake_dir, "--catalog", cat)
        try:
            q = "SELECT email, country FROM customers ORDER BY customer_id"
            with psycopg.connect(dsn(s5.port, user="steward", password="st-pass"), autocommit=True) as c:
                rows = c.execute(q).fetchall()
                expect(len(rows) == 2000, f"steward sees {len(rows)} rows")
                expect(raw in {e for e, _ in rows}, "steward (pii_reader) must see raw emails")
                expect(c.execute("SELECT current_user, is_member('pii_reader')").fetchone() == ("steward", True))
            with psycopg.connect(dsn(s5.port, user="staff", password="staff-pass"), autocommit=True) as c:
                rows = c.execute(q).fetchall()
                expect(rows and all(country == "FR" for _, country in rows), "staff sees only FR rows")
                emails = {e for e, _ in rows if e is not None}
                expect(raw not in emails and all("***@" in e for e in emails), f"staff must see masked emails: {sorted(emails)[:3]}")
                # The raw value must not come back through a predicate or a binary-format result either.
                expect(c.execute("SELECT count(*) FROM customers WHERE email = %s", (raw,)).fetchone() == (0,))
                cur = c.cursor(binary=True)
                expect(raw not in {r[0] for r in cur.execute("SELECT email FROM customers").fetchall()})
                try:
                    c.execute("SELECT * FROM lakesql_audit")
                    raise AssertionError("staff read the audit log")
                except psycopg.errors.InsufficientPrivilege:
                    pass
            for user, password in (("staff", "wrong"), ("nobody", "x")):
                try:
                    psycopg.connect(dsn(s5.port, user=user, password=password)).close()
                    raise AssertionError(f"{user} logged in with a wrong password")
                except psycopg.OperationalError as e:
                    expect("password authentication failed" in str(e), str(e))
        finally:
            s5.stop()
        # Every statement of both users is in the audit log, with the peer address as client.
        audit = subprocess.run([args.lakesql, "--lake", lake_dir, "--catalog", cat, "--format", "csv", "-c",
                                "SELECT user_name, client FROM lakesql_audit WHERE user_name IN ('steward','staff')"],
                               capture_output=True, text=True, timeout=60)
        expect(audit.returncode == 0, audit.stderr)
        lines = audit.stdout.splitlines()[1:]
        expect(any(l.startswith("staff,127.0.0.1") for l in lines) and any(l.startswith("steward,") for l in lines), audit.stdout)
    lake_dir = os.path.join(ROOT, "Fixtures/demo")
    check("catalog: SCRAM users from --catalog; two users see the email column masked differently; row policy; audit", catalog_users)


if __name__ == "__main__":
    main()
