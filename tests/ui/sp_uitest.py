# SPDX-License-Identifier: EUPL-1.2
"""Shared helpers of the desktop UI tests: the sync server, the app, and
finding and driving widgets through AT-SPI (dogtail) by role and
accessible name, under the Xvfb session that run-ui-test.sh sets up."""

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
NAME = "ui-test"

USER = "redaktion"
PASSWORD = "geheim-UI-test-1"

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
    def __init__(self, db, args=()):
        self.db = db
        self.args = list(args)  # e.g. ["--demo"]
        self.port = 0
        self.proc = None
        self.log_path = os.path.join(TMP, "server.log")

    def start(self):
        logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [SERVER, "--db", self.db, "--port", str(self.port), "--bind", "127.0.0.1"] + self.args,
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
        deadline = time.time() + 60  # --demo loads content first
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
    # AT-SPI gives up on an answer after 0.8 s, e.g. while the app re-reads a
    # big list after a filter change: ask again until the app answers.
    visible = wait_for(f"the position of “{name}”", lambda: (in_view(node),), 20)[0]
    if visible:
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


def open_page(app, name, timeout=60):
    """Opens a page from the sidebar by its name, like a person would."""
    def row():
        for roles in (("list item",), ("page tab",), ("toggle button",), ("label",)):
            nodes = find_all(app, name, roles)
            if nodes:
                return nodes[0]
        return None
    click_at(wait_for(f"the “{name}” entry of the sidebar", row, timeout))


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


def wait_for_optional(func, timeout):
    try:
        return wait_for("optional", func, timeout)
    except AssertionError:
        return None



def set_status(app, label):
    """Picks @label ("Draft"/"Published") in the editor's Status drop-down
    with the keyboard, as the pop-up has no usable screen position."""
    status = find(app, "combo box", "Status")

    def current():
        return next((n.name for n in status.findChildren(lambda n: n.roleName == "label", showingOnly=False)
                     if shown(n)), None)

    if current() == label:
        return
    toggle = status.findChildren(lambda n: n.roleName in ("push button", "toggle button"),
                                 showingOnly=False)[0]
    toggle.doActionNamed("click")
    time.sleep(0.7)
    # The choices pop up with the current one focused.
    rawinput.pressKey("Down" if label == "Published" else "Up")
    rawinput.pressKey("Return")
    wait_for(f"the status to read “{label}”", lambda: current() == label, 10)


def api(port, method, path, body=None, token=None):
    """A JSON request to the sync server, as another client would send it."""
    data = json.dumps(body).encode("utf-8") if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=15) as r:
        return json.loads(r.read().decode("utf-8"))


def login(port, user):
    """A token of the demo account @user (its password is its name)."""
    return api(port, "POST", "/api/v1/login", {"user": user, "password": user})["token"]


def server_changes(port, token, entity):
    """The latest change of each @entity row on the server, pulled like a
    client would: {row id: change}."""
    cursor, rows = "", {}
    while True:
        page = api(port, "GET", f"/api/v1/sync?since={cursor}&limit=1000", token=token)
        for c in page["changes"]:
            if c["entity"] == entity:
                rows[c["id"]] = c
        cursor = page["cursor"]
        if not page["more"]:
            break
    return rows


def list_rows(parent, list_name, pattern, timeout=10):
    """The shown rows of the list @list_name below @parent whose accessible
    name matches @pattern."""
    rx = re.compile(pattern)
    listing = find(parent, ("list", "list box"), list_name, timeout)
    return [n for n in listing.findChildren(lambda n: n.roleName == "list item" and rx.search(n.name or ""),
                                            showingOnly=False) if shown(n)]


def start_demo_app(user="redaktion"):
    """Starts the demo server (--demo) and the app with a fresh profile that
    signs in as the demo account @user at start (STADTPULT_DEMO_LOGIN), and
    returns (server, app accessible)."""
    server = Server(os.path.join(TMP, "server.db"), ["--demo"])
    server.start()

    env = dict(os.environ)
    env["STADTPULT_DEMO_LOGIN"] = f"{user}:{user}@{server.url}"
    profile = os.path.join(TMP, "profile")
    os.makedirs(profile, exist_ok=True)
    procs.append(subprocess.Popen([APP, "--profile", profile],
                                  stdout=open(os.path.join(TMP, "app.log"), "w"),
                                  stderr=subprocess.STDOUT, env=env))
    return server, app_root()


def start_app():
    """Creates the server account, starts the server and the app, and
    returns (server, app accessible)."""
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
    return server, app


def sign_in(app, server):
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


def run(name, main):
    """Runs @main(), screenshots and logs on failure, cleans up."""
    global NAME
    NAME = name
    rc = 0
    try:
        main()
    except BaseException:
        traceback.print_exc()
        screenshot("failure")
        for logname in ("app.log", "server.log"):
            path = os.path.join(TMP, logname)
            if os.path.exists(path):
                print(f"----- {logname} -----")
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
