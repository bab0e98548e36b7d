# SPDX-License-Identifier: EUPL-1.2
"""The digital competence self-check, taken like a person would.

A member of staff (`mitarbeiter`, role staff) signs in, syncs and opens
"Self-check" from the sidebar. After a few steps the app is closed; started
again, "Continue self-check" reopens the run where it stopped. The person
answers every question, sees a level per competence and a recommended
training item, and submits anonymously: first while the server is down
(the page says to submit later and keeps the result), then again once it
is back. The HR report (as `personal`, role hr, over HTTP) withholds the
org unit until five submissions exist, then shows it with all levels.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring).
"""

import datetime
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse

import pyatspi
import sp_uitest
from sp_uitest import (APP, SERVER, TMP, api, app_root, click_at, find, find_all, log, press,
                       procs, rawinput, run, screenshot, shown, sign_in, wait_for)

ORG_UNIT = "Amt 31 UI-Test"
STAFF, STAFF_PASSWORD = "mitarbeiter", "mitarbeiter-UI-test-1"
HR, HR_PASSWORD = "personal", "personal-UI-test-1"
YEAR = datetime.date.today().year


def add_account(db, user, role, password):
    pwfile = os.path.join(TMP, f"{user}.pw")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    subprocess.run([SERVER, "user", "add", user, "--role", role, "--password-file", pwfile,
                    "--db", db], check=True, timeout=60)


def start_desktop(profile):
    app_log = open(os.path.join(TMP, "app.log"), "a")
    proc = subprocess.Popen([APP, "--profile", profile], stdout=app_log, stderr=subprocess.STDOUT)
    procs.append(proc)
    return proc, app_root()


def open_selfcheck(app):
    """Opens the page from the sidebar by its name, like a person would."""
    def row():
        for roles in (("list item",), ("page tab",), ("label",)):
            nodes = find_all(app, "Self-check", roles)
            if nodes:
                return nodes[0]
        return None
    click_at(wait_for("the “Self-check” entry of the sidebar", row, 30))


def type_into_row(app, name, text):
    """Types into an AdwEntryRow (its inner text field takes the focus and
    its text is not on the accessibility bus in GTK 4.8; the HR report at the
    end shows that it arrived)."""
    row = find(app, ("text",), name)
    click_at(row)
    time.sleep(0.5)
    rawinput.keyCombo("<Control>a")
    rawinput.pressKey("Delete")
    rawinput.typeText(text)
    time.sleep(0.3)


def http_status(port, method, path, body=None, token=None):
    try:
        return 200, api(port, method, path, body, token)
    except urllib.error.HTTPError as e:
        return e.code, None


def progress_node(app):
    nodes = [n for n in app.findChildren(
        lambda n: n.roleName == "label" and re.match(r"Area \d+ of \d+ · Competence \d+ of \d+", n.name or ""),
        showingOnly=False) if shown(n)]
    return nodes[0] if nodes else None


def progress(app):
    node = progress_node(app)
    return node.name if node else None


def mouse(x, y, button=1):
    # Straight to the X server: dogtail's click waits 0.2 s after each.
    pyatspi.Registry.generateMouseEvent(int(x), int(y), f"b{button}c")
    time.sleep(0.05)


def click_in_view(node, pane):
    """Clicks @node with the mouse, scrolling it into @pane's view with the
    wheel first (GTK 4.8 offers no AT-SPI action for check and radio
    buttons)."""
    px, py = pane.position
    pw, ph = pane.size
    for _ in range(80):
        x, y = node.position
        w, h = node.size
        cy = y + h // 2
        if py + 8 <= cy < py + ph - 8:
            mouse(x + min(w, 40) // 2 + 4, cy)
            return
        mouse(px + pw // 2, py + ph // 2, 5 if cy >= py + ph - 8 else 4)
    raise AssertionError(f"cannot scroll to “{node.name}”")


class Run:
    """The self-check's run view; its progress label, question pane and
    Next button stay the same widgets from step to step."""

    def __init__(self, app):
        self.label = wait_for("the progress of the self-check", lambda: progress_node(app), 20)
        page = self.label.parent.parent
        self.pane = next(n for n in page.children if n.roleName == "scroll pane")
        self.next = next(n for n in page.findChildren(lambda n: n.roleName == "push button",
                                                      showingOnly=False)
                         if n.name in ("Next", "Show Result"))

    def answer_step(self, choice):
        """Answers every question on screen: one radio button per single or
        self-rating question (by @choice), the first box of each
        multiple-choice question; checks that the app took every answer."""
        def options():
            groups = {}
            for n in self.pane.findChildren(lambda n: n.roleName in ("radio button", "check box"),
                                            showingOnly=False):
                groups.setdefault(n.parent.description, []).append(n)
            return groups
        groups = wait_for("the questions of the step", options, 20)
        chosen = []
        for key in sorted(groups):
            group = groups[key]
            target = group[choice % len(group)] if group[0].roleName == "radio button" else group[0]
            click_in_view(target, self.pane)
            chosen.append(target)
        wait_for("every answer to be taken",
                 lambda: all(n.getState().contains(pyatspi.STATE_CHECKED) for n in chosen), 10)
        return len(chosen)

    def take_steps(self, count=None):
        """Answers and moves on; stops after @count steps or at the result."""
        step = 0
        while count is None or step < count:
            where = self.label.name
            answered = self.answer_step(step)
            log(f"{where}: answered {answered} questions")
            step += 1
            last = self.next.name == "Show Result"
            self.next.doActionNamed("click")
            if last:
                return step
            wait_for("the next step", lambda: self.label.name != where, 20)
        return step


def report(port, token, org_unit=None):
    path = f"/api/v1/competence/report?year={YEAR}"
    if org_unit:
        path += "&org_unit=" + urllib.parse.quote(org_unit)
    return api(port, "GET", path, None, token)


def main():
    # A fresh server: the default catalogue and training items are there
    # without --demo, and no demo submissions share the year (complementary
    # suppression could otherwise withhold a group of five on purpose).
    db = os.path.join(TMP, "server.db")
    add_account(db, STAFF, "staff", STAFF_PASSWORD)
    add_account(db, HR, "hr", HR_PASSWORD)
    sp_uitest.USER = STAFF
    sp_uitest.PASSWORD = STAFF_PASSWORD
    server = sp_uitest.Server(db)
    server.start()
    profile = os.path.join(TMP, "profile")
    proc, app = start_desktop(profile)
    sign_in(app, server)
    press(app, "Sync now")

    open_selfcheck(app)
    start = find(app, "push button", "Start Self-Check", 60)
    type_into_row(app, "Organisational unit", ORG_UNIT)
    start.doActionNamed("click")
    Run(app).take_steps(3)
    stopped_at = wait_for("the progress", lambda: progress(app), 10)
    log("closing the app at", stopped_at)
    proc.terminate()
    proc.wait(timeout=20)

    # Started again: the unfinished run continues where it stopped.
    proc, app = start_desktop(profile)
    open_selfcheck(app)
    press(app, "Continue self-check")
    resumed_at = wait_for("the progress", lambda: progress(app), 20)
    assert resumed_at == stopped_at, (resumed_at, stopped_at)
    log("resumed at", resumed_at)

    Run(app).take_steps()
    find(app, "label", f"Your Result {YEAR}", 20)
    levels = find(app, "list", "Levels per area and competence", 10)
    rows = [n.name for n in levels.children if n.roleName == "list item"]
    assert any(re.match(r"1\.1 ", r) for r in rows), rows
    chart = find(app, "image", "Chart of competence levels", 10)
    assert "level" in (chart.description or ""), chart.description
    recs = find(app, "list", "Recommended training", 10)
    rec_names = [n.name for n in recs.children if n.roleName == "list item"]
    assert rec_names and not rec_names[0].startswith("No recommendations"), rec_names
    log("result with", len(rows), "level rows; recommended:", rec_names[:3])
    screenshot("result")

    # Offline: the submission waits, the result stays.
    server.stop()
    press(app, "Submit Anonymously…")
    press(app, "Submit")
    find(app, "label", "Submit later, you are offline. Your result stays on this device.", 60)
    find(app, "label", f"Your Result {YEAR}", 5)
    log("offline submission refused politely")

    server.start()
    press(app, "Submit Anonymously…")
    press(app, "Submit")
    find(app, "label", "Submitted anonymously. Thank you!", 60)
    screenshot("submitted")
    log("submitted from the desktop")

    # HR sees the org unit only once five submissions exist.
    hr = api(server.port, "POST", "/api/v1/login", {"user": HR, "password": HR_PASSWORD})["token"]
    staff = api(server.port, "POST", "/api/v1/login", {"user": STAFF, "password": STAFF_PASSWORD})["token"]
    status, _ = http_status(server.port, "GET", f"/api/v1/competence/report?year={YEAR}", token=staff)
    assert status == 403, status

    first = report(server.port, hr)
    assert not any(g["org_unit"] == ORG_UNIT for g in first["groups"]), first
    assert first["suppressed"] >= 1, first
    catalogues = api(server.port, "GET", "/api/v1/competence/catalogues", None, staff)
    digcomp = next(c for c in catalogues if c["id"] == "digcomp")
    levels = {c["code"]: 1 + i % 5 for i, c in enumerate(digcomp["competences"])}
    body = {"catalogue": "digcomp", "version": digcomp["version"], "org_unit": ORG_UNIT,
            "year": YEAR, "levels": levels}
    for n in range(3):
        api(server.port, "POST", "/api/v1/competence/submissions", body, staff)
    four = report(server.port, hr)
    assert not any(g["org_unit"] == ORG_UNIT for g in four["groups"]), four
    assert four["suppressed"] >= 1, four
    log("4 submissions: withheld, suppressed =", four["suppressed"])

    api(server.port, "POST", "/api/v1/competence/submissions", body, staff)
    five = report(server.port, hr)
    group = next((g for g in five["groups"] if g["org_unit"] == ORG_UNIT), None)
    assert group is not None and group["n"] == 5, five
    assert set(group["levels"]) == set(levels), group
    log("5 submissions: shown, n =", group["n"])
    log("PASS")


if __name__ == "__main__":
    run("desktop-competence-selfcheck", main)
