#!/usr/bin/env python3
"""End-to-end tests of the lakesql REPL in a real terminal (tmux), plus the
non-interactive modes (-c, -f, stdin streaming) and their exit codes.

Each tmux test starts its own tmux server (-L) with a 120x40 window and HOME
set to a fresh temporary folder, types with send-keys and reads the screen
with capture-pane, waiting for expected text rather than sleeping.

    python3 Tests/repl/test_repl.py [--lakesql PATH]   (default .build/release/lakesql)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAKESQL = os.environ.get("LAKESQL", os.path.join(ROOT, ".build", "release", "lakesql"))
DEMO = os.path.join(ROOT, "Fixtures", "demo")
# tmux must treat the panes as UTF-8 (box drawing, ∅) whatever the CI machine's locale.
TMUX_ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")


class Terminal:
    """One lakesql process in its own tmux server."""

    counter = 0

    def __init__(self, args=(), home=None, env=None, width=120, height=40):
        Terminal.counter += 1
        self.socket = "lakesql-repl-test-%d-%d" % (os.getpid(), Terminal.counter)
        self.home = home or tempfile.mkdtemp(prefix="lakesql-home-")
        environment = {"HOME": self.home, "TERM": "xterm-256color", "PAGER": "", "LANG": "C.UTF-8"}
        environment.update(env or {})
        command = ["env"] + ["%s=%s" % kv for kv in environment.items()] + [LAKESQL] + list(args)
        subprocess.run(["tmux", "-u", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-x", str(width),
                        "-y", str(height), "-c", ROOT, " ".join(shell_quote(c) for c in command)], check=True, env=TMUX_ENV)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-u", "-L", self.socket] + list(args), check=True, capture_output=True,
                              encoding="utf-8", errors="replace", env=TMUX_ENV).stdout

    def type(self, text):
        # tmux reads a trailing `;` as a command separator; `\;` is a literal one.
        self.tmux("send-keys", "-l", text[:-1] + "\\;" if text.endswith(";") else text)

    def line(self, text):
        self.type(text)
        self.keys("Enter")

    def keys(self, *keys):
        self.tmux("send-keys", *keys)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200")

    def wait_for(self, pattern, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            screen = self.screen()
            if re.search(pattern, screen, re.M):
                return screen
            time.sleep(0.1)
        raise AssertionError("timed out waiting for %r; screen:\n%s" % (pattern, self.screen()))

    def alive(self):
        return subprocess.run(["tmux", "-L", self.socket, "has-session"], capture_output=True).returncode == 0

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


# The prompt is the catalog user's name: the interactive REPL attaches ~/.lakesql/catalog.db
# (each test has its own HOME), whose owner is the OS user running the tests.


def shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


class InteractiveTests(unittest.TestCase):
    def setUp(self):
        self.terminals = []

    def tearDown(self):
        for t in self.terminals:
            home = t.home
            t.close()
            shutil.rmtree(home, ignore_errors=True)

    def start(self, *args, **kw):
        t = Terminal(args, **kw)
        self.terminals.append(t)
        t.wait_for(r"^[\w.-]+=> $")
        return t

    def test_no_arguments_opens_the_demo_lake(self):
        t = self.start()
        screen = t.wait_for(r"lake folder .*Fixtures/demo")
        self.assertIn("Type \\? for help", screen)
        t.line("\\q")
        deadline = time.time() + 10
        while t.alive() and time.time() < deadline:
            time.sleep(0.1)
        self.assertFalse(t.alive(), "\\q leaves the REPL")

    def test_multi_line_query_with_continuation_prompt(self):
        t = self.start("--lake", DEMO)
        t.line("SELECT count(*) AS n,")
        t.wait_for(r"^[\w.-]+-> $")
        t.line("  'it''s (' AS s, (1 +")
        t.wait_for(r"^[\w.-]+\(> $")
        t.line("  2) AS three FROM orders;")
        screen = t.wait_for(r"\(1 row\)")
        self.assertRegex(screen, r"│\s+n\s+│\s+s\s+│\s+three\s+│")
        self.assertRegex(screen, r"│ 20000 │ it's \( │     3 │")
        self.assertRegex(screen, r"Time: \d+\.\d{3} ms")
        t.wait_for(r"^[\w.-]+=> $")

    def test_null_is_shown_distinctly_and_numbers_right_aligned(self):
        t = self.start("--lake", DEMO)
        t.line("SELECT NULL::int AS a, 12345 AS b, 'x' AS c UNION ALL SELECT 7, 8, NULL;")
        screen = t.wait_for(r"\(2 rows\)")
        self.assertRegex(screen, r"│ ∅ │ 12345 │ x │")
        self.assertRegex(screen, r"│ 7 │     8 │ ∅ │")
        t.line("\\pset null NULL")
        t.line("SELECT NULL AS z;")
        t.wait_for(r"│ NULL │")

    def test_tab_completion(self):
        t = self.start("--lake", DEMO)
        # A keyword, in the case typed.
        t.type("sel")
        t.keys("Tab")
        t.wait_for(r"[\w.-]+=> select $")
        # A table after FROM.
        t.type("count(*) FROM shipm")
        t.keys("Tab")
        t.wait_for(r"[\w.-]+=> select count\(\*\) FROM shipments $")
        t.line(";")
        t.wait_for(r"\(1 row\)")
        # A column of the table named later in the statement (cursor moved back before FROM).
        t.type("SELECT DISTINCT payment_me FROM orders;")
        t.keys("C-a")
        for _ in range(len("SELECT DISTINCT payment_me")):
            t.keys("Right")
        t.keys("Tab")
        t.wait_for(r"SELECT DISTINCT payment_method  ?FROM orders;")
        t.keys("Enter")
        t.wait_for(r"payment_method")
        # A file path inside quotes.
        t.type("SELECT count(*) FROM read_parquet('Fixtures/demo/custo")
        t.keys("Tab")
        t.wait_for(r"read_parquet\('Fixtures/demo/customers/")
        t.type("part-0.parquet');")
        t.keys("Enter")
        t.wait_for(r"│  2000 │")
        # Meta commands.
        t.type("\\con")
        t.keys("Tab")
        t.wait_for(r"[\w.-]+=> \\conninfo $")
        t.keys("Enter")
        t.wait_for(r"You are connected to LakeSQL")

    def test_ctrl_c_cancels_a_running_query_and_clears_the_prompt_line(self):
        t = self.start("--lake", DEMO)
        t.line("SELECT count(*) FROM generate_series(1, 300000) a, generate_series(1, 300000) b;")
        # The progress bar appears on stderr after a second.
        t.wait_for(r"row groups .*/s  \d+\.\d s")
        t.keys("C-c")
        screen = t.wait_for(r"SQLSTATE: 57014")
        self.assertIn("canceling statement due to user request", screen)
        t.wait_for(r"^[\w.-]+=> $")
        # Ctrl-C at the prompt drops the half-typed statement.
        t.type("SELECT 'dropped")
        # The terminal flushes unread input on Ctrl-C: wait until readline has it.
        t.wait_for(r"[\w.-]+=> SELECT 'dropped$")
        t.keys("C-c")
        t.wait_for(r"SELECT 'dropped\^C\s*\n[\w.-]+=> $")
        t.line("SELECT 41 + 1 AS answer;")
        screen = t.wait_for(r"│     42 │")
        self.assertNotIn("dropped'", screen.split("answer")[-1])

    def test_describe(self):
        t = self.start("--lake", DEMO)
        t.line("\\d")
        screen = t.wait_for(r"\(7 rows\)")
        self.assertRegex(screen, r"│ lake\s+│ orders\s+│ lake table │")
        t.line("\\d orders")
        screen = t.wait_for(r"Location: .*orders")
        self.assertIn('Lake table "lake.orders"', screen)
        self.assertRegex(screen, r"│ total\s+│ numeric\(12,2\)\s+│")
        t.line("CREATE VIEW big AS SELECT order_id FROM orders WHERE total > 1000;")
        t.wait_for(r"CREATE VIEW")
        t.line("\\dv")
        t.wait_for(r"│ public │ big\s+│ view │")
        t.line("\\d big")
        t.wait_for(r"View definition:")
        t.line("\\dn")
        t.wait_for(r"List of schemas")
        t.line("\\df regexp*")
        t.wait_for(r"regexp_replace")
        t.line("\\du")
        # The REPL opens ~/.lakesql/catalog.db (under the test's HOME), whose owner is listed.
        t.wait_for(r"List of roles|no governance catalog attached")
        t.line("\\d nosuchtable")
        t.wait_for(r'Did not find any relation named "nosuchtable"')

    def test_expanded_and_width_fitting(self):
        t = self.start("--lake", DEMO)
        t.line("\\x")
        t.wait_for(r"Expanded display is on")
        t.line("SELECT product_id, name FROM products ORDER BY product_id LIMIT 2;")
        screen = t.wait_for(r"RECORD 2")
        self.assertRegex(screen, r"─\[ RECORD 1 \]")
        self.assertRegex(screen, r"product_id │ 1\n")
        t.line("\\x off")
        t.line("SELECT repeat('x', 300) AS wide, 1 AS n;")
        screen = t.wait_for(r"x…")
        for row in screen.splitlines():
            self.assertLessEqual(len(row), 120)
        cols = ", ".join("%d AS column_number_%d" % (i, i) for i in range(40))
        t.line("SELECT %s;" % cols)
        t.wait_for(r"columns hidden: ")

    def test_pager_for_tall_results(self):
        home = tempfile.mkdtemp(prefix="lakesql-home-")
        paged = os.path.join(home, "paged.txt")
        t = self.start("--lake", DEMO, home=home, env={"PAGER": "cat > " + paged})
        t.line("SELECT * FROM generate_series(1, 100);")
        t.wait_for(r"^[\w.-]+=> $")
        deadline = time.time() + 10
        while not os.path.exists(paged) and time.time() < deadline:
            time.sleep(0.1)
        with open(paged, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("│             100 │", text)
        self.assertIn("(100 rows)", text)
        t.line("\\pset pager off")
        t.line("SELECT * FROM generate_series(1, 5) AS s(v);")
        t.wait_for(r"\(5 rows\)")

    def test_history_persists_and_never_records_passwords(self):
        home = tempfile.mkdtemp(prefix="lakesql-home-")
        t = self.start("--lake", DEMO, home=home)
        t.line("SELECT 'remember me' AS note,")
        t.line("  2 AS two;")
        t.wait_for(r"\(1 row\)")
        t.line("CREATE USER mallory PASSWORD 'hunter2';")
        t.wait_for(r"SQLSTATE|CREATE")
        t.line("SELECT 'hunter2' AS Password;")
        t.wait_for(r"\(1 row\)")
        t.line("\\q")
        deadline = time.time() + 10
        while t.alive() and time.time() < deadline:
            time.sleep(0.1)
        with open(os.path.join(home, ".lakesql_history"), encoding="utf-8") as f:
            history = f.read()
        self.assertIn("remember me", history)
        self.assertNotIn("hunter2", history)
        self.assertNotIn("mallory", history)
        # A new session recalls the multi-line statement with the Up key.
        t2 = self.start("--lake", DEMO, home=home)
        t2.keys("Up")
        t2.keys("Up")
        t2.wait_for(r"SELECT 'remember me' AS note,")
        t2.keys("Enter")
        t2.wait_for(r"│ remember me │   2 │")

    def test_prompt_shows_user_and_role_and_governance_listings(self):
        # Interactive use opens ~/.lakesql/catalog.db (under the test's HOME); its owner is the OS user.
        t = self.start("--lake", DEMO)
        user = re.search(r"^([\w.-]+)=> $", t.screen(), re.M).group(1)
        t.line("CREATE ROLE analyst;")
        t.wait_for(r"CREATE ROLE")
        t.line("SET ROLE analyst;")
        t.wait_for(r"^%s\(analyst\)=> $" % re.escape(user))
        t.line("\\du")
        screen = t.wait_for(r"List of roles(.*\n)+.*│ analyst │ role")
        self.assertRegex(screen, r"│ %s\s+│ user │ t" % re.escape(user))
        t.line("RESET ROLE;")
        t.wait_for(r"^%s=> $" % re.escape(user))
        t.line("\\dp")
        t.wait_for(r"Row policies")

    def test_syntax_error_shows_caret_and_sqlstate(self):
        t = self.start("--lake", DEMO)
        t.line("SELECT 1 2;")
        screen = t.wait_for(r"SQLSTATE: 42601")
        self.assertIn('ERROR:  syntax error at or near "2"', screen)
        self.assertRegex(screen, r"LINE 1: SELECT 1 2;\n {17}\^")
        t.line("\\bogus")
        t.wait_for(r"invalid command \\bogus")

    def test_watch_reruns_until_ctrl_c(self):
        t = self.start("--lake", DEMO)
        t.line("SELECT 'tick' AS t;")
        t.wait_for(r"\(1 row\)")
        t.line("\\watch 0.2")
        deadline = time.time() + 10
        while time.time() < deadline and t.screen().count("(every 0.2s)") < 3:
            time.sleep(0.1)
        self.assertGreaterEqual(t.screen().count("(every 0.2s)"), 3)
        t.keys("C-c")
        t.wait_for(r"^[\w.-]+=> $")
        count = t.screen().count("(every 0.2s)")
        time.sleep(0.6)
        self.assertEqual(t.screen().count("(every 0.2s)"), count, "\\watch stopped")


class JobControlTests(unittest.TestCase):
    def test_ctrl_z_and_fg_keep_line_editing(self):
        home = tempfile.mkdtemp(prefix="lakesql-home-")
        socket = "lakesql-repl-jobs-%d" % os.getpid()
        run = lambda *a: subprocess.run(["tmux", "-u", "-L", socket] + list(a), check=True, capture_output=True,
                                        encoding="utf-8", env=TMUX_ENV).stdout
        try:
            run("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-c", ROOT, "bash --norc --noprofile")
            run("send-keys", "-l", "HOME=%s PAGER= %s --lake %s" % (home, LAKESQL, DEMO))
            run("send-keys", "Enter")
            wait = lambda pattern: wait_until(lambda: run("capture-pane", "-p", "-J"), pattern)
            wait(r"[\w.-]+=> $")
            run("send-keys", "-l", "SELECT 6 * 7")
            # The terminal flushes unread input on Ctrl-Z: wait until readline has it.
            wait(r"[\w.-]+=> SELECT 6 \* 7$")
            run("send-keys", "C-z")
            wait(r"Stopped")
            run("send-keys", "-l", "fg")
            run("send-keys", "Enter")
            # The half-typed line is redrawn under a fresh prompt (after the `fg` line) and editing goes on.
            wait(r"# fg\n(.*\n)+[\w.-]+=> SELECT 6 \* 7$")
            run("send-keys", "-l", " AS n\\;")
            run("send-keys", "Enter")
            screen = wait(r"│ 42 │")
            self.assertEqual(screen.count("AS n;"), 1, screen)
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
            shutil.rmtree(home, ignore_errors=True)


def wait_until(read, pattern, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = read()
        if re.search(pattern, text, re.M):
            return text
        time.sleep(0.1)
    raise AssertionError("timed out waiting for %r; screen:\n%s" % (pattern, read()))


class NonInteractiveTests(unittest.TestCase):
    def run_lakesql(self, args, stdin=""):
        return subprocess.run([LAKESQL] + args, input=stdin, capture_output=True, encoding="utf-8", timeout=60, cwd=ROOT)

    def test_command_and_exit_codes(self):
        ok = self.run_lakesql(["--lake", DEMO, "-c", "SELECT count(*) FROM customers"])
        self.assertEqual(ok.returncode, 0)
        self.assertIn("2000", ok.stdout)
        bad = self.run_lakesql(["-c", "SELECT nope"])
        self.assertEqual(bad.returncode, 1)
        self.assertIn("SQLSTATE: 42703", bad.stderr)
        self.assertEqual(self.run_lakesql(["--bogus"]).returncode, 2)

    def test_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write("SELECT 1 AS a;\nSELECT 2 AS b;\n")
        try:
            r = self.run_lakesql(["--format", "csv", "-f", f.name])
            self.assertEqual(r.returncode, 0)
            self.assertEqual(r.stdout, "a\n1\nb\n2\n")
        finally:
            os.unlink(f.name)

    def test_stdin_stops_at_first_error_unless_continue_on_error(self):
        script = "SELECT 1 AS a;\nSELEC 2;\nSELECT 3 AS c;\n"
        r = self.run_lakesql(["--format", "csv"], stdin=script)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "a\n1\n")
        self.assertIn("SQLSTATE: 42601", r.stderr)
        r = self.run_lakesql(["--format", "csv", "--continue-on-error"], stdin=script)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "a\n1\nc\n3\n")

    def test_stdin_meta_commands_and_no_terminal_decorations(self):
        r = self.run_lakesql(["--lake", DEMO], stdin="\\timing off\nSELECT NULL AS n, 1 AS one;\n\\d orders\nSELECT 'x' AS last")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("\x1b[", r.stdout + r.stderr)
        self.assertIn(" n | one \n---+-----\n   |   1\n(1 row)", r.stdout)
        self.assertIn('Lake table "lake.orders"', r.stdout)
        self.assertIn(" last \n------\n x\n", r.stdout)

    def test_stdin_results_arrive_before_input_ends(self):
        # A driver pipes queries into one long-running process and reads each result as it comes.
        p = subprocess.Popen([LAKESQL, "--format", "csv", "--lake", DEMO], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, encoding="utf-8", bufsize=1, cwd=ROOT)
        try:
            for i in range(3):
                p.stdin.write("SELECT %d AS q, count(*) AS n\n FROM products;\n" % i)
                p.stdin.flush()
                self.assertEqual(p.stdout.readline(), "q,n\n")
                self.assertEqual(p.stdout.readline(), "%d,300\n" % i)
            p.stdin.close()
            self.assertEqual(p.wait(timeout=30), 0)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()

    def test_include_and_output_file(self):
        folder = tempfile.mkdtemp(prefix="lakesql-io-")
        try:
            inc = os.path.join(folder, "inc.sql")
            out = os.path.join(folder, "out.txt")
            with open(inc, "w") as f:
                f.write("SELECT 'from include' AS src;\n")
            r = self.run_lakesql(["--format", "csv"], stdin="\\o %s\n\\i %s\n\\o\nSELECT 'back' AS b;\n" % (out, inc))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, "b\nback\n")
            with open(out) as f:
                self.assertEqual(f.read(), "src\nfrom include\n")
            r = self.run_lakesql([], stdin="\\i %s\n" % os.path.join(folder, "missing.sql"))
            self.assertEqual(r.returncode, 1)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--lakesql":
        LAKESQL = os.path.abspath(sys.argv[2])
        del sys.argv[1:3]
    if not os.path.exists(LAKESQL):
        sys.exit("lakesql binary not found at %s (build it or pass --lakesql PATH)" % LAKESQL)
    unittest.main(verbosity=2)
