// SPDX-License-Identifier: EUPL-1.2
//
// The chat widget (/bot/widget.js) in a real browser against the real
// server with demo content: what a citizen sees and does with the keyboard
// only, WCAG 2.1 AA (axe-core) at desktop and phone width, answers with
// clickable links, suggestions, server text shown as text (an FAQ answer
// with markup), Escape, privacy (no cookies, no storage, no request to any
// other origin), the call back form out of office hours, the hand-off to
// staff in office hours with the staff's reply appearing in the widget, and
// the widget embedded on a page of another origin (CORS) in English.
//
// Env: STADTPULT_SERVER (path of stadtpult-server; set by meson),
//      CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { CHROMIUM, CHROMIUM_ARGS, prepareBrowserTest, expectNoAxeViolations, startServer, apiRequest } from "./web-helpers.mjs";

const SERVER = process.env.STADTPULT_SERVER;
const XSS_QUESTION = "Wie bekomme ich eine Xylophon-Genehmigung für den Marktplatz?";
const XSS_ANSWER = "Die Xylophon-Genehmigung gibt es beim Ordnungsamt <img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script> sofort.";

let chromium;
let dir, server, serverLog = "", base, browser, editor, hostServer, hostUrl;

function api(path, options) {
  return apiRequest(base, path, options);
}

function hlcNow() {
  return `${String(Date.now()).padStart(15, "0")}:0000:widgettest`;
}

/** Pushes one change as the demo editor; returns the row's new version. */
async function push(entity, id, fields, { op = "upsert", baseVersion = 0 } = {}) {
  const change = { change_id: randomUUID(), entity, id, base_version: baseVersion, hlc: hlcNow(), op, fields };
  const res = await api("/api/v1/sync", { method: "POST", token: editor, body: { changes: [change] } });
  assert.equal(res.status, 200, `push ${entity}: ${res.text}`);
  assert.notEqual(res.json.results[0].status, "duplicate", res.text);
  return res.json.results[0].version;
}

function todayInBerlin() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(new Date());
}

async function waitForOffice(open) {
  for (let i = 0; i < 50; i++) {
    const status = await api("/api/v1/bot/status");
    assert.equal(status.status, 200, status.text);
    if (status.json.office_open === open)
      return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function newPage({ viewport = { width: 1280, height: 900 }, reducedMotion = "no-preference" } = {}) {
  const context = await browser.newContext({ viewport, locale: "de-DE", reducedMotion });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("dialog", (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on("request", (r) => requests.push(r.url()));
  return { context, page, errors, requests };
}

/** Tabs forward until the launcher has the focus (keyboard only). */
async function tabToLauncher(page) {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.classList.contains("spw-launcher")))
      return;
  }
  assert.fail("the chat launcher cannot be reached with the Tab key");
}

async function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id || document.activeElement?.className || "");
}

/** Types a question into the focused input and sends it with Enter; waits
 *  for the bot's reply to it and returns the reply element's text. */
async function askByKeyboard(page, question) {
  const before = await page.locator(".spw-msg--bot").count();
  assert.equal(await focusedId(page), "spw-input", "the question field has the focus");
  await page.keyboard.type(question);
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll(".spw-msg--bot").length > n, before, { timeout: 60000 });
  return (await page.locator(".spw-msg--bot").last().textContent()).trim();
}

/** Opens the demo page and the chat with the keyboard. */
async function openChat(page) {
  await page.goto(base + "/bot/");
  await page.waitForSelector(".spw-launcher");
  await page.focus(".spw-launcher");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".spw-panel:not([hidden])");
}

async function noStorage(page, context, what) {
  assert.deepEqual(await context.cookies(), [], `no cookies after ${what}`);
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
  assert.deepEqual(stored, { local: 0, session: 0 }, `nothing in web storage after ${what}`);
}

before(async () => {
  chromium = await prepareBrowserTest(SERVER);

  dir = mkdtempSync(join(tmpdir(), "stadtpult-widget-"));
  const started = await startServer(SERVER, join(dir, "widget.db"), (text) => { serverLog += text; });
  server = started.child;
  base = started.url;

  const login = await api("/api/v1/login", { method: "POST", body: { user: "redaktion", password: "redaktion" } });
  assert.equal(login.status, 200, login.text);
  editor = login.json.token;

  // The first question after a start loads the language resources: do that
  // before the browser measures anything.
  const warm = await api("/api/v1/bot/ask", { method: "POST", body: { question: "Hallo", session: "warm-up" } });
  assert.equal(warm.status, 200, warm.text);

  // An FAQ entry whose answer carries markup: it must be shown as text.
  await push("faq", randomUUID(), {
    question: XSS_QUESTION, alternatives: [], answer_short: "Beim Ordnungsamt.", answer: XSS_ANSWER,
    keywords: ["Xylophon", "Xylophon-Genehmigung"], service_id: "", leika: "", office: "Ordnungsamt",
    language: "de", status: "published", valid_until: "",
  });

  // A page of another origin that embeds the widget with one script tag.
  hostServer = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>City of Example</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script src="${base}/bot/widget.js" defer></script></head>
<body><main><h1>City of Example</h1><p>Some page of the city.</p></main></body></html>`);
  });
  await new Promise((resolve) => hostServer.listen(0, "127.0.0.1", resolve));
  hostUrl = `http://localhost:${hostServer.address().port}/`;

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  hostServer?.close();
  if (server && server.exitCode === null)
    server.kill("SIGTERM");
  if (dir)
    rmSync(dir, { recursive: true, force: true });
});

test("keyboard only: open, ask, follow a suggestion, read links, close with Escape", async () => {
  const { context, page, errors, requests } = await newPage();
  try {
    await page.goto(base + "/bot/");
    assert.equal(await page.getAttribute("html", "lang"), "de");
    await page.waitForSelector(".spw-launcher");
    assert.equal((await page.textContent(".spw-launcher")).trim(), "Frage stellen");
    assert.equal(await page.getAttribute(".spw-launcher", "aria-expanded"), "false");
    assert.ok(await page.locator(".spw-panel").isHidden(), "the panel starts closed");
    // Nothing goes to the bot before the citizen opens the chat.
    assert.ok(!requests.some((u) => u.includes("/api/")), `no API request before opening: ${requests.join(", ")}`);
    await expectNoAxeViolations(page, "the demo page (chat closed)");

    await tabToLauncher(page);
    await page.keyboard.press("Enter");
    await page.waitForSelector(".spw-panel:not([hidden])");
    assert.equal(await page.getAttribute(".spw-launcher", "aria-expanded"), "true");
    assert.equal(await focusedId(page), "spw-input", "opening moves the focus into the question field");
    // A labelled dialog with a polite log.
    assert.equal(await page.getAttribute(".spw-panel", "role"), "dialog");
    const labelledBy = await page.getAttribute(".spw-panel", "aria-labelledby");
    assert.equal((await page.textContent(`#${labelledBy}`)).trim(), "Bürgerservice-Chat");
    assert.equal(await page.getAttribute("#spw-log", "role"), "log");
    assert.equal(await page.getAttribute("#spw-log", "aria-live"), "polite");
    assert.match(await page.textContent("#spw-log"), /Guten Tag/);
    // The focus ring is visible.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", "the focused field shows a focus ring");

    // A question with an answer, a link and related questions.
    // (the Jena demo FAQ has several parking entries: an answer and related ones)
    const answer = await askByKeyboard(page, "Parken");
    assert.match(answer, /^Chat-Assistent: .*Park/s, "an answer about parking");
    const link = page.locator(".spw-msg--bot").last().locator("a[href^='https://']").first();
    assert.equal(await link.count(), 1, "the address in the answer is a link");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    const suggestions = page.locator(".spw-msg--bot").last().locator("button.spw-suggestion");
    assert.ok(await suggestions.count() >= 1, "related questions are offered as buttons");
    const suggestion = (await suggestions.first().textContent()).trim();
    await expectNoAxeViolations(page, "the open chat with an answer");

    // Follow the first suggestion with the keyboard (Tab from the field backwards).
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press("Shift+Tab");
      reached = await page.evaluate((text) => document.activeElement?.classList.contains("spw-suggestion") &&
                                                document.activeElement.textContent.trim() === text, suggestion);
    }
    assert.ok(reached, "the suggestion buttons are reachable with the keyboard");
    const before = await page.locator(".spw-msg--bot").count();
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => document.querySelectorAll(".spw-msg--bot").length > n, before, { timeout: 60000 });
    assert.equal((await page.locator(".spw-msg--you").last().textContent()).replace(/^Sie:\s*/, "").trim(), suggestion);
    assert.equal(await focusedId(page), "spw-input", "after an answer the focus is back in the field");

    // Escape closes and gives the focus back to the launcher.
    await page.keyboard.press("Escape");
    assert.ok(await page.locator(".spw-panel").isHidden(), "Escape closes the chat");
    assert.ok(await page.evaluate(() => document.activeElement?.classList.contains("spw-launcher")),
              "the focus returns to the launcher");
    assert.equal(await page.getAttribute(".spw-launcher", "aria-expanded"), "false");
    // Opening again keeps the conversation.
    await page.keyboard.press("Enter");
    assert.equal(await focusedId(page), "spw-input");
    assert.ok((await page.textContent("#spw-log")).includes(answer.slice(0, 60)), "the conversation is still there");

    await noStorage(page, context, "a conversation");
    const foreign = requests.filter((u) => new URL(u).origin !== base);
    assert.deepEqual(foreign, [], "no request to another origin");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("text from the server is shown as text, never run", async () => {
  const { context, page, errors } = await newPage();
  try {
    await openChat(page);
    let answer = "";
    // The bot's index picks up the new entry within a moment.
    for (let i = 0; i < 20 && !answer.includes("Xylophon-Genehmigung gibt es"); i++) {
      if (i > 0)
        await new Promise((r) => setTimeout(r, 300));
      answer = await askByKeyboard(page, XSS_QUESTION);
    }
    assert.ok(answer.includes('<img src=x onerror="window.__xss=1">'), `markup shown as text: ${answer}`);
    assert.ok(answer.includes("<script>window.__xss=2</script>"), `script shown as text: ${answer}`);
    assert.equal(await page.locator("#spw-log img, #spw-log script").count(), 0, "no element made from server text");
    assert.equal(await page.evaluate(() => window.__xss), undefined, "nothing from the answer ran");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("phone width (320 px), 200 % zoom and reduced motion", async () => {
  for (const viewport of [{ width: 320, height: 640 }, { width: 640, height: 450 }]) {
    const { context, page, errors } = await newPage({ viewport, reducedMotion: "reduce" });
    try {
      await page.goto(base + "/bot/");
      await page.waitForSelector(".spw-launcher");
      await page.click(".spw-launcher");
      await page.waitForSelector(".spw-panel:not([hidden])");
      const box = await page.locator(".spw-panel").boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width + 0.5,
                `the panel fits ${viewport.width} px: ${JSON.stringify(box)}`);
      assert.ok(box.y >= 0, `the panel's top is visible: ${JSON.stringify(box)}`);
      const input = await page.locator("#spw-input").boundingBox();
      assert.ok(input.y + input.height <= viewport.height, "the question field is on screen");
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
                "no sideways scrolling");
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".spw-panel")).animationName), "none",
                   "no animation when the system asks for reduced motion");
      await expectNoAxeViolations(page, `the open chat at ${viewport.width} px`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});

test("out of office hours: a call back request with consent", async () => {
  // A closure today: nobody on duty, whatever the weekday.
  const closureId = randomUUID();
  const closureVersion = await push("bot_hours", closureId, {
    kind: "closure", weekday: 0, day: todayInBerlin(), opens: "", closes: "", note: "Betriebsausflug",
  });
  assert.ok(await waitForOffice(false), "the closure closes the office");

  const { context, page, errors } = await newPage();
  try {
    await openChat(page);
    await askByKeyboard(page, "Mitarbeiter bitte");
    const offer = page.locator(".spw-msg--bot").last().locator("button", { hasText: "Rückruf anfordern" });
    assert.equal(await offer.count(), 1, "out of hours the bot offers a call back");
    assert.equal(await page.locator("button", { hasText: "Mit einem Menschen sprechen" }).count(), 0);
    await offer.focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector(".spw-callback");
    assert.equal(await focusedId(page), "spw-cb-title", "the form's heading gets the focus");
    await expectNoAxeViolations(page, "the call back form");

    // Without consent nothing is sent.
    await page.fill("#spw-cb-question", "Ich brauche einen Termin für die Ummeldung.");
    await page.fill("#spw-cb-contact", "03641 555 123");
    await page.focus("#spw-cb-contact");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#spw-cb-consent-error:not([hidden])");
    assert.equal(await focusedId(page), "spw-cb-consent", "the focus goes to the missing consent");
    assert.equal(await page.getAttribute("#spw-cb-consent", "aria-invalid"), "true");
    await page.keyboard.press("Space");
    assert.ok(await page.isChecked("#spw-cb-consent"));
    await page.focus("#spw-cb-contact");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /Ihr Anliegen ist eingegangen/.test(document.querySelector("#spw-log").textContent));
    assert.equal(await page.locator(".spw-callback").count(), 0, "the form closes after sending");
    assert.equal(await focusedId(page), "spw-input");

    const inbox = await api("/api/v1/handoff/conversations?state=open", { token: editor });
    assert.equal(inbox.status, 200, inbox.text);
    const mine = inbox.json.conversations.filter((c) => c.kind === "callback" && c.contact === "03641 555 123");
    assert.equal(mine.length, 1, `the call back request is in the staff inbox: ${inbox.text}`);
    assert.equal(mine[0].channel, "chat");
    assert.equal(mine[0].question, "Ich brauche einen Termin für die Ummeldung.");
    await noStorage(page, context, "a call back request");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await push("bot_hours", closureId, {}, { op: "delete", baseVersion: closureVersion });
  }
});

test("in office hours: hand-off to staff, the staff's reply appears in the widget", async (t) => {
  for (let weekday = 1; weekday <= 7; weekday++)
    await push("bot_hours", randomUUID(), { kind: "weekly", weekday, day: "", opens: "00:00", closes: "24:00", note: "" });
  if (!await waitForOffice(true)) {
    t.skip("closed all day today (a public holiday in Thuringia)");
    return;
  }

  const { context, page, errors, requests } = await newPage();
  try {
    await openChat(page);
    // A question the bot cannot answer: it offers a person.
    const question = "Ich habe eine Frage zu meinem Bescheid vom Amt für Blorptastik";
    await askByKeyboard(page, question);
    const handoff = page.locator(".spw-msg--bot").last().locator("button", { hasText: "Mit einem Menschen sprechen" });
    assert.equal(await handoff.count(), 1, "in office hours the bot offers a person");
    await handoff.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /Sie werden mit einer Mitarbeiterin/.test(document.querySelector("#spw-log").textContent));
    assert.equal(await focusedId(page), "spw-input");
    assert.equal((await page.textContent("label[for=spw-input]")).trim(), "Ihre Nachricht an die Mitarbeitenden");

    // Staff see the conversation in their inbox and answer it.
    let conversation = null;
    for (let i = 0; i < 20 && !conversation; i++) {
      const inbox = await api("/api/v1/handoff/conversations?state=waiting", { token: editor });
      assert.equal(inbox.status, 200, inbox.text);
      conversation = inbox.json.conversations.find((c) => c.kind === "chat" && c.question === question);
      if (!conversation)
        await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(conversation, "the hand-off is in the staff inbox");
    const reply = "Guten Tag, hier ist das Bürgerbüro. <b>Welcher</b> Bescheid ist es?";
    const sent = await api(`/api/v1/handoff/conversations/${conversation.id}/messages`,
                           { method: "POST", token: editor, body: { text: reply } });
    assert.equal(sent.status, 201, sent.text);
    await page.waitForSelector(".spw-msg--staff", { timeout: 30000 });
    assert.equal((await page.locator(".spw-msg--staff .spw-msg__text").last().textContent()).trim(), reply,
                 "the staff's reply appears, as text");
    assert.equal(await page.locator("#spw-log b").count(), 0);

    // The citizen answers in the same conversation.
    await page.focus("#spw-input");
    await page.keyboard.type("Der Bescheid zur Hundesteuer.");
    await page.keyboard.press("Enter");
    let transcript = "";
    for (let i = 0; i < 20 && !transcript.includes("Hundesteuer"); i++) {
      await new Promise((r) => setTimeout(r, 200));
      const full = await api(`/api/v1/handoff/conversations/${conversation.id}`, { token: editor });
      transcript = JSON.stringify(full.json?.transcript || []);
    }
    assert.match(transcript, /Der Bescheid zur Hundesteuer\./, "the citizen's message reaches the staff");
    await expectNoAxeViolations(page, "the chat during a hand-off");

    // Staff close it: the widget says so and goes back to the bot.
    const closed = await api(`/api/v1/handoff/conversations/${conversation.id}/close`, { method: "POST", token: editor });
    assert.equal(closed.status, 200, closed.text);
    await page.waitForFunction(() => /Gespräch mit den Mitarbeitenden ist beendet/.test(document.querySelector("#spw-log").textContent),
                               null, { timeout: 30000 });
    assert.equal((await page.textContent("label[for=spw-input]")).trim(), "Ihre Frage");

    // Asking for a person outright connects at once, no button to press.
    assert.equal(await focusedId(page), "spw-input");
    await askByKeyboard(page, "Mitarbeiter bitte");
    await page.waitForFunction(() => (document.querySelector("#spw-log").textContent.match(/Sie werden mit einer Mitarbeiterin/g) || []).length === 2);
    const waiting = await api("/api/v1/handoff/conversations?state=waiting", { token: editor });
    assert.ok(waiting.json.conversations.some((c) => c.kind === "chat" && c.question === "Mitarbeiter bitte"),
              `a second conversation waits for staff: ${waiting.text}`);

    await noStorage(page, context, "a hand-off");
    assert.deepEqual(requests.filter((u) => new URL(u).origin !== base), [], "no request to another origin");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("embedded on another origin: English page, CORS, German on request", async () => {
  const { context, page, errors, requests } = await newPage();
  try {
    await page.goto(hostUrl);
    await page.waitForSelector(".spw-launcher");
    assert.equal((await page.textContent(".spw-launcher")).trim(), "Ask a question", "English on an English page");
    await tabToLauncher(page);
    await page.keyboard.press("Enter");
    assert.equal(await focusedId(page), "spw-input");
    assert.equal((await page.textContent("#spw-title")).trim(), "Citizen service chat");
    const answer = await askByKeyboard(page, "I lost my identity card");
    assert.ok(!/cannot be reached/.test(answer), `the bot answered across origins: ${answer}`);
    assert.ok(answer.length > 20, answer);
    await expectNoAxeViolations(page, "the widget on another origin");

    // Switch to German with the language button.
    await page.click(".spw-lang");
    assert.equal((await page.textContent("#spw-title")).trim(), "Bürgerservice-Chat");
    assert.equal(await page.getAttribute(".spw-root", "lang"), "de");

    const host = new URL(hostUrl).origin;
    const others = requests.filter((u) => ![host, base].includes(new URL(u).origin));
    assert.deepEqual(others, [], "requests only to the page's and the widget's origin");
    assert.ok(requests.some((u) => u.startsWith(base + "/api/v1/bot/ask")), "the widget asked its own server");
    await noStorage(page, context, "an embedded conversation");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
