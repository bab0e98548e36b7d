# SPDX-License-Identifier: EUPL-1.2
"""Offline editing end to end, driven through the accessibility tree.

A person signs in to the sync server, the server goes down, they create a
service and edit it while offline (the list shows it as pending), the
server comes back, they press "Sync now", and the citizens' API publishes
the service with the edited values.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring). Environment:
STADTPULT_APP, STADTPULT_SERVER, SP_UI_TMP, SP_UI_ARTIFACTS.
"""

import ctypes
import ctypes.util
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

import pyatspi  # noqa: E402
from dogtail import rawinput, tree  # noqa: E402

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


def shown(node):
    """GTK 4.8 reports no "showing" state: visible and allocated is the
    closest thing (hidden stack pages keep a zero size)."""
    try:
        if not node.getState().contains(pyatspi.STATE_VISIBLE):
            return False
        w, h = node.size
        return w > 0 and h > 0
    except Exception:
        return False


def name_matches(node, name):
    # GTK 4.8 joins an explicit accessible label with the labelled-by
    # relation of a mnemonic label ("Server URL Server URL"): accept both.
    n = node.name or ""
    return n == name or n == f"{name} {name}"


def find_all(parent, name, roles):
    return [n for n in parent.findChildren(
        lambda n: n.roleName in roles and name_matches(n, name), showingOnly=False) if shown(n)]


def find(parent, roles, name, timeout=20):
    """A shown descendant by AT-SPI role(s) and accessible name."""
    if isinstance(roles, str):
        roles = (roles,)

    def look():
        nodes = find_all(parent, name, roles)
        return nodes[0] if nodes else None
    return wait_for(f"{'/'.join(roles)} “{name}”", look, timeout)


TEXT_ROLES = ("text", "entry", "password text")


# Xvfb has no window manager: a new dialog may open below the main window.
# Raise it and give it the keyboard through libX11 (no extra packages).
_x11 = None


def _xlib():
    global _x11
    if _x11 is None:
        lib = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
        lib.XOpenDisplay.restype = ctypes.c_void_p
        lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        lib.XDefaultRootWindow.restype = ctypes.c_ulong
        lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        lib.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                   ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                                   ctypes.POINTER(ctypes.c_uint)]
        lib.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
        lib.XRaiseWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        lib.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
        lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.XFree.argtypes = [ctypes.c_void_p]
        dpy = lib.XOpenDisplay(None)
        assert dpy, "cannot open the X display"
        _x11 = (lib, dpy)
    return _x11


def raise_window(title):
    lib, dpy = _xlib()
    root = lib.XDefaultRootWindow(dpy)
    root_ret, parent_ret = ctypes.c_ulong(), ctypes.c_ulong()
    children, n = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
    lib.XQueryTree(dpy, root, ctypes.byref(root_ret), ctypes.byref(parent_ret),
                   ctypes.byref(children), ctypes.byref(n))
    found = False
    for i in range(n.value):
        name = ctypes.c_char_p()
        if lib.XFetchName(dpy, children[i], ctypes.byref(name)) and name.value:
            if name.value.decode("utf-8", "replace") == title:
                lib.XRaiseWindow(dpy, children[i])
                found = True
    if children:
        lib.XFree(children)
    lib.XSync(dpy, 0)
    return found


def click_at(node):
    # Without a window manager every toplevel sits at 0,0, so the positions
    # GTK reports (relative to the window) are screen positions.
    x, y = node.position
    w, h = node.size
    rawinput.click(x + w // 2, y + h // 2)


def in_view(node):
    """Whether the centre of @node is inside every scrolled pane around it."""
    x, y = node.position
    w, h = node.size
    cx, cy = x + w // 2, y + h // 2
    p = node.parent
    while p is not None:
        if p.roleName == "scroll pane":
            px, py = p.position
            pw, ph = p.size
            if not (px <= cx < px + pw and py <= cy < py + ph):
                return False
        p = p.parent
    return True


def focus(node, name):
    if in_view(node):
        click_at(node)
    else:
        # Scrolled out of sight: move there with Tab like a keyboard user;
        # the form scrolls the focused field into view.
        for _ in range(20):
            if node.focused:
                break
            rawinput.pressKey("Tab")
            time.sleep(0.15)
    wait_for(f"focus in “{name}”", lambda: node.focused, 5)


def set_text(parent, name, text, multiline=False):
    node = find(parent, TEXT_ROLES, name)
    focus(node, name)
    # Replace what is there, then type like a person.
    rawinput.keyCombo("<Control>a")
    rawinput.pressKey("Delete")
    lines = text.split("\n") if multiline else [text]
    for i, line in enumerate(lines):
        rawinput.typeText(line)
        if i < len(lines) - 1:
            rawinput.pressKey("Return")
    time.sleep(0.2)
    return node


def press(parent, name):
    button = find(parent, ("push button", "toggle button"), name)
    button.doActionNamed("click")
    return button


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

    # --- Sign in ---
    def signin_field():
        nodes = find_all(app, "Server URL", TEXT_ROLES)
        return nodes[0] if nodes else None

    if not wait_for_optional(signin_field, 5):
        press(app, "Sign In…")
    wait_for("the sign-in dialog", signin_field, 20)
    raise_window("Sign In")
    time.sleep(0.5)
    set_text(app, "Server URL", server.url)
    set_text(app, "User name", USER)
    set_text(app, "Password", PASSWORD)
    press(app, "Sign in")
    wait_for("the sign-in dialog to close", lambda: not signin_field(), 30)
    log("signed in")
    time.sleep(2)
    screenshot("signed-in")

    # --- The server goes down; work offline ---
    server.stop()

    press(app, "New service")
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
    find(app, ("image", "icon"), "Pending sync", 20)
    log("created offline, shown as pending")

    # Edit it again while still offline: other fees, and publish it.
    set_text(app, "Fees", FEES_EDITED)
    status = find(app, "combo box", "Status")
    toggle = [n for n in status.findChildren(lambda n: n.roleName in ("push button", "toggle button"),
                                              showingOnly=False)][0]
    toggle.doActionNamed("click")
    time.sleep(0.7)
    # The choices pop up with the current one focused: one down is "Published".
    rawinput.pressKey("Down")
    rawinput.pressKey("Return")
    wait_for("the status to read “Published”",
             lambda: any(n.name == "Published" for n in status.findChildren(
                 lambda n: n.roleName == "label", showingOnly=False) if shown(n)), 10)
    press(app, "Save")
    wait_for("the edit to be saved",
             lambda: not find(app, "push button", "Revert", 5).sensitive, 10)
    find(app, ("image", "icon"), "Pending sync", 10)
    screenshot("offline-edited")
    log("edited offline")

    # --- The server comes back; sync ---
    server.start()
    press(app, "Sync now")

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
             lambda: not find_all(app, "Pending sync", ("image", "icon")), 30)
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
