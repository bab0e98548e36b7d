# SPDX-License-Identifier: EUPL-1.2
"""Conflicts keep both sides, and the desktop can restore the loser.

A person publishes a service from the desktop. Another client, which had
not seen that edit, changes the fees concurrently with a later clock; the
server keeps its value and records the desktop's as overwritten. After
"Sync now" the Conflicts page shows both values; "Restore overwritten
value" brings the desktop's fees back, and after the next sync the
citizens' API shows them again.

Run through run-ui-test.sh (Xvfb, D-Bus, AT-SPI, keyring).
"""

import json
import time
import uuid

from sp_uitest import (PASSWORD, USER, api, click_at, fetch_services, find, find_all, log, press,
                       rawinput, run, screenshot, set_status, set_text, sign_in, start_app,
                       wait_for)

SERVICE_NAME = "Hundesteuer anmelden (UI-Test)"
FEES_DESKTOP = "120 EUR pro Jahr"
FEES_OTHER = "96 EUR pro Jahr"


def main():
    server, app = start_app()
    sign_in(app, server)

    # The desktop creates and publishes the service, and syncs it.
    press(app, "New service")
    set_text(app, "Name", SERVICE_NAME)
    set_text(app, "Fees", FEES_DESKTOP)
    set_status(app, "Published")
    rawinput.keyCombo("<Control>s")
    find(app, "label", SERVICE_NAME, 20)
    press(app, "Sync now")

    def published():
        return next((s for s in fetch_services(server.port) if s.get("name") == SERVICE_NAME), None)

    service = wait_for("the service at /api/v1/services", published, 60, 1.0)
    assert service["fees"] == FEES_DESKTOP, service
    log("published from the desktop:", service["id"])

    # Another client that never saw the desktop's edit (base_version 0)
    # changes the fees, with a later clock: its value wins the merge.
    token = api(server.port, "POST", "/api/v1/login", {"user": USER, "password": PASSWORD})["token"]
    hlc = "%015d:0000:uitest-other" % (int(time.time() * 1000) + 60_000)
    answer = api(server.port, "POST", "/api/v1/sync", {"changes": [{
        "change_id": str(uuid.uuid4()), "entity": "service", "id": service["id"],
        "base_version": 0, "hlc": hlc, "op": "upsert", "fields": {"fees": FEES_OTHER}}]}, token)
    log("other client:", json.dumps(answer))
    assert answer["results"][0]["status"] == "conflict", answer
    wait_for("the other client's fees to be published",
             lambda: published()["fees"] == FEES_OTHER, 20, 0.5)

    # The desktop pulls the change and the conflict record.
    press(app, "Sync now")
    # Open the Conflicts page from the sidebar, as a person would.
    click_at(find(app, "label", "Conflicts"))
    restore = find(app, "push button", "Restore overwritten value", 60)
    # Both values are on screen.
    find(app, "label", FEES_DESKTOP, 10)
    find(app, "label", FEES_OTHER, 10)
    screenshot("conflict")
    log("the conflict is listed")

    restore.doActionNamed("click")
    wait_for("the conflict to leave the list",
             lambda: not find_all(app, "Restore overwritten value", ("push button",)), 20)
    find(app, "label", "No Conflicts", 10)

    press(app, "Sync now")
    wait_for("the restored fees at /api/v1/services",
             lambda: published()["fees"] == FEES_DESKTOP, 60, 1.0)
    screenshot("restored")
    log("PASS")


if __name__ == "__main__":
    run("desktop-conflict-restore", main)
