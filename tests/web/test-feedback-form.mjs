// SPDX-License-Identifier: EUPL-1.2
//
// The feedback pages in a real browser against the real server: the form
// (/feedback/) filled and sent with the keyboard only, its errors (rating
// missing, contact without consent, a service gone meanwhile, too many
// requests with the wait in seconds), the hidden honeypot, the ticket and
// the status page with the city's reply shown as text, "War das
// hilfreich?" on a service page; WCAG 2.1 AA (axe-core) in every state, at
// phone and desktop width, light and dark; no cookies, no storage.
//
// Env: STADTPULT_SERVER (path of stadtpult-server; set by meson),
//      CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { expectNoAxeViolations } from "./web-helpers.mjs";
import { XSS, startCitizenTest, newPage, tabTo, pressAt, tabOrder, focusedId, expectCleanPage } from "./citizen-helpers.mjs";

let t;            /* the running server + browser */
let service;      /* a published demo service */

function sentFeedback(requests) {
  return requests.filter((r) => r.method === "POST" && r.url.endsWith("/api/v1/feedback")).map((r) => JSON.parse(r.body));
}

before(async () => {
  t = await startCitizenTest("feedback");
  const list = await t.api("/api/v1/services");
  assert.equal(list.status, 200, list.text);
  service = list.json.find((s) => /Anwohnerpark|Personalausweis/.test(s.name)) || list.json[0];
});

after(async () => {
  await t?.stop();
});

test("the form with the keyboard only: errors, consent, ticket, status page with the reply as text", async () => {
  const { context, page, errors, requests } = await newPage(t.browser);
  await page.goto(`${t.base}/`);
  // From the citizen app's navigation to the form.
  await pressAt(page, "a[href='/feedback/']", "Enter");
  await page.waitForSelector("#feedback-form:not([hidden])");
  await page.waitForFunction(() => document.querySelectorAll("#fb-service option").length > 1);
  assert.equal(await page.title(), "Rückmeldung geben – Bürgerservice");
  assert.equal(await page.getAttribute("a[href='/feedback/']", "aria-current"), "page");
  await expectNoAxeViolations(page, "the empty feedback form");

  // The honeypot is never reached with Tab and hidden from screen readers.
  const order = await tabOrder(page);
  assert.ok(order.includes("fb-service") && order.includes("fb-text") && order.includes("fb-submit"), order.join(", "));
  assert.ok(!order.includes("fb-website"), `the honeypot field is not in the tab order: ${order.join(", ")}`);
  assert.equal(await page.locator("#fb-website").evaluate((el) => !!el.closest("[aria-hidden='true'][inert]")), true);

  // Sending without a rating: the summary takes the focus and names the problem; the group is marked.
  await pressAt(page, "#fb-submit", "Enter");
  await page.waitForSelector("#error-summary:not([hidden])");
  assert.match(await page.textContent("#error-summary"), /Bewertung von 1 bis 5 Sternen/);
  assert.equal(await page.evaluate(() => document.activeElement.closest("#error-summary") !== null), true, "the summary has the focus");
  assert.equal(await page.getAttribute("#fb-rating-1", "aria-invalid"), "true");
  assert.match(await page.getAttribute("#fb-rating-3", "aria-describedby"), /field-rating-error/);
  assert.equal(sentFeedback(requests).length, 0, "nothing is sent while the form has errors");
  await expectNoAxeViolations(page, "the form with a missing rating");
  // The summary's link leads to the rating.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  assert.match(await focusedId(page), /^fb-rating-/);

  // Service by arrow keys, four stars by arrow keys, the message, a contact but no consent yet.
  await tabTo(page, "#fb-service");
  await page.selectOption("#fb-service", service.id);   /* the native list opens outside the page */
  await pressAt(page, "input[name=rating]", "ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.inputValue("input[name=rating]:checked"), "4");
  assert.match(await page.textContent("#fb-rating-chosen"), /4 von 5 Sternen/);
  await tabTo(page, "#fb-text");
  const message = `Das Formular war gut. ${XSS}`;
  await page.keyboard.type(message);
  assert.match(await page.textContent("#fb-text-count"), new RegExp(`${message.length} von 4000 Zeichen`));
  await tabTo(page, "#fb-contact");
  await page.keyboard.type("anna@example.org");
  await pressAt(page, "#fb-submit", "Enter");
  await page.waitForSelector("#field-consent-error");
  assert.match(await page.textContent("#error-summary"), /willigen Sie/);
  assert.equal(await page.getAttribute("#fb-consent", "aria-invalid"), "true");
  await expectNoAxeViolations(page, "the form with a contact but no consent");

  await pressAt(page, "#fb-consent", "Space");
  assert.equal(await page.isChecked("#fb-consent"), true);
  await pressAt(page, "#fb-submit", "Enter");
  await page.waitForSelector("#feedback-done:not([hidden])");
  const ticket = (await page.textContent("#done-ticket")).trim();
  assert.match(ticket, /^FB-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.equal(await focusedId(page), "done-title", "the confirmation takes the focus");
  const [body] = sentFeedback(requests);
  assert.deepEqual(body, { service_id: service.id, rating: 4, text: message, channel: "web", website: "",
                           contact: "anna@example.org", consent: true });
  await expectNoAxeViolations(page, "the confirmation");

  // What the editors get by sync: the text and the consented contact, as typed.
  const stored = (await t.pull("feedback")).find((f) => f.ticket === ticket);
  assert.ok(stored, "the feedback reached the editors");
  assert.equal(stored.text, message);
  assert.equal(stored.contact, "anna@example.org");
  assert.equal(stored.service_id, service.id);
  assert.equal(stored.channel, "web");

  // The status page, reached with the keyboard from the confirmation.
  await pressAt(page, "#done-status-link", "Enter");
  await page.waitForSelector(".ticket-status");
  assert.equal(new URL(page.url()).searchParams.get("ticket"), ticket);
  assert.match(await page.textContent(".ticket-status"), /Eingegangen/);
  assert.match(await page.textContent(".ticket-status"), new RegExp(service.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  assert.match(await page.textContent(".ticket-status"), /noch keine Antwort/);
  await expectNoAxeViolations(page, "the status of a new ticket");

  // The city answers (with markup in the reply): shown as text with its line break.
  const reply = `Danke!\nWir haben das weitergegeben. ${XSS}`;
  await t.push([{ entity: "feedback", id: stored.id, fields: { state: "answered", reply, replied: new Date().toISOString().replace(/\.\d+Z$/, "Z") } }]);
  await page.reload();
  await page.waitForSelector(".reply");
  assert.equal(await page.textContent(".reply"), reply);
  assert.match(await page.textContent(".state"), /Beantwortet/);
  await expectNoAxeViolations(page, "a ticket with the city's reply");

  // A mistyped ticket: the error at the field.
  await page.fill("#ticket", "FB-XXXX-XXXX-XXXX");
  await page.focus("#ticket");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#field-ticket-error");
  assert.match(await page.textContent("#field-ticket-error"), /keine Rückmeldung/);
  assert.equal(await page.getAttribute("#ticket", "aria-invalid"), "true");
  await expectNoAxeViolations(page, "an unknown ticket");

  // The short address /feedback/status?ticket= leads to the page too.
  await page.goto(`${t.base}/feedback/status?ticket=${ticket}`);
  await page.waitForSelector(".reply");
  await expectCleanPage(page, context, errors, "the feedback and status pages");
  await context.close();
});

test("a service withdrawn while the form is open: the server's 400 at the service field", async () => {
  const id = randomUUID();
  const fields = { name: "Testleistung Rückmeldung", leika: "", description: "Nur für den Test.", documents: [],
                   fees: "", office: "", opening_hours: "", online_url: "", status: "published" };
  await t.push([{ entity: "service", id, fields }]);
  const { context, page, errors } = await newPage(t.browser, { width: 390, height: 844 });
  await page.goto(`${t.base}/feedback/?service=${id}`);
  await page.waitForFunction((sid) => document.getElementById("fb-service").value === sid, id);
  await t.push([{ entity: "service", id, fields: { ...fields, status: "draft" } }]);
  await page.click("label[for=fb-rating-2]");
  await page.click("#fb-submit");
  await page.waitForSelector("#field-service-error");
  assert.match(await page.textContent("#field-service-error"), /gibt es nicht mehr/);
  assert.equal(await page.getAttribute("#fb-service", "aria-invalid"), "true");
  await expectNoAxeViolations(page, "the form with the server's error, phone width");
  await expectCleanPage(page, context, errors, "the form with the server's error");
  await context.close();
});

test("War das hilfreich? on a service page: No at once, then a few words as the text of the same feedback", async () => {
  const { context, page, errors, requests } = await newPage(t.browser, { colorScheme: "dark" });
  await page.goto(`${t.base}/#/service/${encodeURIComponent(service.id)}`);
  await page.waitForSelector(".helpful");
  await expectNoAxeViolations(page, "a service page with the question, dark");
  await tabTo(page, ".helpful button:nth-of-type(2)");
  assert.equal((await page.textContent(".helpful button:nth-of-type(2)")).trim(), "Nein");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#helpful-text");
  assert.equal(await focusedId(page), "helpful-text", "the optional text takes the focus");
  assert.match(await page.textContent(".helpful__status"), /Danke für Ihre Rückmeldung/);
  assert.match(await page.textContent("label[for=helpful-text]"), /Was hat Ihnen gefehlt/);
  await expectNoAxeViolations(page, "the helpful box after No");
  const words = `Die Gebühr fehlt. ${XSS}`;
  await page.keyboard.type(words);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /angekommen/.test(document.querySelector(".helpful__status").textContent));
  const sent = sentFeedback(requests);
  assert.deepEqual(sent, [
    { service_id: service.id, rating: 1, text: "", channel: "web", website: "" },
  ]);
  const followups = requests.filter((r) => r.method === "POST" && /\/api\/v1\/feedback\/[^/]+\/text$/.test(r.url));
  assert.equal(followups.length, 1, "the words went to the same ticket");
  assert.deepEqual(JSON.parse(followups[0].body), { text: words });
  const stored = (await t.pull("feedback")).filter((f) => f.service_id === service.id && f.rating === 1 && f.channel === "web");
  const mine = stored.filter((f) => f.text === words);
  assert.equal(mine.length, 1, "the words reached the editors as typed");
  assert.ok(followups[0].url.endsWith(`/api/v1/feedback/${encodeURIComponent(mine[0].ticket)}/text`),
            "one feedback: the rating and its words");
  await expectCleanPage(page, context, errors, "the helpful box");
  await context.close();
});

/** Empties this client's bucket (the browser shares its address); returns the 429 answer. */
async function exhaustRateLimit() {
  for (let i = 0; i < 100; i++) {
    const res = await t.api("/api/v1/feedback", { method: "POST", body: { rating: 3, text: `Last ${i}`, channel: "web" } });
    if (res.status === 429)
      return res;
    assert.equal(res.status, 201, res.text);
  }
  return null;
}

test("too many requests: the form says how many seconds to wait", async () => {
  const { context, page, errors } = await newPage(t.browser, { width: 390, height: 844 });
  await page.goto(`${t.base}/feedback/`);
  await page.waitForSelector("#feedback-form:not([hidden])");
  await page.click("label[for=fb-rating-5]");
  const limited = await exhaustRateLimit();
  assert.ok(limited, "the server limits a burst of feedback");
  assert.equal(limited.json?.error, "rate_limited", limited.text);
  await page.click("#fb-submit");
  await page.waitForSelector("#error-summary:not([hidden])");
  assert.match(await page.textContent("#error-summary"), /Bitte versuchen Sie es in (\d+ Sekunden?|einer Minute) erneut/);
  assert.equal(await page.isVisible("#feedback-form"), true, "the form stays filled for the next try");
  assert.equal(await page.isChecked("#fb-rating-5"), true);
  await expectNoAxeViolations(page, "the form after 429");
  await expectCleanPage(page, context, errors, "the form after 429");
  await context.close();
});
