/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Service worker of the citizen web app.
 * - install: caches the app shell (versioned cache name);
 * - activate: drops caches of older versions;
 * - /api/v1/services: network first, the last good answer as offline
 *   fallback (marked with the header X-Stadtpult-Offline: 1);
 * - shell files: served from the cache, refreshed in the background;
 * - page navigations: network first, the cached page when offline (the
 *   feedback, survey and challenge pages fetch their data live; only the
 *   service list has offline data).
 * Bump VERSION whenever the shell's file list changes.
 */

const VERSION = "v4";
const PREFIX = "stadtpult-";
const SHELL_CACHE = `${PREFIX}shell-${VERSION}`;
const DATA_CACHE = `${PREFIX}data-${VERSION}`;

const SHELL = [
  "/",
  "/index.html",
  "/style.css",
  "/app.js",
  "/common.js",
  "/manifest.webmanifest",
  "/icon.svg",
  "/icon-192.png",
  "/icon-512.png",
  "/bot/widget.js",
  "/bot/widget.css",
  "/404.html",
  "/feedback/",
  "/feedback/feedback.js",
  "/feedback/status.html",
  "/feedback/status.js",
  "/surveys/",
  "/surveys/surveys.js",
  "/challenges/",
  "/challenges/challenges.js",
];

/* Pages (navigations) answered network first, the cached copy offline. */
const PAGES = new Set(["/", "/index.html", "/feedback/", "/feedback/status.html", "/surveys/", "/challenges/"]);

/* Public, cacheable API answers (never anything behind a staff login). */
const DATA_PATHS = new Set(["/api/v1/services"]);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const keep = new Set([SHELL_CACHE, DATA_CACHE]);
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith(PREFIX) && !keep.has(key))
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()));
});

async function networkFirstData(request) {
  const cache = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok)
      await cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (!cached) {
      return new Response(JSON.stringify({ error: "offline", message: "Keine Verbindung und keine gespeicherten Daten." }),
                          { status: 503, headers: { "Content-Type": "application/json; charset=utf-8" } });
    }
    const headers = new Headers(cached.headers);
    headers.set("X-Stadtpult-Offline", "1");
    return new Response(await cached.blob(), { status: 200, statusText: "OK", headers });
  }
}

async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const refresh = fetch(request)
    .then(async (response) => {
      if (response.ok && response.type === "basic")
        await cache.put(request, response.clone());
      return response;
    })
    .catch(() => null);
  if (cached) {
    event.waitUntil(refresh);
    return cached;
  }
  const response = await refresh;
  return response || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

async function networkFirstPage(request, key) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(SHELL_CACHE);
      await cache.put(key, response.clone());
    }
    return response;
  } catch (err) {
    const cache = await caches.open(SHELL_CACHE);
    const cached = (await cache.match(key)) || (key === "/" ? await cache.match("/index.html") : null);
    if (cached)
      return cached;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET")
    return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin)
    return;

  if (DATA_PATHS.has(url.pathname)) {
    event.respondWith(networkFirstData(request));
    return;
  }
  // Other API calls, health checks and metrics are never cached.
  if (url.pathname.startsWith("/api/") || url.pathname === "/healthz" || url.pathname === "/metrics")
    return;
  if (request.mode === "navigate" && PAGES.has(url.pathname)) {
    event.respondWith(networkFirstPage(request, url.pathname === "/index.html" ? "/" : url.pathname));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event, request));
  }
});
