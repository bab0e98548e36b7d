/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Shared by the citizen pages (service catalogue, feedback, surveys,
 * challenges): DOM building, JSON calls with readable German/English error
 * texts, form field errors with an error summary, character counters and
 * date formatting.
 *
 * Safety rule: text from the server or from citizens is only ever put into
 * the page as text (text nodes via h(), textContent); never through
 * innerHTML. Links from the data are accepted only with http(s) schemes.
 * Nothing is stored in the browser: no cookies, no web storage.
 */

/**
 * Creates an element. @attrs values are set as attributes (or as
 * listeners for "on*" functions); children may be strings (added as text
 * nodes), nodes, arrays or null.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false)
      continue;
    if (key.startsWith("on") && typeof value === "function")
      el.addEventListener(key.slice(2), value);
    else if (value === true)
      el.setAttribute(key, "");
    else
      el.setAttribute(key, String(value));
  }
  appendChildren(el, children);
  return el;
}

function appendChildren(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false)
      continue;
    if (Array.isArray(child))
      appendChildren(el, child);
    else if (child instanceof Node)
      el.appendChild(child);
    else
      el.appendChild(document.createTextNode(String(child)));
  }
}

/** Only http(s) links from data; anything else (javascript:, data:) is dropped. */
export function safeUrl(value) {
  if (typeof value !== "string" || value.trim() === "")
    return null;
  try {
    const url = new URL(value.trim(), window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A trimmed string, or "" for anything that is not a string. */
export function text(value) {
  return typeof value === "string" ? value.trim() : "";
}

/* ------------------------------------------------------------------ */
/* JSON calls                                                         */
/* ------------------------------------------------------------------ */

/**
 * Calls a JSON endpoint of this server. Never throws: resolves with
 * { status, json, retryAfter } where status 0 means no connection.
 */
export async function callApi(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined)
    headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "omit", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { status: 0, json: null, retryAfter: 0 };
  }
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  const retry = Number.parseInt(response.headers.get("Retry-After") || "", 10);
  return { status: response.status, json, retryAfter: Number.isFinite(retry) && retry > 0 ? retry : 0 };
}

const PROBLEMS = {
  de: {
    offline: "Keine Verbindung zum Server. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.",
    rateLimited: (s) => s === 1
      ? "Es wurden gerade sehr viele Anfragen gesendet. Bitte versuchen Sie es in 1 Sekunde erneut."
      : `Es wurden gerade sehr viele Anfragen gesendet. Bitte versuchen Sie es in ${s} Sekunden erneut.`,
    rateLimitedSoon: "Es wurden gerade sehr viele Anfragen gesendet. Bitte versuchen Sie es in einer Minute erneut.",
    server: "Der Server kann die Anfrage gerade nicht bearbeiten. Bitte versuchen Sie es später erneut.",
    generic: "Die Angaben konnten nicht gesendet werden.",
  },
  en: {
    offline: "No connection to the server. Please check your internet connection and try again.",
    rateLimited: (s) => s === 1
      ? "Too many requests were sent just now. Please try again in 1 second."
      : `Too many requests were sent just now. Please try again in ${s} seconds.`,
    rateLimitedSoon: "Too many requests were sent just now. Please try again in a minute.",
    server: "The server cannot process the request right now. Please try again later.",
    generic: "Your answers could not be sent.",
  },
};

/** A sentence for a failed call: offline, 429 with its wait, or the server's message. */
export function problemText(result, lang = "de") {
  const t = PROBLEMS[lang] || PROBLEMS.de;
  if (result.status === 0)
    return t.offline;
  if (result.status === 429)
    return result.retryAfter ? t.rateLimited(result.retryAfter) : t.rateLimitedSoon;
  if (result.status >= 500)
    return t.server;
  const message = result.json && typeof result.json.message === "string" ? result.json.message.trim() : "";
  return message || t.generic;
}

/* ------------------------------------------------------------------ */
/* Forms                                                              */
/* ------------------------------------------------------------------ */

/**
 * Shows @message below the field (or group) @target and marks @input
 * (default: @target) invalid; an empty message clears it. The message
 * element is found by id `${target.id}-error` and linked by
 * aria-describedby, so screen readers read it with the field.
 */
export function setFieldError(target, message, input = target) {
  const id = `${target.id}-error`;
  let el = document.getElementById(id);
  const inputs = input instanceof Element ? [input] : Array.from(input);
  if (!message) {
    if (el)
      el.remove();
    for (const i of inputs) {
      i.removeAttribute("aria-invalid");
      removeToken(i, "aria-describedby", id);
    }
    target.classList.remove("field--invalid");
    return;
  }
  if (!el) {
    el = h("p", { id, class: "field-error" });
    const anchor = target.querySelector(":scope > legend, :scope > label") || null;
    if (anchor && target.tagName !== "LABEL")
      anchor.after(el);
    else
      target.prepend(el);
  }
  el.textContent = message;
  target.classList.add("field--invalid");
  for (const i of inputs) {
    i.setAttribute("aria-invalid", "true");
    addToken(i, "aria-describedby", id);
  }
}

function addToken(el, attr, token) {
  const list = (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
  if (!list.includes(token)) {
    list.unshift(token);
    el.setAttribute(attr, list.join(" "));
  }
}

function removeToken(el, attr, token) {
  const list = (el.getAttribute(attr) || "").split(/\s+/).filter((t) => t && t !== token);
  if (list.length)
    el.setAttribute(attr, list.join(" "));
  else
    el.removeAttribute(attr);
}

/**
 * Fills the error summary box @box with a heading and one link per
 * problem ({ message, target }: the link moves the focus to the target
 * field), shows it and moves the focus there. No problems: hides it.
 */
export function showErrorSummary(box, heading, problems) {
  box.replaceChildren();
  if (!problems.length) {
    box.hidden = true;
    return;
  }
  const items = problems.map(({ message, target }) => h("li", null,
    target
      ? h("a", { href: `#${target.id}`, onclick: (e) => { e.preventDefault(); focusField(target); } }, message)
      : message));
  box.append(h("h2", { tabindex: "-1" }, heading), h("ul", null, items));
  box.hidden = false;
  box.querySelector("h2").focus();
}

const CHECK_HEADING = ["Bitte prüfen Sie Ihre Angabe", "Bitte prüfen Sie Ihre Angaben"];

/**
 * Reports @problems ({ message, target?, controls?, short? }): each one
 * with a target gets its message (or the shorter @short) below that field
 * and marks @controls (default: the target) invalid; the summary @box
 * lists them all under @heading (a string, or [one, many] chosen by the
 * number of problems) and takes the focus.
 */
export function reportProblems(box, problems, heading = CHECK_HEADING) {
  for (const p of problems)
    if (p.target)
      setFieldError(p.target, p.short || p.message, p.controls || p.target);
  showErrorSummary(box, typeof heading === "string" ? heading : heading[problems.length === 1 ? 0 : 1],
                   problems.map(({ message, target }) => ({ message, target })));
}

/** Focuses a field, or the first control of a group (fieldset). */
export function focusField(target) {
  const control = target.matches("input, select, textarea, button")
    ? target
    : target.querySelector("input:checked, input:not([type=hidden]), select, textarea, button");
  (control || target).focus();
  (control || target).scrollIntoView({ block: "center" });
}

/**
 * A counter "12 von 4000 Zeichen" below @textarea (which has maxlength).
 * The visible number follows every key; screen readers hear the count
 * only when typing pauses, and only when few characters are left.
 */
export function characterCounter(textarea, max, lang = "de") {
  const visible = h("span", { "aria-hidden": "true" });
  const live = h("span", { class: "visually-hidden", "aria-live": "polite" });
  const out = h("p", { id: `${textarea.id}-count`, class: "counter" },
    h("span", { class: "visually-hidden" }, lang === "en" ? `At most ${max} characters. ` : `Höchstens ${max} Zeichen. `),
    visible, live);
  const format = (n) => lang === "en" ? `${n} of ${max} characters` : `${n} von ${max} Zeichen`;
  let timer = 0;
  const update = () => {
    const n = textarea.value.length;
    visible.textContent = format(n);
    out.classList.toggle("counter--near", n > max * 0.9);
    clearTimeout(timer);
    timer = setTimeout(() => {
      live.textContent = n > max * 0.9
        ? (lang === "en" ? `${max - n} characters left` : `Noch ${max - n} Zeichen`)
        : "";
    }, 700);
  };
  textarea.addEventListener("input", update);
  addToken(textarea, "aria-describedby", out.id);
  visible.textContent = format(textarea.value.length);
  return out;
}

/* ------------------------------------------------------------------ */
/* Dates                                                              */
/* ------------------------------------------------------------------ */

/** Today in the city's time zone as YYYY-MM-DD. */
export function today() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(new Date());
}

/** "2026-03-12" -> "12. März 2026" (en: "12 March 2026"); other strings unchanged. */
export function formatDay(day, lang = "de") {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text(day));
  if (!m)
    return text(day);
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "de-DE",
                                 { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(date);
}

/** An ISO time "2026-03-12T09:30:00Z" as local date and time in the city. */
export function formatTime(iso, lang = "de") {
  const date = new Date(text(iso));
  if (Number.isNaN(date.getTime()))
    return text(iso);
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "de-DE",
                                 { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Berlin" }).format(date);
}

/** Sets the page title "Title – Site". */
export function setTitle(title, site) {
  document.title = title ? `${title} – ${site}` : site;
}

/* ------------------------------------------------------------------ */
/* Site frame of the participation pages                              */
/* ------------------------------------------------------------------ */

const NAV = [
  ["/", "Leistungen A–Z"],
  ["/feedback/", "Rückmeldung"],
  ["/surveys/", "Umfragen"],
  ["/challenges/", "Challenges"],
];

/**
 * Adds the skip link, the header with the main navigation (@current: the
 * path of the section, marked aria-current) and the footer with the
 * privacy line @privacy around <main>.
 */
export function siteFrame(current, privacy) {
  const skip = h("a", { class: "skip-link", href: "#main" }, "Zum Inhalt springen");
  const header = h("header", { class: "site-header" },
    h("div", { class: "wrap site-header__inner" },
      h("a", { class: "brand", href: "/" },
        h("img", { class: "brand__logo", src: "/icon.svg", alt: "", width: 40, height: 40 }),
        h("span", { class: "brand__text" },
          h("span", { class: "brand__name" }, "Bürgerservice"),
          h("span", { class: "brand__sub" }, "Leistungen der Stadtverwaltung"))),
      h("nav", { class: "site-nav", "aria-label": "Hauptnavigation" },
        h("ul", null, NAV.map(([href, label]) => h("li", null,
          h("a", { href, "aria-current": href === current ? (window.location.pathname === current ? "page" : "true") : null }, label)))))));
  const footer = h("footer", { class: "site-footer" },
    h("div", { class: "wrap" },
      h("p", null, "Ein Angebot Ihrer Stadtverwaltung, betrieben mit der freien Software Stadtpult (Lizenz EUPL-1.2)."),
      h("p", null, `Diese Seite setzt keine Cookies und verwendet keine Tracker. ${privacy}`)));
  document.body.prepend(skip, header);
  document.body.append(footer);
}
