// SPDX-License-Identifier: EUPL-1.2
//
// The citizen web app in a real browser (Chromium through playwright-core):
// starts the built sync server with demo content on a free port, then checks
// what a citizen sees: the service list, search, a detail page, WCAG 2.1 AA
// (axe-core), the PWA manifest and service worker, the offline fallback, and
// that a service name with markup is shown as text, never run.
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
const XSS_NAME = "<script>window.__xss=1</script>Sperrmüll <img src=x onerror=\"window.__xss=2\"> abholen";

let chromium;
let dir, server, serverLog = "", base, browser, apiServices;

function startServer() {
  return spawnServer(SERVER, join(dir, "web.db"), (text) => { serverLog += text; });
}

function api(path, options) {
  return apiRequest(base, path, options);
}

function hlcNow() {
  return `${String(Date.now()).padStart(15, "0")}:0000:webtest`;
}

/** Pushes new published services as the demo editor, like the desktop would; returns their ids. */
async function pushServices(list) {
  const login = await api("/api/v1/login", { method: "POST", body: { user: "redaktion", password: "redaktion" } });
  assert.equal(login.status, 200, `login as redaktion failed: ${login.text}`);
  assert.ok(login.json.token, "login answer has a token");
  const changes = list.map((fields) => ({
    change_id: randomUUID(), entity: "service", id: randomUUID(), base_version: 0, hlc: hlcNow(), op: "upsert", fields,
  }));
  const push = await api("/api/v1/sync", { method: "POST", token: login.json.token, body: { changes } });
  assert.equal(push.status, 200, `push failed: ${push.text}`);
  assert.equal(push.json.results?.length, changes.length, push.text);
  for (const r of push.json.results)
    assert.equal(r.status, "applied", `push result: ${push.text}`);
  return changes.map((c) => c.id);
}

async function pushService(fields) {
  return (await pushServices([fields]))[0];
}

async function newPage(viewport = { width: 1280, height: 900 }, colorScheme = "light") {
  const context = await browser.newContext({ viewport, colorScheme, locale: "de-DE", serviceWorkers: "allow" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("dialog", (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  return { context, page, errors };
}

async function listNames(page) {
  return page.$$eval("#service-list > li h2", (els) => els.map((e) => e.textContent.trim()));
}

before(async () => {
  chromium = await prepareBrowserTest(SERVER);

  dir = mkdtempSync(join(tmpdir(), "stadtpult-web-"));
  const started = await startServer();
  server = started.child;
  base = started.url;

  const list = await api("/api/v1/services");
  assert.equal(list.status, 200, list.text);
  apiServices = list.json;
  assert.ok(Array.isArray(apiServices) && apiServices.length >= 10,
            `the demo publishes services (got ${apiServices?.length})`);

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null)
    server.kill("SIGTERM");
  if (dir)
    rmSync(dir, { recursive: true, force: true });
});

test("the start page lists every published service", async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto(base + "/");
    assert.equal(await page.getAttribute("html", "lang"), "de");
    await page.waitForSelector("#service-list > li");
    const names = await listNames(page);
    assert.equal(names.length, apiServices.length, "one list entry per published service");
    assert.deepEqual([...names].sort(), apiServices.map((s) => s.name.trim()).sort());
    assert.match(await page.textContent("#result-count"), new RegExp(`^${apiServices.length} Leistungen`));
    assert.equal(await page.textContent("h1"), "Leistungen von A bis Z");
    // Skip link leads to the main landmark.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Zum Inhalt springen");
    assert.equal(await page.$$eval("main, header, footer, nav", (els) => els.length), 4);
    await expectNoAxeViolations(page, "the service list");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the search box narrows the list and announces the count (phone, dark scheme)", async () => {
  const { context, page, errors } = await newPage({ width: 390, height: 844 }, "dark");
  try {
    await page.goto(base + "/");
    await page.waitForSelector("#service-list > li");
    const target = apiServices.find((s) => s.name.length > 8) || apiServices[0];
    assert.equal(await page.getAttribute("#result-count", "aria-live"), "polite");

    await page.fill("#service-search", target.name);
    await page.waitForFunction((n) => document.querySelectorAll("#service-list > li").length < n, apiServices.length);
    const names = await listNames(page);
    assert.ok(names.includes(target.name.trim()), `"${target.name}" is found by its name`);
    assert.ok(names.length < apiServices.length, "the list got shorter");
    await page.waitForFunction(() => /gefunden/.test(document.querySelector("#result-count").textContent));
    assert.match(await page.textContent("#result-count"), new RegExp(`^${names.length} Leistung(en)? gefunden`));

    await page.fill("#service-search", "xqzjvw");
    await page.waitForFunction(() => document.querySelectorAll("#service-list > li").length === 0);
    await page.waitForFunction(() => /Keine Leistung gefunden/.test(document.querySelector("#result-count").textContent));

    await page.fill("#service-search", "");
    await page.waitForFunction((n) => document.querySelectorAll("#service-list > li").length === n, apiServices.length);
    await expectNoAxeViolations(page, "the service list on a phone in the dark scheme");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a service's page shows its documents, fees, office and hours", async () => {
  const { context, page, errors } = await newPage();
  try {
    const s = apiServices.find((x) => Array.isArray(x.documents) && x.documents.length >= 2 && x.fees && x.office);
    assert.ok(s, "the demo has a service with documents, fees and office");
    await page.goto(base + "/");
    await page.waitForSelector("#service-list > li");
    await page.fill("#service-search", s.name);
    await page.click(`#service-list a[href="#/service/${encodeURIComponent(s.id)}"]`);
    await page.waitForSelector("#service-title");

    assert.equal(new URL(page.url()).hash, `#/service/${encodeURIComponent(s.id)}`);
    assert.equal((await page.textContent("#service-title")).trim(), s.name.trim());
    assert.equal(await page.evaluate(() => document.activeElement.id), "service-title", "focus moves to the new heading");
    assert.match(await page.title(), new RegExp(s.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    const docs = await page.$$eval(".documents li", (els) => els.map((e) => e.textContent.trim()));
    assert.deepEqual(docs, s.documents.map((d) => d.trim()));
    const facts = await page.textContent(".facts");
    for (const value of [s.fees, s.office, s.opening_hours].filter(Boolean))
      assert.ok(facts.replace(/\s+/g, " ").includes(value.trim().replace(/\s+/g, " ")), `detail shows "${value}"`);
    if (s.online_url && /^https?:/.test(s.online_url))
      assert.equal(await page.getAttribute(".online a", "href"), new URL(s.online_url).href);
    await expectNoAxeViolations(page, "a service's detail page");

    // Back to the list keeps the search.
    await page.click(".back-link");
    await page.waitForSelector("#service-list > li");
    assert.equal(await page.inputValue("#service-search"), s.name);

    // A direct link to an unknown service says so.
    await page.goto(base + "/#/service/does-not-exist");
    await page.waitForSelector("h1:has-text('Leistung nicht gefunden')");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a service name with markup is shown as text and never runs", async () => {
  const id = await pushService({
    name: XSS_NAME,
    leika: "99000000000000",
    description: "<b>fett?</b> <a href=\"javascript:window.__xss=3\">klick</a>",
    documents: ["<img src=x onerror=\"window.__xss=4\">"],
    fees: "0 Euro",
    office: "Kommunalservice <i>Jena</i>",
    opening_hours: "Mo–Fr 8–16 Uhr",
    online_url: "javascript:window.__xss=5",
    status: "published",
  });
  const { context, page, errors } = await newPage();
  try {
    await page.goto(base + "/");
    await page.waitForSelector("#service-list > li");
    await page.fill("#service-search", "Sperrmüll");
    await page.waitForFunction(() => document.querySelectorAll("#service-list > li").length >= 1);
    assert.ok((await listNames(page)).includes(XSS_NAME), "the name appears literally, tags included");
    await page.click(`#service-list a[href="#/service/${encodeURIComponent(id)}"]`);
    await page.waitForSelector("#service-title");
    assert.equal(await page.textContent("#service-title"), XSS_NAME);
    assert.equal(await page.textContent(".documents li"), "<img src=x onerror=\"window.__xss=4\">");
    assert.equal(await page.$$eval("main img, main script, main b, main i", (els) => els.length), 0, "no element made from data");
    assert.equal(await page.$(".online a"), null, "a javascript: link is not offered");
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined, "no injected script ran");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a large catalogue is shown in pages of 100", async () => {
  const fields = (i) => ({
    name: `Testleistung ${String(i).padStart(3, "0")}`, leika: "", description: "Eine Leistung für den Seitentest.",
    documents: [], fees: "", office: "Testamt", opening_hours: "", online_url: "", status: "published",
  });
  await pushServices(Array.from({ length: 130 }, (_, i) => fields(i)));
  const { context, page, errors } = await newPage({ width: 390, height: 844 });
  try {
    await page.goto(base + "/#/?q=Testleistung");
    await page.waitForSelector("#service-list > li");
    assert.equal(await page.inputValue("#service-search"), "Testleistung", "the query comes from the address");
    assert.match(await page.textContent("#result-count"), /^130 Leistungen gefunden/);
    assert.equal((await listNames(page)).length, 100);
    assert.match(await page.textContent("#show-more"), /30 von 130/);
    await page.click("#show-more");
    const names = await listNames(page);
    assert.equal(names.length, 130);
    assert.equal(names[129], "Testleistung 129");
    assert.equal(await page.isVisible("#show-more"), false, "no button once all are shown");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Testleistung 100", "focus moves to the first new entry");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the PWA manifest and service worker are in place", async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto(base + "/");
    const href = await page.getAttribute("link[rel=manifest]", "href");
    const manifest = await api(href);
    assert.equal(manifest.status, 200);
    assert.equal(manifest.json.name, "Stadtpult – Bürgerservice");
    assert.equal(manifest.json.start_url, "/");
    assert.equal(manifest.json.display, "standalone");
    assert.equal(manifest.json.lang, "de");
    const sizes = manifest.json.icons.map((i) => i.sizes);
    assert.ok(sizes.includes("192x192") && sizes.includes("512x512"), `icons 192 and 512 (${sizes})`);
    for (const icon of manifest.json.icons) {
      const res = await fetch(new URL(icon.src, base));
      assert.equal(res.status, 200, `icon ${icon.src}`);
      assert.equal(res.headers.get("content-type").split(";")[0], icon.type);
    }

    const script = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return reg.active.scriptURL;
    });
    assert.equal(new URL(script).pathname, "/sw.js");

    const caches = await page.evaluate(async () => {
      // The shell is cached on install.
      const keys = await window.caches.keys();
      const shell = keys.find((k) => k.startsWith("stadtpult-shell-"));
      return { keys, shell: shell ? (await (await window.caches.open(shell)).keys()).map((r) => new URL(r.url).pathname) : [] };
    });
    for (const path of ["/", "/app.js", "/style.css", "/manifest.webmanifest"])
      assert.ok(caches.shell.includes(path), `${path} is in the shell cache (${caches.keys}: ${caches.shell})`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("Chromium finds the web app installable", async () => {
  // Browser contexts are incognito, where nothing is installable: use a
  // normal profile for this one.
  const profile = mkdtempSync(join(dir, "profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, locale: "de-DE",
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    await page.goto(base + "/");
    await page.waitForSelector("#service-list > li");
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { url: manifestUrl, errors: manifestErrors } = await cdp.send("Page.getAppManifest");
    assert.equal(new URL(manifestUrl).pathname, "/manifest.webmanifest");
    assert.deepEqual(manifestErrors, [], "Chromium parses the manifest without errors");
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors, [], "no installability errors");
  } finally {
    await context.close();
  }
});

test("an unknown address gets an accessible German 404 page", async () => {
  const { context, page, errors } = await newPage();
  try {
    const response = await page.goto(base + "/gibt-es-nicht.html");
    assert.equal(response.status(), 404);
    assert.equal(await page.getAttribute("html", "lang"), "de");
    assert.equal((await page.textContent("h1")).trim(), "Seite nicht gefunden");
    assert.equal(await page.getAttribute("main a[href='/']", "href"), "/", "a way back to the start page");
    await expectNoAxeViolations(page, "the 404 page");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// Must stay last: it stops the server.
test("with the server gone the last list is shown with an offline notice", async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto(base + "/");
    await page.waitForSelector("#service-list > li");
    await page.evaluate(() => navigator.serviceWorker.ready);
    // Load once more under the worker's control so it has cached the data.
    await page.reload();
    await page.waitForSelector("#service-list > li");
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), "the page is controlled by the worker");
    assert.equal(await page.isVisible("#offline-notice"), false, "no offline notice while online");

    server.kill("SIGTERM");
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once("exit", resolve)));

    await page.reload();
    await page.waitForSelector("#service-list > li");
    assert.ok((await listNames(page)).length >= apiServices.length, "the cached list is shown");
    await page.waitForSelector("#offline-notice", { state: "visible" });
    assert.match(await page.textContent("#offline-notice"), /offline/);
    await expectNoAxeViolations(page, "the offline list");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
