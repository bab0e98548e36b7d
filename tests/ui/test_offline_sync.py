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
import re
import time

from sp_uitest import (fetch_services, find, find_all, log, press, rawinput, run,
                       screenshot, set_status, set_text, shown, sign_in, start_app, wait_for)

SERVICE_NAME = "Anwohnerparkausweis beantragen (UI-Test)"
LEIKA = "99107004017000"
OFFICE = "Bürgerservice Jena, Am Anger 15"
DESCRIPTION = "Bewohnerinnen und Bewohner erhalten einen Parkausweis."
DOCUMENTS = ["Personalausweis", "Fahrzeugschein"]
FEES_EDITED = "30,70 EUR pro Jahr"
URL = "https://www.jena.de/parken"


def main():
    server, app = start_app()
    sign_in(app, server)
    time.sleep(2)
    screenshot("signed-in")

    # --- The server goes down; work offline ---
    server.stop()

    press(app, "New service")
    # Mistakes are explained next to the field, and nothing is saved.
    set_text(app, "LeiKa key", "99107")
    rawinput.keyCombo("<Control>s")
    find(app, "label", "Enter a name for the service.", 10)
    find(app, "label", "A LeiKa key consists of 14 digits, for example 99050012261000.", 10)
    assert not find_all(app, SERVICE_NAME, ("label",))
    set_text(app, "Name", SERVICE_NAME)
    set_text(app, "LeiKa key", LEIKA)
    wait_for("the name error to go away",
             lambda: not find_all(app, "Enter a name for the service.", ("label",)), 5)
    set_text(app, "Description", DESCRIPTION, multiline=True)
    set_text(app, "Required documents", "\n".join(DOCUMENTS), multiline=True)
    set_text(app, "Fees", "28,80 EUR")
    set_text(app, "Responsible office", OFFICE)
    set_text(app, "Online service link", "www.jena.de/parken")
    rawinput.keyCombo("<Control>s")
    find(app, "label", "Enter a web address starting with https:// or http://.", 10)
    set_text(app, "Online service link", URL)
    rawinput.keyCombo("<Control>s")
    # The new row appears in the list, marked as not yet synced.
    find(app, "label", SERVICE_NAME, 20)
    find(app, ("image", "icon"), "Pending sync", 20)
    # The header counts what waits for the server.
    wait_for("the header to count pending changes", lambda: [
        n for n in app.findChildren(lambda n: n.roleName == "label" and re.search(r"\d+ pending", n.name or ""),
                                    showingOnly=False) if shown(n)], 20)
    log("created offline, shown as pending")

    # Edit it again while still offline: other fees, and publish it.
    set_text(app, "Fees", FEES_EDITED)
    set_status(app, "Published")
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


if __name__ == "__main__":
    run("desktop-offline-sync", main)
