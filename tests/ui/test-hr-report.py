# SPDX-License-Identifier: EUPL-1.2
"""The anonymised HR competence report, used like a person in HR would.

The demo server (--demo) holds anonymous self-check submissions of this
year and the last; if it has none, the test submits some over HTTP as
staff would (three org units, one of them below five). `personal` (role
hr) signs in, opens "HR report" from the sidebar and sees only groups of
at least five submissions, the number of suppressed groups with the rule,
the year-over-year change in percent, and exports the table as CSV (a
semicolon-separated, UTF-8 file with BOM and decimal commas for Excel),
whose content is checked against the server's report.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring).
"""

import datetime
import os
import re
import subprocess
import threading
import time

import pyatspi
import sp_uitest
from sp_uitest import (APP, SERVER, TMP, api, click_at, find, find_all, log, procs, run,
                       screenshot, shown, wait_for)
from dogtail import tree

YEAR = datetime.date.today().year


class DemoServer(sp_uitest.Server):
    """The sync server with the demo accounts and content (--demo)."""

    def start(self):
        logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [SERVER, "--db", self.db, "--port", "0", "--bind", "127.0.0.1", "--demo"],
            stdout=subprocess.PIPE, stderr=logf, text=True)
        procs.append(self.proc)
        found = {}

        def reader():
            for line in self.proc.stdout:
                logf.write(line)
                logf.flush()
                m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
                if m and "port" not in found:
                    found["port"] = int(m.group(1))

        threading.Thread(target=reader, daemon=True).start()
        deadline = time.time() + 60
        while "port" not in found:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}, see {self.log_path}")
            if time.time() > deadline:
                raise AssertionError("server did not print its address")
            time.sleep(0.05)
        self.port = found["port"]
        log("server listening on port", self.port)


def login(port, user):
    return api(port, "POST", "/api/v1/login", {"user": user, "password": user})["token"]


def report(port, token, year):
    return api(port, "GET", f"/api/v1/competence/report?year={year}", token=token)


def ensure_submissions(port):
    """Submits anonymous results like the self-check does, unless the demo
    content already has some for this year and the last."""
    hr = login(port, "personal")
    if report(port, hr, YEAR)["groups"] and report(port, hr, YEAR - 1)["groups"]:
        return
    log("no demo submissions: submitting some over HTTP")
    staff = login(port, "mitarbeiter")
    catalogue = api(port, "GET", "/api/v1/competence/catalogues", token=staff)[0]
    codes = [c["code"] for c in catalogue["competences"]]
    plan = {"Amt 10 Bürgerservice": 7, "Amt 20 Finanzen": 6, "Amt 30 Klein": 2}
    for year, shift in ((YEAR - 1, 0), (YEAR, 1)):
        for unit, count in plan.items():
            for i in range(count):
                levels = {code: min(5, 1 + (i + j + shift) % 4 + shift) for j, code in enumerate(codes)}
                api(port, "POST", "/api/v1/competence/submissions",
                    {"catalogue": catalogue["id"], "version": catalogue["version"],
                     "org_unit": unit, "year": year, "levels": levels}, token=staff)


def app_root():
    def look():
        for a in tree.root.applications():
            if re.search("stadtpult", a.name or "", re.I):
                return a
        return None
    return wait_for("the Stadtpult application on the accessibility bus", look, 60)


def open_page(app, name):
    """Opens a page from the sidebar by its name, like a person would."""
    def row():
        for roles in (("list item",), ("page tab",), ("toggle button",), ("label",)):
            nodes = find_all(app, name, roles)
            if nodes:
                return nodes[0]
        return None
    click_at(wait_for(f"the “{name}” entry of the sidebar", row, 60))


def labels(app, pattern):
    rx = re.compile(pattern)
    return [n for n in app.findChildren(lambda n: n.roleName == "label" and rx.search(n.name or ""),
                                        showingOnly=False) if shown(n)]


def column_headers(app):
    """The titles of the table's columns (GTK 4.8 exposes each as a filler
    "GtkColumnViewTitle" holding a label)."""
    table = find(app, ("tree table", "table"), "Report table")
    titles = table.findChildren(lambda n: n.roleName in ("filler", "column header", "table column header")
                                and (n.name or "") in ("GtkColumnViewTitle", ""), showingOnly=False)
    names = []
    for t in titles:
        names += [n.name for n in t.findChildren(lambda n: n.roleName == "label", showingOnly=False) if n.name]
    return names


def main():
    server = DemoServer(os.path.join(TMP, "server.db"))
    server.start()
    ensure_submissions(server.port)

    hr = login(server.port, "personal")
    now, before = report(server.port, hr, YEAR), report(server.port, hr, YEAR - 1)
    shown_units = [g["org_unit"] for g in now["groups"]]
    log("server report:", [(g["org_unit"], g["n"]) for g in now["groups"]], "suppressed", now["suppressed"])
    assert shown_units, "the report shows no group at all"
    assert all(g["n"] >= 5 for g in now["groups"])

    env = dict(os.environ)
    env["STADTPULT_DEMO_LOGIN"] = f"personal:personal@{server.url}"
    env["SP_HARNESS_LOGIN"] = env["STADTPULT_DEMO_LOGIN"]
    app_log = open(os.path.join(TMP, "app.log"), "w")
    profile = os.path.join(TMP, "profile")
    os.makedirs(profile, exist_ok=True)
    args = [APP, "--profile", profile]
    procs.append(subprocess.Popen(args, stdout=app_log, stderr=subprocess.STDOUT, env=env))
    app = app_root()

    open_page(app, "HR report")

    # The suppression rule and the number of withheld groups.
    suppressed = wait_for("the suppressed-groups note",
                          lambda: labels(app, r"^Suppressed groups: \d+\."), 60)[0].name
    log(suppressed)
    assert suppressed.startswith(f"Suppressed groups: {now['suppressed']}."), suppressed
    assert "fewer than 5" in suppressed, suppressed

    # Columns: exactly the groups the server shows, plus the total.
    headers = wait_for("the table's column headers", lambda: column_headers(app), 20)
    log("columns:", headers)
    for unit in shown_units:
        assert unit in headers, (unit, headers)
    groups = [h for h in headers if h not in ("Competence", "All org units")]
    assert sorted(groups) == sorted(shown_units), (groups, shown_units)

    # The "Submissions (n)" row: every shown group has n >= 5.
    table = find(app, ("tree table", "table"), "Report table")
    n_cells = labels(table, r"^\d+( \(\d{4}: \d+\))?$")
    n_values = [int(c.name.split()[0]) for c in n_cells]
    log("n row:", n_values)
    assert n_values and all(v >= 5 for v in n_values), n_values

    # Year-over-year change of one cell, as the server's means give it.
    group = now["groups"][0]
    prev = next((g for g in before["groups"] if g["org_unit"] == group["org_unit"]), None)
    assert prev is not None, "no previous-year group to compare"
    code = next(c for c in sorted(group["levels"]) if c in prev["levels"])
    mean, old = group["levels"][code], prev["levels"][code]
    expected = f"{mean:.2f} ({(mean - old) / old * 100:+.1f} %)"
    log("expecting a cell", expected, "for", group["org_unit"], code)
    wait_for(f"the cell “{expected}”", lambda: labels(table, "^" + re.escape(expected) + "$"), 20)
    assert labels(table, r"^\d\.\d\d \([+-]\d+\.\d %\)$"), "no year-over-year percentages"
    screenshot("report")

    # Export CSV through the file chooser.
    path = os.path.join(TMP, "bericht.csv")
    find(app, "push button", "Export CSV…").doActionNamed("click")
    # GTK's own file chooser (no portal here): "Name:" and "Save".
    name_field = wait_for("the file name field",
                          lambda: (find_all(app, "Name:", ("text",)) + find_all(app, "Name", ("text",)) or [None])[0],
                          30)
    name_field.queryEditableText().setTextContents(path)
    time.sleep(0.5)

    def save_button():
        nodes = [n for n in app.findChildren(lambda n: n.roleName == "push button"
                                             and re.fullmatch(r"(_?Save )?_?Save", n.name or ""),
                                             showingOnly=False) if shown(n)]
        return nodes[0] if nodes else None
    wait_for("the Save button", save_button, 10).doActionNamed("click")
    wait_for("the CSV file", lambda: os.path.exists(path) and os.path.getsize(path) > 0, 30)

    with open(path, "rb") as f:
        raw = f.read()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM for Excel"
    lines = raw[3:].decode("utf-8").splitlines()
    header = lines[0].split(";")
    log("csv header:", header)
    assert header[:4] == ["Year", "Org unit", "Submissions", "Code"], header
    rows = [line.split(";") for line in lines[1:] if line]
    units_in_csv = {r[1] for r in rows}
    assert units_in_csv == set(shown_units) | ({"All org units"} if now.get("total") else set()), units_in_csv
    row = next(r for r in rows if r[1] == group["org_unit"] and r[3] == code)
    assert row[0] == str(YEAR) and row[2] == str(group["n"]), row
    assert row[5] == f"{mean:.2f}".replace(".", ","), (row, mean)
    assert row[6] == f"{old:.2f}".replace(".", ","), (row, old)
    assert row[7] == f"{(mean - old) / old * 100:.1f}".replace(".", ","), row
    assert all(int(r[2]) >= 5 for r in rows), "a small group in the CSV"
    log("CSV checked:", len(rows), "rows")
    screenshot("exported")


run("hr-report", main)
