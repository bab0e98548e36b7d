# SPDX-License-Identifier: EUPL-1.2
"""The training catalogue, used like a trainer would.

`schulung` (role trainer) opens "Training" on the demo server's catalogue,
narrows it to the mobile-app qualification track (the list then holds
exactly the track's items), opens one, marks it planned and then done;
the server's anonymous demand counter follows each step (+1 planned, then
planned back to 0 and done +1) and the page shows the counts to the
trainer. Nothing but item, state and delta reaches the server.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring).
"""

import importlib.util
import os
import re
import subprocess
import time

from sp_uitest import APP, TMP, api, click_at, find, log, procs, run, screenshot, shown, wait_for

# The demo server, login and page helpers of the HR report test.
_spec = importlib.util.spec_from_file_location(
    "hr_report_test", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-hr-report.py"))
_hr = importlib.util.module_from_spec(_spec)
_hr.__name__ = "hr_report_test"
_src = open(_spec.origin, encoding="utf-8").read().replace('run("hr-report", main)', "")
exec(compile(_src, _spec.origin, "exec"), _hr.__dict__)
DemoServer, login, app_root, open_page, labels = (
    _hr.DemoServer, _hr.login, _hr.app_root, _hr.open_page, _hr.labels)


def button(app, name):
    """A shown push/toggle button by its label, mnemonic underscores aside."""
    def look():
        nodes = [n for n in app.findChildren(
            lambda n: n.roleName in ("push button", "toggle button")
            and (n.name or "").replace("_", "").split(" ")[:len(name.split(" "))] == name.split(" "),
            showingOnly=False) if shown(n)]
        return nodes[0] if nodes else None
    return wait_for(f"the button “{name}”", look, 20)


def demand(port, token, item):
    counts = api(port, "GET", "/api/v1/training/demand", token=token)["items"]
    row = next((c for c in counts if c["item"] == item), {"planned": 0, "done": 0})
    return row["planned"], row["done"]


def main():
    server = DemoServer(os.path.join(TMP, "server.db"))
    server.start()
    trainer = login(server.port, "schulung")
    items = api(server.port, "GET", "/api/v1/training", token=trainer)
    mobile = sorted((i for i in items if i["track"] == "mobile-app"), key=lambda i: i["title"])
    other = [i for i in items if i["track"] != "mobile-app"]
    assert mobile and other, "the demo catalogue lacks the mobile-app track"
    log(len(items), "items,", len(mobile), "in the mobile-app track")

    env = dict(os.environ)
    env["STADTPULT_DEMO_LOGIN"] = f"schulung:schulung@{server.url}"
    env["SP_HARNESS_LOGIN"] = env["STADTPULT_DEMO_LOGIN"]
    profile = os.path.join(TMP, "profile")
    os.makedirs(profile, exist_ok=True)
    args = [APP, "--profile", profile]
    procs.append(subprocess.Popen(args, stdout=open(os.path.join(TMP, "app.log"), "w"),
                                  stderr=subprocess.STDOUT, env=env))
    app = app_root()
    open_page(app, "Training")

    listing = find(app, ("list", "list box"), "Training items", timeout=60)
    wait_for("the synced catalogue in the list",
             lambda: labels(listing, "^" + re.escape(other[0]["title"]) + "$") or
             labels(listing, "^" + re.escape(mobile[0]["title"]) + "$"), 60)

    # The mobile-app qualification track alone.
    button(app, "Mobile app qualification").doActionNamed("click")

    def only_mobile():
        titles = {n.name for n in listing.findChildren(lambda n: n.roleName == "label", showingOnly=False)
                  if shown(n)}
        return titles if all(i["title"] in titles for i in mobile[:6]) and \
            not any(i["title"] in titles for i in other) else None
    wait_for("only the mobile-app items in the list", only_mobile, 20)
    log("filter shows the", len(mobile), "mobile-app items")
    screenshot("mobile-filter")

    # Open one and mark it.
    item = mobile[0]
    click_at(labels(listing, "^" + re.escape(item["title"]) + "$")[0])
    wait_for("the item's detail", lambda: [n for n in labels(app, "^" + re.escape(item["title"]) + "$")
                                          if n not in labels(listing, ".")], 20)
    before = demand(server.port, trainer, item["id"])
    log("demand before:", before)

    button(app, "Mark as Planned").doActionNamed("click")
    wait_for("the planned count on the server",
             lambda: demand(server.port, trainer, item["id"]) == (before[0] + 1, before[1]), 30)
    wait_for("the planned mark on the page", lambda: labels(app, r"^You plan to take this\.$"), 10)
    wait_for("the demand count on the page",
             lambda: labels(app, rf"^Anonymous demand: {before[0] + 1} planned, {before[1]} done$"), 20)

    button(app, "Mark as Done").doActionNamed("click")
    wait_for("planned moved to done on the server",
             lambda: demand(server.port, trainer, item["id"]) == (before[0], before[1] + 1), 30)
    wait_for("the demand count on the page",
             lambda: labels(app, rf"^Anonymous demand: {before[0]} planned, {before[1] + 1} done$"), 20)
    log("demand after:", demand(server.port, trainer, item["id"]))
    screenshot("marked")


run("training-catalogue", main)
