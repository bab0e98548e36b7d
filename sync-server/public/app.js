/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Stadtpult citizen web app: a small hash router with a route table, the
 * service catalogue (list + search, detail view), the offline notice and the
 * service worker registration.
 *
 * Safety rule: data from the server is only ever put into the page as text
 * (textContent / text nodes via h()); never through innerHTML. Links from the
 * data are accepted only with http(s) schemes.
 *
 * Later features add pages with addRoute(), e.g.
 *   addRoute(/^\/kita$/, renderKita, { nav: "Kita" });
 */

import { h, safeUrl, text, callApi, problemText } from "/common.js";

export { h, safeUrl };

const SITE_TITLE = "Bürgerservice";
const SERVICES_URL = "/api/v1/services";
const PAGE_SIZE = 100;

/* ------------------------------------------------------------------ */
/* Router                                                             */
/* ------------------------------------------------------------------ */

const routes = [];

/**
 * Registers a page. @pattern is matched against the path part of the hash
 * ("#/service/42?q=x" -> "/service/42"); capture groups are passed to
 * @render (main, params, query) which fills <main> and returns the page
 * title (or a promise of it). @options.nav adds a link to the main menu.
 */
export function addRoute(pattern, render, options = {}) {
  routes.push({ pattern, render, nav: options.nav || null, navHref: options.navHref || null });
  if (options.nav && options.navHref) {
    const list = document.getElementById("site-nav-list");
    if (list)
      list.appendChild(h("li", null, h("a", { href: options.navHref }, options.nav)));
  }
}

function parseHash() {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "");
  return { path: path || "/", query };
}

let renderToken = 0;

async function route({ focus = true } = {}) {
  const { path, query } = parseHash();
  const main = document.getElementById("main");
  const token = ++renderToken;

  let match = null;
  let entry = null;
  for (const r of routes) {
    match = r.pattern.exec(path);
    if (match) {
      entry = r;
      break;
    }
  }

  let params = match ? match.slice(1) : [];
  try {
    params = params.map((p) => decodeURIComponent(p));
  } catch {
    entry = null;   /* malformed %-escapes: no such page */
  }
  const render = entry ? entry.render : renderNotFound;

  main.replaceChildren();
  main.setAttribute("aria-busy", "true");
  let title;
  try {
    title = await render(main, params, query, () => token === renderToken);
  } catch (err) {
    console.error(err);
    if (token !== renderToken)
      return;
    main.replaceChildren(
      h("h1", { tabindex: "-1" }, "Ein Fehler ist aufgetreten"),
      h("p", null, "Die Seite konnte nicht angezeigt werden. Bitte versuchen Sie es später noch einmal."));
    title = "Fehler";
  }
  if (token !== renderToken)
    return;
  main.removeAttribute("aria-busy");
  document.title = title ? `${title} – ${SITE_TITLE}` : SITE_TITLE;
  updateNav(path);

  // Move focus to the new page's heading so screen readers announce the
  // page change (not on the first load: that starts at the top as usual).
  if (focus) {
    const h1 = main.querySelector("h1");
    if (h1) {
      h1.setAttribute("tabindex", "-1");
      h1.focus({ preventScroll: false });
    }
    window.scrollTo(0, 0);
  }
}

function updateNav(path) {
  for (const a of document.querySelectorAll(".site-nav a")) {
    const target = (a.getAttribute("href") || "").replace(/^#/, "").split("?")[0] || "/";
    const current = target === "/" ? path === "/" || path.startsWith("/service/") : path.startsWith(target);
    if (current)
      a.setAttribute("aria-current", "page");
    else
      a.removeAttribute("aria-current");
  }
}

function renderNotFound(main) {
  main.append(
    h("h1", null, "Seite nicht gefunden"),
    h("p", null, "Diese Adresse gibt es nicht (mehr)."),
    h("p", null, h("a", { href: "#/" }, "Zu allen Leistungen")));
  return "Seite nicht gefunden";
}

/* ------------------------------------------------------------------ */
/* Online / offline                                                   */
/* ------------------------------------------------------------------ */

const offlineState = { network: navigator.onLine === false, staleData: false };

function updateOfflineNotice() {
  const notice = document.getElementById("offline-notice");
  const detail = document.getElementById("offline-detail");
  if (!notice)
    return;
  const offline = offlineState.network || offlineState.staleData;
  notice.hidden = !offline;
  if (detail)
    detail.textContent = offlineState.staleData
      ? "Angezeigt wird der zuletzt geladene Stand."
      : "Sobald die Verbindung zurück ist, wird die Seite aktualisiert.";
}

window.addEventListener("online", () => {
  offlineState.network = false;
  updateOfflineNotice();
  // Fresh data on the next page; reload now only if loading had failed
  // (never under the fingers of someone typing a search).
  services.invalidate();
  if (document.querySelector("#main .notice--error"))
    route({ focus: false });
});
window.addEventListener("offline", () => {
  offlineState.network = true;
  updateOfflineNotice();
});

/* ------------------------------------------------------------------ */
/* Service catalogue data                                             */
/* ------------------------------------------------------------------ */

const services = {
  promise: null,
  list: [],
  byId: new Map(),

  load() {
    if (!this.promise) {
      this.promise = fetchServices().then((list) => {
        this.list = list;
        this.byId = new Map(list.map((s) => [s.id, s]));
        return list;
      });
      this.promise.catch(() => { this.promise = null; });
    }
    return this.promise;
  },

  invalidate() {
    this.promise = null;
  },
};

async function fetchServices() {
  const response = await fetch(SERVICES_URL, { headers: { Accept: "application/json" } });
  if (!response.ok)
    throw new Error(`HTTP ${response.status}`);
  offlineState.staleData = response.headers.get("X-Stadtpult-Offline") === "1";
  updateOfflineNotice();
  const data = await response.json();
  if (!Array.isArray(data))
    throw new Error("unexpected response");
  return data
    .filter((s) => s && typeof s.id === "string" && typeof s.name === "string")
    .map((s) => ({
      id: s.id,
      name: text(s.name),
      leika: text(s.leika),
      description: text(s.description),
      documents: Array.isArray(s.documents) ? s.documents.map(text).filter(Boolean) : [],
      fees: text(s.fees),
      office: text(s.office),
      opening_hours: text(s.opening_hours),
      online_url: text(s.online_url),
    }))
    .map((s) => {
      // Documents are left out: nearly every service asks for an ID card,
      // and "ausweis" should find the ID card services, not all of them.
      s._search = normalize([s.name, s.leika, s.description, s.office].join(" "));
      s._search2 = s._search.replace(/([aou])e/g, "$1");
      s._name = normalize(s.name);
      s._name2 = s._name.replace(/([aou])e/g, "$1");
      return s;
    })
    .sort((a, b) => a.name.localeCompare(b.name, "de"));
}

/** Lower case, umlauts and accents folded, ß -> ss: "Führerschein" matches "fuhrerschein" and "führer". */
export function normalize(value) {
  return String(value)
    .toLocaleLowerCase("de")
    .replace(/ß/g, "ss")
    .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue")
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

function searchServices(list, query) {
  const q = normalize(query).trim();
  if (!q)
    return list;
  // Users type "fuhrerschein" as often as "führerschein": also try the
  // folding without "e" after umlauts.
  const words = q.split(/\s+/).filter(Boolean);
  const hits = [];
  for (const s of list) {
    let ok = true;
    for (const w of words) {
      if (!s._search.includes(w) && !s._search2.includes(w)) {
        ok = false;
        break;
      }
    }
    if (ok)
      hits.push(s);
  }
  // Services whose name holds every word first, then the rest; each group
  // stays alphabetical (the sort is stable).
  const inName = (x) => words.every((w) => x._name.includes(w) || x._name2.includes(w));
  return hits.sort((a, b) => Number(!inName(a)) - Number(!inName(b)));
}

function countText(n, query) {
  if (!query)
    return n === 1 ? "1 Leistung" : `${n} Leistungen`;
  if (n === 0)
    return `Keine Leistung gefunden für „${query}“.`;
  return n === 1 ? `1 Leistung gefunden für „${query}“.` : `${n} Leistungen gefunden für „${query}“.`;
}

function loadError(main, err) {
  main.append(
    h("h1", null, "Leistungen von A bis Z"),
    h("div", { class: "notice notice--error", role: "alert" },
      h("p", null, "Die Leistungen konnten gerade nicht geladen werden."),
      h("p", null, navigator.onLine === false
        ? "Sie sind offline. Bitte prüfen Sie Ihre Internetverbindung."
        : "Bitte versuchen Sie es in einigen Minuten erneut."),
      h("button", { type: "button", onclick: () => { services.invalidate(); route(); } }, "Erneut versuchen")));
  console.warn("services:", err);
  return "Leistungen";
}

/* ------------------------------------------------------------------ */
/* Page: list + search                                                */
/* ------------------------------------------------------------------ */

async function renderServiceList(main, _params, query, isCurrent) {
  main.append(h("p", { class: "loading" }, "Die Leistungen werden geladen …"));
  let list;
  try {
    list = await services.load();
  } catch (err) {
    if (!isCurrent())
      return null;
    main.replaceChildren();
    return loadError(main, err);
  }
  if (!isCurrent())
    return null;
  main.replaceChildren();

  const initial = query.get("q") || "";
  const input = h("input", {
    id: "service-search", type: "search", name: "q", value: initial,
    autocomplete: "off", spellcheck: "false", enterkeyhint: "search",
    "aria-describedby": "service-search-hint",
    "aria-controls": "service-list",
  });
  const count = h("p", { id: "result-count", class: "result-count", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const ul = h("ul", { id: "service-list", class: "service-list", "aria-labelledby": "result-count" });
  // Large catalogues (a full DLDB import has ~1000 services) are shown in
  // pages so that phones stay fast.
  let hits = [];
  let shown = 0;
  const more = h("p", { class: "more", hidden: true },
    h("button", { type: "button", id: "show-more", onclick: () => showMore(true) }));
  function showMore(moveFocus) {
    const first = shown;
    shown = Math.min(hits.length, shown + PAGE_SIZE);
    const items = hits.slice(first, shown).map(serviceItem);
    ul.append(...items);
    more.hidden = shown >= hits.length;
    more.firstChild.textContent = `Weitere Leistungen anzeigen (${hits.length - shown} von ${hits.length} noch nicht angezeigt)`;
    if (moveFocus && items[0])
      items[0].querySelector("a").focus();
  }

  const form = h("form", { class: "search", role: "search", "aria-label": "Leistungen durchsuchen",
                           onsubmit: (e) => { e.preventDefault(); update(true); } },
    h("label", { for: "service-search" }, "Was möchten Sie erledigen?"),
    h("div", { class: "search__row" }, input, h("button", { type: "submit" }, "Suchen")),
    h("p", { id: "service-search-hint", class: "search__hint" },
      "Zum Beispiel „Personalausweis“, „Wohnung anmelden“ oder „Hund“. Die Liste wird beim Tippen gefiltert."));

  main.append(
    h("h1", null, "Leistungen von A bis Z"),
    h("p", { class: "lead" }, "Hier finden Sie, was Sie für Ihr Anliegen brauchen: Unterlagen, Gebühren, die zuständige Stelle und deren Öffnungszeiten."),
    form, count, ul, more);

  let announceTimer = 0;
  function update(announceNow) {
    const q = input.value.trim();
    hits = searchServices(list, q);
    shown = 0;
    ul.replaceChildren();
    showMore(false);
    // Keep the query in the address so "back" from a detail page restores it.
    const hash = q ? `#/?q=${encodeURIComponent(q)}` : "#/";
    if (window.location.hash !== hash && !(hash === "#/" && window.location.hash === ""))
      history.replaceState(null, "", hash);
    // Announce the count after typing pauses, not on every key.
    clearTimeout(announceTimer);
    const message = countText(hits.length, q);
    if (announceNow)
      count.textContent = message;
    else
      announceTimer = setTimeout(() => { count.textContent = message; }, 350);
  }
  input.addEventListener("input", () => update(false));
  update(true);
  return initial ? `Suche: ${initial}` : "Leistungen von A bis Z";
}

function serviceItem(s) {
  return h("li", null,
    h("h2", null, h("a", { href: `#/service/${encodeURIComponent(s.id)}` }, s.name)),
    s.description ? h("p", null, summary(s.description)) : null,
    s.office ? h("p", { class: "office" }, h("span", { class: "visually-hidden" }, "Zuständig: "), s.office) : null);
}

function summary(value, max = 180) {
  if (value.length <= max)
    return value;
  const cut = value.lastIndexOf(" ", max);
  return `${value.slice(0, cut > 80 ? cut : max)} …`;
}

/* ------------------------------------------------------------------ */
/* Page: service detail                                               */
/* ------------------------------------------------------------------ */

async function renderServiceDetail(main, [id], _query, isCurrent) {
  main.append(h("p", { class: "loading" }, "Die Leistung wird geladen …"));
  try {
    await services.load();
  } catch (err) {
    if (!isCurrent())
      return null;
    main.replaceChildren();
    return loadError(main, err);
  }
  if (!isCurrent())
    return null;
  main.replaceChildren();

  // Back to the list with the last search, if we came from one.
  const back = h("a", { class: "back-link", href: lastListHash || "#/" }, "← Zurück zu allen Leistungen");

  const s = services.byId.get(id);
  if (!s) {
    main.append(back,
      h("h1", null, "Leistung nicht gefunden"),
      h("p", null, "Diese Leistung gibt es nicht oder sie ist nicht mehr veröffentlicht."));
    return "Leistung nicht gefunden";
  }

  const url = safeUrl(s.online_url);
  const facts = h("div", { class: "facts" },
    h("section", { class: "facts__wide", "aria-labelledby": "h-documents" },
      h("h2", { id: "h-documents" }, "Erforderliche Unterlagen"),
      s.documents.length
        ? h("ul", { class: "documents" }, s.documents.map((d) => h("li", null, d)))
        : h("p", null, "Es sind keine Unterlagen angegeben.")),
    h("section", { "aria-labelledby": "h-fees" },
      h("h2", { id: "h-fees" }, "Gebühren"),
      h("p", { class: "pre-line" }, s.fees || "Keine Angabe.")),
    h("section", { "aria-labelledby": "h-office" },
      h("h2", { id: "h-office" }, "Zuständige Stelle"),
      h("p", { class: "pre-line" }, s.office || "Keine Angabe.")),
    h("section", { class: "facts__wide", "aria-labelledby": "h-hours" },
      h("h2", { id: "h-hours" }, "Öffnungszeiten"),
      h("p", { class: "pre-line" }, s.opening_hours || "Keine Angabe.")));

  main.append(
    back,
    h("article", { "aria-labelledby": "service-title" },
      h("h1", { id: "service-title" }, s.name),
      s.leika ? h("p", { class: "meta" }, `LeiKa-Schlüssel: ${s.leika}`) : null,
      s.description ? h("p", { class: "lead pre-line" }, s.description) : null,
      url
        ? h("p", { class: "online" },
            h("a", { class: "button", href: url, rel: "noopener noreferrer" },
              "Online erledigen",
              h("span", { class: "visually-hidden" }, `: ${s.name}`)))
        : null,
      facts,
      helpfulBox(s)));
  return s.name;
}

/* ------------------------------------------------------------------ */
/* "War das hilfreich?" on each service                               */
/* ------------------------------------------------------------------ */

function feedbackBody(service, rating, message) {
  return { service_id: service.id, rating, text: message, channel: "web", website: "" };
}

/**
 * Yes (rating 5) or No (rating 1) is sent at once; then the citizen may
 * add a few words, which become the text of that same feedback (its
 * ticket's follow-up), so each answer is counted once.
 */
function helpfulBox(service) {
  const status = h("p", { class: "helpful__status", role: "status" });
  const error = h("p", { class: "notice notice--error", role: "alert", hidden: true });
  const box = h("section", { class: "helpful", "aria-labelledby": "h-helpful" });
  let ticket = "";

  async function send(button, path, body, okStatus) {
    button.disabled = true;
    error.hidden = true;
    const result = await callApi(path, { method: "POST", body });
    button.disabled = false;
    if (result.status === okStatus)
      return result;
    error.textContent = problemText(result);
    error.hidden = false;
    return null;
  }

  const yes = h("button", { type: "button", class: "button--secondary", "aria-describedby": "h-helpful",
                            onclick: () => answer(yes, 5) }, "Ja");
  const no = h("button", { type: "button", class: "button--secondary", "aria-describedby": "h-helpful",
                           onclick: () => answer(no, 1) }, "Nein");
  const buttons = h("div", { class: "helpful__buttons" }, yes, no);
  const more = h("p", { class: "helpful__link" },
    h("a", { href: `/feedback/?service=${encodeURIComponent(service.id)}` }, "Ausführliche Rückmeldung geben"));

  async function answer(button, value) {
    const result = await send(button, "/api/v1/feedback", feedbackBody(service, value, ""), 201);
    if (!result)
      return;
    ticket = result.json.ticket;
    label.textContent = value === 1 ? "Was hat Ihnen gefehlt? (freiwillig)" : "Möchten Sie uns noch etwas mitteilen? (freiwillig)";
    buttons.remove();
    more.remove();
    status.textContent = "Danke für Ihre Rückmeldung!";
    box.append(details);
    textarea.focus();
  }

  const label = h("label", { for: "helpful-text" });
  const textarea = h("textarea", { id: "helpful-text", name: "text", rows: 3, maxlength: 4000,
                                   "aria-describedby": "helpful-text-hint" });
  const submit = h("button", { type: "submit" }, "Absenden");
  const details = h("form", { class: "helpful__more", novalidate: true,
                              onsubmit: async (e) => {
                                e.preventDefault();
                                const message = textarea.value.trim();
                                if (!message) {
                                  error.textContent = "Bitte schreiben Sie zuerst Ihre Nachricht.";
                                  error.hidden = false;
                                  textarea.focus();
                                  return;
                                }
                                if (!(await send(submit, `/api/v1/feedback/${encodeURIComponent(ticket)}/text`,
                                                 { text: message }, 200)))
                                  return;
                                details.remove();
                                status.textContent = "Danke! Ihre Nachricht ist angekommen.";
                              } },
    label,
    h("p", { id: "helpful-text-hint", class: "hint" }, "Bitte keine persönlichen Daten. Für eine Antwort nutzen Sie das ",
      h("a", { href: `/feedback/?service=${encodeURIComponent(service.id)}` }, "Rückmeldeformular"), "."),
    textarea, h("p", null, submit));

  box.append(h("h2", { id: "h-helpful" }, "War das hilfreich?"), buttons, status, error, more);
  return box;
}

/* ------------------------------------------------------------------ */
/* Start                                                              */
/* ------------------------------------------------------------------ */

let lastListHash = null;

addRoute(/^\/$/, renderServiceList);
addRoute(/^\/service\/([^/]+)$/, renderServiceDetail);

window.addEventListener("hashchange", () => {
  const { path } = parseHash();
  if (path === "/")
    lastListHash = null;
  route();
});
// Remember the list (with its search) when leaving it for a detail page.
document.addEventListener("click", (e) => {
  const a = e.target instanceof Element ? e.target.closest("a[href^='#/service/']") : null;
  if (a)
    lastListHash = window.location.hash || "#/";
});

updateOfflineNotice();
route({ focus: false });

if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((err) => {
      console.warn("service worker not registered:", err);
    });
  });
}

// For later features and for tests.
window.Stadtpult = { addRoute, h, safeUrl, normalize };
