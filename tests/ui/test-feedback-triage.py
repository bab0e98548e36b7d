# SPDX-License-Identifier: EUPL-1.2
"""Feedback triage in the desktop, used like the city's editorial team would.

The profile database holds 100 000 feedback items from earlier syncs
(seeded with SQLite before the client starts, like a long-running
installation), and citizens send new feedback to the server, which reaches
`redaktion` (editor) by sync. In "Feedback" they filter the inbox by state
and full text, open an item (the citizen's markup shows as plain text), set
its state, assign it to an org unit, write an internal note and a public
reply; then they close several items at once. Every change is in the local
outbox first; after "Sync now" the server has it and the citizen's ticket
status (GET /api/v1/feedback/TICKET) shows the reply.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring).
"""

import json
import os
import random
import re
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import sp_uitest
from sp_uitest import (APP, TMP, api, app_root, click_at, find, find_all, focus, log, open_page,
                       press, procs, raise_window, rawinput, run, screenshot, set_text, shown,
                       wait_for)

N_SEEDED = 100_000
WORD = "Laternenmast"              # only in the item to answer
BULK_WORD = "Baustellenampel"       # only in the items to close together
CITIZEN_TEXT = f"Der {WORD} vor dem Rathaus flackert <b>seit Tagen</b> <script>alert(1)</script>"
BULK_TEXTS = [f"Die {BULK_WORD} am Holzmarkt schaltet zu langsam ({i})" for i in range(3)]
ORG_UNIT = "Fachdienst Verkehr"
NOTE = "Mit dem Kommunalservice abgestimmt, Reparatur beauftragt."
REPLY = "Vielen Dank! Der Kommunalservice repariert die Leuchte diese Woche."
PAGE_ROLES = ("panel", "grouping", "filler", "scroll pane")


def login(port, user):
    return api(port, "POST", "/api/v1/login", {"user": user, "password": user})["token"]


def now_iso(offset_h=0):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + offset_h * 3600))


def hlc():
    return f"{int(time.time() * 1000):015d}:0000:uitest"


def new_feedback(port, token, text, rating):
    """A citizen's feedback: the public API when the server has it, else
    pushed by an editor like an import would (same synced row)."""
    body = {"rating": rating, "text": text, "channel": "web"}
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/feedback", method="POST",
                                 data=json.dumps(body).encode("utf-8"))
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            reply = json.loads(r.read().decode("utf-8"))
            return reply["id"], reply["ticket"], True
    except urllib.error.HTTPError as e:
        if e.code not in (404, 405):
            raise
    row_id = str(uuid.uuid4())
    ticket = "FB-" + "-".join("".join(random.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(4))
                              for _ in range(3))
    fields = {"ticket": ticket, "service_id": "", "rating": rating, "text": text, "channel": "web",
              "contact": "", "created": now_iso(-5), "due": now_iso(-2), "state": "new",
              "org_unit": "", "tags": [], "assignee": "", "reply": "", "replied": "",
              "address": "", "lat": "", "lon": ""}
    result = api(port, "POST", "/api/v1/sync", {"changes": [{
        "change_id": str(uuid.uuid4()), "entity": "feedback", "id": row_id, "base_version": 0,
        "hlc": hlc(), "op": "upsert", "fields": fields}]}, token=token)
    assert result["results"][0]["status"] == "applied", result
    return row_id, ticket, False


def seed(db_path, services):
    """100 000 feedback items as an earlier sync left them (synced, not in
    the outbox), indexed for the full-text search."""
    states = ["new", "in_progress", "answered", "closed", "spam"]
    channels = ["web", "kiosk", "app", "bot", "open311"]
    words = ["Formular", "Termin", "Wartezeit", "Parkausweis", "Online-Antrag", "Bürgerbüro",
             "Gebühr", "Ausweis", "freundlich", "kompliziert", "schnell", "Hundesteuer"]
    rnd = random.Random(5)
    now = time.time()
    rows = []
    for i in range(N_SEEDED):
        created = now - rnd.randint(0, 120 * 86400)
        state = rnd.choices(states, weights=[30, 15, 25, 25, 5])[0]
        text = f"{rnd.choice(words)} {rnd.choice(words)}: Eintrag {i}"
        rows.append((
            str(uuid.UUID(int=rnd.getrandbits(128))), i + 1, f"{int(created * 1000):015d}:0000:server",
            "FB-SEED-%06d" % i, rnd.choice(services) if services and i % 7 else "",
            rnd.randint(0, 5), text, rnd.choice(channels), "",
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created + 72 * 3600)),
            state, "", "[]", "", "", ""))
    rows.sort()  # ids in key order: the primary key index grows at its end
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -200000")
    with con:
        con.executemany(
            "INSERT INTO feedback (id, version, hlc, ticket, service_id, rating, text, channel,"
            " contact, created, due, state, org_unit, tags, assignee, reply, replied)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        # Index them like the client does (see sp_db_update_search_index()).
        con.execute("INSERT INTO feedback_fts (rowid, ticket, text, reply, tags, org_unit)"
                    " SELECT f.rowid, f.ticket, f.text, f.reply, f.tags, f.org_unit"
                    " FROM fts_pending p JOIN feedback f ON f.rowid = p.row WHERE p.entity = 'feedback'")
        con.execute("DELETE FROM fts_pending WHERE entity = 'feedback'")
    con.close()


def local_row(db_path, row_id):
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute("SELECT * FROM feedback WHERE id = ?", (row_id,)).fetchone()
        outbox = [dict(r) for r in con.execute("SELECT entity, row_id, fields FROM outbox")]
        notes = [dict(r) for r in con.execute("SELECT * FROM feedback_note WHERE feedback_id = ?",
                                              (row_id,))]
        return (dict(row) if row else None), outbox, notes
    finally:
        con.close()


OTHER_PAGES = {"Services", "Self-check", "Training", "Competence catalogues", "HR report",
               "FAQ & Bot", "Questions without answer", "Hand-offs", "Office hours", "Bot KPIs",
               "Surveys", "Challenges", "Conflicts"}
PARTS = {"Inbox filters": "filters", "Feedback inbox": "table", "Feedback details": "detail",
         "Selected items": "bulk", "Overview": "overview", "Feedback settings": "settings"}


def page_parts(app):
    """The parts of the page by their accessible names, found in one walk
    that leaves out the other pages and the table's rows (every AT-SPI call
    is a D-Bus round trip; GTK 4.8 has no cache)."""
    found = {}

    def walk(node, depth):
        try:
            role, name, count = node.roleName, node.name or "", node.childCount
        except Exception:
            return
        if role == "panel" and name in OTHER_PAGES:
            return
        if name in PARTS and PARTS[name] not in found:
            found[PARTS[name]] = node
            if PARTS[name] == "table":
                return
        if depth > 60:
            return
        for i in range(count):
            if len(found) == len(PARTS):
                return
            try:
                child = node.getChildAtIndex(i)
            except Exception:
                continue
            if child is not None:
                walk(child, depth + 1)

    def look():
        found.clear()
        walk(app, 0)
        return dict(found) if len(found) == len(PARTS) else None
    return wait_for("the parts of the Feedback page", look, 120, 1)


def counts(filters):
    """The inbox's count line ("12 items · New 3 · ...")."""
    nodes = [n for n in filters.findChildren(lambda n: n.roleName == "label" and
                                             re.match(r"^[\d ,.]+ items? · ", n.name or ""),
                                             showingOnly=False) if shown(n)]
    return nodes[0].name if nodes else ""


def shown_count(filters):
    m = re.match(r"^([\d ,.]+) items? · ", counts(filters))
    return int(re.sub(r"[^\d]", "", m.group(1))) if m else -1


def cell(table, text):
    nodes = [n for n in table.findChildren(lambda n: n.roleName == "label" and (n.name or "") == text,
                                           showingOnly=False) if shown(n)]
    return nodes[0] if nodes else None


def pick(p, dropdown_name, label, steps_down):
    """Chooses the @steps_down-th entry (0 = first) of a drop-down with the
    keyboard, as its pop-up has no usable screen position."""
    dropdown = find(p, "combo box", dropdown_name)
    toggle = dropdown.findChildren(lambda n: n.roleName in ("push button", "toggle button"),
                                   showingOnly=False)[0]
    toggle.doActionNamed("click")
    time.sleep(1.0)
    rawinput.pressKey("Home")
    for _ in range(steps_down):
        rawinput.pressKey("Down")
    rawinput.pressKey("Return")

    def current():
        return next((n.name for n in dropdown.findChildren(lambda n: n.roleName == "label",
                                                             showingOnly=False) if shown(n)), None)
    wait_for(f"“{label}” in “{dropdown_name}”", lambda: current() == label, 10)


def main():
    server = sp_uitest.Server(os.path.join(TMP, "server.db"), ["--demo"])
    server.start()
    port = server.port
    editor = login(port, "redaktion")

    target_id, ticket, public_api = new_feedback(port, editor, CITIZEN_TEXT, 2)
    bulk = [new_feedback(port, editor, t, 3)[:2] for t in BULK_TEXTS]
    log("citizen feedback", ticket, "via", "POST /api/v1/feedback" if public_api else "editor push")

    # --- The profile: created by a first start, then 100 000 items ---
    profile = os.path.join(TMP, "profile")
    os.makedirs(profile, exist_ok=True)
    db_path = os.path.join(profile, "stadtpult.db")
    first = subprocess.Popen([APP, "--profile", profile], stdout=open(os.path.join(TMP, "app0.log"), "w"),
                             stderr=subprocess.STDOUT)
    procs.append(first)
    app_root()
    first.terminate()
    first.wait(timeout=20)
    services = [s["id"] for s in sp_uitest.fetch_services(port)]
    start = time.time()
    seed(db_path, services)
    log(f"seeded {N_SEEDED} items in {time.time() - start:.1f} s")

    env = dict(os.environ)
    env["STADTPULT_DEMO_LOGIN"] = f"redaktion:redaktion@{server.url}"
    procs.append(subprocess.Popen([APP, "--profile", profile],
                                  stdout=open(os.path.join(TMP, "app.log"), "w"),
                                  stderr=subprocess.STDOUT, env=env))
    app = wait_for("the restarted client", lambda: [a for a in sp_uitest.tree.root.applications()
                                                      if re.search("stadtpult", a.name or "", re.I)], 40)[0]
    open_page(app, "Feedback")
    parts = page_parts(app)
    filters, table, detail, bulk_bar = (parts[k] for k in ("filters", "table", "detail", "bulk"))

    # The seeded items and the synced new ones are all in the inbox.
    wait_for("all items in the inbox", lambda: shown_count(filters) >= N_SEEDED + 4, 120, 1)
    log("inbox:", counts(filters))
    screenshot("inbox")

    # --- Filter: state "New" and a word of the citizen's text ---
    pick(filters, "Filter by state", "New", 1)
    wait_for("only new items", lambda: 0 < shown_count(filters) < N_SEEDED, 30)
    set_text(filters, "Search feedback", WORD.lower())
    wait_for("the one matching item", lambda: shown_count(filters) == 1, 30)
    click_at(wait_for("the ticket in the inbox", lambda: cell(table, ticket), 30))

    # The detail pane: the citizen's markup is text, the SLA timer runs.
    find(detail, "label", ticket, 20)
    find(detail, "label", CITIZEN_TEXT, 10)
    wait_for("the SLA timer", lambda: [n for n in detail.findChildren(
        lambda n: n.roleName == "label" and re.match(r"^Answer (overdue by|due in) ", n.name or ""),
        showingOnly=False) if shown(n)], 10)
    screenshot("detail")

    # --- State, assignment, note, reply ---
    pick(detail, "State", "In progress", 1)
    set_text(detail, "Org unit", ORG_UNIT)
    press(detail, "Save Assignment")
    set_text(detail, "New note", NOTE)
    press(detail, "Add Note")
    wait_for("the note in the list", lambda: [n for n in detail.findChildren(
        lambda n: n.roleName == "list item" and (n.name or "").startswith(NOTE + " — redaktion, "),
        showingOnly=False) if shown(n)], 20)
    set_text(detail, "Public reply", REPLY)
    press(detail, "Send Reply")
    wait_for("the reply's time in the pane",
             lambda: [n for n in detail.findChildren(lambda n: n.roleName == "label" and
                                                     (n.name or "").startswith("Replied "),
                                                     showingOnly=False) if shown(n)], 20)

    row, outbox, notes = local_row(db_path, target_id)
    assert row["state"] == "answered" and row["reply"] == REPLY and row["replied"], row
    assert row["org_unit"] == ORG_UNIT, row
    assert [n["text"] for n in notes] == [NOTE] and notes[0]["author"] == "redaktion", notes
    assert any(o["row_id"] == target_id for o in outbox), outbox
    log("saved locally, outbox:", len(outbox))
    screenshot("answered")

    # --- Bulk: close three items at once ---
    press(filters, "Reset filters")
    set_text(filters, "Search feedback", BULK_WORD)
    wait_for("the three items", lambda: shown_count(filters) == 3, 30)
    click_at(wait_for("an item to select", lambda: cell(table, bulk[0][1]), 30))
    # The click has reached the list (it has the focus) before Ctrl+A.
    find(bulk_bar, "label", "1 selected", 10)
    rawinput.keyCombo("<Control>a")
    find(bulk_bar, "label", "3 selected", 10)
    press(bulk_bar, "Close selected")
    wait_for("the closed items", lambda: re.search(r"· Closed 3\b", counts(filters)), 20)
    for row_id, _ in bulk:
        row, outbox, _ = local_row(db_path, row_id)
        assert row["state"] == "closed", row
        assert any(o["row_id"] == row_id for o in outbox), outbox
    screenshot("bulk-closed")

    # --- Sync: the server has it all ---
    rawinput.pressKey("F5")  # Sync now
    wait_for("the outbox to empty", lambda: not local_row(db_path, target_id)[1], 60)
    rows = sp_uitest.server_changes(port, editor, "feedback")
    fields = rows[target_id]["fields"]
    assert fields["state"] == "answered" and fields["reply"] == REPLY, fields
    assert fields["org_unit"] == ORG_UNIT, fields
    for row_id, _ in bulk:
        assert rows[row_id]["fields"]["state"] == "closed", rows[row_id]
    notes = [c for c in sp_uitest.server_changes(port, editor, "feedback_note").values()
             if c["fields"].get("feedback_id") == target_id]
    assert [n["fields"]["text"] for n in notes] == [NOTE], notes

    # The citizen's view of the ticket shows the public reply.
    try:
        status = api(port, "GET", f"/api/v1/feedback/{ticket}")
    except urllib.error.HTTPError as e:
        status = None
        assert not public_api, f"GET /api/v1/feedback/{ticket}: {e.code}"
        log("the server has no public ticket status yet; checked the synced row instead")
    if status is not None:
        assert status["state"] == "answered" and status["reply"] == REPLY, status
        log("ticket status:", status)

    # --- The overview counts from the local database ---
    click_at(parts["overview"])
    overview = wait_for("the overview", lambda: [n for n in app.findChildren(
        lambda n: n.roleName in ("filler", "panel", "drawing area", "image") and
        (n.name or "") == "Feedback received per week", showingOnly=False) if shown(n)], 60, 1)[0]
    # The per-service table: the busiest service's totals, as the local
    # database counts them (the page counts in a worker thread).
    con = sqlite3.connect(db_path)
    try:
        busiest = con.execute(
            "SELECT coalesce(service_id, ''), count(*), sum(state IN ('new', 'in_progress'))"
            " FROM feedback WHERE deleted = 0 GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()
    finally:
        con.close()
    labels = lambda: [n.name for n in overview.parent.findChildren(
        lambda n: n.roleName == "label", showingOnly=False) if shown(n)]
    wait_for(f"the busiest service's totals {busiest[1]} and {busiest[2]}",
             lambda: str(busiest[1]) in labels() and str(busiest[2]) in labels(), 30)
    assert "received" in (overview.description or ""), overview.description
    screenshot("overview")
    log("overview shown:", busiest)

    # --- Settings: the SLA as a synced feedback_setting row ---
    parts["settings"].doActionNamed("click")
    raise_window("Feedback Settings")
    spin = wait_for("the SLA field", lambda: next(
        (n for w in app.children if (w.name or "") == "Feedback Settings"
         for n in w.findChildren(lambda n: (n.name or "") in ("Answer within (hours)",
                                                              "Answer within (hours) Answer within (hours)")
                                 and n.roleName in ("spin button", "text"), showingOnly=False)), None), 30)
    log("settings field", spin.roleName, spin.text if hasattr(spin, "text") else "")
    focus(spin, "Answer within (hours)")
    rawinput.keyCombo("<Control>a")
    rawinput.typeText("48")
    rawinput.pressKey("Tab")
    screenshot("settings")

    def sla_row():
        con = sqlite3.connect(db_path)
        try:
            return con.execute("SELECT value FROM feedback_setting WHERE id = 'feedback_setting.sla_hours'").fetchone()
        finally:
            con.close()
    wait_for("the SLA setting in the local database", lambda: sla_row() == ("48",), 20)
    log("PASS")


if __name__ == "__main__":
    run("desktop-feedback-triage", main)
