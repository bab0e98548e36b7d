# SPDX-License-Identifier: EUPL-1.2
"""Offline editing end to end, driven through the accessibility tree.

A person signs in to the sync server, the server goes down, they create a
service and edit it while offline (the list shows it as pending), the
server comes back, they press "Sync now", and the citizens' API publishes
the service with the edited values.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring). Environment:
STADTPULT_APP, STADTPULT_SERVER, SP_UI_TMP, SP_UI_ARTIFACTS.
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
import urllib.request

os.environ.setdefault("DOGTAIL_DEBUG", "0")

from dogtail import config  # noqa: E402

config.config.logDebugToStdOut = False
config.config.logDebugToFile = False
config.config.searchCutoffCount = 10
config.config.searchBackoffDuration = 0.5
config.config.actionDelay = 0.2
config.config.typingDelay = 0.02
config.config.defaultDelay = 0.3
config.config.childrenLimit = 2000

from dogtail import predicate, rawinput, tree  # noqa: E402

APP = os.environ["STADTPULT_APP"]
SERVER = os.environ["STADTPULT_SERVER"]
TMP = os.environ["SP_UI_TMP"]
ARTIFACTS = os.environ.get("SP_UI_ARTIFACTS", os.getcwd())
NAME = "desktop-offline-sync"

USER = "redaktion"
PASSWORD = "geheim-UI-test-1"

SERVICE_NAME = "Anwohnerparkausweis beantragen (UI-Test)"
LEIKA = "99107004017000"
OFFICE = "Bürgerservice Jena, Am Anger 15"
DESCRIPTION = "Bewohnerinnen und Bewohner erhalten einen Parkausweis."
DOCUMENTS = ["Personalausweis", "Fahrzeugschein"]
FEES_EDITED = "30,70 EUR pro Jahr"
URL = "https://www.jena.de/parken"

procs = []


def log(*args):
    print("[ui-test]", *args, flush=True)


def screenshot(tag):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{NAME}-{tag}.png")
    try:
        xwd = subprocess.run(["xwd", "-root", "-silent"], capture_output=True, timeout=30)
        subprocess.run(["convert", "xwd:-", path], input=xwd.stdout, timeout=60, check=True)
        log("screenshot", path)
    except Exception as e:  # a missing screenshot must not hide the real failure
        log("screenshot failed:", e)


class Server:
    def __init__(self, db):
        self.db = db
        self.port = 0
        self.proc = None
        self.log_path = os.path.join(TMP, "server.log")

    def start(self):
        logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [SERVER, "--db", self.db, "--port", str(self.port), "--bind", "127.0.0.1"],
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
        deadline = time.time() + 30
        while "port" not in found:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}, see {self.log_path}")
            if time.time() > deadline:
                raise AssertionError("server did not print its address")
            time.sleep(0.05)
        self.port = found["port"]
        log("server listening on port", self.port)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=20)
        log("server stopped, exit status", self.proc.returncode)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


def wait_for(what, func, timeout=30, interval=0.3):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            value = func()
            if value:
                return value
        except Exception as e:  # nodes come and go while the UI changes
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}" + (f" ({last})" if last else ""))


def find(parent, role, name, timeout=20, showing=True):
    """A descendant by AT-SPI role and accessible name."""
    def look():
        for node in parent.findChildren(predicate.GenericPredicate(name=name, roleName=role),
                                        showingOnly=False):
            if not showing or node.showing:
                return node
        return None
    return wait_for(f"{role} “{name}”", look, timeout)


def find_any_role(parent, name, roles, timeout=20):
    def look():
        for node in parent.findChildren(lambda n: n.name == name and n.roleName in roles,
                                        showingOnly=False):
            if node.showing:
                return node
        return None
    return wait_for(f"“{name}” ({'/'.join(roles)})", look, timeout)


TEXT_ROLES = ("text", "entry", "password text", "terminal")


def set_text(parent, name, text, multiline=False):
    node = find_any_role(parent, name, TEXT_ROLES)
    node.grabFocus()
    wait_for(f"focus in “{name}”", lambda: node.focused, 5)
    # Replace what is there, then type like a person.
    rawinput.keyCombo("<Control>a")
    rawinput.pressKey("Delete")
    if multiline:
        lines = text.split("\n")
        for i, line in enumerate(lines):
            rawinput.typeText(line)
            if i < len(lines) - 1:
                rawinput.pressKey("Return")
    else:
        rawinput.typeText(text)
    time.sleep(0.2)
    return node


def text_of(node):
    try:
        return node.text or ""
    except Exception:
        return ""


def click(node):
    try:
        node.doActionNamed("click")
    except Exception:
        node.click()


def app_root():
    def look():
        for a in tree.root.applications():
            if re.search("stadtpult", a.name or "", re.I):
                return a
        return None
    return wait_for("the Stadtpult application on the accessibility bus", look, 40)


def fetch_services(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/services", timeout=10) as r:
        assert r.status == 200, r.status
        return json.loads(r.read().decode("utf-8"))


def main():
    db = os.path.join(TMP, "server.db")
    profile = os.path.join(TMP, "profile")
    pwfile = os.path.join(TMP, "password.txt")
    with open(pwfile, "w") as f:
        f.write(PASSWORD + "\n")

    subprocess.run([SERVER, "user", "add", USER, "--role", "editor",
                    "--password-file", pwfile, "--db", db], check=True, timeout=60)

    server = Server(db)
    server.start()

    app_log = open(os.path.join(TMP, "app.log"), "w")
    app_proc = subprocess.Popen([APP, "--profile", profile], stdout=app_log, stderr=subprocess.STDOUT)
    procs.append(app_proc)

    app = app_root()
    log("found application", app.name)

    # --- Sign in (the dialog opens on the first start of a profile) ---
    def signin_field():
        for n in app.findChildren(lambda n: n.name == "Server URL" and n.roleName in TEXT_ROLES,
                                  showingOnly=False):
            if n.showing:
                return n
        return None

    if not wait_for_optional(signin_field, 10):
        click(find(app, "push button", "Sign In…"))
    set_text(app, "Server URL", server.url)
    set_text(app, "User name", USER)
    set_text(app, "Password", PASSWORD)
    click(find(app, "push button", "Sign in"))
    wait_for("the sign-in dialog to close", lambda: not signin_field(), 30)
    log("signed in")
    screenshot("signed-in")

    # --- The server goes down; work offline ---
    server.stop()

    click(find(app, "push button", "New service"))
    set_text(app, "Name", SERVICE_NAME)
    set_text(app, "LeiKa key", LEIKA)
    set_text(app, "Description", DESCRIPTION, multiline=True)
    set_text(app, "Required documents", "\n".join(DOCUMENTS), multiline=True)
    set_text(app, "Fees", "28,80 EUR")
    set_text(app, "Responsible office", OFFICE)
    set_text(app, "Online service link", URL)
    rawinput.keyCombo("<Control>s")
    # The new row appears in the list, marked as not yet synced.
    find(app, "label", SERVICE_NAME, 20)
    find_any_role(app, "Pending sync", ("image", "icon"), 20)
    log("created offline, shown as pending")

    # Edit it again while still offline: other fees, and publish it.
    set_text(app, "Fees", FEES_EDITED)
    status = find_any_role(app, "Status", ("combo box", "push button", "toggle button"))
    click(status)
    published = wait_for("the “Published” choice", lambda: next(
        (n for n in app.findChildren(lambda n: n.name == "Published" and n.roleName in ("label", "list item", "menu item"),
                                     showingOnly=False) if n.showing), None), 10)
    click(published)
    time.sleep(0.5)
    click(find(app, "push button", "Save"))
    wait_for("the edit to be saved",
             lambda: not find(app, "push button", "Revert", 5).sensitive, 10)
    find_any_role(app, "Pending sync", ("image", "icon"), 10)
    screenshot("offline-edited")
    log("edited offline")

    # --- The server comes back; sync ---
    server.start()
    click(find(app, "push button", "Sync now"))

    def published_service():
        for s in fetch_services(server.port):
            if s.get("name") == SERVICE_NAME:
                return s
        return None

    service = wait_for("the service at /api/v1/services", published_service, 60, 1.0)
    log("published:", json.dumps(service, ensure_ascii=False))
    assert service["leika"] == LEIKA, service
    assert service["fees"] == FEES_EDITED, service
    assert service["office"] == OFFICE, service
    assert service["online_url"] == URL, service
    assert service["description"] == DESCRIPTION, service
    assert service["documents"] == DOCUMENTS, service

    # The list no longer marks the row as pending once the server accepted it.
    wait_for("the pending mark to go away",
             lambda: not any(n.showing for n in app.findChildren(
                 lambda n: n.name == "Pending sync", showingOnly=False)), 30)
    screenshot("synced")
    log("PASS")


def wait_for_optional(func, timeout):
    try:
        return wait_for("optional", func, timeout)
    except AssertionError:
        return None


if __name__ == "__main__":
    rc = 0
    try:
        main()
    except BaseException:
        traceback.print_exc()
        screenshot("failure")
        for name in ("app.log", "server.log"):
            path = os.path.join(TMP, name)
            if os.path.exists(path):
                print(f"----- {name} -----")
                with open(path, errors="replace") as f:
                    print(f.read()[-6000:])
        rc = 1
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
    sys.exit(rc)
