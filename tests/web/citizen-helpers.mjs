// SPDX-License-Identifier: EUPL-1.2
//
// Shared by the browser tests of the participation pages (feedback,
// surveys, challenges): one real server with demo content and one
// Chromium per test file, pages with error and request logs, keyboard
// navigation, staff changes pushed like the desktop does, and the checks
// every page must pass (no script from data ran, nothing stored).

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { CHROMIUM, CHROMIUM_ARGS, prepareBrowserTest, startServer, apiRequest } from "./web-helpers.mjs";

/** Markup that must show up as text, never run. */
export const XSS = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">";

/** Starts the server (demo content) and Chromium; returns { base, browser, editor, api, push, stop }. */
export async function startCitizenTest(name) {
  const chromium = await prepareBrowserTest(process.env.STADTPULT_SERVER);
  const dir = mkdtempSync(join(tmpdir(), `stadtpult-${name}-`));
  let log = "";
  const started = await startServer(process.env.STADTPULT_SERVER, join(dir, "web.db"), (text) => { log += text; });
  const base = started.url;
  const api = (path, options) => apiRequest(base, path, options);

  const login = await api("/api/v1/login", { method: "POST", body: { user: "redaktion", password: "redaktion" } });
  assert.equal(login.status, 200, login.text);
  const editor = login.json.token;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });

  let clock = 0;
  /** Pushes rows as the demo editor, like the desktop: [{ entity, id, fields, op? }]. */
  async function push(rows) {
    const changes = rows.map(({ entity, id, fields, op = "upsert" }) => ({
      change_id: randomUUID(), entity, id, base_version: 0, op, fields,
      hlc: `${String(Date.now()).padStart(15, "0")}:${(clock++ % 65536).toString(16).padStart(4, "0")}:webtest`,
    }));
    const res = await api("/api/v1/sync", { method: "POST", token: editor, body: { changes } });
    assert.equal(res.status, 200, `push: ${res.text}`);
    for (const r of res.json.results)
      assert.ok(["applied", "conflict"].includes(r.status), `push result: ${res.text}`);
  }

  /** Every row of @entity the editor pulls (latest state per id). */
  async function pull(entity) {
    const rows = new Map();
    let cursor = "";
    for (;;) {
      const res = await api(`/api/v1/sync?since=${encodeURIComponent(cursor)}&limit=1000`, { token: editor });
      assert.equal(res.status, 200, res.text);
      for (const c of res.json.changes)
        if (c.entity === entity)
          rows.set(c.id, { id: c.id, deleted: c.op === "delete", ...c.fields });
      cursor = res.json.cursor;
      if (!res.json.more)
        return [...rows.values()];
    }
  }

  async function stop() {
    await browser.close().catch(() => {});
    if (started.child.exitCode === null)
      started.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }

  return { base, browser, editor, api, push, pull, stop, log: () => log };
}

/** A fresh context and page in German; collects script errors and requested URLs. */
export async function newPage(browser, { width = 1280, height = 900, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "de-DE", colorScheme,
                                             serviceWorkers: "block" });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("dialog", (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on("request", (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData() }));
  return { context, page, errors, requests };
}

/** Presses Tab until the focused element matches @selector (fails after @max presses). */
export async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector))
      return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`${selector} cannot be reached with the Tab key`);
}

/** Tabs to the element matching @selector, then presses @key there. */
export async function pressAt(page, selector, key) {
  await tabTo(page, selector);
  await page.keyboard.press(key);
}

/** Presses Tab through the whole page; returns the ids (or tag names) that got the focus, in order. */
export async function tabOrder(page, max = 120) {
  await page.evaluate(() => document.activeElement?.blur());
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const [mark, id] = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body)
        return [null, null];
      if (!el.dataset.tabMark)
        el.dataset.tabMark = String(document.querySelectorAll("[data-tab-mark]").length + 1);
      return [el.dataset.tabMark, el.id || el.tagName.toLowerCase()];
    });
    if (mark === null || mark === "1" && seen.length)
      break;
    seen.push(id);
  }
  return seen;
}

export async function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id || "");
}

/** Markup from data stayed text: nothing ran, no element was made of it, no cookie or storage was used. */
export async function expectCleanPage(page, context, errors, what) {
  assert.equal(await page.evaluate(() => window.__xss), undefined, `no script from data ran on ${what}`);
  assert.equal(await page.locator("main img[src='x'], main script").count(), 0, `no element made of data on ${what}`);
  assert.deepEqual(await context.cookies(), [], `no cookies on ${what}`);
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
  assert.deepEqual(stored, { local: 0, session: 0 }, `nothing in web storage on ${what}`);
  assert.deepEqual(errors, [], `no script errors on ${what}`);
}

/** The local day @offset days from today in the city, YYYY-MM-DD. */
export function day(offset = 0) {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + offset * 86400000));
}
