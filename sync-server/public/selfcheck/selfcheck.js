/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Stadtpult staff self-check of digital competences (/selfcheck/).
 *
 * Views: sign-in -> start (catalogue, org unit, year; resume) -> one step
 * per competence -> result (levels per competence and area, recommended
 * training, anonymous submission).
 *
 * Privacy: the sign-in token lives in sessionStorage only. Answers and
 * results stay in localStorage on this device; the only thing ever sent is
 * the anonymous submission (catalogue, version, org unit, year, levels),
 * and only when the person presses "Anonym übermitteln".
 *
 * Safety rule: server data reaches the page only as text (text nodes via
 * h()), never through innerHTML; links from data only with http(s).
 */

import { scoreCatalogue, levelsJson, recommend, isAnswered } from "./score.js";
import { h, safeUrl } from "/common.js";

const SITE_TITLE = "Selbstcheck digitale Kompetenzen";
const SESSION_KEY = "stadtpult.selfcheck.session";
const RUN_PREFIX = "stadtpult.selfcheck.run.";
const HISTORY_PREFIX = "stadtpult.selfcheck.history.";
const ORG_PREFIX = "stadtpult.selfcheck.org.";
const ORG_UNIT_MAX = 120;
const DEFAULT_LEVELS = ["Grundlagen fehlen", "Grundkenntnisse", "selbstständige Anwendung",
                        "sicher und vertieft", "kann andere anleiten"];
const KIND_LABELS = { literature: "Literatur", course: "Kurs", tutorial: "Anleitung", elearning: "E-Learning" };
const QUESTION_HINTS = {
  self: "Wie gut trifft diese Aussage auf Sie zu?",
  single: "Eine Antwort ist richtig.",
  multiple: "Wählen Sie alle zutreffenden Antworten.",
};

function str(value) {
  return typeof value === "string" ? value.trim() : "";
}

function germanDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(str(iso));
  return m ? `${m[3]}.${m[2]}.${m[1]}` : "";
}

function levelText(level) {
  return level.toLocaleString("de-DE", { minimumFractionDigits: 0, maximumFractionDigits: 1 });
}

/** Replaces <main> with @nodes, sets the title and moves focus to the new heading. */
function show(title, nodes, { focus = true } = {}) {
  const main = document.getElementById("main");
  main.replaceChildren(...nodes.flat().filter(Boolean));
  document.title = title ? `${title} – ${SITE_TITLE}` : SITE_TITLE;
  if (focus) {
    const h1 = main.querySelector("h1");
    if (h1) {
      h1.setAttribute("tabindex", "-1");
      h1.focus();
    }
    window.scrollTo(0, 0);
  }
}

function statusBox(id, { alert = false } = {}) {
  return h("div", { id, class: "status", role: alert ? "alert" : "status", "aria-live": alert ? "assertive" : "polite" });
}

function setStatus(el, text, kind = "info") {
  if (!el)
    return;
  el.replaceChildren();
  el.className = `status${text ? ` notice notice--${kind}` : ""}`;
  if (text)
    el.append(h("p", null, text));
}

/* ------------------------------------------------------------------ */
/* Storage                                                            */
/* ------------------------------------------------------------------ */

function readJson(storage, key) {
  try {
    const raw = storage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function writeJson(storage, key, value) {
  try {
    if (value === null)
      storage.removeItem(key);
    else
      storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

const state = {
  session: null,      /* {token, user, roles} */
  catalogues: null,   /* summaries */
  catalogue: null,    /* the full catalogue of the run */
  training: null,     /* training items or null when not loaded */
  run: null,
  steps: [],          /* [{area, comp}] in catalogue order */
};

function userKey() {
  return encodeURIComponent(state.session?.user || "");
}

function loadRun() {
  const run = readJson(localStorage, RUN_PREFIX + userKey());
  if (!run || typeof run !== "object" || typeof run.catalogue !== "string" || !Number.isInteger(run.version))
    return null;
  run.answers = run.answers && typeof run.answers === "object" ? run.answers : {};
  run.finished = Array.isArray(run.finished) ? run.finished : [];
  run.step = Number.isInteger(run.step) ? run.step : 0;
  return run;
}

function saveRun() {
  writeJson(localStorage, RUN_PREFIX + userKey(), state.run);
}

function dropRun() {
  state.run = null;
  writeJson(localStorage, RUN_PREFIX + userKey(), null);
}

function loadHistory() {
  const history = readJson(localStorage, HISTORY_PREFIX + userKey());
  return history && typeof history === "object" ? history : {};
}

function saveHistoryEntry(score) {
  const history = loadHistory();
  history[`${state.run.catalogue}:${state.run.year}`] = {
    catalogue: state.run.catalogue, version: state.run.version, year: state.run.year,
    levels: levelsJson(score),
    areas: Object.fromEntries(score.areas.filter((a) => a.level > 0).map((a) => [a.code, a.level])),
  };
  writeJson(localStorage, HISTORY_PREFIX + userKey(), history);
}

/* ------------------------------------------------------------------ */
/* Server                                                             */
/* ------------------------------------------------------------------ */

class ApiError extends Error {
  constructor(status, slug, message) {
    super(message);
    this.status = status;
    this.slug = slug;
  }
}

async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (state.session?.token)
    headers.Authorization = `Bearer ${state.session.token}`;
  if (body !== undefined)
    headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  } catch {
    throw new ApiError(0, "offline", "Der Server ist nicht erreichbar. Bitte prüfen Sie die Verbindung und versuchen Sie es erneut.");
  }
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) {
    if (response.status === 401 && state.session && path !== "/api/v1/login") {
      signOut();
      showLogin("Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an. Ihre Antworten sind auf diesem Gerät gespeichert.");
    }
    throw new ApiError(response.status, json?.error || "", str(json?.message) || `Der Server antwortete mit Fehler ${response.status}.`);
  }
  return json;
}

function describeError(err, what) {
  if (err instanceof ApiError && err.status === 404)
    return `${what}: Diese Funktion ist auf dem Server nicht verfügbar.`;
  if (err instanceof ApiError && err.status === 403)
    return `${what}: Ihr Konto hat dafür keine Berechtigung.`;
  return `${what}: ${err.message}`;
}

/* ------------------------------------------------------------------ */
/* Session                                                            */
/* ------------------------------------------------------------------ */

function updateAccount() {
  const account = document.getElementById("account");
  const name = document.getElementById("account-name");
  account.hidden = !state.session;
  name.textContent = state.session ? `Angemeldet als ${state.session.user}` : "";
}

function signOut() {
  state.session = null;
  state.catalogues = null;
  state.catalogue = null;
  state.training = null;
  state.run = null;
  writeJson(sessionStorage, SESSION_KEY, null);
  updateAccount();
}

function showLogin(message = "", { focus = true } = {}) {
  const error = statusBox("login-status", { alert: true });
  const user = h("input", { id: "login-user", name: "user", type: "text", autocomplete: "username",
                            autocapitalize: "none", spellcheck: "false", required: true });
  const password = h("input", { id: "login-password", name: "password", type: "password",
                                autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", id: "login-submit" }, "Anmelden");
  const form = h("form", { class: "card form", id: "login-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "login-user" }, "Benutzername"), user),
    h("div", { class: "field" }, h("label", { for: "login-password" }, "Passwort"), password),
    error,
    h("div", { class: "actions" }, submit));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!user.value.trim() || !password.value) {
      setStatus(error, "Bitte geben Sie Benutzername und Passwort ein.", "error");
      (user.value.trim() ? password : user).focus();
      return;
    }
    submit.disabled = true;
    setStatus(error, "");
    try {
      const answer = await api("/api/v1/login", { method: "POST", body: { user: user.value.trim(), password: password.value } });
      if (!answer || typeof answer.token !== "string")
        throw new ApiError(500, "", "Unerwartete Antwort des Servers.");
      state.session = { token: answer.token, user: str(answer.user) || user.value.trim(),
                        roles: Array.isArray(answer.roles) ? answer.roles : [] };
      writeJson(sessionStorage, SESSION_KEY, state.session);
      updateAccount();
      await showStart();
    } catch (err) {
      const text = err.status === 401 || err.status === 400
        ? "Benutzername oder Passwort ist falsch."
        : err.status === 429
          ? "Zu viele Anmeldeversuche. Bitte warten Sie einen Moment."
          : err.message;
      setStatus(error, text, "error");
      submit.disabled = false;
      password.focus();
    }
  });

  show("Anmelden", [
    h("h1", null, "Anmelden"),
    h("p", { class: "lead" }, "Der Selbstcheck zeigt Ihnen, wo Ihre digitalen Kompetenzen stehen und welche Fortbildungen passen. Melden Sie sich mit Ihrem Stadtpult-Konto an."),
    message ? h("p", { class: "notice", role: "status" }, message) : null,
    form,
    privacyNote(),
  ], { focus });
}

function privacyNote() {
  return h("section", { class: "privacy", "aria-labelledby": "privacy-title" },
    h("h2", { id: "privacy-title" }, "Was mit Ihren Angaben geschieht"),
    h("ul", null,
      h("li", null, "Ihre Antworten werden nur in diesem Browser ausgewertet und nur auf diesem Gerät gespeichert."),
      h("li", null, "Die Anmeldung gilt nur, solange dieses Browserfenster geöffnet ist."),
      h("li", null, "Am Ende können Sie Ihr Ergebnis freiwillig anonym übermitteln: nur die Stufen je Kompetenz, ohne Namen und ohne Ihre Antworten.")));
}

/* ------------------------------------------------------------------ */
/* Start                                                              */
/* ------------------------------------------------------------------ */

async function loadCatalogues() {
  const list = await api("/api/v1/competence/catalogues");
  if (!Array.isArray(list))
    throw new ApiError(500, "", "Unerwartete Antwort des Servers.");
  state.catalogues = list.filter((c) => c && typeof c.id === "string" && Number.isInteger(c.version));
  return state.catalogues;
}

async function loadCatalogue(id, version) {
  const cat = await api(`/api/v1/competence/catalogues/${encodeURIComponent(id)}?version=${encodeURIComponent(version)}`);
  if (!cat || !Array.isArray(cat.areas))
    throw new ApiError(500, "", "Der Katalog hat ein unerwartetes Format.");
  state.catalogue = cat;
  state.steps = [];
  for (const area of cat.areas)
    for (const comp of area.competences || [])
      state.steps.push({ area, comp });
  return cat;
}

async function showStart(message = "", { focus = true } = {}) {
  const main = document.getElementById("main");
  main.setAttribute("aria-busy", "true");
  let list;
  try {
    list = state.catalogues || await loadCatalogues();
  } catch (err) {
    main.removeAttribute("aria-busy");
    if (!state.session)
      return;   /* signed out by a 401: the login is shown */
    show("Fehler", [
      h("h1", null, "Selbstcheck nicht verfügbar"),
      h("p", { class: "notice notice--error" }, describeError(err, "Die Kataloge konnten nicht geladen werden")),
      h("p", null, h("button", { type: "button", onclick: () => showStart() }, "Erneut versuchen")),
    ]);
    return;
  }
  main.removeAttribute("aria-busy");
  state.run = loadRun();

  const nodes = [
    h("h1", null, "Selbstcheck digitale Kompetenzen"),
    h("p", { class: "lead" }, "Schätzen Sie Ihre digitalen Kompetenzen ein und beantworten Sie kurze Wissensfragen – eine Kompetenz pro Schritt. Sie können jederzeit unterbrechen und später auf diesem Gerät weitermachen."),
    message ? h("p", { class: "notice", role: "status", id: "start-message" }, message) : null,
  ];

  if (state.run)
    nodes.push(resumeBox(list));

  if (list.length === 0) {
    nodes.push(h("p", { class: "notice" }, "Es ist noch kein Katalog veröffentlicht."));
  } else {
    nodes.push(startForm(list));
  }
  nodes.push(privacyNote());
  show("Start", nodes, { focus });
}

function resumeBox(list) {
  const run = state.run;
  const summary = list.find((c) => c.id === run.catalogue);
  const total = summary && summary.version === run.version && Array.isArray(summary.competences)
    ? summary.competences.length : null;
  const done = run.finished.length;
  const resume = async () => {
    try {
      await loadCatalogue(run.catalogue, run.version);
    } catch (err) {
      setStatus(document.getElementById("resume-status"), describeError(err, "Der Katalog konnte nicht geladen werden"), "error");
      return;
    }
    if (run.completed)
      showResult();
    else
      showStep(Math.min(run.step, state.steps.length - 1));
  };
  return h("section", { class: "card resume", "aria-labelledby": "resume-title" },
    h("h2", { id: "resume-title" }, run.completed ? "Ihr letzter Selbstcheck" : "Begonnenen Selbstcheck fortsetzen"),
    h("p", null,
      `${str(run.title) || run.catalogue} (Version ${run.version}) · ${run.org_unit} · ${run.year}`,
      h("br"),
      run.completed
        ? "Abgeschlossen" + (run.submitted ? " und anonym übermittelt." : ", noch nicht übermittelt.")
        : `${done} ${total ? `von ${total} ` : ""}Kompetenzen bearbeitet.`),
    statusBox("resume-status", { alert: true }),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "resume", onclick: resume }, run.completed ? "Ergebnis ansehen" : "Fortsetzen"),
      h("button", { type: "button", class: "button--secondary", id: "discard",
                    onclick: () => { dropRun(); showStart("Die gespeicherten Antworten wurden auf diesem Gerät gelöscht."); } },
        "Antworten auf diesem Gerät löschen")));
}

function startForm(list) {
  const error = statusBox("start-status", { alert: true });
  const year = new Date().getFullYear();
  const lastOrg = readJson(localStorage, ORG_PREFIX + userKey());
  const radios = list.map((c, i) => {
    const id = `cat-${i}`;
    const n = Array.isArray(c.competences) ? c.competences.length : 0;
    return h("div", { class: "choice" },
      h("input", { type: "radio", name: "catalogue", id, value: c.id, checked: i === 0 }),
      h("label", { for: id }, str(c.title) || c.id, h("span", { class: "choice__meta" }, ` Version ${c.version} · ${n} Kompetenzen`)));
  });
  const org = h("input", { id: "org-unit", name: "org_unit", type: "text", required: true, maxlength: ORG_UNIT_MAX,
                           autocomplete: "organization", "aria-describedby": "org-unit-hint",
                           value: typeof lastOrg === "string" ? lastOrg : "" });
  const yearInput = h("input", { id: "year", name: "year", type: "number", inputmode: "numeric", required: true,
                                 min: 2000, max: year + 1, value: year, "aria-describedby": "year-hint" });
  const form = h("form", { class: "card form", id: "start-form", novalidate: true, "aria-labelledby": "start-title" },
    h("h2", { id: "start-title" }, "Neuen Selbstcheck beginnen"),
    h("fieldset", null, h("legend", null, "Katalog"), radios),
    h("div", { class: "field" },
      h("label", { for: "org-unit" }, "Organisationseinheit"),
      h("p", { class: "hint", id: "org-unit-hint" }, "So, wie sie im Organigramm heißt, z. B. „Fachdienst Bürgerservice“. Sie wird nur bei einer anonymen Übermittlung gesendet."),
      org),
    h("div", { class: "field field--short" },
      h("label", { for: "year" }, "Jahr"),
      h("p", { class: "hint", id: "year-hint" }, "Für den Vergleich mit früheren Jahren."),
      yearInput),
    error,
    state.run ? h("p", { class: "hint" }, "Ein begonnener Selbstcheck auf diesem Gerät wird dabei ersetzt.") : null,
    h("div", { class: "actions" }, h("button", { type: "submit", id: "start" }, "Selbstcheck beginnen")));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const el of [org, yearInput])
      el.removeAttribute("aria-invalid");
    const orgUnit = org.value.trim().replace(/\s+/g, " ");
    const y = Number(yearInput.value);
    if (!orgUnit) {
      org.setAttribute("aria-invalid", "true");
      setStatus(error, "Bitte geben Sie Ihre Organisationseinheit an.", "error");
      org.focus();
      return;
    }
    if (!Number.isInteger(y) || y < 2000 || y > year + 1) {
      yearInput.setAttribute("aria-invalid", "true");
      setStatus(error, `Bitte geben Sie ein Jahr zwischen 2000 und ${year + 1} an.`, "error");
      yearInput.focus();
      return;
    }
    const checked = form.querySelector("input[name=catalogue]:checked");
    const summary = list.find((c) => checked && c.id === checked.value) || list[0];
    try {
      await loadCatalogue(summary.id, summary.version);
    } catch (err) {
      setStatus(error, describeError(err, "Der Katalog konnte nicht geladen werden"), "error");
      return;
    }
    writeJson(localStorage, ORG_PREFIX + userKey(), orgUnit);
    state.run = {
      catalogue: summary.id, version: summary.version, title: str(state.catalogue.title) || str(summary.title),
      org_unit: orgUnit, year: y, started: new Date().toISOString().slice(0, 10),
      answers: {}, finished: [], step: 0, completed: false, submitted: false,
    };
    saveRun();
    showStep(0);
  });
  return form;
}

/* ------------------------------------------------------------------ */
/* Steps                                                              */
/* ------------------------------------------------------------------ */

function answeredCount(comp) {
  return (comp.questions || []).filter((q) => isAnswered(q, state.run.answers)).length;
}

function questionFieldset(q, n, total) {
  const hintId = `hint-${q.id}`;
  const type = q.kind === "multiple" ? "checkbox" : "radio";
  const chosen = new Set(isAnswered(q, state.run.answers) ? state.run.answers[q.id] : []);
  const options = (q.options || []).map((o) => {
    const id = `in-${q.id}-${o.id}`;
    return h("li", { class: "option" },
      h("input", { type, id, name: q.id, value: o.id, checked: chosen.has(o.id) }),
      h("label", { for: id }, str(o.label)));
  });
  const fieldset = h("fieldset", { class: `question question--${q.kind}`, "aria-describedby": hintId, "data-question": q.id },
    h("legend", null, h("span", { class: "question__number" }, `Frage ${n} von ${total}: `), str(q.text)),
    h("p", { class: "hint", id: hintId }, QUESTION_HINTS[q.kind] || ""),
    h("ul", { class: `options${q.kind === "self" ? " options--scale" : ""}` }, options));
  fieldset.addEventListener("change", () => {
    const ids = [...fieldset.querySelectorAll("input:checked")].map((el) => el.value);
    if (ids.length > 0)
      state.run.answers[q.id] = ids;
    else
      delete state.run.answers[q.id];
    saveRun();
    fieldset.dispatchEvent(new CustomEvent("answered", { bubbles: true }));
  });
  return fieldset;
}

function showStep(index) {
  const total = state.steps.length;
  if (total === 0) {
    showStart("Dieser Katalog enthält keine Kompetenzen.");
    return;
  }
  index = Math.max(0, Math.min(index, total - 1));
  const { area, comp } = state.steps[index];
  const run = state.run;
  run.step = index;
  saveRun();

  const questions = comp.questions || [];
  const count = h("p", { class: "answered-count", id: "answered-count", "aria-live": "polite" });
  const updateCount = () => {
    const n = answeredCount(comp);
    count.textContent = n === questions.length
      ? "Alle Fragen dieses Schritts sind beantwortet."
      : `${n} von ${questions.length} Fragen beantwortet. Offene Fragen zählen bei der Auswertung mit 0 Punkten.`;
  };
  updateCount();

  const finish = (next) => {
    if (!run.finished.includes(comp.code))
      run.finished.push(comp.code);
    saveRun();
    next();
  };
  const isLast = index === total - 1;

  const form = h("form", { class: "step", id: "step-form", novalidate: true },
    questions.map((q, i) => questionFieldset(q, i + 1, questions.length)),
    count,
    h("div", { class: "actions actions--step" },
      h("button", { type: "submit", id: "next" }, isLast ? "Auswerten" : "Weiter"),
      index > 0
        ? h("button", { type: "button", class: "button--secondary", id: "back", onclick: () => showStep(index - 1) }, "Zurück")
        : h("button", { type: "button", class: "button--secondary", id: "back", onclick: () => showStart() }, "Zurück zum Start"),
      h("button", { type: "button", class: "button--link", id: "later",
                    onclick: () => { saveRun(); showStart("Ihre Antworten sind auf diesem Gerät gespeichert. Sie können den Selbstcheck später hier fortsetzen."); } },
        "Später fortsetzen")));
  form.addEventListener("answered", updateCount);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    finish(() => {
      if (isLast) {
        run.completed = true;
        saveRun();
        showResult();
      } else {
        showStep(index + 1);
      }
    });
  });

  const progressLabel = `Kompetenz ${index + 1} von ${total}`;
  show(`${comp.code} ${str(comp.title)}`, [
    h("div", { class: "progress" },
      h("label", { for: "progress", id: "progress-label" }, `Fortschritt: ${progressLabel}`),
      h("progress", { id: "progress", max: total, value: index, "aria-valuetext": progressLabel })),
    h("p", { class: "eyebrow" }, `Bereich ${area.code} von ${state.catalogue.areas.length}: ${str(area.title)}`),
    h("h1", { class: "step__title" }, h("span", { class: "code" }, comp.code), " ", str(comp.title)),
    h("p", { class: "lead" }, str(comp.description)),
    form,
    overview(index),
  ]);
}

function overview(current) {
  const items = state.steps.map(({ comp }, i) => {
    const done = state.run.finished.includes(comp.code);
    return h("li", null,
      h("button", { type: "button", class: "button--link", "aria-current": i === current ? "step" : null,
                    onclick: () => showStep(i) },
        `${comp.code} ${str(comp.title)}`,
        h("span", { class: "visually-hidden" }, done ? " (bearbeitet)" : " (offen)")),
      done ? h("span", { class: "done", "aria-hidden": "true" }, " ✓") : null);
  });
  return h("details", { class: "overview" },
    h("summary", null, "Alle Kompetenzen im Überblick"),
    h("ol", null, items));
}

/* ------------------------------------------------------------------ */
/* Result                                                             */
/* ------------------------------------------------------------------ */

function levelLabel(level) {
  const labels = Array.isArray(state.catalogue?.levels) && state.catalogue.levels.length === 5 ? state.catalogue.levels : DEFAULT_LEVELS;
  return str(labels[level - 1]) || DEFAULT_LEVELS[level - 1] || "";
}

function chart(score) {
  const rows = [];
  for (const area of score.areas) {
    rows.push(chartRow(`Bereich ${area.code}:`, str(area.title), area.level, true));
    for (const c of score.competences.filter((x) => x.area_code === area.code))
      rows.push(chartRow(c.code, str(c.title), c.level, false));
  }
  return h("figure", { class: "chart", "aria-labelledby": "chart-caption" },
    h("figcaption", { id: "chart-caption" }, "Stufen je Bereich und Kompetenz (1 bis 5). Dieselben Werte stehen in der Tabelle darunter."),
    h("div", { class: "chart__scale", "aria-hidden": "true" },
      h("span", null), h("span", { class: "chart__ticks" }, [1, 2, 3, 4, 5].map((n) => h("span", null, String(n))))),
    h("div", { class: "chart__rows", "aria-hidden": "true" }, rows));
}

function chartRow(code, title, level, isArea) {
  const fill = h("span", { class: "chart__fill" });
  fill.style.width = `${Math.max(0, Math.min(5, level)) * 20}%`;
  return h("div", { class: `chart__row${isArea ? " chart__row--area" : ""}` },
    h("span", { class: "chart__label" }, h("span", { class: "code" }, code), " ", title),
    h("span", { class: "chart__track" }, fill),
    h("span", { class: "chart__value" }, level > 0 ? levelText(level) : "–"));
}

function resultTable(score) {
  const body = [];
  for (const area of score.areas) {
    body.push(h("tr", { class: "row--area" },
      h("th", { scope: "row" }, `Bereich ${area.code}: ${str(area.title)}`),
      h("td", null, area.level > 0 ? levelText(area.level) : "–"),
      h("td", null, area.level > 0 ? "Mittelwert des Bereichs" : "")));
    for (const c of score.competences.filter((x) => x.area_code === area.code)) {
      body.push(h("tr", { "data-code": c.code },
        h("th", { scope: "row" }, `${c.code} ${str(c.title)}`),
        h("td", null, c.level > 0 ? String(c.level) : "–"),
        h("td", null, c.level > 0 ? levelLabel(c.level) : "nicht bearbeitet")));
    }
  }
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "table-caption" },
    h("table", { class: "results", id: "result-table" },
      h("caption", { id: "table-caption" }, "Ergebnis als Tabelle"),
      h("thead", null, h("tr", null,
        h("th", { scope: "col" }, "Bereich / Kompetenz"),
        h("th", { scope: "col" }, "Stufe"),
        h("th", { scope: "col" }, "Bedeutung"))),
      h("tbody", null, body)));
}

function historyTable(score) {
  const history = loadHistory();
  const others = Object.values(history)
    .filter((e) => e && e.catalogue === state.run.catalogue && e.year !== state.run.year && e.areas)
    .sort((a, b) => b.year - a.year);
  if (others.length === 0)
    return null;
  const prev = others[0];
  const rows = score.areas.map((a) => {
    const before = prev.areas[a.code];
    const diff = Number.isFinite(before) && a.level > 0 ? Math.round((a.level - before) * 10) / 10 : null;
    return h("tr", null,
      h("th", { scope: "row" }, `Bereich ${a.code}: ${str(a.title)}`),
      h("td", null, Number.isFinite(before) ? levelText(before) : "–"),
      h("td", null, a.level > 0 ? levelText(a.level) : "–"),
      h("td", null, diff === null ? "–" : diff > 0 ? `+${levelText(diff)}` : diff < 0 ? `−${levelText(-diff)}` : "±0"));
  });
  return h("section", { "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, `Vergleich mit ${prev.year}`),
    h("p", null, "Frühere Ergebnisse sind nur auf diesem Gerät gespeichert."),
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "history-caption" },
      h("table", { class: "results" },
        h("caption", { id: "history-caption" }, `Mittlere Stufe je Bereich: ${prev.year} und ${state.run.year}`),
        h("thead", null, h("tr", null,
          h("th", { scope: "col" }, "Bereich"), h("th", { scope: "col" }, String(prev.year)),
          h("th", { scope: "col" }, String(state.run.year)), h("th", { scope: "col" }, "Veränderung"))),
        h("tbody", null, rows))));
}

async function loadTraining() {
  if (state.training)
    return state.training;
  const data = await api("/api/v1/training");
  const list = Array.isArray(data) ? data : Array.isArray(data?.items) ? data.items : [];
  state.training = list.filter((t) => t && typeof t.id === "string");
  return state.training;
}

function trainingEntry(rec) {
  const t = rec.training;
  const url = safeUrl(t.url);
  const title = str(t.title) || rec.training_id;
  const dates = [germanDate(t.starts), germanDate(t.ends)].filter(Boolean);
  const when = dates.length === 2 && dates[0] !== dates[1] ? `${dates[0]} – ${dates[1]}` : dates[0] || "";
  const meta = [KIND_LABELS[t.kind] || "", str(t.provider), when].filter(Boolean).join(" · ");
  return h("li", { class: "training", "data-training": rec.training_id },
    h("p", { class: "training__title" }, url ? h("a", { href: url, rel: "noopener noreferrer" }, title) : h("strong", null, title)),
    meta ? h("p", { class: "meta" }, meta) : null,
    str(t.description) ? h("p", null, str(t.description)) : null,
    rec.note ? h("p", { class: "training__note" }, rec.note) : null);
}

function recommendationsSection(score, training, trainingError) {
  const section = h("section", { "aria-labelledby": "recs-title", id: "recommendations" },
    h("h2", { id: "recs-title" }, "Empfohlene Fortbildungen"));
  if (trainingError) {
    section.append(h("p", { class: "notice notice--error" }, trainingError));
    return section;
  }
  const recs = recommend(state.catalogue, score, training).filter((r) => r.training);
  if (recs.length === 0) {
    section.append(h("p", null, "Für Ihre Stufen gibt es derzeit keine Empfehlungen."));
    return section;
  }
  section.append(h("p", null, "Passend zu Ihrer Stufe in jeder Kompetenz: Einstiegsangebote bei Stufe 1 und 2, Vertiefungen bei Stufe 3, optionale Angebote ab Stufe 4."));
  const byCode = new Map();
  for (const r of recs) {
    if (!byCode.has(r.competence_code))
      byCode.set(r.competence_code, []);
    byCode.get(r.competence_code).push(r);
  }
  for (const c of score.competences) {
    const list = byCode.get(c.code);
    if (!list)
      continue;
    section.append(h("div", { class: "recs", "data-code": c.code },
      h("h3", null, `${c.code} ${str(c.title)}`, h("span", { class: "recs__level" }, ` – Stufe ${c.level}: ${levelLabel(c.level)}`)),
      h("ul", { class: "training-list" }, list.map(trainingEntry))));
  }
  return section;
}

function submissionBody(score) {
  return {
    catalogue: state.run.catalogue,
    version: state.run.version,
    org_unit: state.run.org_unit,
    year: state.run.year,
    levels: levelsJson(score),
  };
}

function submissionSection(score) {
  const body = submissionBody(score);
  const status = statusBox("submit-status");
  const button = h("button", { type: "button", id: "submit", hidden: state.run.submitted }, "Anonym übermitteln");
  button.addEventListener("click", async () => {
    button.disabled = true;
    setStatus(status, "Wird übermittelt …");
    try {
      await api("/api/v1/competence/submissions", { method: "POST", body });
      state.run.submitted = true;
      saveRun();
      button.hidden = true;
      setStatus(status, "Vielen Dank! Ihr Ergebnis wurde anonym übermittelt.", "success");
    } catch (err) {
      if (!state.session)
        return;
      button.disabled = false;
      setStatus(status, describeError(err, "Die Übermittlung ist fehlgeschlagen"), "error");
    }
  });
  if (state.run.submitted)
    setStatus(status, "Das Ergebnis dieses Selbstchecks wurde bereits anonym übermittelt.", "success");

  return h("section", { class: "card submit", id: "submission", "aria-labelledby": "submit-title" },
    h("h2", { id: "submit-title" }, "Ergebnis anonym übermitteln"),
    h("p", null, "Mit Ihrer Übermittlung hilft die Personalabteilung, Fortbildungen dort anzubieten, wo sie gebraucht werden. Die Übermittlung ist freiwillig."),
    h("h3", null, "Übermittelt wird nur:"),
    h("ul", null,
      h("li", null, `der Katalog und seine Version (${body.catalogue}, Version ${body.version}),`),
      h("li", null, `Ihre Organisationseinheit (${body.org_unit}) und das Jahr (${body.year}),`),
      h("li", null, `je Kompetenz Ihre Stufe von 1 bis 5 (${Object.keys(body.levels).length} Werte).`)),
    h("h3", null, "Nicht übermittelt werden:"),
    h("ul", null,
      h("li", null, "Ihre einzelnen Antworten,"),
      h("li", null, "Ihr Name und Ihr Benutzerkonto. Der Server speichert zur Übermittlung auch keine IP-Adresse und keinen Zeitpunkt, nur das Jahr.")),
    h("p", null, "Die Anmeldung stellt nur sicher, dass ausschließlich Beschäftigte übermitteln. Die Personalabteilung sieht nur Auswertungen von Gruppen mit mindestens 5 Übermittlungen."),
    h("details", null,
      h("summary", null, "Genau diese Daten werden gesendet"),
      h("pre", { class: "payload", id: "payload" }, JSON.stringify(body, null, 2))),
    status,
    h("div", { class: "actions" }, button));
}

async function showResult() {
  const score = scoreCatalogue(state.catalogue, state.run.answers, null);
  saveHistoryEntry(score);
  let training = [];
  let trainingError = "";
  try {
    training = await loadTraining();
  } catch (err) {
    if (!state.session)
      return;
    trainingError = describeError(err, "Das Fortbildungsangebot konnte nicht geladen werden");
  }
  const run = state.run;
  show("Ergebnis", [
    h("h1", null, "Ihr Ergebnis"),
    h("p", { class: "lead" }, `${str(run.title) || run.catalogue} (Version ${run.version}) · ${run.org_unit} · ${run.year}`),
    h("p", null, "Stufen: ", [1, 2, 3, 4, 5].map((n) => `${n} = ${levelLabel(n)}`).join(", "), "."),
    h("nav", { class: "jump", "aria-label": "Auf dieser Seite" },
      h("ul", null,
        h("li", null, h("a", { href: "#recommendations" }, "Empfohlene Fortbildungen")),
        h("li", null, h("a", { href: "#submission" }, "Ergebnis anonym übermitteln")))),
    h("section", { "aria-labelledby": "levels-title" },
      h("h2", { id: "levels-title" }, "Stufen nach Bereichen und Kompetenzen"),
      chart(score),
      resultTable(score)),
    historyTable(score),
    recommendationsSection(score, training, trainingError),
    submissionSection(score),
    h("section", { "aria-labelledby": "more-title" },
      h("h2", { id: "more-title" }, "Weiter"),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "button--secondary", id: "edit-answers",
                      onclick: () => { run.completed = false; saveRun(); showStep(0); } }, "Antworten ändern"),
        h("button", { type: "button", class: "button--secondary", id: "new-run",
                      onclick: () => { dropRun(); showStart("Die Antworten wurden auf diesem Gerät gelöscht. Ihr Ergebnis für den Jahresvergleich bleibt gespeichert."); } },
          "Neuen Selbstcheck beginnen"))),
  ]);
}

/* ------------------------------------------------------------------ */
/* Start-up                                                           */
/* ------------------------------------------------------------------ */

document.getElementById("logout").addEventListener("click", () => {
  signOut();
  showLogin("Sie sind abgemeldet. Ihre Antworten bleiben auf diesem Gerät gespeichert.");
});

const saved = readJson(sessionStorage, SESSION_KEY);
if (saved && typeof saved.token === "string" && typeof saved.user === "string") {
  state.session = saved;
  updateAccount();
  showStart("", { focus: false });
} else {
  showLogin("", { focus: false });
}
