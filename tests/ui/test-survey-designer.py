# SPDX-License-Identifier: EUPL-1.2
"""Survey design in the desktop, used like the city's editorial team would.

`redaktion` (editor) signs in to the demo server, which then goes down: the
survey is designed offline. In "Surveys" they create a survey with a German
and an English title, a required single choice question with two options, a
multiple choice question, a free-text question shown only when the first
answer is "Ja", and on a second page a Likert matrix with rows and an answer
scale. Publishing with a choice question that has no options is refused with
a message next to the question. The preview renders the survey page by page:
a required question left out is pointed out, and the free-text question
appears only when "Ja" is chosen. Published and saved offline, the list marks
it as pending sync; the server comes back, "Sync now", and GET
/api/v1/surveys/ID returns the definition. A citizen's response (POST
.../responses) shows up in the results window: the count, the chart's text
alternative and the free-text answer.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring).
"""

import json
import re
import time
import urllib.request

import sp_uitest
from sp_uitest import (api, find, find_all, log, open_page, rawinput, run, screenshot, set_status,
                       shown, start_demo_app, wait_for)

TITLE = "Zufriedenheit mit dem Bürgerbüro"
TITLE_EN = "Satisfaction with the citizens' office"
Q1 = "Waren Sie in diesem Jahr im Bürgerbüro?"
Q2 = "Welche Wege nutzen Sie?"
Q3 = "Was hat Ihnen gefallen?"
Q4 = "Wie zufrieden waren Sie?"
NO_OPTIONS = "A choice question needs at least one option before the survey can be published."
CITIZEN_TEXT = "Sehr freundliche Beratung <b>ohne</b> Wartezeit"

PAGE_ROLES = ("panel", "grouping", "filler")


def page(app):
    return find(app, PAGE_ROLES, "Surveys", 30)


def labels(node, pattern):
    rx = re.compile(pattern)
    return [n for n in node.findChildren(lambda n: n.roleName == "label" and rx.search(n.name or ""),
                                         showingOnly=False) if shown(n)]


def list_rows(app, pattern):
    return sp_uitest.list_rows(app, "Surveys", pattern)


def press(parent, name):
    """Clicks a button by its accessible name; buttons with an icon and a
    label may carry the label after the name ("New survey New Survey")."""
    def look():
        return next((n for n in parent.findChildren(
            lambda n: n.roleName in ("push button", "toggle button") and
            ((n.name or "") == name or (n.name or "").startswith(name + " ")), showingOnly=False)
            if shown(n) and "click" in n.actions), None)
    button = wait_for(f"the button “{name}”", look, 20)
    button.doActionNamed("click")
    return button


def named(parent, roles, name, timeout=20):
    """A shown node by role and accessible name; a titled row adds its
    title after the field's own name ("Q01: question (German) Question")."""
    def look():
        return next((n for n in parent.findChildren(
            lambda n: n.roleName in roles and
            ((n.name or "") == name or (n.name or "").startswith(name + " ")), showingOnly=False)
            if shown(n)), None)
    return wait_for(f"“{name}”", look, timeout)


def set_text(parent, name, text):
    node = named(parent, sp_uitest.TEXT_ROLES, name)
    sp_uitest.focus(node, name)
    rawinput.keyCombo("<Control>a")
    rawinput.pressKey("Delete")
    rawinput.typeText(text)
    time.sleep(0.2)
    return node


def choose(parent, label):
    """Picks the radio button @label of the preview."""
    node = named(parent, ("radio button", "check box", "toggle button"), label, 10)
    if "click" in node.actions:
        node.doActionNamed("click")
    else:
        sp_uitest.click_at(node)
    time.sleep(0.5)


def add_question(app, page_number, type_label):
    """Adds a question through the page's "Add Question" menu."""
    def item():
        return next(iter(find_all(app, type_label, ("push button",))), None)
    for attempt in range(3):
        press(app, f"Add question to page {page_number}")
        time.sleep(0.5)
        found = sp_uitest.wait_for_optional(item, 8)
        if found:
            break
        rawinput.pressKey("Escape")  # the menu did not come up: try again
        time.sleep(0.5)
    else:
        raise AssertionError(f"the “{type_label}” choice of the Add Question menu")
    found.doActionNamed("click")
    time.sleep(0.8)


def pick(app, name, presses):
    """Chooses in the drop-down @name with the keyboard: @presses Down keys."""
    dropdown = find(app, "combo box", name)
    toggle = dropdown.findChildren(lambda n: n.roleName in ("push button", "toggle button"),
                                   showingOnly=False)[0]
    toggle.doActionNamed("click")
    time.sleep(0.7)
    for _ in range(presses):
        rawinput.pressKey("Down")
    rawinput.pressKey("Return")
    time.sleep(0.8)


def add_option(app, qcode, kind, code, label):
    press(app, f"Add {kind} to {qcode}")
    set_text(app, f"{qcode} {kind} {code}: label (German)", label)


def public_survey(port, title):
    surveys = api(port, "GET", "/api/v1/surveys")
    return next((s for s in surveys if s.get("title") == title), None)


def main():
    server, app = start_demo_app()
    port = server.port
    open_page(app, "Surveys")
    surveys = page(app)
    # The demo survey arrives by sync.
    wait_for("the synced demo survey in the list", lambda: list_rows(surveys, r"Online-Dienste"), 60)
    screenshot("list")

    # --- Designed offline ---
    server.stop()
    press(surveys, "New survey")
    set_text(surveys, "Survey title (German)", TITLE)
    set_text(surveys, "Survey title (English)", TITLE_EN)

    add_question(surveys, 1, "Single choice")
    set_text(surveys, "Q01: question (German)", Q1)
    set_text(surveys, "Q01: question (English)", "Did you visit the citizens' office this year?")
    required = named(surveys, ("switch", "toggle button", "check box"), "Q01: required")
    sp_uitest.focus(required, "Q01: required")
    rawinput.pressKey("space")
    wait_for("Q01 to be required", lambda: labels(surveys, r"^Single choice · required$"), 10)
    add_option(surveys, "Q01", "option", "A1", "Ja")
    add_option(surveys, "Q01", "option", "A2", "Nein")

    add_question(surveys, 1, "Multiple choice")
    set_text(surveys, "Q02: question (German)", Q2)
    set_text(surveys, "Q02: question (English)", "Which ways do you use?")

    add_question(surveys, 1, "Free text")
    set_text(surveys, "Q03: question (German)", Q3)
    set_text(surveys, "Q03: question (English)", "What did you like?")
    # Shown only if Q01 is answered with its first option, "Ja".
    pick(surveys, "Q03: show only if question", 1)
    dep = find(surveys, "combo box", "Q03: show only if answer")
    assert any(n.name == "A1 · Ja" for n in dep.findChildren(lambda n: n.roleName == "label",
                                                            showingOnly=False) if shown(n)), "condition answer"

    press(surveys, "Add page")
    add_question(surveys, 2, "Likert matrix")
    set_text(surveys, "Q04: question (German)", Q4)
    set_text(surveys, "Q04: question (English)", "How satisfied were you?")
    add_option(surveys, "Q04", "row", "SQ001", "Wartezeit")
    add_option(surveys, "Q04", "row", "SQ002", "Freundlichkeit")
    add_option(surveys, "Q04", "option", "A1", "zufrieden")
    add_option(surveys, "Q04", "option", "A2", "unzufrieden")

    # Publishing with an option-less choice question is refused, with the reason.
    set_status(surveys, "Published")
    press(surveys, "Save")
    find(surveys, "label", NO_OPTIONS, 10)
    screenshot("no-options")
    log("publishing refused: question without options")
    add_option(surveys, "Q02", "option", "A1", "Online-Termin")
    add_option(surveys, "Q02", "option", "A2", "Telefon")
    wait_for("the message to go away", lambda: not find_all(surveys, NO_OPTIONS, ("label",)), 10)

    # --- Preview: required answer and the condition, as citizens see them ---
    press(surveys, "Preview")
    wait_for("the preview", lambda: find_all(app, "Umfrage starten", ("push button",)), 20)
    sp_uitest.raise_window("Preview")
    press(app, "Umfrage starten")
    find(app, "label", Q1 + " *", 10)
    assert not find_all(app, Q3, ("label",)), "the conditional question is hidden at first"
    press(app, "Weiter")  # nothing answered: the required question is pointed out
    wait_for("the required message", lambda: labels(app, r"(?i)required|answer"), 10)
    choose(app, "Ja")
    find(app, "label", Q3, 10)
    sp_uitest.raise_window("Preview")
    screenshot("preview")
    choose(app, "Nein")
    wait_for("the conditional question to hide", lambda: not find_all(app, Q3, ("label",)), 10)
    choose(app, "Ja")
    press(app, "Weiter")
    if not sp_uitest.wait_for_optional(lambda: find_all(app, Q4, ("label",)), 10):
        log("shown labels:", [n.name for n in labels(app, ".")][-30:])
    find(app, "label", Q4, 5)
    find(app, "label", "Seite 2 von 2", 5)
    rawinput.pressKey("Escape")
    wait_for("the preview to close", lambda: not find_all(app, "Seite 2 von 2", ("label",)), 10)
    log("preview checked")

    press(surveys, "Save")
    find(surveys, "label", "Saved on this computer, not yet synced", 10)
    press(surveys, "Back to all surveys")
    wait_for("the new survey in the list, pending sync",
             lambda: list_rows(surveys, "^" + re.escape(TITLE) + r", .*pending sync"), 20)
    screenshot("saved-offline")

    # --- Back online: sync, and the server publishes the definition ---
    server.start()
    press(app, "Sync now")
    summary = wait_for("the survey on the server", lambda: public_survey(port, TITLE), 60, 1.0)
    sid = summary["id"]
    definition = api(port, "GET", f"/api/v1/surveys/{sid}")
    qs = definition["questions"]
    assert [q["type"] for q in qs] == ["single", "multiple", "text", "matrix"], qs
    assert [q["code"] for q in qs] == ["Q01", "Q02", "Q03", "Q04"], qs
    assert qs[0]["required"] is True and [o["label"] for o in qs[0]["options"]] == ["Ja", "Nein"], qs[0]
    assert qs[2]["condition"] == {"question": qs[0]["id"], "option": qs[0]["options"][0]["id"]}, qs[2]
    assert qs[3]["page"] == 2 and [r["label"] for r in qs[3]["rows"]] == ["Wartezeit", "Freundlichkeit"], qs[3]
    english = api(port, "GET", f"/api/v1/surveys/{sid}?lang=en")
    assert english["title"] == TITLE_EN, english["title"]
    log("definition on the server:", json.dumps(definition, ensure_ascii=False)[:200])

    # A citizen answers.
    answers = {
        qs[0]["id"]: qs[0]["options"][0]["id"],
        qs[1]["id"]: [qs[1]["options"][1]["id"]],
        qs[2]["id"]: CITIZEN_TEXT,
        qs[3]["id"]: {qs[3]["rows"][0]["id"]: qs[3]["options"][0]["id"],
                      qs[3]["rows"][1]["id"]: qs[3]["options"][0]["id"]},
    }
    req = urllib.request.Request(f"{server.url}/api/v1/surveys/{sid}/responses", method="POST",
                                 data=json.dumps({"answers": answers}).encode("utf-8"))
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=15) as r:
        assert r.status == 201, r.status

    # --- The results window shows it ---
    wait_for("the list row without pending mark",
             lambda: list_rows(surveys, "^" + re.escape(TITLE) + ", ") and
             not list_rows(surveys, "^" + re.escape(TITLE) + r", .*pending sync"), 30)
    sp_uitest.click_at(list_rows(surveys, "^" + re.escape(TITLE) + ", ")[0])
    press(surveys, "Results")
    sp_uitest.raise_window(f"Results: {TITLE}")
    find(app, "label", "1 response", 30)
    find(app, "label", CITIZEN_TEXT, 10)
    chart = wait_for("the chart of Q01", lambda: [n for n in app.findChildren(
        lambda n: n.roleName == "image" and (n.name or "").startswith("Q01 · "), showingOnly=False)], 10)[0]
    assert "Ja: 1" in chart.name and "Nein: 0" in chart.name, chart.name
    screenshot("results")
    log("results shown:", chart.name)


if __name__ == "__main__":
    run("survey-designer", main)
