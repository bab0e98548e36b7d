# SPDX-License-Identifier: EUPL-1.2
"""Reviewing hackathon solutions, as the city's editorial team would.

`redaktion` (editor) works against the demo server (--demo: three Jena
challenges with solutions and scores). In "Challenges" they open the Kita
place finder: its solutions are ranked by the average of the reviewers'
scores. They open the messenger bot solution, make it a winner, give their
own score (impact, feasibility, innovation) and save: the list
shows the new state, the new average (with the admin's score) and the rank.
The review is saved offline first (pending sync); "Sync now" sends it, and
the server has the new state and exactly one score of `redaktion` for the
solution, and publishes the solution as a winner on the citizens' API
without the team contact. The key figures count the challenges.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring).
"""

import re
import time

import sp_uitest
from sp_uitest import (api, click_at, find, find_all, log, login, open_page, press, raise_window,
                       rawinput, run, screenshot, shown, start_demo_app, wait_for)

CHALLENGE = "Kita-Platz-Finder für Eltern"
SOLUTION = "Kita-Bot für den Messenger"


def server_rows(port, token, entity):
    return [r for r in sp_uitest.server_changes(port, token, entity).values() if r["op"] != "delete"]


_lists = {}


def rows_of(parent, list_name, pattern):
    """Shown rows of the list @list_name whose name matches @pattern; the
    list node is looked up once (searching the whole window is slow)."""
    rx = re.compile(pattern)
    listing = _lists.get(list_name)
    if listing is None or not shown(listing):
        listing = _lists[list_name] = find(parent, ("list", "list box"), list_name, 120)
    return [n for n in listing.children if n.roleName == "list item" and rx.search(n.name or "") and shown(n)]


def toggle(parent, name):
    """The toggle button @name ("Winner", "Impact 5"); GTK 4.8 appends the
    button's own label to its accessible name ("Impact 5 5")."""
    def look():
        return next((n for n in parent.findChildren(
            lambda n: n.roleName in ("toggle button", "push button") and (n.name == name or (n.name or "").startswith(name + " ")),
            showingOnly=False) if shown(n)), None)
    return wait_for(f"toggle button “{name}”", look, 60)


def is_on(button):
    # GTK 4.8 reports an active toggle button as "pressed".
    states = button.getState()
    return states.contains(sp_uitest.pyatspi.STATE_PRESSED) or states.contains(sp_uitest.pyatspi.STATE_CHECKED)


def choose(app, name):
    """Clicks the toggle button @name of the review."""
    button = toggle(app, name)
    button.doActionNamed("click")
    wait_for(f"“{name}” to be chosen", lambda: is_on(button), 10)


def review_window(app):
    return next((w for w in app.children if w.name == "Review Solution"), None)


def save_review_buttons(app):
    # GTK 4.8 names a mnemonic button "_Save Review Save Review".
    window = review_window(app)
    if window is None:
        return []
    return [n for n in window.findChildren(lambda n: n.roleName == "push button" and "Save Review" in (n.name or ""),
                                           showingOnly=False) if shown(n)]


def main():
    server, app = start_demo_app()
    port = server.port
    editor = login(port, "redaktion")
    open_page(app, "Challenges")

    # The demo challenges arrive by sync; the open one says so.
    wait_for("the synced demo challenges", lambda: len(rows_of(app, "Challenges", r", (Open|Closed|Draft)$")) >= 3, 90)
    names = [n.name for n in rows_of(app, "Challenges", ".")]
    log("challenges:", names)
    assert any(re.match(r"^Parkhausbelegung als offene Daten, Fachdienst Mobilität · \d{4}-\d\d-\d\d, Open$", n)
               for n in names), names
    click_at(rows_of(app, "Challenges", "^" + re.escape(CHALLENGE) + ", ")[0])

    # Solutions ranked by their average score; spam is not listed apart, rejected ones unranked.
    wait_for("the ranked solutions", lambda: rows_of(app, "Solutions", r"^1\. KitaKompass Jena, Winner, Code for Jena · average 4\.5 from 2 reviews\b"), 120)
    assert rows_of(app, "Solutions", r"^2\. " + re.escape(SOLUTION) + r", Accepted, .* average 3\.5 from 2 reviews\b")
    assert rows_of(app, "Solutions", r"^Platzbörse als Tabellenvorlage, Rejected, ")
    screenshot("solutions")

    # --- The review ---
    click_at(rows_of(app, "Solutions", re.escape(SOLUTION))[0])
    wait_for("the review dialog", lambda: save_review_buttons(app), 60)
    dialog = review_window(app)
    raise_window("Review Solution")
    time.sleep(0.5)
    # The reviewer's own earlier score is shown (the demo has one).
    assert is_on(toggle(dialog, "Impact 4"))
    assert not is_on(toggle(dialog, "Impact 5"))
    choose(dialog, "Winner")
    choose(dialog, "Impact 5")
    choose(dialog, "Feasibility 5")
    choose(dialog, "Innovation 5")
    raise_window("Review Solution")
    time.sleep(0.5)
    screenshot("review")
    save_review_buttons(app)[0].doActionNamed("click")
    wait_for("the review dialog to close", lambda: review_window(app) is None, 30)

    # redaktion 5.0, admin (3+3+4)/3: average 4.2, still second; saved locally first.
    wait_for("the new state and average in the list",
             lambda: rows_of(app, "Solutions", r"^2\. " + re.escape(SOLUTION) + r", Winner, .* average 4\.2 from 2 reviews\b"), 60)
    log("review saved in the list")

    # --- Sync, and the server has it ---
    press(app, "Sync now")

    def synced():
        solutions = [r for r in server_rows(port, editor, "challenge_solution") if r["fields"].get("title") == SOLUTION]
        if not solutions or solutions[0]["fields"].get("state") != "winner":
            return None
        scores = [r for r in server_rows(port, editor, "challenge_score")
                  if r["fields"].get("solution_id") == solutions[0]["id"] and r["fields"].get("reviewer") == "redaktion"]
        return (solutions[0], scores) if scores and scores[0]["fields"].get("impact") == 5 else None

    solution, scores = wait_for("the review on the server", synced, 60)
    assert len(scores) == 1, scores
    f = scores[0]["fields"]
    assert (f["impact"], f["feasibility"], f["innovation"]) == (5, 5, 5), f
    log("server has the review")

    # The citizens' API shows it as a winner, without contacts.
    detail = api(port, "GET", f"/api/v1/challenges/{solution['fields']['challenge_id']}")
    states = {s["title"]: s["state"] for s in detail["solutions"]}
    assert states.get(SOLUTION) == "winner", states
    assert all("contact" not in s for s in detail["solutions"]), detail

    # Key figures: three problems posted, seven solutions developed (spam aside).
    click_at(find(app, ("page tab", "toggle button", "label"), "Key Figures"))
    find(app, ("label", "panel", "filler", "grouping"), "Problems posted: 3", 60)
    find(app, ("label", "panel", "filler", "grouping"), "Solutions developed: 7", 30)
    screenshot("figures")


if __name__ == "__main__":
    run("challenges-review", main)
