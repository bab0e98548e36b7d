// SPDX-License-Identifier: EUPL-1.2
//
// The hackathon challenge pages in a real browser against the real server:
// the list (open ones, closed ones), a challenge's page with staff and team
// texts containing markup shown as text and only http(s) links, the
// solution form filled and sent with the keyboard only (errors at the
// fields, consent for the team contact, the server's answer), the notice
// in place of the form after the deadline and when the challenge closes
// while the page is open (409). WCAG 2.1 AA (axe-core) in every state.
//
// Env: STADTPULT_SERVER (path of stadtpult-server; set by meson),
//      CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { expectNoAxeViolations } from "./web-helpers.mjs";
import { XSS, startCitizenTest, newPage, tabTo, pressAt, focusedId, expectCleanPage, day } from "./citizen-helpers.mjs";

const OPEN = "webtest.challenge.open";
const LATE = "webtest.challenge.late";
let t;

function challenge(fields) {
  return {
    title: "", problem: "", data: "", department: "Fachdienst Test", contact: "test@jena.example",
    event: "Test-Hackathon", event_date: day(7), deadline: day(14), status: "published", followup_survey_id: "", ...fields,
  };
}

before(async () => {
  t = await startCitizenTest("challenges");
  await t.push([
    { entity: "challenge", id: OPEN, fields: challenge({
      title: `Barrierefreie Wege ${XSS}`, problem: `Rollstuhlgerechte Wege fehlen.\nZweite Zeile ${XSS}`,
      data: "Gehwegkataster als CSV", department: `Tiefbau ${XSS}` }) },
    { entity: "challenge", id: LATE, fields: challenge({ title: "Verpasste Frist", problem: "Zu spät.", deadline: day(-1), event_date: day(-3) }) },
    { entity: "challenge_solution", id: "webtest.solution.1", fields: {
      challenge_id: OPEN, title: `Wegeapp ${XSS}`, description: "Zeigt Stufen.", link: "https://example.org/wegeapp",
      team: `Team ${XSS}`, contact: "geheim@example.org", licence: "EUPL-1.2", created: "2026-11-01T10:00:00Z", state: "winner" } },
    { entity: "challenge_solution", id: "webtest.solution.2", fields: {
      challenge_id: OPEN, title: "Böser Link", description: "", link: "javascript:window.__xss=3",
      team: "", contact: "", licence: "MIT", created: "2026-11-02T10:00:00Z", state: "accepted" } },
    { entity: "challenge_solution", id: "webtest.solution.3", fields: {
      challenge_id: OPEN, title: "Noch nicht geprüft", description: "", link: "", team: "", contact: "",
      licence: "MIT", created: "2026-11-03T10:00:00Z", state: "submitted" } },
  ]);
});

after(async () => {
  await t?.stop();
});

test("list and detail: open and closed challenges, texts as text, links only http(s), no team contact", async () => {
  const { context, page, errors } = await newPage(t.browser, { width: 390, height: 844 });
  await page.goto(`${t.base}/`);
  await pressAt(page, "a[href='/challenges/']", "Enter");
  await page.waitForSelector("#open-challenges");
  assert.match(await page.textContent("#open-challenges"), /Parkhausbelegung als offene Daten/);
  assert.match(await page.textContent("#open-challenges"), /Barrierefreie Wege <script>/);
  assert.match(await page.textContent("#closed-challenges"), /Verpasste Frist/);
  assert.match(await page.textContent("#closed-challenges"), /Gießkarte für Stadtbäume/);
  await expectNoAxeViolations(page, "the list of challenges, phone width");

  await pressAt(page, `a[href='/challenges/?id=${OPEN}']`, "Enter");
  await page.waitForSelector("#solution-form");
  assert.equal(await page.textContent("#challenge-title"), `Barrierefreie Wege ${XSS}`);
  assert.equal(await page.textContent("#h-problem + p"), `Rollstuhlgerechte Wege fehlen.\nZweite Zeile ${XSS}`);
  assert.match(await page.textContent("article .facts-list"), /Tiefbau <script>/);
  assert.match(await page.textContent("#h-contact + p"), /test@jena\.example/);
  // Public solutions: winner first, the unreviewed one absent, the team's contact never shown.
  const titles = await page.$$eval("#solutions h3", (els) => els.map((e) => e.textContent));
  assert.deepEqual(titles, [`Wegeapp ${XSS}`, "Böser Link"]);
  assert.match(await page.textContent("#solutions"), /Gewinner-Lösung/);
  assert.match(await page.textContent("#solutions"), /Lizenz: EUPL-1.2/);
  assert.doesNotMatch(await page.textContent("main"), /geheim@example\.org/);
  assert.equal(await page.getAttribute("#solutions li:first-child a", "href"), "https://example.org/wegeapp");
  assert.equal(await page.locator("#solutions a[href^='javascript']").count(), 0, "a javascript: link is not made a link");
  assert.equal(await page.locator("#solutions li:nth-child(2) a").count(), 0);
  await expectNoAxeViolations(page, "a challenge with solutions, phone width");
  await expectCleanPage(page, context, errors, "the challenge pages");
  await context.close();
});

test("the solution form with the keyboard only: errors, consent, sent to the editors", async () => {
  const { context, page, errors, requests } = await newPage(t.browser);
  await page.goto(`${t.base}/challenges/?id=${OPEN}`);
  await page.waitForSelector("#solution-form");
  await expectNoAxeViolations(page, "the empty solution form");

  await pressAt(page, "#sol-submit", "Enter");
  await page.waitForSelector("#error-summary:not([hidden])");
  const problems = await page.$$eval("#error-summary li", (els) => els.map((e) => e.textContent));
  assert.equal(problems.length, 3, problems.join(" | "));
  assert.match(problems.join(" "), /Titel.*beschreiben.*Lizenz/);
  assert.equal(await page.evaluate(() => document.activeElement.closest("#error-summary") !== null), true);
  for (const id of ["sol-title", "sol-description", "sol-licence"])
    assert.equal(await page.getAttribute(`#${id}`, "aria-invalid"), "true", id);
  await expectNoAxeViolations(page, "the solution form with errors");

  const title = `Stufenfrei ${XSS}`;
  await tabTo(page, "#sol-title");
  await page.keyboard.type(title);
  await tabTo(page, "#sol-description");
  await page.keyboard.type("Eine Karte aller Stufen\nmit Umwegen.");
  await tabTo(page, "#sol-link");
  await page.keyboard.type("ftp://example.org/code");
  await tabTo(page, "#sol-team");
  await page.keyboard.type("Die Wegefinder");
  await tabTo(page, "#sol-licence");
  await page.selectOption("#sol-licence", "EUPL-1.2");   /* the native list opens outside the page */
  await tabTo(page, "#sol-contact");
  await page.keyboard.type("team@example.org");
  await pressAt(page, "#sol-submit", "Enter");
  await page.waitForSelector("#field-sol-consent-error");
  assert.match(await page.textContent("#error-summary"), /https:\/\//);
  assert.match(await page.textContent("#error-summary"), /willigen Sie/);
  assert.equal(await page.getAttribute("#sol-link", "aria-invalid"), "true");
  await expectNoAxeViolations(page, "the solution form with a wrong link and no consent");

  await page.focus("#sol-link");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("https://example.org/stufenfrei");
  await pressAt(page, "#sol-consent", "Space");
  await pressAt(page, "#sol-submit", "Enter");
  await page.waitForSelector("#solution-done");
  assert.match(await page.textContent("#solution-done"), /Vielen Dank/);
  assert.equal(await page.evaluate(() => document.activeElement.closest("#solution-done") !== null), true);
  await expectNoAxeViolations(page, "the thanks after a solution");

  const sent = requests.filter((r) => r.method === "POST").map((r) => JSON.parse(r.body));
  assert.deepEqual(sent, [{ title, description: "Eine Karte aller Stufen\nmit Umwegen.", link: "https://example.org/stufenfrei",
                            team: "Die Wegefinder", contact: "team@example.org", licence: "EUPL-1.2", consent: true, website: "" }]);
  const stored = (await t.pull("challenge_solution")).find((s) => s.title === title);
  assert.ok(stored, "the solution reached the editors");
  assert.equal(stored.challenge_id, OPEN);
  assert.equal(stored.state, "submitted");
  assert.equal(stored.contact, "team@example.org");
  await expectCleanPage(page, context, errors, "the solution form");
  await context.close();
});

test("after the deadline, and when the challenge closes meanwhile: a notice instead of the form", async () => {
  const { context, page, errors } = await newPage(t.browser, { width: 390, height: 844, colorScheme: "dark" });
  await page.goto(`${t.base}/challenges/?id=${LATE}`);
  await page.waitForSelector("#submit-closed");
  assert.equal(await page.locator("#solution-form").count(), 0);
  assert.match(await page.textContent("#submit-closed"), /Frist .* abgelaufen/);
  await expectNoAxeViolations(page, "a challenge after its deadline, dark phone");

  await page.goto(`${t.base}/challenges/?id=${OPEN}`);
  await page.waitForSelector("#solution-form");
  await page.fill("#sol-title", "Zu spät");
  await page.fill("#sol-description", "Leider.");
  await page.selectOption("#sol-licence", "MIT");
  await t.push([{ entity: "challenge", id: OPEN, fields: challenge({ title: "Barrierefreie Wege", status: "closed" }) }]);
  await page.click("#sol-submit");
  await page.waitForSelector("#submit-closed");
  assert.match(await page.textContent("#submit-closed"), /keine Lösungen mehr/);
  await expectNoAxeViolations(page, "a challenge closed meanwhile");

  await page.goto(`${t.base}/challenges/no-such-challenge`);   /* the short address */
  await page.waitForSelector("main .notice");
  assert.match(await page.textContent("main h1"), /Challenge nicht gefunden/);
  await expectNoAxeViolations(page, "an unknown challenge");
  await expectCleanPage(page, context, errors, "the closed challenge");
  await context.close();
});
