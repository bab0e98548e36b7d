// SPDX-License-Identifier: EUPL-1.2
//
// The staff self-check page /selfcheck/ in a real browser (Chromium through
// playwright-core): starts the built sync server with --demo on a free port,
// signs in as the demo staff member, takes the whole self-check through the
// page, pauses and resumes it, checks the levels against the scoring rules,
// the recommended training items, the anonymous submission (and that no
// answer ever leaves the browser), WCAG 2.1 AA (axe-core) and the phone
// layout.
//
// Env: STADTPULT_SERVER (path of stadtpult-server; set by meson),
//      CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CHROMIUM, CHROMIUM_ARGS, prepareBrowserTest, expectNoAxeViolations, startServer as spawnServer, apiRequest } from "./web-helpers.mjs";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";

const SERVER = process.env.STADTPULT_SERVER;
const STAFF = { user: "mitarbeiter", password: "mitarbeiter" };
const HR = { user: "personal", password: "personal" };
const TRAINER = { user: "schulung", password: "schulung" };
const ORG_UNIT = "Fachdienst Selbstcheck-Test";

let chromium;
let dir, server, serverLog = "", base, browser;
let catalogue, training;

function startServer() {
  return spawnServer(SERVER, join(dir, "selfcheck.db"), (text) => { serverLog += text; });
}

function api(path, options) {
  return apiRequest(base, path, options);
}

async function login({ user, password }) {
  const res = await api("/api/v1/login", { method: "POST", body: { user, password } });
  assert.equal(res.status, 200, `login as ${user}: ${res.text}`);
  return res.json.token;
}

async function newPage(viewport = { width: 1280, height: 900 }, colorScheme = "light") {
  const context = await browser.newContext({ viewport, colorScheme, locale: "de-DE" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("dialog", (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  // Every request the page makes, to prove what leaves the browser.
  const requests = [];
  page.on("request", (r) => requests.push({ method: r.method(), url: r.url(), body: r.postData() || "" }));
  return { context, page, errors, requests };
}

async function signIn(page, catalogueId = "digcomp") {
  await page.goto(base + "/selfcheck/");
  await page.waitForSelector("#login-form");
  await page.fill("#login-user", STAFF.user);
  await page.fill("#login-password", STAFF.password);
  await page.click("#login-submit");
  await page.waitForSelector("#start-form");
  await page.check(`input[name="catalogue"][value="${catalogueId}"]`);
}

function hlcNow() {
  return `${String(Date.now()).padStart(15, "0")}:0000:webtest`;
}

/** Pushes upserts [{entity, id, fields, base_version?}] as @token; returns the results. */
async function push(token, rows) {
  const changes = rows.map((r) => ({
    change_id: randomUUID(), entity: r.entity, id: r.id, base_version: r.base_version || 0,
    hlc: hlcNow(), op: "upsert", fields: r.fields,
  }));
  const res = await api("/api/v1/sync", { method: "POST", token, body: { changes } });
  assert.equal(res.status, 200, `push failed: ${res.text}`);
  for (const r of res.json.results)
    assert.equal(r.status, "applied", `push result: ${res.text}`);
  return res.json.results;
}

function competences(cat) {
  return cat.areas.flatMap((a) => a.competences.map((c) => ({ ...c, area: a.code })));
}

/* How the test answers: "best" earns every point, "worst" none, "self-only"
 * answers just the self rating with its second best option and leaves the
 * rest open (they count 0 once the step is passed). */
function plan(code) {
  if (code.startsWith("4."))
    return "worst";
  if (code === "2.1")
    return "self-only";
  return "best";
}

function choose(question, how) {
  const opts = question.options;
  if (how === "self-only")
    return question.kind === "self" ? [opts[opts.length - 2].id] : null;
  if (question.kind === "multiple")
    return opts.filter((o) => (how === "best") === o.correct).map((o) => o.id);
  const sorted = [...opts].sort((a, b) => a.points - b.points);
  return [(how === "best" ? sorted[sorted.length - 1] : sorted[0]).id];
}

/** The level the scoring rules give for @code under the test's answers. */
function expectedLevel(comp) {
  let score = 0, max = 0;
  for (const q of comp.questions) {
    const pts = q.options.map((o) => o.points);
    const qmax = q.kind === "multiple" ? pts.reduce((a, b) => a + b, 0) : Math.max(...pts);
    max += qmax;
    const chosen = choose(q, plan(comp.code));
    if (!chosen)
      continue;
    if (q.kind === "multiple")
      score += q.options.filter((o) => o.correct === chosen.includes(o.id)).reduce((a, o) => a + o.points, 0);
    else
      score += q.options.find((o) => o.id === chosen[0]).points;
  }
  return 1 + Math.round((4 * score) / max);
}

async function answerStep(page, comp) {
  assert.match(await page.textContent("h1"), new RegExp(`^${comp.code.replace(".", "\\.")}\\s`), `step shows ${comp.code}`);
  for (const q of comp.questions) {
    const ids = choose(q, plan(comp.code));
    for (const id of ids || [])
      await page.check(`input[name="${q.id}"][value="${id}"]`);
  }
}

before(async () => {
  chromium = await prepareBrowserTest(SERVER);

  dir = mkdtempSync(join(tmpdir(), "stadtpult-selfcheck-"));
  const started = await startServer();
  server = started.child;
  base = started.url;

  const token = await login(STAFF);
  const list = await api("/api/v1/competence/catalogues", { token });
  assert.equal(list.status, 200, list.text);
  const summary = list.json.find((c) => c.id === "digcomp");
  assert.ok(summary, `the default catalogue is published: ${list.text}`);
  const full = await api(`/api/v1/competence/catalogues/digcomp?version=${summary.version}`, { token });
  assert.equal(full.status, 200, full.text);
  catalogue = full.json;
  const items = await api("/api/v1/training", { token });
  assert.equal(items.status, 200, items.text);
  training = Array.isArray(items.json) ? items.json : items.json.items;
  assert.ok(training.length >= 20, `the default training catalogue is there (${training.length})`);

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null)
    server.kill("SIGTERM");
  if (dir)
    rmSync(dir, { recursive: true, force: true });
});

test("signing in: a wrong password is refused, the token stays in the session", async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto(base + "/selfcheck/");
    assert.equal(await page.getAttribute("html", "lang"), "de");
    assert.equal((await page.textContent("h1")).trim(), "Anmelden");
    await expectNoAxeViolations(page, "the sign-in page");

    await page.fill("#login-user", STAFF.user);
    await page.fill("#login-password", "falsch");
    await page.click("#login-submit");
    await page.waitForSelector("#login-status p");
    assert.equal((await page.textContent("#login-status")).trim(), "Benutzername oder Passwort ist falsch.");
    assert.equal(await page.getAttribute("#login-status", "role"), "alert");

    await page.fill("#login-password", STAFF.password);
    await page.click("#login-submit");
    await page.waitForSelector("#start-form");
    assert.match(await page.textContent("#account-name"), /mitarbeiter/);
    const stored = await page.evaluate(() => ({
      session: Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k)).join(" "),
      local: Object.keys(localStorage).map((k) => localStorage.getItem(k)).join(" "),
    }));
    assert.match(stored.session, /"token":"[^"]+"/, "the token is kept in sessionStorage");
    assert.doesNotMatch(stored.local, /token/, "no token in localStorage");
    assert.match(await page.textContent("#start-form"), /Digitale Kompetenzen|digcomp/i);
    await expectNoAxeViolations(page, "the start page");

    await page.click("#logout");
    await page.waitForSelector("#login-form");
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, "signing out forgets the token");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a staff member takes the self-check, resumes it, sees levels and recommendations and submits anonymously", async () => {
  const { context, page, errors, requests } = await newPage();
  const comps = competences(catalogue);
  assert.ok(comps.length >= 24, `all competences (${comps.length})`);
  const year = new Date().getFullYear();
  try {
    await signIn(page);
    await page.fill("#org-unit", ORG_UNIT);
    await page.click("#start");

    // The first three steps, then "resume later".
    for (let i = 0; i < 3; i++) {
      await page.waitForSelector("#step-form");
      assert.match(await page.textContent("#progress-label"), new RegExp(`Kompetenz ${i + 1} von ${comps.length}`));
      await answerStep(page, comps[i]);
      if (i === 1)
        await expectNoAxeViolations(page, "a question step");
      await page.click("#next");
    }
    await page.waitForSelector("#step-form");
    await page.click("#later");
    await page.waitForSelector("#resume");
    assert.match(await page.textContent(".resume"), /3 von \d+ Kompetenzen bearbeitet/);

    // A reload keeps the sign-in (session) and the answers (this device).
    await page.reload();
    await page.waitForSelector("#resume");
    await page.click("#resume");
    await page.waitForSelector("#step-form");
    assert.match(await page.textContent("h1"), new RegExp(`^${comps[3].code.replace(".", "\\.")}`), "resumes at the next step");
    await page.click("#back");
    await page.waitForSelector(`input[name="${comps[2].questions[0].id}"]`);
    const kept = choose(comps[2].questions[0], plan(comps[2].code))[0];
    assert.ok(await page.isChecked(`input[name="${comps[2].questions[0].id}"][value="${kept}"]`), "earlier answers are kept");
    await page.click("#next");

    for (let i = 3; i < comps.length; i++) {
      await page.waitForSelector(`#step-form input[name="${comps[i].questions[0].id}"]`);
      await answerStep(page, comps[i]);
      await page.click("#next");
    }

    // Result: levels per competence and area.
    await page.waitForSelector("#result-table");
    assert.equal((await page.textContent("h1")).trim(), "Ihr Ergebnis");
    const rows = await page.$$eval("#result-table tbody tr[data-code]", (trs) =>
      trs.map((tr) => ({ code: tr.dataset.code, cells: [...tr.querySelectorAll("td")].map((c) => c.textContent.trim()) })));
    assert.equal(rows.length, comps.length, "one row per competence");
    for (const comp of comps) {
      const row = rows.find((r) => r.code === comp.code);
      const level = expectedLevel(comp);
      assert.equal(row.cells[0], level.toString(), `${comp.code}: level ${level} (${row.cells})`);
      assert.equal(row.cells[1], catalogue.levels[level - 1], `${comp.code}: label`);
    }
    assert.equal(rows.find((r) => r.code === "4.1").cells[0], "1", "all wrong gives level 1");
    assert.equal(rows.find((r) => r.code === "1.1").cells[0], "5", "all right gives level 5");
    assert.equal(rows.find((r) => r.code === "2.1").cells[0], "2", "unanswered questions count 0 once the step is passed");
    const areaRows = await page.$$eval("#result-table tbody tr.row--area", (trs) =>
      trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    assert.equal(areaRows.length, catalogue.areas.length, "one row per area");
    assert.deepEqual(areaRows.find((r) => r[0].startsWith("Bereich 4:")).slice(0, 2), ["Bereich 4: Sicherheit", "1"], "area 4 mean");
    assert.equal(areaRows.find((r) => r[0].startsWith("Bereich 1:"))[1], "5", "area 1 mean");
    const area2 = comps.filter((c) => c.area === "2").map(expectedLevel);
    const mean2 = (Math.round((area2.reduce((a, b) => a + b, 0) * 10) / area2.length) / 10).toLocaleString("de-DE");
    assert.equal(areaRows.find((r) => r[0].startsWith("Bereich 2:"))[1], mean2, "area 2 mean with one decimal");
    assert.ok(await page.isVisible(".chart"), "the chart is shown");

    // Recommendations for level 1 in area 4: the basic items, with their titles.
    const recs41 = await page.$$eval('.recs[data-code="4.1"] [data-training]', (els) => els.map((e) => e.dataset.training));
    const comp41 = comps.find((c) => c.code === "4.1");
    const expected41 = comp41.recommendations.filter((r) => r.min_level <= 1 && 1 <= r.max_level).map((r) => r.training);
    assert.ok(expected41.length > 0);
    assert.deepEqual(recs41, expected41, "4.1 shows the items recommended for level 1");
    const item = training.find((t) => t.id === expected41[0]);
    assert.match(await page.textContent(`.recs[data-code="4.1"] [data-training="${item.id}"]`), new RegExp(item.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await expectNoAxeViolations(page, "the result page");

    // The explanation names exactly what is sent.
    const payload = JSON.parse(await page.textContent("#payload"));
    assert.deepEqual(Object.keys(payload).sort(), ["catalogue", "levels", "org_unit", "version", "year"]);

    await page.click("#submit");
    await page.waitForSelector("#submit-status.notice--success");
    assert.match(await page.textContent("#submit-status"), /anonym übermittelt/);
    assert.equal(await page.isVisible("#submit"), false, "no second submission from this result");

    // What left the browser: sign-in, reads, and one submission with levels only.
    const posts = requests.filter((r) => r.method !== "GET");
    assert.deepEqual(posts.map((r) => new URL(r.url).pathname), ["/api/v1/login", "/api/v1/competence/submissions"]);
    const sent = JSON.parse(posts[1].body);
    assert.deepEqual(Object.keys(sent).sort(), ["catalogue", "levels", "org_unit", "version", "year"]);
    assert.equal(sent.catalogue, "digcomp");
    assert.equal(sent.version, catalogue.version);
    assert.equal(sent.org_unit, ORG_UNIT);
    assert.equal(sent.year, year);
    assert.equal(Object.keys(sent.levels).length, comps.length);
    for (const comp of comps)
      assert.equal(sent.levels[comp.code], expectedLevel(comp), `submitted level of ${comp.code}`);
    const everything = requests.map((r) => decodeURIComponent(r.url) + "\n" + r.body).join("\n");
    const answerIds = comps.flatMap((c) => c.questions.flatMap((q) => [q.id, ...q.options.map((o) => o.id)]));
    for (const id of answerIds)
      assert.ok(!everything.includes(`"${id}"`) && !everything.includes(`=${id}`) && !everything.includes(`/${id}`),
                `the id ${id} of a question or answer never leaves the browser`);

    // HR sees the submission only as a withheld small group.
    const hr = await login(HR);
    const report = await api(`/api/v1/competence/report?year=${year}&org_unit=${encodeURIComponent(ORG_UNIT)}`, { token: hr });
    assert.equal(report.status, 200, report.text);
    assert.deepEqual(report.json.groups, [], "one submission is never shown");
    assert.ok(report.json.suppressed >= 1, `the group is counted as withheld: ${report.text}`);

    // Reopening shows the result as submitted.
    await page.reload();
    await page.waitForSelector("#resume");
    assert.match(await page.textContent(".resume"), /anonym übermittelt/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("on a phone in the dark scheme the steps and the result, with last year compared, fit the screen and pass axe", async () => {
  const { context, page, errors } = await newPage({ width: 390, height: 844 }, "dark");
  const comps = competences(catalogue);
  try {
    await signIn(page);   // a fresh browser context: nothing to resume
    // Last year's result of this person, kept on this device only.
    const year = new Date().getFullYear();
    await page.evaluate((y) => localStorage.setItem("stadtpult.selfcheck.history.mitarbeiter", JSON.stringify({
      [`digcomp:${y - 1}`]: { catalogue: "digcomp", version: 1, year: y - 1, levels: {}, areas: { "1": 3, "4": 1.5 } },
    })), year);
    await page.fill("#org-unit", ORG_UNIT);
    await page.click("#start");
    await page.waitForSelector("#step-form");
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(await overflow() <= 0, "no horizontal scrolling on a question step");
    await expectNoAxeViolations(page, "a question step on a phone (dark)");
    // Skip through without answering: every competence ends at level 1.
    for (let i = 0; i < comps.length; i++) {
      await page.waitForSelector(`#step-form input[name="${comps[i].questions[0].id}"]`);
      assert.ok(await overflow() <= 0, `no horizontal scrolling on the step of ${comps[i].code}`);
      await page.click("#next");
    }
    await page.waitForSelector("#result-table");
    assert.ok(await overflow() <= 0, "no horizontal scrolling on the result page");
    const levels = await page.$$eval("#result-table tbody tr[data-code] td:first-of-type", (tds) => tds.map((td) => td.textContent));
    assert.deepEqual([...new Set(levels)], ["1"], "nothing answered gives level 1 everywhere");
    assert.equal((await page.textContent("#history-title")).trim(), `Vergleich mit ${year - 1}`);
    const history = await page.$$eval("#history-title ~ .table-wrap tbody tr", (trs) =>
      trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    assert.deepEqual(history.find((r) => r[0].startsWith("Bereich 1:")).slice(1), ["3", "1", "−2"]);
    assert.deepEqual(history.find((r) => r[0].startsWith("Bereich 4:")).slice(1), ["1,5", "1", "−0,5"]);
    assert.deepEqual(history.find((r) => r[0].startsWith("Bereich 2:")).slice(1), ["–", "1", "–"]);
    await expectNoAxeViolations(page, "the result page on a phone (dark)");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("markup in a catalogue and its training items is shown as text and never runs", async () => {
  const token = await login(TRAINER);
  const cat = "xsstest.1";
  const q = `${cat}.q.1.1.1`;
  const T = {
    catalogue: "<script>window.__xss=1</script>Katalog <b>fett</b>",
    competence: "<img src=x onerror=\"window.__xss=2\">Kompetenz",
    question: "<b>Frage</b> mit <i>Markup</i>?",
    option: "<img src=x onerror=\"window.__xss=4\">richtig",
    training: "<script>window.__xss=5</script>Kurs <em>mit</em> Markup",
    note: "<u>Hinweis</u>",
  };
  const fields = {
    key: "xsstest", revision: 1, title: T.catalogue, description: "<a href=\"javascript:window.__xss=3\">x</a>",
    status: "draft", levels: ["<b>eins</b>", "zwei", "drei", "vier", "fünf"],
  };
  const results = await push(token, [
    { entity: "training_item", id: "training.xss.test", fields: {
      title: T.training, kind: "course", competences: ["1.1"], level: 1, provider: "<b>Anbieter</b>",
      url: "javascript:window.__xss=6", starts: "2027-01-04", ends: "2027-01-05", track: "",
      description: "<img src=x onerror=\"window.__xss=7\">" } },
    { entity: "competence_catalogue", id: cat, fields },
    { entity: "competence_area", id: `${cat}.a.1`, fields: { catalogue_id: cat, code: "1", title: "<i>Bereich</i>", position: 0 } },
    { entity: "competence", id: `${cat}.c.1.1`, fields: {
      catalogue_id: cat, area_code: "1", code: "1.1", title: T.competence, description: "<marquee>Beschreibung</marquee>", position: 0 } },
    { entity: "competence_question", id: q, fields: { catalogue_id: cat, competence_code: "1.1", kind: "single", text: T.question, position: 0 } },
    { entity: "competence_option", id: `${q}.o.1`, fields: { question_id: q, label: T.option, points: 4, correct: true, position: 0 } },
    { entity: "competence_option", id: `${q}.o.2`, fields: { question_id: q, label: "falsch", points: 0, correct: false, position: 1 } },
    { entity: "competence_recommendation", id: `${cat}.r.1.1.1`, fields: {
      catalogue_id: cat, competence_code: "1.1", min_level: 1, max_level: 5, training_id: "training.xss.test", note: T.note } },
  ]);
  await push(token, [{ entity: "competence_catalogue", id: cat, base_version: results[1].version, fields: { ...fields, status: "published" } }]);

  const { context, page, errors } = await newPage();
  try {
    await signIn(page, "xsstest");
    assert.ok((await page.textContent("#start-form")).includes(T.catalogue), "the title appears literally");
    await page.fill("#org-unit", "<b>Amt</b>");
    await page.click("#start");
    await page.waitForSelector("#step-form");
    assert.equal((await page.textContent("h1")).replace(/\s+/g, " ").trim(), `1.1 ${T.competence}`);
    assert.ok((await page.textContent("legend")).includes(T.question));
    const optionId = (await page.getAttribute(`#step-form input[type=radio] >> nth=0`, "value"));
    await page.check(`input[value="${optionId}"]`);
    assert.ok((await page.textContent(`label[for$="${optionId}"]`)).includes(T.option));
    await page.click("#next");
    await page.waitForSelector("#result-table");
    const rec = await page.textContent('[data-training="training.xss.test"]');
    assert.ok(rec.includes(T.training) && rec.includes(T.note) && rec.includes("<b>Anbieter</b>"), rec);
    assert.equal(await page.$('[data-training="training.xss.test"] a'), null, "a javascript: link is not offered");
    assert.equal(await page.$$eval("main img, main script, main b, main i, main em, main u, main marquee", (els) => els.length), 0,
                 "no element made from data");
    assert.ok((await page.textContent("#payload")).includes("<b>Amt</b>"));
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined, "no injected script ran");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
