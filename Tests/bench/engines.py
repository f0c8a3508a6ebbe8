"""The three engines the benchmark compares, each behind one long-running process.

* DuckDB and Polars run in a worker process each (multiprocessing, spawn), so their memory is
  measured the same way as LakeSQL's and neither library is loaded in the harness itself. The
  worker times execution + fetching the rows into Python (how a Python user meets them).
* LakeSQL runs the way its users meet it, in one of three modes:
    serve   - one `lakesql serve` process, queries over the PostgreSQL protocol (psycopg);
    repl    - one `lakesql --lake DIR --format csv` process fed on stdin: `query;` then the
              sentinel `SELECT '__done__';`, reading stdout up to the sentinel;
    process - fallback: a fresh `lakesql -c` process per query (includes process start-up,
              catalog discovery and Parquet footer reads every time).
  LakeSQL is timed in the harness, from sending the query to having the whole result.

Peak memory: every engine is one process; before each query the harness writes 5 to
/proc/PID/clear_refs (resets the kernel's resident-set high-water mark) and reads VmHWM from
/proc/PID/status afterwards. In process mode the child's ru_maxrss from wait4 is used.
Both are peak resident set sizes of the whole process, including the interpreter or binary.
"""

import csv
import io
import multiprocessing
import os
import select
import shutil
import socket
import subprocess
import threading
import time

SENTINEL = "__done__"


def reset_peak(pid):
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def strip_statement(sql):
    text = sql.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


# ---------------------------------------------------------------- Python engines (workers)

def _worker_main(engine, tables, connection, threads):
    """Runs in the child: registers the tables, then answers (sql) -> (seconds, names, rows, error)."""
    os.environ.setdefault("POLARS_MAX_THREADS", str(threads))
    if engine == "duckdb":
        import duckdb
        con = duckdb.connect()
        con.execute(f"SET threads={threads}")
        con.execute("SET enable_progress_bar=false")
        for name, (pattern, hive) in tables.items():
            escaped = pattern.replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{escaped}', "
                        f"hive_partitioning={'true' if hive else 'false'})")

        def run(sql):
            cursor = con.execute(sql)
            rows = cursor.fetchall()
            return [d[0] for d in cursor.description], rows
    else:
        import polars as pl
        ctx = pl.SQLContext()
        for name, (pattern, hive) in tables.items():
            ctx.register(name, pl.scan_parquet(pattern, hive_partitioning=hive))

        def run(sql):
            frame = ctx.execute(strip_statement(sql)).collect()
            return frame.columns, frame.rows()

    connection.send(("ready", None))
    while True:
        message = connection.recv()
        if message is None:
            break
        started = time.perf_counter()
        try:
            names, rows = run(message)
            connection.send((time.perf_counter() - started, names, rows, None))
        except Exception as error:  # any engine error is reported, not raised
            connection.send((time.perf_counter() - started, None, None, f"{type(error).__name__}: {error}"[:300]))


class PythonEngine:
    def __init__(self, engine, tables, threads=2):
        self.name = engine
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(engine, tables, child, threads), daemon=True)
        self.process.start()
        self.connection.recv()
        self.mode = "in-process (worker)"

    def version(self):
        if self.name == "duckdb":
            import importlib.metadata as md
            return "duckdb " + md.version("duckdb")
        import importlib.metadata as md
        return "polars " + md.version("polars")

    def run(self, sql, timeout):
        reset_peak(self.process.pid)
        self.connection.send(sql)
        if not self.connection.poll(timeout):
            self.close(force=True)
            raise TimeoutError(f"{self.name} timed out after {timeout}s")
        seconds, names, rows, error = self.connection.recv()
        return {"seconds": seconds, "names": names, "rows": rows, "error": error,
                "peak_mb": peak_rss_mb(self.process.pid), "text": False}

    def close(self, force=False):
        try:
            if not force:
                self.connection.send(None)
                self.process.join(5)
        except (OSError, BrokenPipeError):
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


# ---------------------------------------------------------------- LakeSQL

def lakesql_supports_serve(binary):
    try:
        proc = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0 and "serve" in (proc.stdout + proc.stderr).lower()


def lakesql_streams_stdin(binary, lake):
    """True when a piped statement is answered before stdin is closed (psql-like execution)."""
    try:
        proc = subprocess.Popen([binary, "--lake", lake, "--format", "csv"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return False
    try:
        proc.stdin.write(f"SELECT '{SENTINEL}';\n".encode())
        proc.stdin.flush()
        deadline = time.time() + 20
        seen = b""
        while time.time() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    return False
                seen += chunk
                if SENTINEL.encode() in seen:
                    return True
        return False
    finally:
        proc.kill()
        proc.wait()


class ReplLakeSQL:
    """One lakesql process fed on stdin; each query is followed by the sentinel query."""

    def __init__(self, binary, lake):
        self.mode = "one REPL process (stdin)"
        self.process = subprocess.Popen([binary, "--lake", lake, "--format", "csv"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffer = b""
        self.error_text = b""

    def _drain_stderr(self, wait=0.0):
        """Errors are written before the sentinel's output, so once the sentinel has been read
        they are already in the pipe: a non-blocking read collects them."""
        while True:
            ready, _, _ = select.select([self.process.stderr], [], [], wait)
            if not ready:
                return
            chunk = os.read(self.process.stderr.fileno(), 1 << 16)
            if not chunk:
                return
            self.error_text += chunk

    def _read_through_sentinel(self, deadline):
        """The output lines before the sentinel's line; what follows it stays buffered. The
        buffer is searched only where new bytes arrived, so reading a large result costs time
        linear in its size (splitting one line off at a time copied the rest of the buffer per
        line, which for TPC-H Q16's 18,314 rows was charged to LakeSQL's time)."""
        needle = b"\n" + SENTINEL.encode()
        data = bytearray(b"\n") + self.buffer       # a leading newline lets a first-line sentinel match
        start = 0
        while True:
            at = data.find(needle, start)
            while at >= 0:
                end = at + len(needle)
                if data[end:end + 1] == b"\r":
                    end += 1
                if data[end:end + 1] == b"\n":
                    self.buffer = bytes(data[end + 1:])
                    text = data[1:at].decode() if at > 0 else ""
                    return text.split("\n") if text else []
                if end >= len(data):
                    break                             # the line may go on: wait for more bytes
                at = data.find(needle, at + 1)
            start = max(0, len(data) - len(needle) - 2)
            remaining = deadline - time.time()
            if remaining <= 0:
                raise TimeoutError("lakesql timed out")
            ready, _, _ = select.select([self.process.stdout, self.process.stderr], [], [], min(remaining, 1.0))
            if self.process.stderr in ready:
                self._drain_stderr()
            if self.process.stdout in ready:
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise EOFError("lakesql exited")
                data += chunk

    def run(self, sql, timeout):
        self._drain_stderr()
        self.error_text = b""
        reset_peak(self.process.pid)
        started = time.perf_counter()
        self.process.stdin.write(f"{strip_statement(sql)};\nSELECT '{SENTINEL}';\n".encode())
        self.process.stdin.flush()
        deadline = time.time() + timeout
        lines = [line.rstrip("\r") for line in self._read_through_sentinel(deadline)]
        seconds = time.perf_counter() - started
        if lines and lines[-1].strip() in ("?column?", '"?column?"'):
            lines.pop()                              # the sentinel's header
        self._drain_stderr()
        error = self.error_text.decode(errors="replace").strip()[:300] or None
        rows = list(csv.reader(io.StringIO("\n".join(l for l in lines if l.strip() != ""))))
        return {"seconds": seconds, "names": None, "rows": rows, "error": error,
                "peak_mb": peak_rss_mb(self.process.pid), "text": True}

    def close(self):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_text(value):
    """A Python value as PostgreSQL prints it (timestamps drop trailing zeros of the fraction)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        if hasattr(value, "hour") and hasattr(value, "day"):
            text = value.isoformat(sep=" ")
            return text.rstrip("0").rstrip(".") if "." in text else text
        return value.isoformat()
    return str(value)


class ServeLakeSQL:
    """One `lakesql serve` process; queries over the PostgreSQL protocol with psycopg."""

    def __init__(self, binary, lake, serve_args=None, user=None):
        import psycopg
        self.mode = "one `lakesql serve` process (psycopg)"
        port = _free_port()
        args = serve_args or ["--lake", lake, "--host", "127.0.0.1", "--port", str(port)]
        self.process = subprocess.Popen([binary, "serve"] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        last = None
        while time.time() < deadline:
            try:
                self.connection = psycopg.connect(host="127.0.0.1", port=port, dbname="lakesql",
                                                  user=user or os.environ.get("PGUSER", "lakesql"),
                                                  autocommit=True)
                break
            except psycopg.Error as error:
                last = error
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            self.close()
            raise RuntimeError(f"lakesql serve did not accept connections: {last}")
        if self.process.poll() is not None:
            raise RuntimeError(f"lakesql serve exited: {last}")

    def run(self, sql, timeout):
        import psycopg
        reset_peak(self.process.pid)
        started = time.perf_counter()
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(strip_statement(sql))
                rows = cursor.fetchall()
            error = None
        except psycopg.Error as exc:
            rows, error = [], str(exc).strip()[:300]
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "names": None, "rows": [[_as_text(v) for v in r] for r in rows],
                "error": error, "peak_mb": peak_rss_mb(self.process.pid), "text": True}

    def close(self):
        try:
            self.connection.close()
        except Exception:
            pass
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ProcessLakeSQL:
    """Fallback: a fresh lakesql process per query."""

    def __init__(self, binary, lake):
        self.mode = "a new lakesql process per query (includes start-up; not how users meet it)"
        self.binary, self.lake = binary, lake

    def run(self, sql, timeout):
        started = time.perf_counter()
        proc = subprocess.Popen([self.binary, "--lake", self.lake, "--format", "csv", "-c", sql],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = [], []
        readers = [threading.Thread(target=lambda s=stream, o=sink: o.append(s.read()), daemon=True)
                   for stream, sink in ((proc.stdout, out), (proc.stderr, err))]
        for reader in readers:
            reader.start()
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        # wait4 (not Popen.wait) so the child's own peak RSS comes back with its exit status
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        for reader in readers:
            reader.join()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode == -9:
            raise TimeoutError("lakesql timed out")
        error = err[0].decode(errors="replace").strip()[:300] if proc.returncode != 0 else None
        rows = list(csv.reader(io.StringIO(out[0].decode(errors="replace"))))
        return {"seconds": seconds, "names": None, "rows": rows, "error": error,
                "peak_mb": usage.ru_maxrss / 1024.0, "text": True}

    def close(self):
        pass


def open_lakesql(binary, lake, mode="auto", serve_args=None, user=None):
    """Returns a LakeSQL driver for the requested mode ('auto' picks serve, then repl, then process)."""
    if mode in ("auto", "serve") and lakesql_supports_serve(binary):
        try:
            return ServeLakeSQL(binary, lake, serve_args, user)
        except Exception as error:
            if mode == "serve":
                raise
            print(f"# lakesql serve unusable ({error}); trying the REPL")
    elif mode == "serve":
        raise RuntimeError("this lakesql has no working `serve` command")
    if mode in ("auto", "repl") and lakesql_streams_stdin(binary, lake):
        return ReplLakeSQL(binary, lake)
    if mode == "repl":
        raise RuntimeError("this lakesql does not execute piped statements before end of input")
    return ProcessLakeSQL(binary, lake)


def which_lakesql(path):
    if path:
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    for candidate in (os.path.join(repo, ".build", "release", "lakesql"), shutil.which("lakesql")):
        if candidate and os.path.exists(candidate):
            return candidate
    raise SystemExit("lakesql binary not found: build with `swift build -c release` or pass --lakesql")
