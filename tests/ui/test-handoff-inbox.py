# SPDX-License-Identifier: EUPL-1.2
"""The bot hand-off inbox, used like an editor at the city would.

`redaktion` (editor) signs in to the demo server (--demo) and in "Office
hours" replaces today's intervals by 00:00 – 24:00, so the office is open
now, and sets the hotline number; the changes sync and the server then
accepts hand-offs and announces that hotline (it refused
them before with 409 closed_hours if the demo hours did not cover now).
With "Hand-offs" open, a citizen (urllib, like the chat widget) opens a
hand-off and writes a message: the conversation appears under "Waiting"
without any refresh, with the sidebar badge; the editor opens it, reads
the citizen's message, replies with the keyboard (Shift+Enter for a new
line, Enter sends) and the citizen's long-poll receives the reply; the
conversation moves to "In Progress"; "Close Conversation" closes it for the
citizen too. A callback request (contact given with consent) appears under
"Callback Requests" with its contact; "Callback Done" closes it. When the
server goes away the inbox says so in a banner and recovers by itself;
the KPI page counts the hand-off and the callback.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring).
"""

import datetime
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
import zoneinfo

import sp_uitest
from sp_uitest import (APP, TMP, app_root, click_at, find, find_all, log, open_page, procs,
                       run, screenshot, shown, wait_for, in_view, TEXT_ROLES)
from dogtail import rawinput

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
QUESTION = "Wie beantrage ich einen Anwohnerparkausweis für die Wagnergasse?"
FOLLOW_UP = "Ich habe schon online gesucht, aber nichts gefunden."
REPLY_1 = "Guten Tag, das geht online im Bürgerservice."
REPLY_2 = "Bringen Sie den Fahrzeugschein mit."
CALLBACK_QUESTION = "Bitte rufen Sie mich wegen der Hundesteuer zurück."
CONTACT = "0170 1234567"
HOTLINE = "+49 3641 49-1234"


def citizen(port, method, path, body=None, timeout=15):
    """A request of the chat widget: no login, the conversation id is the secret."""
    data = json.dumps(body).encode("utf-8") if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read().decode("utf-8"))


def open_handoff(port):
    """Opens a hand-off; None while the server says the office is closed."""
    try:
        status, answer = citizen(port, "POST", "/api/v1/bot/handoff",
                                 {"session": "ui-test-session", "question": QUESTION, "lang": "de"})
    except urllib.error.HTTPError as e:
        if e.code == 409:
            return None
        raise
    assert status == 201, status
    return answer["conversation"]


def labels(node, pattern):
    rx = re.compile(pattern)
    return [n for n in node.findChildren(lambda n: n.roleName == "label" and rx.search(n.name or ""),
                                         showingOnly=False) if shown(n)]


def buttons_named(app, pattern):
    rx = re.compile(pattern)
    return [n for n in app.findChildren(lambda n: n.roleName == "push button" and rx.search(n.name or ""),
                                        showingOnly=False) if shown(n)]


def list_item(app, name):
    nodes = find_all(app, name, ("list item",))
    return nodes[0] if nodes else None


def scroll_pane_of(node):
    pane = node.parent
    while pane is not None and pane.roleName != "scroll pane":
        pane = pane.parent
    return pane


def scroll_into_view(node):
    """Turns the mouse wheel over the scrolled pane around @node until it
    is in sight, like a person would."""
    pane = scroll_pane_of(node)
    for _ in range(60):
        if in_view(node):
            return
        px, py = pane.position
        pw, ph = pane.size
        below = node.position[1] + node.size[1] // 2 > py + ph // 2
        rawinput.click(px + pw // 2, py + ph // 2, button=5 if below else 4)
        time.sleep(0.1)
    raise AssertionError(f"cannot scroll to “{node.name}”")


def fill(app, name, text):
    """Types @text into the entry @name (scrolled into sight first)."""
    node = find(app, TEXT_ROLES, name)
    scroll_into_view(node)
    sp_uitest.focus(node, name)
    rawinput.keyCombo("<Control>a")
    rawinput.pressKey("Delete")
    rawinput.typeText(text)
    # (GTK 4.8 does not expose an entry's text: what it does is checked.)
    time.sleep(0.2)


def add_interval(app, day):
    # GTK 4.8 may append the button's own label to its accessible name.
    wait_for(f"the button to add an interval on {day}",
             lambda: buttons_named(app, rf"^Add interval on {day}( Add)?$"), 10)[0].doActionNamed("click")


def set_hours_for_today(app):
    # The office hours are the city's: today in Berlin, whatever the machine's zone.
    today = WEEKDAYS[datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Berlin")).weekday()]
    open_page(app, "Office hours")
    # Searches stay inside the page: the whole window is a big tree.
    page = scroll_pane_of(find(app, TEXT_ROLES, "Monday opens", timeout=60))
    # The demo schedule arrives with the first sync (Monday has hours).
    wait_for("the synced demo schedule", lambda: buttons_named(page, r"^Remove .* on Monday$"), 60)
    screenshot("office-hours-demo")

    while True:
        existing = buttons_named(page, rf"^Remove .* on {today}$")
        if not existing:
            break
        log("removing", existing[0].name)
        existing[0].doActionNamed("click")
        wait_for("the interval to go", lambda: existing[0].name not in
                 [b.name for b in buttons_named(page, rf"^Remove .* on {today}$")], 10)

    # A bad time is refused with a reason, nothing is saved.
    fill(page, f"{today} opens", "8 Uhr")
    fill(page, f"{today} closes", "12:00")
    add_interval(page, today)
    wait_for("the format error", lambda: labels(page, r"as HH:MM"), 10)

    fill(page, f"{today} opens", "00:00")
    fill(page, f"{today} closes", "24:00")
    add_interval(page, today)
    wait_for("today's new interval", lambda: buttons_named(page, rf"^Remove 00:00 – 24:00 on {today}$"), 10)

    # An overlapping interval is refused.
    fill(page, f"{today} opens", "10:00")
    fill(page, f"{today} closes", "11:00")
    add_interval(page, today)
    wait_for("the overlap error", lambda: labels(page, r"^Overlaps with 00:00 – 24:00"), 10)
    assert len(buttons_named(page, rf"^Remove .* on {today}$")) == 1

    # The bot settings: the hotline number the voice bot transfers to.
    fill(page, "Hotline number", HOTLINE)
    find(page, "push button", "Save Settings").doActionNamed("click")

    now_line = wait_for("the open-now line", lambda: labels(page, r"^Now: open until"), 10)[0].name
    log(now_line)
    assert "24:00" in now_line, now_line
    assert labels(page, r"^Public Holidays in Thuringia \d{4}$"), "no holiday list"
    assert find_all(page, "Reformation Day", ("label",)) or labels(page, r"^Reformation Day$"), \
        "Reformation Day (Thuringia) missing from the holidays"
    screenshot("office-hours")


def main():
    server = sp_uitest.Server(os.path.join(TMP, "server.db"), ["--demo"])
    server.start()
    port = server.port

    env = dict(os.environ)
    env["STADTPULT_DEMO_LOGIN"] = f"redaktion:redaktion@{server.url}"
    profile = os.path.join(TMP, "profile")
    os.makedirs(profile, exist_ok=True)
    app_log = open(os.path.join(TMP, "app.log"), "w")
    procs.append(subprocess.Popen([APP, "--profile", profile], stdout=app_log,
                                  stderr=subprocess.STDOUT, env=env))
    app = app_root()

    set_hours_for_today(app)

    # The desktop syncs the edit by itself; then the server opens hand-offs.
    conversation = wait_for("the server to accept a hand-off (office hours synced)",
                            lambda: open_handoff(port), 60, interval=1)
    log("citizen conversation", conversation)

    def status_hotline():
        return citizen(port, "GET", "/api/v1/bot/status")[1].get("hotline") == HOTLINE
    wait_for("the server to use the hotline set in the desktop", status_hotline, 60, interval=1)

    open_page(app, "Hand-offs")
    inbox = find(app, ("list", "list box"), "Waiting conversations", timeout=30).parent
    # Live: the question appears without a refresh.
    wait_for("the waiting conversation", lambda: list_item(inbox, QUESTION), 40)
    wait_for("the Waiting heading", lambda: labels(inbox, r"^Waiting \(1\)$"), 10)
    sidebar_row = find(app, "list item", "Hand-offs")
    log("sidebar row description:", sidebar_row.description)
    assert "1 waiting" in (sidebar_row.description or ""), sidebar_row.description

    # A second citizen message also arrives live (the row's preview).
    citizen(port, "POST", f"/api/v1/bot/handoff/{conversation}/messages", {"text": FOLLOW_UP})
    wait_for("the follow-up in the list", lambda: labels(inbox, "^" + re.escape(FOLLOW_UP) + "$"), 40)

    click_at(list_item(inbox, QUESTION))
    messages = find(app, ("list", "list box"), "Messages")
    chat_pane = scroll_pane_of(messages).parent
    wait_for("the citizen's messages in the chat",
             lambda: [n for n in messages.findChildren(lambda n: FOLLOW_UP in (n.name or ""),
                                                       showingOnly=False) if shown(n)], 20)
    screenshot("handoff-chat")

    # Reply with the keyboard: Shift+Enter breaks the line, Enter sends.
    reply = find(app, ("text",), "Reply")
    click_at(reply)
    wait_for("focus in the reply field", lambda: reply.focused, 5)
    rawinput.typeText(REPLY_1)
    rawinput.keyCombo("<Shift>Return")
    rawinput.typeText(REPLY_2)
    rawinput.pressKey("Return")

    def citizen_sees_reply():
        status, answer = citizen(port, "GET", f"/api/v1/bot/handoff/{conversation}/events?after=0", timeout=40)
        staff = [m for m in answer["messages"] if m["sender"] == "staff"]
        return staff if staff else None
    staff = wait_for("the citizen to receive the reply", citizen_sees_reply, 30)
    log("citizen received:", staff[-1]["text"])
    assert staff[-1]["text"] == f"{REPLY_1}\n{REPLY_2}", staff[-1]["text"]
    wait_for("the reply field to empty", lambda: (reply.text or "") == "", 10)
    wait_for("the In Progress heading", lambda: labels(inbox, r"^In Progress \(1\)$"), 20)
    wait_for("the reply in the chat",
             lambda: [n for n in messages.findChildren(lambda n: REPLY_2 in (n.name or ""),
                                                       showingOnly=False) if shown(n)], 20)
    screenshot("handoff-replied")

    find(app, "push button", "Close Conversation").doActionNamed("click")

    def citizen_sees_closed():
        status, answer = citizen(port, "GET", f"/api/v1/bot/handoff/{conversation}/events?after=0", timeout=40)
        return answer["state"] == "closed"
    wait_for("the citizen to see the conversation closed", citizen_sees_closed, 30)
    wait_for("the conversation to leave the inbox", lambda: list_item(inbox, QUESTION) is None, 20)

    # A callback request (out of hours the bot offers it; it may come any time).
    status, answer = citizen(port, "POST", "/api/v1/bot/callback",
                             {"question": CALLBACK_QUESTION, "contact": CONTACT, "consent": True, "lang": "de"})
    assert status == 201, status
    wait_for("the callback request", lambda: list_item(inbox, CALLBACK_QUESTION), 40)
    wait_for("the Callback Requests heading", lambda: labels(inbox, r"^Callback Requests \(1\)$"), 10)
    click_at(list_item(inbox, CALLBACK_QUESTION))
    wait_for("the contact", lambda: labels(chat_pane, "^" + re.escape(CONTACT) + "$"), 20)
    screenshot("handoff-callback")
    find(app, "push button", "Callback Done").doActionNamed("click")
    wait_for("the callback to leave the inbox", lambda: list_item(inbox, CALLBACK_QUESTION) is None, 20)
    wait_for("the empty callback section", lambda: labels(inbox, r"^Callback Requests \(0\)$"), 10)

    # The network goes: a clear banner, the window keeps working, and the
    # inbox comes back by itself with the server.
    server.stop()
    wait_for("the offline banner", lambda: labels(app, r"^No connection to the server"), 60)
    screenshot("handoff-offline")
    open_page(app, "Office hours")
    open_page(app, "Hand-offs")
    server.start()
    wait_for("the banner to go", lambda: not labels(app, r"^No connection to the server"), 120)

    # The KPI page shows the day's hand-off and callback.
    open_page(app, "Bot KPIs")

    totals = wait_for("the totals", lambda: app.findChild(lambda n: n.name == "Totals" and shown(n),
                                                         retry=False, requireResult=False), 30)

    def total(name):
        rx = re.compile(rf"^{name}: (\d+)$")
        nodes = [n for n in totals.findChildren(lambda n: rx.match(n.name or ""), showingOnly=False) if shown(n)]
        return int(rx.match(nodes[0].name).group(1)) if nodes else None
    wait_for("the totals", lambda: total("Hand-offs") is not None, 30)
    log("KPI totals: hand-offs", total("Hand-offs"), "callbacks", total("Callbacks"))
    assert total("Hand-offs") >= 1, total("Hand-offs")
    assert total("Callbacks") >= 1, total("Callbacks")
    screenshot("bot-kpi")
    log("done")


run("handoff-inbox", main)
