// SPDX-License-Identifier: EUPL-1.2
//
// The survey pages in a real browser against the real server: the list of
// open surveys, the demo survey (all nine question types on two pages, a
// condition) answered with the keyboard only, inline validation and the
// error summary, the ranking's buttons and live region, the language
// switch keeping the answers, the server's 400 shown at the question it
// names, a survey that closes while it is open (409), one-time access
// codes (403), staff texts with markup shown as text, and the embed
// snippet on a page of another origin (iframe with a title, height from
// postMessage). WCAG 2.1 AA (axe-core) in every state, phone and desktop.
//
// Env: STADTPULT_SERVER (path of stadtpult-server; set by meson),
//      CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { expectNoAxeViolations } from "./web-helpers.mjs";
import { XSS, startCitizenTest, newPage, tabTo, pressAt, focusedId, expectCleanPage } from "./citizen-helpers.mjs";

const DEMO = "demo.survey.online";
let t;

/** A survey of the test: rows as the desktop designer pushes them. */
function surveyRows(id, { access = "public", title = `Umfrage zum Test ${XSS}` } = {}) {
  const survey = {
    title, title_en: "Test survey", intro: `Einleitung ${XSS}`, intro_en: "Intro", privacy: "Anonym.", privacy_en: "",
    thanks: `Danke ${XSS}`, thanks_en: "Thanks", status: "published", opens: "", closes: "", access,
  };
  const question = (qid, position, type, text, required, extra = {}) => ({
    entity: "survey_question", id: `${id}.${qid}`,
    fields: { survey_id: id, page: 1, position, type, code: qid.toUpperCase(), text, text_en: `${text} (en)`, help: "",
              help_en: "", required, min: 0, max: 0, condition_question: "", condition_option: "", ...extra },
  });
  const option = (qid, oid, position, label) => ({
    entity: "survey_option", id: `${id}.${qid}.${oid}`,
    fields: { question_id: `${id}.${qid}`, kind: "option", code: oid.toUpperCase(), label, label_en: `${label} (en)`, position },
  });
  return [
    { entity: "survey", id, fields: survey },
    question("qa", 1, "single", `Frage mit Auszeichnung ${XSS}`, true),
    option("qa", "a1", 1, `Ja ${XSS}`), option("qa", "a2", 2, "Nein"),
    question("qb", 2, "dropdown", "Stadtteil", false),
    option("qb", "d1", 1, "Lobeda"), option("qb", "d2", 2, "Winzerla"),
  ];
}

async function openSurvey(page, id, query = "") {
  await page.goto(`${t.base}/surveys/?id=${encodeURIComponent(id)}${query}`);
  await page.waitForSelector("#survey-form, .notice");
}

function postedAnswers(requests, id) {
  return requests.filter((r) => r.method === "POST" && r.url.endsWith(`/api/v1/surveys/${id}/responses`))
    .map((r) => JSON.parse(r.body));
}

before(async () => {
  t = await startCitizenTest("surveys");
});

after(async () => {
  await t?.stop();
});

test("the demo survey with the keyboard only: validation, condition, pages, ranking, thanks", async () => {
  const { context, page, errors, requests } = await newPage(t.browser);
  const before = await t.api(`/api/v1/surveys/${DEMO}/results`, { token: t.editor });
  assert.equal(before.status, 200, before.text);

  await page.goto(`${t.base}/surveys/`);
  await page.waitForSelector("#survey-list");
  assert.match(await page.textContent("#survey-list"), /Zufriedenheit mit den Online-Diensten/);
  await expectNoAxeViolations(page, "the list of surveys");
  await pressAt(page, `#survey-list a[href*='${DEMO}']`, "Enter");
  await page.waitForSelector("#survey-form");
  assert.match(await page.title(), /^Zufriedenheit mit den Online-Diensten der Stadt Jena – /);
  assert.equal(await page.textContent("#page-heading"), "Seite 1 von 2");
  assert.equal(await page.isVisible("#q5"), false, "the follow-up question waits for its condition");
  assert.equal(await page.locator("#q1 .required").count(), 1, "required questions say so");
  await expectNoAxeViolations(page, "page 1 of the demo survey");

  // Next with nothing answered: the summary names both required questions.
  await pressAt(page, "#btn-next", "Enter");
  await page.waitForSelector("#error-summary:not([hidden])");
  assert.equal(await page.locator("#error-summary li").count(), 2);
  assert.equal(await page.evaluate(() => document.activeElement.closest("#error-summary") !== null), true);
  assert.equal(await page.getAttribute("#q1-o0", "aria-invalid"), "true");
  assert.match(await page.textContent("#q1-error"), /Bitte beantworten Sie diese Frage/);
  assert.equal(await page.textContent("#page-heading"), "Seite 1 von 2", "still on page 1");
  await expectNoAxeViolations(page, "page 1 with errors");

  // Answers by keyboard; the condition shows and hides its question live.
  await pressAt(page, "input[name=q1]", "Space");
  assert.equal(await page.isChecked("#q1-o0"), true);
  await pressAt(page, "input[name=q4]", "Space");                    /* "Ja": problems */
  await page.waitForSelector("#q5", { state: "visible" });
  await page.keyboard.press("ArrowDown");                /* "Nein" */
  await page.waitForSelector("#q5", { state: "hidden" });
  await page.keyboard.press("ArrowUp");                  /* "Ja" again */
  await page.waitForSelector("#q5", { state: "visible" });
  await tabTo(page, "#q5-input");
  const problem = `Der Upload ging nicht. ${XSS}`;
  await page.keyboard.type(problem);
  await pressAt(page, "#btn-next", "Enter");
  await page.waitForFunction(() => document.getElementById("page-heading").textContent === "Seite 2 von 2");
  assert.equal(await focusedId(page), "page-heading", "the new page's heading takes the focus");
  assert.equal(await page.isVisible("#q1"), false);
  await expectNoAxeViolations(page, "page 2 of the demo survey");

  // Rating by arrows, one matrix row, the ranking by its buttons, a number out of range.
  await pressAt(page, "input[name=q6]", "ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.inputValue("input[name=q6]:checked"), "4");
  await pressAt(page, "input[name=q7-r0]", "Space");
  assert.equal(await page.getAttribute("#q7-r0-c0", "aria-labelledby"), "q7-r0 q7-c0", "a matrix cell is named by row and column");
  const firstDown = "#q8-list li:nth-child(1) button[data-dir='1']";
  const moved = await page.textContent("#q8-list li:nth-child(1) .ranking__label");
  await pressAt(page, firstDown, "Enter");
  assert.equal(await page.textContent("#q8-list li:nth-child(2) .ranking__label"), moved);
  assert.equal(await page.textContent("#q8-live"), `„${moved}“ ist jetzt auf Platz 2 von 4.`);
  assert.match(await page.evaluate(() => document.activeElement.textContent), new RegExp(`Nach unten: ${moved}`), "the focus stays on the moved entry's button");
  await tabTo(page, "#q9-input");
  await page.keyboard.type("150");
  await pressAt(page, "#btn-submit", "Enter");
  await page.waitForSelector("#q9-error");
  assert.match(await page.textContent("#q9-error"), /Zahl von 0 bis 100/);
  assert.equal(postedAnswers(requests, DEMO).length, 0, "nothing sent while an answer is wrong");
  await expectNoAxeViolations(page, "page 2 with a number out of range");
  await page.focus("#q9-input");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("12");
  await page.fill("#q10-input", "2026-11-02");
  await pressAt(page, "#btn-submit", "Enter");
  await page.waitForSelector("#thanks-title");
  assert.equal(await focusedId(page), "thanks-title");
  assert.match(await page.textContent(".done"), /Vielen Dank für Ihre Teilnahme!/);
  await expectNoAxeViolations(page, "the thanks");

  const [body] = postedAnswers(requests, DEMO);
  const q = (n) => `${DEMO}.q${String(n).padStart(2, "0")}`;
  assert.equal(body.lang, "de");
  assert.equal(body.answers[q(1)], `${q(1)}.a1`);
  assert.equal(body.answers[q(4)], `${q(4)}.a1`);
  assert.equal(body.answers[q(5)], problem);
  assert.equal(body.answers[q(6)], 4);
  assert.deepEqual(Object.keys(body.answers[q(7)]).length, 1);
  assert.equal(body.answers[q(8)].length, 4, "the ranking sends every entry in order");
  assert.equal(body.answers[q(9)], 12);
  assert.equal(body.answers[q(10)], "2026-11-02");
  const results = await t.api(`/api/v1/surveys/${DEMO}/results`, { token: t.editor });
  assert.equal(results.json.responses, before.json.responses + 1, "the response was stored");
  assert.ok(results.json.questions[q(5)].texts.includes(problem), "the text reached the results as typed");
  await expectCleanPage(page, context, errors, "the demo survey");
  await context.close();
});

test("English: the switch keeps the answers; texts with markup stay text", async () => {
  const id = "webtest.survey.xss";
  await t.push(surveyRows(id));
  const { context, page, errors } = await newPage(t.browser, { width: 390, height: 844 });
  await openSurvey(page, id);
  assert.equal(await page.textContent("#survey-title"), `Umfrage zum Test ${XSS}`);
  assert.equal(await page.textContent("#q1 legend"), `Frage mit Auszeichnung ${XSS} (Pflichtfrage)`);
  assert.equal(await page.textContent("label[for=q1-o0]"), `Ja ${XSS}`);
  assert.match(await page.textContent("main"), /Einleitung <script>/);
  await expectNoAxeViolations(page, "a survey with markup in its texts, phone width");
  await page.check("#q1-o1");
  await page.selectOption("#q2-input", `${id}.qb.d2`);
  await pressAt(page, "#lang-switch", "Enter");
  await page.waitForFunction(() => document.documentElement.lang === "en" && document.getElementById("survey-title")?.textContent === "Test survey");
  assert.equal(await page.isChecked("#q1-o1"), true, "the answers survive the switch");
  assert.equal(await page.inputValue("#q2-input"), `${id}.qb.d2`);
  assert.equal(await focusedId(page), "lang-switch");
  assert.equal(await page.getAttribute("#lang-switch", "lang"), "de");
  assert.equal(await page.textContent("#btn-submit"), "Submit answers");
  assert.equal(new URL(page.url()).searchParams.get("lang"), "en");
  await expectNoAxeViolations(page, "the survey in English");
  await page.click("#btn-submit");
  await page.waitForSelector("#thanks-title");
  assert.equal(await page.textContent(".done .pre-line"), "Thanks");
  await expectCleanPage(page, context, errors, "the survey with markup");
  await context.close();
});

test("the server's 400 at the question it names, and 409 when the survey closes meanwhile", async () => {
  const id = "webtest.survey.changes";
  const rows = surveyRows(id, { title: "Umfrage, die sich ändert" });
  await t.push(rows);
  const { context, page, errors } = await newPage(t.browser);
  await openSurvey(page, id);
  await page.check("#q1-o0");
  await page.selectOption("#q2-input", `${id}.qb.d2`);
  // Meanwhile the editors delete the chosen option.
  const gone = rows.find((r) => r.id === `${id}.qb.d2`);
  await t.push([{ ...gone, op: "delete" }]);
  await page.click("#btn-submit");
  await page.waitForSelector("#q2-error");
  assert.match(await page.textContent("#q2-error"), /nicht angenommen/);
  assert.equal(await page.getAttribute("#q2-input", "aria-invalid"), "true");
  assert.match(await page.textContent("#error-summary"), /Stadtteil/);
  assert.equal(await focusedId(page), "q2-input", "the question the server named has the focus");
  await expectNoAxeViolations(page, "the server's 400 at a question");

  await page.selectOption("#q2-input", `${id}.qb.d1`);
  await t.push([{ entity: "survey", id, fields: { ...rows[0].fields, status: "closed" } }]);
  await page.click("#btn-submit");
  await page.waitForSelector("#survey-closed");
  assert.match(await page.textContent("#survey-closed"), /geschlossen/);
  await expectNoAxeViolations(page, "a survey closed meanwhile");
  await expectCleanPage(page, context, errors, "the changing survey");

  // A closed survey is gone from the list and its page says so, without a form.
  await page.goto(`${t.base}/surveys/`);
  await page.waitForSelector("#survey-list");
  assert.doesNotMatch(await page.textContent("#survey-list"), /Umfrage, die sich ändert/);
  await openSurvey(page, id);
  await page.waitForSelector("#survey-closed");
  assert.equal(await page.locator("#survey-form").count(), 0);
  assert.doesNotMatch(await page.textContent("main"), /null/);
  await context.close();
});

test("access codes: required, valid once", async () => {
  const id = "webtest.survey.code";
  await t.push(surveyRows(id, { access: "code", title: "Umfrage für Beschäftigte" }));
  const codes = await t.api(`/api/v1/surveys/${id}/codes`, { method: "POST", token: t.editor, body: { count: 1 } });
  assert.ok(codes.status === 200 || codes.status === 201, codes.text);
  const [code] = codes.json.codes;
  const { context, page, errors } = await newPage(t.browser, { width: 390, height: 844, colorScheme: "dark" });

  await openSurvey(page, id);
  await page.check("#q1-o0");
  await page.click("#btn-submit");
  await page.waitForSelector("#field-code-error");
  assert.match(await page.textContent("#field-code-error"), /Zugangscode ein/);
  await expectNoAxeViolations(page, "a code survey without a code, dark phone");

  await page.fill("#survey-code", "FALSCH-1234");
  await page.click("#btn-submit");
  await page.waitForFunction(() => /nicht gültig/.test(document.getElementById("field-code-error")?.textContent || ""));
  await page.fill("#survey-code", code);
  await page.click("#btn-submit");
  await page.waitForSelector("#thanks-title");

  await openSurvey(page, id);
  await page.check("#q1-o0");
  await page.fill("#survey-code", code);
  await page.click("#btn-submit");
  await page.waitForFunction(() => /schon verwendet/.test(document.getElementById("field-code-error")?.textContent || ""));
  await expectCleanPage(page, context, errors, "the code survey");
  await context.close();
});

test("the embed snippet on another site: an iframe with a title that grows with the survey", async () => {
  const host = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Stadt Beispiel</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Ihre Meinung</h1>
<script src="${t.base}/surveys/embed.js" data-survey="${DEMO}" defer></script>
<p>Nach der Umfrage.</p></main></body></html>`);
  });
  await new Promise((resolve) => host.listen(0, "127.0.0.1", resolve));
  try {
    const { context, page, errors } = await newPage(t.browser, { width: 390, height: 844 });
    await page.goto(`http://localhost:${host.address().port}/`);
    const frameEl = page.locator("main iframe.stadtpult-survey-frame");
    await frameEl.waitFor();
    // The frame sits where the script tag was, before the paragraph after it.
    assert.equal(await page.evaluate(() => document.querySelector("iframe").nextElementSibling.tagName), "P");
    const src = new URL(await frameEl.getAttribute("src"));
    assert.equal(src.origin, t.base);
    assert.equal(src.searchParams.get("id"), DEMO);
    assert.equal(src.searchParams.get("embed"), "1");
    const frame = page.frameLocator("iframe.stadtpult-survey-frame");
    await frame.locator("#survey-form").waitFor();
    assert.equal(await frame.locator(".site-header").count(), 0, "no site header inside the frame");
    await page.waitForFunction(() => /Zufriedenheit/.test(document.querySelector("iframe").title));
    // The frame is as tall as the survey: no inner scrolling.
    await page.waitForFunction(() => parseFloat(document.querySelector("iframe").style.height) > 600);
    const innerHeight = await frame.locator("html").evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
    const outer = await frameEl.evaluate((f) => f.getBoundingClientRect().height);
    assert.ok(Math.abs(outer - innerHeight) <= 2, `frame ${outer}px for a survey of ${innerHeight}px`);
    // Errors make the survey taller: the frame follows.
    await frame.locator("#btn-next").click();
    await frame.locator("#error-summary:not([hidden])").waitFor();
    await page.waitForFunction((h) => parseFloat(document.querySelector("iframe").style.height) > h, outer);
    await expectNoAxeViolations(page, "a city page with the embedded survey");
    assert.deepEqual(await context.cookies(), [], "no cookies on the host or the survey origin");
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    host.close();
  }
});
