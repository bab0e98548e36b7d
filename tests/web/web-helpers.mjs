// SPDX-License-Identifier: EUPL-1.2
//
// Shared by the browser tests: Chromium launch flags, the WCAG tags that
// axe-core checks (and the check itself), loading the npm modules, starting
// the built sync server on a free port and calling its JSON API.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export async function loadModules() {
  try {
    const { chromium } = await import("playwright-core");
    const { default: AxeBuilder } = await import("@axe-core/playwright");
    return { chromium, AxeBuilder };
  } catch (err) {
    throw new Error(`tests/web needs its npm modules: run \`make check\` or \`npm ci\` in tests/web (${err.message})`);
  }
}

/** Checks what a browser test needs (the server binary from meson, Chromium)
 *  and returns playwright's chromium. */
export async function prepareBrowserTest(server) {
  assert.ok(server, "STADTPULT_SERVER is not set (run through `meson test`)");
  assert.ok(existsSync(server), `server binary missing: ${server}`);
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install chromium\` (make check does)`);
  return (await loadModules()).chromium;
}

/** Fails the test with a summary of axe-core's WCAG 2.1 AA violations on
 *  the page as it is now; what names the state in the message. */
export async function expectNoAxeViolations(page, what) {
  const { AxeBuilder } = await loadModules();
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = results.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary}`).join("\n"));
  assert.deepEqual(summary, [], `axe-core found WCAG 2.1 AA violations on ${what}:\n${summary.join("\n")}`);
  assert.ok(results.passes.length > 0, "axe-core ran its checks");
}

/** Starts `server --demo --db dbPath --port 0`; resolves with { child, url } once it
 *  listens. Everything it prints goes to onLog. */
/**
 * A POSIX TZ for the server whose date is not the city's today: UTC-12 while
 * it is before noon in Berlin, UTC+14 after. A server set to UTC is a day off
 * Berlin for an hour or two every night; the pages and the server must both
 * count the city's days, so the tests run the server where its machine's day
 * is always wrong.
 */
export function offCityTimeZone(now = new Date()) {
  const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", hourCycle: "h23" }).format(now));
  return hour < 12 ? "XXA+12" : "XXB-14";
}

export function startServer(server, dbPath, onLog) {
  let log = "";
  const note = (text) => { log += text; onLog(text); };
  return new Promise((resolve, reject) => {
    const child = spawn(server, ["--demo", "--db", dbPath, "--port", "0", "--bind", "127.0.0.1"],
                        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TZ: offCityTimeZone() } });
    const timer = setTimeout(() => reject(new Error(`server did not print its listening line in 30 s:\n${log}`)), 30000);
    child.stderr.on("data", (d) => note(String(d)));
    child.on("error", (err) => { clearTimeout(timer); reject(err); });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${code ?? signal}):\n${log}`));
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      note(line + "\n");
      const m = /listening on (http:\/\/\S+?)\/?$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve({ child, url: m[1] });
      }
    });
  });
}

/** A JSON API call against base; returns { status, json, text }. */
export async function apiRequest(base, path, { method = "GET", token, body } = {}) {
  const headers = { Accept: "application/json" };
  if (token)
    headers.Authorization = `Bearer ${token}`;
  if (body !== undefined)
    headers["Content-Type"] = "application/json";
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}
