/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Surveys for citizens: /surveys/ lists the open surveys, /surveys/?id=ID
 * shows one (all nine question types, pages with back/next, conditions
 * that show and hide questions live, inline validation, the server's 400
 * at the question it names, access code, intro/privacy/thanks, de/en).
 * ?embed=1 is the page inside the iframe of /surveys/embed.js: no site
 * header or footer, and the height is posted to the embedding page.
 *
 * Survey texts come from staff and are only ever inserted as text.
 * Anonymous: nothing is stored in the browser, nothing but the answers
 * (and the access code, if the survey needs one) is sent.
 */

import { h, text, callApi, problemText, setFieldError, reportProblems, focusField,
         characterCounter, formatDay, siteFrame } from "/common.js";

const UI = {
  de: {
    site: "Bürgerservice",
    surveys: "Umfragen",
    listLead: "Sagen Sie der Stadt Ihre Meinung. Alle Umfragen sind anonym: Wir speichern weder Ihren Namen noch Ihre IP-Adresse, und diese Seiten setzen keine Cookies.",
    none: "Zurzeit gibt es keine offenen Umfragen. Schauen Sie bald wieder vorbei.",
    openUntil: (d) => `Teilnahme bis ${d}`,
    openEnd: "Teilnahme ohne Enddatum",
    alsoEnglish: "Auch auf Englisch",
    loading: "Die Umfrage wird geladen …",
    listLoading: "Die Umfragen werden geladen …",
    loadError: "Die Umfragen konnten gerade nicht geladen werden. Bitte versuchen Sie es später erneut.",
    notFound: "Umfrage nicht gefunden",
    notFoundText: "Diese Umfrage gibt es nicht, oder sie ist nicht mehr geöffnet.",
    allSurveys: "Alle Umfragen",
    switchTo: "English",
    switchLang: "en",
    switchLabel: "Read this survey in English",
    required: "(Pflichtfrage)",
    privacy: "Hinweise zum Datenschutz",
    anonymous: "Die Umfrage ist anonym. Gespeichert werden nur Ihre Antworten und der Tag der Teilnahme.",
    page: (n, m) => `Seite ${n} von ${m}`,
    back: "Zurück",
    next: "Weiter",
    submit: "Antworten absenden",
    sending: "Ihre Antworten werden gesendet …",
    thanks: "Vielen Dank für Ihre Teilnahme!",
    thanksTitle: "Vielen Dank!",
    choose: "Bitte wählen",
    several: "Mehrere Antworten möglich.",
    atMost: (n) => n === 1 ? "Höchstens 1 Antwort." : `Höchstens ${n} Antworten.`,
    numberRange: (a, b) => `Eine Zahl von ${a} bis ${b}.`,
    ratingScale: (n) => `1 ist die niedrigste, ${n} die höchste Bewertung.`,
    ratingOption: (i, n) => i === 1 ? `1 (niedrigste)` : i === n ? `${n} (höchste)` : String(i),
    rankingHint: "Bringen Sie die Einträge mit „Nach oben“ und „Nach unten“ in Ihre Reihenfolge: oben steht, was Ihnen am wichtigsten ist.",
    rankingButtons: "Die Schaltflächen „Nach oben“ und „Nach unten“ ändern die Reihenfolge.",
    up: "Nach oben",
    down: "Nach unten",
    moved: (label, i, n) => `„${label}“ ist jetzt auf Platz ${i} von ${n}.`,
    atTop: (label) => `„${label}“ steht schon ganz oben.`,
    atBottom: (label) => `„${label}“ steht schon ganz unten.`,
    place: (i) => `Platz ${i}`,
    code: "Zugangscode",
    codeHint: "Den Code haben Sie mit der Einladung erhalten. Er gilt für eine Teilnahme.",
    errMissing: "Bitte beantworten Sie diese Frage.",
    errRows: "Bitte beantworten Sie jede Zeile.",
    errTooMany: (n) => `Bitte wählen Sie höchstens ${n} Antworten.`,
    errNumber: "Bitte geben Sie eine Zahl ein.",
    errRange: (a, b) => `Bitte geben Sie eine Zahl von ${a} bis ${b} ein.`,
    errDate: "Bitte geben Sie ein vollständiges Datum ein.",
    errLong: (n) => `Bitte fassen Sie sich kürzer: höchstens ${n} Zeichen.`,
    errServer: "Diese Antwort wurde nicht angenommen. Bitte prüfen Sie sie.",
    errCode: "Bitte geben Sie Ihren Zugangscode ein.",
    errCodeUsed: "Dieser Zugangscode wurde schon verwendet.",
    errCodeWrong: "Dieser Zugangscode ist nicht gültig. Bitte prüfen Sie die Schreibweise.",
    closed: "Diese Umfrage ist geschlossen. Es werden keine Antworten mehr angenommen.",
    checkOne: "Bitte prüfen Sie Ihre Antwort",
    checkMany: "Bitte prüfen Sie Ihre Antworten",
    notSent: "Die Antworten wurden nicht gesendet",
    skip: "Zum Inhalt springen",
    footer1: "Ein Angebot Ihrer Stadtverwaltung, betrieben mit der freien Software Stadtpult (Lizenz EUPL-1.2).",
    footer2: "Diese Seite setzt keine Cookies und verwendet keine Tracker. Antworten werden anonym gespeichert, ohne IP-Adresse.",
  },
  en: {
    site: "Citizen services",
    surveys: "Surveys",
    listLead: "Tell the city what you think. All surveys are anonymous: we store neither your name nor your IP address, and these pages set no cookies.",
    none: "There are no open surveys at the moment. Please come back soon.",
    openUntil: (d) => `Open until ${d}`,
    openEnd: "No closing date",
    alsoEnglish: "Also in English",
    loading: "Loading the survey …",
    listLoading: "Loading the surveys …",
    loadError: "The surveys could not be loaded just now. Please try again later.",
    notFound: "Survey not found",
    notFoundText: "This survey does not exist or is no longer open.",
    allSurveys: "All surveys",
    switchTo: "Deutsch",
    switchLang: "de",
    switchLabel: "Diese Umfrage auf Deutsch lesen",
    required: "(required)",
    privacy: "Privacy notice",
    anonymous: "This survey is anonymous. Only your answers and the day you took part are stored.",
    page: (n, m) => `Page ${n} of ${m}`,
    back: "Back",
    next: "Next",
    submit: "Submit answers",
    sending: "Sending your answers …",
    thanks: "Thank you for taking part!",
    thanksTitle: "Thank you!",
    choose: "Please choose",
    several: "You may choose several answers.",
    atMost: (n) => n === 1 ? "At most 1 answer." : `At most ${n} answers.`,
    numberRange: (a, b) => `A number from ${a} to ${b}.`,
    ratingScale: (n) => `1 is the lowest, ${n} the highest rating.`,
    ratingOption: (i, n) => i === 1 ? `1 (lowest)` : i === n ? `${n} (highest)` : String(i),
    rankingHint: "Put the entries in your order with “Move up” and “Move down”: what matters most to you goes on top.",
    rankingButtons: "The “Move up” and “Move down” buttons change the order.",
    up: "Move up",
    down: "Move down",
    moved: (label, i, n) => `“${label}” is now in place ${i} of ${n}.`,
    atTop: (label) => `“${label}” is already at the top.`,
    atBottom: (label) => `“${label}” is already at the bottom.`,
    place: (i) => `Place ${i}`,
    code: "Access code",
    codeHint: "You received the code with your invitation. It is valid for one response.",
    errMissing: "Please answer this question.",
    errRows: "Please answer every row.",
    errTooMany: (n) => `Please choose at most ${n} answers.`,
    errNumber: "Please enter a number.",
    errRange: (a, b) => `Please enter a number from ${a} to ${b}.`,
    errDate: "Please enter a complete date.",
    errLong: (n) => `Please keep it shorter: at most ${n} characters.`,
    errServer: "This answer was not accepted. Please check it.",
    errCode: "Please enter your access code.",
    errCodeUsed: "This access code has already been used.",
    errCodeWrong: "This access code is not valid. Please check it.",
    closed: "This survey is closed. No more answers are accepted.",
    checkOne: "Please check your answer",
    checkMany: "Please check your answers",
    notSent: "Your answers were not sent",
    skip: "Skip to content",
    footer1: "A service of your city administration, run with the free software Stadtpult (licence EUPL-1.2).",
    footer2: "This page sets no cookies and uses no trackers. Answers are stored anonymously, without IP addresses.",
  },
};

const params = new URLSearchParams(window.location.search);
const surveyId = params.get("id") || "";
const embedded = params.get("embed") === "1";
let lang = params.get("lang") === "en" ? "en" : "de";
const main = document.getElementById("main");

function t() {
  return UI[lang];
}

/* ------------------------------------------------------------------ */
/* Page frame: language, title, embedding                             */
/* ------------------------------------------------------------------ */

function applyLanguage() {
  const ui = t();
  document.documentElement.lang = lang;
  // The site header and navigation stay German: mark them so.
  for (const el of document.querySelectorAll(".site-header"))
    el.setAttribute("lang", "de");
  const skip = document.querySelector(".skip-link");
  if (skip)
    skip.textContent = ui.skip;
  const footer = document.querySelectorAll(".site-footer p");
  if (footer.length >= 2) {
    footer[0].textContent = ui.footer1;
    footer[1].textContent = ui.footer2;
  }
}

function setPageTitle(title) {
  document.title = title ? `${title} – ${t().site}` : t().site;
}

function updateUrl() {
  const url = new URL(window.location.href);
  if (lang === "en")
    url.searchParams.set("lang", "en");
  else
    url.searchParams.delete("lang");
  history.replaceState(null, "", url);
}

let lastHeight = 0;
function postHeight() {
  if (!embedded || window.parent === window)
    return;
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === lastHeight)
    return;
  lastHeight = height;
  window.parent.postMessage({ type: "stadtpult-survey", survey: surveyId, height, title: document.title }, "*");
}

function languageSwitch(available, onSwitch) {
  if (!available.includes("en"))
    return null;
  const ui = t();
  return h("p", { class: "lang-switch" },
    h("button", { type: "button", class: "button--secondary", lang: ui.switchLang, id: "lang-switch",
                  "aria-label": ui.switchLabel, onclick: onSwitch },
      h("span", { "aria-hidden": "true" }, ui.switchTo)));
}

/* ------------------------------------------------------------------ */
/* List of open surveys                                               */
/* ------------------------------------------------------------------ */

async function renderList(focusSwitch = false) {
  const ui = t();
  applyLanguage();
  main.replaceChildren(h("h1", null, ui.surveys), h("p", { role: "status" }, ui.listLoading));
  const result = await callApi(`/api/v1/surveys${lang === "en" ? "?lang=en" : ""}`);
  main.replaceChildren();
  setPageTitle(ui.surveys);
  const list = result.status === 200 && Array.isArray(result.json) ? result.json : null;
  const anyEnglish = list ? list.some((s) => s && (Array.isArray(s.languages) ? s.languages.includes("en") : false)) : false;
  const sw = languageSwitch(anyEnglish || lang === "en" ? ["en"] : [], () => {
    lang = lang === "en" ? "de" : "en";
    updateUrl();
    renderList(true);
  });
  if (sw)
    main.append(h("div", { class: "top-row" }, h("span"), sw));
  main.append(h("h1", null, ui.surveys), h("p", { class: "lead" }, ui.listLead));
  if (!list) {
    main.append(h("div", { class: "notice notice--error", role: "alert" }, h("p", null, result.status === 0 ? problemText(result, lang) : ui.loadError)));
    return;
  }
  const surveys = list.filter((s) => s && typeof s.id === "string" && text(s.title));
  if (!surveys.length) {
    main.append(h("p", { class: "notice" }, ui.none));
  } else {
    main.append(h("ul", { class: "card-list", id: "survey-list" }, surveys.map((s) => {
      const href = `/surveys/?id=${encodeURIComponent(s.id)}${lang === "en" ? "&lang=en" : ""}`;
      const closes = text(s.closes);
      const english = Array.isArray(s.languages) && s.languages.includes("en");
      return h("li", { class: "card" },
        h("h2", null, h("a", { href }, text(s.title))),
        text(s.intro) ? h("p", { class: "card__text" }, summary(text(s.intro))) : null,
        h("p", { class: "meta" }, closes ? ui.openUntil(formatDay(closes, lang)) : ui.openEnd,
          english && lang === "de" ? h("span", { lang: "de" }, ` · ${ui.alsoEnglish}`) : null));
    })));
  }
  if (focusSwitch)
    document.getElementById("lang-switch")?.focus();
}

function summary(value, max = 220) {
  if (value.length <= max)
    return value;
  const cut = value.lastIndexOf(" ", max);
  return `${value.slice(0, cut > 100 ? cut : max)} …`;
}

/* ------------------------------------------------------------------ */
/* One survey                                                         */
/* ------------------------------------------------------------------ */

/** Per question: { q, index, el (container), controls (inputs), page, touched, read(), write(v) } */
let survey = null;
let items = [];
let pages = [];       /* page numbers, ascending */
let pageIndex = 0;    /* index into pages */
let codeInput = null;
let codeField = null;

function itemById(id) {
  return items.find((it) => it.q.id === id) || null;
}

function currentAnswers() {
  const answers = {};
  for (const it of items) {
    const value = it.read();
    if (value !== undefined)
      answers[it.q.id] = value;
  }
  return answers;
}

function contains(value, option) {
  if (value === undefined || value === null)
    return false;
  if (Array.isArray(value))
    return value.includes(option);
  if (typeof value === "object")
    return Object.values(value).includes(option);
  return value === option;
}

/** The LimeSurvey-like rule: shown when the condition question is shown and its answer is / contains the option. */
function isVisible(it, answers, depth = 0) {
  const c = it.q.condition;
  if (!c || !c.question || depth > 50)
    return true;
  const parent = itemById(c.question);
  if (!parent)
    return true;
  return isVisible(parent, answers, depth + 1) && contains(answers[c.question], c.option);
}

function visiblePages(answers) {
  return pages.filter((p) => items.some((it) => it.page === p && isVisible(it, answers)));
}

function labelText(q) {
  return text(q.text) || text(q.code) || "?";
}

function questionHead(tag, it, forId) {
  const { q } = it;
  const ui = t();
  return h(tag, tag === "label" ? { for: forId, class: "question__text" } : { class: "question__text" },
    labelText(q), q.required ? h("span", { class: "required" }, ` ${ui.required}`) : null);
}

function hintOf(it, extra) {
  const parts = [text(it.q.help), extra].filter(Boolean);
  if (!parts.length)
    return null;
  return h("p", { class: "hint", id: `${it.base}-hint` }, parts.join(" "));
}

function optionsOf(q, kind = "options") {
  return (Array.isArray(q[kind]) ? q[kind] : []).filter((o) => o && typeof o.id === "string");
}

function scaleOf(q) {
  return Number.isInteger(q.max) && q.max >= 2 && q.max <= 20 ? q.max : 5;
}

function hasRange(q) {
  return typeof q.min === "number" && typeof q.max === "number" && q.min < q.max;
}

/* Each builder fills it.el / it.controls and defines read / write. */
const builders = {
  single(it) { choiceGroup(it, "radio"); },
  multiple(it) { choiceGroup(it, "checkbox"); },

  dropdown(it) {
    const select = h("select", { id: `${it.base}-input`, name: it.base },
      h("option", { value: "" }, t().choose),
      optionsOf(it.q).map((o) => h("option", { value: o.id }, text(o.label))));
    labelled(it, select);
    it.read = () => select.value || undefined;
    it.write = (v) => { select.value = typeof v === "string" ? v : ""; };
  },

  text(it) {
    const max = Number.isInteger(it.q.max) && it.q.max > 0 ? it.q.max : 0;
    const area = h("textarea", { id: `${it.base}-input`, name: it.base, rows: 4, maxlength: max || null });
    labelled(it, area);
    if (max)
      it.el.append(characterCounter(area, max, lang));
    it.read = () => area.value.trim() || undefined;
    it.write = (v) => { area.value = typeof v === "string" ? v : ""; };
  },

  number(it) {
    const { q } = it;
    const range = hasRange(q);
    const input = h("input", { id: `${it.base}-input`, name: it.base, type: "number", inputmode: "decimal",
                               step: "any", min: range ? q.min : null, max: range ? q.max : null, class: "input--short" });
    labelled(it, input, range ? t().numberRange(q.min, q.max) : "");
    it.read = () => {
      if (input.validity.badInput)
        return NaN;
      return input.value === "" ? undefined : Number(input.value);
    };
    it.write = (v) => { input.value = typeof v === "number" && Number.isFinite(v) ? String(v) : ""; };
  },

  date(it) {
    const input = h("input", { id: `${it.base}-input`, name: it.base, type: "date", class: "input--short" });
    labelled(it, input);
    it.read = () => input.validity.badInput ? "" : (input.value || undefined);
    it.write = (v) => { input.value = typeof v === "string" ? v : ""; };
  },

  rating(it) {
    const n = scaleOf(it.q);
    const radios = [];
    const row = h("div", { class: "scale" });
    for (let i = 1; i <= n; i++) {
      const id = `${it.base}-${i}`;
      const radio = h("input", { type: "radio", id, name: it.base, value: String(i) });
      radios.push(radio);
      row.append(h("span", { class: "scale__item" }, radio,
        h("label", { for: id }, String(i),
          i === 1 || i === n ? h("span", { class: "visually-hidden" }, t().ratingOption(i, n).slice(String(i).length)) : null)));
    }
    grouped(it, [row], radios, text(it.q.help) ? "" : t().ratingScale(n));
    it.read = () => {
      const c = radios.find((r) => r.checked);
      return c ? Number(c.value) : undefined;
    };
    it.write = (v) => { for (const r of radios) r.checked = Number(r.value) === v; };
  },

  matrix(it) {
    const cols = optionsOf(it.q);
    const rows = optionsOf(it.q, "rows");
    const radios = [];
    const table = h("table", { class: "matrix" },
      h("thead", null, h("tr", null, h("td", { class: "matrix__corner" }),
        cols.map((c, ci) => h("th", { scope: "col", id: `${it.base}-c${ci}` }, text(c.label))))),
      h("tbody", null, rows.map((r, ri) => h("tr", null,
        h("th", { scope: "row", id: `${it.base}-r${ri}` }, text(r.label)),
        cols.map((c, ci) => {
          const radio = h("input", { type: "radio", name: `${it.base}-r${ri}`, value: c.id, id: `${it.base}-r${ri}-c${ci}`,
                                     "data-row": r.id, "aria-labelledby": `${it.base}-r${ri} ${it.base}-c${ci}` });
          radios.push(radio);
          return h("td", null, h("label", { class: "matrix__cell", for: radio.id }, radio,
            h("span", { class: "matrix__opt", "aria-hidden": "true" }, text(c.label))));
        })))));
    grouped(it, [h("div", { class: "matrix-wrap" }, table)], radios);
    it.rows = rows;
    it.read = () => {
      const value = {};
      for (const r of radios)
        if (r.checked)
          value[r.dataset.row] = r.value;
      return Object.keys(value).length ? value : undefined;
    };
    it.write = (v) => {
      for (const r of radios)
        r.checked = !!v && typeof v === "object" && v[r.dataset.row] === r.value;
    };
  },

  ranking(it) {
    const ui = t();
    const list = h("ol", { class: "ranking", id: `${it.base}-list` });
    const live = h("p", { class: "visually-hidden", "aria-live": "polite", id: `${it.base}-live` });
    const entries = optionsOf(it.q).map((o, oi) => {
      const label = text(o.label);
      const pos = h("span", { class: "ranking__pos", "aria-hidden": "true" });
      const up = h("button", { type: "button", class: "button--small", "data-dir": "-1" },
        h("span", { "aria-hidden": "true" }, "↑ "), ui.up, h("span", { class: "visually-hidden" }, `: ${label}`));
      const down = h("button", { type: "button", class: "button--small", "data-dir": "1" },
        h("span", { "aria-hidden": "true" }, "↓ "), ui.down, h("span", { class: "visually-hidden" }, `: ${label}`));
      const li = h("li", { "data-id": o.id, class: "ranking__item" },
        pos, h("span", { class: "ranking__label", id: `${it.base}-o${oi}` }, label),
        h("span", { class: "ranking__buttons" }, up, down));
      const move = (button, dir) => {
        const items = Array.from(list.children);
        const i = items.indexOf(li);
        const j = i + dir;
        if (j < 0 || j >= items.length) {
          live.textContent = dir < 0 ? ui.atTop(label) : ui.atBottom(label);
          return;
        }
        if (dir < 0)
          list.insertBefore(li, items[j]);
        else
          list.insertBefore(li, items[j].nextSibling);
        it.touched = true;
        numberRanking();
        button.focus();
        live.textContent = ui.moved(label, j + 1, items.length);
        setFieldError(it.el, "", it.controls);
        onAnswersChanged();
      };
      up.addEventListener("click", () => move(up, -1));
      down.addEventListener("click", () => move(down, 1));
      return li;
    });
    const numberRanking = () => {
      const all = Array.from(list.children);
      all.forEach((li, i) => {
        li.querySelector(".ranking__pos").textContent = `${i + 1}.`;
        const [up, down] = li.querySelectorAll("button");
        up.setAttribute("aria-disabled", i === 0 ? "true" : "false");
        down.setAttribute("aria-disabled", i === all.length - 1 ? "true" : "false");
      });
    };
    list.append(...entries);
    numberRanking();
    grouped(it, [list, live], Array.from(list.querySelectorAll("button")), text(it.q.help) ? ui.rankingButtons : ui.rankingHint);
    it.read = () => (it.touched || it.q.required) && list.children.length
      ? Array.from(list.children).map((li) => li.dataset.id)
      : undefined;
    it.write = (v) => {
      if (!Array.isArray(v))
        return;
      for (const id of v) {
        const li = entries.find((e) => e.dataset.id === id);
        if (li)
          list.append(li);
      }
      it.touched = true;
      numberRanking();
    };
  },
};

function choiceGroup(it, type) {
  const { q } = it;
  const inputs = [];
  const list = h("div", { class: `choices choices--${type}` }, optionsOf(q).map((o, oi) => {
    const id = `${it.base}-o${oi}`;
    const input = h("input", { type, id, name: it.base, value: o.id });
    inputs.push(input);
    return h("div", { class: "choice" }, input, h("label", { for: id }, text(o.label)));
  }));
  let extra = "";
  if (type === "checkbox")
    extra = Number.isInteger(q.max) && q.max > 0 ? t().atMost(q.max) : t().several;
  grouped(it, [list], inputs, extra);
  if (type === "radio") {
    it.read = () => inputs.find((i) => i.checked)?.value;
    it.write = (v) => { for (const i of inputs) i.checked = i.value === v; };
  } else {
    it.read = () => {
      const chosen = inputs.filter((i) => i.checked).map((i) => i.value);
      return chosen.length ? chosen : undefined;
    };
    it.write = (v) => { for (const i of inputs) i.checked = Array.isArray(v) && v.includes(i.value); };
  }
}

/** A fieldset with legend, hint and the given content; @controls get the errors. */
function grouped(it, content, controls, extraHint = "") {
  const hint = hintOf(it, extraHint);
  it.el = h("fieldset", { class: `question question--${it.q.type}`, id: it.base,
                          "aria-describedby": hint ? hint.id : null },
    questionHead("legend", it), hint, content);
  it.controls = controls;
}

/** A labelled single control with its hint. */
function labelled(it, control, extraHint = "") {
  const hint = hintOf(it, extraHint);
  if (hint)
    control.setAttribute("aria-describedby", hint.id);
  if (it.q.required)
    control.setAttribute("aria-required", "true");
  it.el = h("div", { class: `question question--${it.q.type}`, id: it.base },
    questionHead("label", it, control.id), hint, control);
  it.controls = control;
}

/** Client-side check of one visible question; returns a message or "". */
function problemOf(it, value) {
  const { q } = it;
  const ui = t();
  const empty = value === undefined || (Array.isArray(value) && !value.length);
  if (q.type === "number" && Number.isNaN(value))
    return ui.errNumber;
  if (q.type === "date" && value === "")
    return ui.errDate;
  if (empty)
    return q.required ? ui.errMissing : "";
  switch (q.type) {
  case "multiple":
    return Number.isInteger(q.max) && q.max > 0 && value.length > q.max ? ui.errTooMany(q.max) : "";
  case "number":
    return hasRange(q) && (value < q.min || value > q.max) ? ui.errRange(q.min, q.max) : "";
  case "text":
    return Number.isInteger(q.max) && q.max > 0 && value.length > q.max ? ui.errLong(q.max) : "";
  case "matrix":
    return q.required && (it.rows || []).some((r) => !(r.id in value)) ? ui.errRows : "";
  default:
    return "";
  }
}

function clearAllErrors() {
  for (const it of items)
    setFieldError(it.el, "", it.controls);
  if (codeField)
    setFieldError(codeField, "", codeInput);
}

/** Checks the visible questions on @page (all pages when null); shows the problems; TRUE when fine. */
function checkPage(page) {
  const answers = currentAnswers();
  const problems = [];
  clearAllErrors();
  if (codeInput && (page === null || page === pages[0]) && !codeInput.value.trim())
    problems.push({ target: codeField, controls: codeInput, message: t().errCode });
  for (const it of items) {
    if ((page !== null && it.page !== page) || !isVisible(it, answers))
      continue;
    const message = problemOf(it, answers[it.q.id]);
    if (message)
      problems.push({ target: it.el, controls: it.controls, message: `${labelText(it.q)}: ${message}`, short: message });
  }
  report(problems);
  return problems.length === 0;
}

function report(problems, heading) {
  const ui = t();
  reportProblems(document.getElementById("error-summary"), problems, heading || [ui.checkOne, ui.checkMany]);
  postHeight();
}

function onAnswersChanged() {
  const answers = currentAnswers();
  for (const it of items)
    it.el.hidden = !isVisible(it, answers);
  updatePager(answers);
  postHeight();
}

function updatePager(answers = currentAnswers()) {
  const ui = t();
  const shown = visiblePages(answers);
  const page = pages[pageIndex];
  const pos = shown.indexOf(page);
  for (const section of document.querySelectorAll(".survey-page"))
    section.hidden = Number(section.dataset.page) !== page;
  const heading = document.getElementById("page-heading");
  if (heading) {
    heading.textContent = ui.page(pos + 1, shown.length);
    heading.hidden = shown.length < 2;
  }
  document.getElementById("btn-back").hidden = pos <= 0;
  const last = pos === shown.length - 1 || pos < 0;
  document.getElementById("btn-next").hidden = last;
  document.getElementById("btn-submit").hidden = !last;
}

function goToPage(page, focus = true) {
  pageIndex = Math.max(0, pages.indexOf(page));
  document.getElementById("error-summary").hidden = true;
  onAnswersChanged();
  if (focus) {
    const heading = document.getElementById("page-heading");
    if (heading && !heading.hidden)
      heading.focus();
    else
      document.getElementById("survey-title").focus();
    heading?.scrollIntoView({ block: "start" });
  }
}

function step(dir) {
  const answers = currentAnswers();
  const shown = visiblePages(answers);
  const pos = shown.indexOf(pages[pageIndex]);
  if (dir > 0 && !checkPage(pages[pageIndex]))
    return;
  const target = shown[pos + dir];
  if (target !== undefined)
    goToPage(target);
}

async function submit(event) {
  event.preventDefault();
  const ui = t();
  const answers = currentAnswers();
  const shown = visiblePages(answers);
  if (shown.indexOf(pages[pageIndex]) !== shown.length - 1 && shown.length) {
    step(1);   /* Enter in a field of an earlier page means "next" */
    return;
  }
  if (!checkPage(null)) {
    const first = items.find((it) => it.el.classList.contains("field--invalid"));
    if (first && first.page !== pages[pageIndex]) {
      goToPage(first.page, false);
      checkPage(null);
    }
    return;
  }
  for (const it of items)
    if (!isVisible(it, answers))
      delete answers[it.q.id];
  const body = { answers, lang };
  if (codeInput)
    body.code = codeInput.value.trim();

  const button = document.getElementById("btn-submit");
  const status = document.getElementById("send-status");
  button.disabled = true;
  status.textContent = ui.sending;
  const result = await callApi(`/api/v1/surveys/${encodeURIComponent(survey.id)}/responses`, { method: "POST", body });
  button.disabled = false;
  status.textContent = "";

  if (result.status === 201 || result.status === 200) {
    showThanks();
    return;
  }
  const json = result.json || {};
  const message = problemText(result, lang);
  if (result.status === 409) {
    showClosed();
    return;
  }
  if (result.status === 403 && codeInput) {
    goToPage(pages[0], false);
    const msg = json.error === "code_used" ? ui.errCodeUsed : codeInput.value.trim() ? ui.errCodeWrong : ui.errCode;
    report([{ target: codeField, controls: codeInput, message: msg }], ui.notSent);
    return;
  }
  const it = result.status === 400 && typeof json.question === "string" ? itemById(json.question) : null;
  if (it) {
    // The server's messages are English: German pages say it in their words.
    const value = answers[it.q.id];
    const short = problemOf(it, value) || (value === undefined && it.q.required ? ui.errMissing : "") ||
                  (lang === "en" ? message : ui.errServer);
    goToPage(it.page, false);
    report([{ target: it.el, controls: it.controls, message: `${labelText(it.q)}: ${short}`, short }], ui.notSent);
    focusField(it.el);   /* straight to the answer the server named; the summary is announced */
    return;
  }
  report([{ target: null, controls: [], message }], ui.notSent);
}

function showThanks() {
  const ui = t();
  const section = h("section", { class: "done", "aria-labelledby": "thanks-title" },
    h("h2", { id: "thanks-title", tabindex: "-1" }, ui.thanksTitle),
    h("p", { class: "pre-line" }, text(survey.thanks) || ui.thanks),
    embedded ? null : h("p", null, h("a", { href: `/surveys/${lang === "en" ? "?lang=en" : ""}` }, ui.allSurveys)));
  document.getElementById("survey-form").replaceWith(section);
  document.getElementById("lang-switch")?.closest("p")?.remove();
  setPageTitle(`${ui.thanksTitle} ${text(survey.title)}`);
  document.getElementById("thanks-title").focus();
  postHeight();
}

function showClosed() {
  const notice = h("div", { class: "notice", role: "alert", id: "survey-closed" }, h("p", null, t().closed));
  document.getElementById("survey-form").replaceWith(notice);
  postHeight();
}

async function renderSurvey(keep = null) {
  const ui = t();
  applyLanguage();
  if (!keep)
    main.replaceChildren(h("p", { role: "status" }, ui.loading));
  const result = await callApi(`/api/v1/surveys/${encodeURIComponent(surveyId)}${lang === "en" ? "?lang=en" : ""}`);
  main.replaceChildren();
  const back = embedded ? null : h("a", { class: "back-link", href: `/surveys/${lang === "en" ? "?lang=en" : ""}` }, `← ${ui.allSurveys}`);
  if (result.status !== 200 || !result.json || !Array.isArray(result.json.questions)) {
    const missing = result.status === 404 || (result.status === 200);
    main.append(...[back, h("h1", null, missing ? ui.notFound : ui.surveys),
      h("div", { class: missing ? "notice" : "notice notice--error", role: "alert" },
        h("p", null, missing ? ui.notFoundText : problemText(result, lang)))].filter(Boolean));
    setPageTitle(missing ? ui.notFound : ui.surveys);
    postHeight();
    return;
  }
  survey = result.json;
  codeInput = null;
  codeField = null;
  const languages = Array.isArray(survey.languages) ? survey.languages : [];
  setPageTitle(text(survey.title));

  items = survey.questions
    .filter((q) => q && typeof q.id === "string" && builders[q.type])
    .map((q, index) => ({ q, index, base: `q${index + 1}`, page: Number.isInteger(q.page) && q.page > 0 ? q.page : 1, touched: false }))
    .sort((a, b) => a.page - b.page || a.index - b.index);
  for (const it of items)
    builders[it.q.type](it);
  pages = Array.from(new Set(items.map((it) => it.page))).sort((a, b) => a - b);
  if (!pages.length)
    pages = [1];

  const sw = languageSwitch(languages, () => {
    const answers = currentAnswers();
    const code = codeInput ? codeInput.value : "";
    const touched = new Set(items.filter((it) => it.touched).map((it) => it.q.id));
    const page = pages[pageIndex];
    lang = lang === "en" ? "de" : "en";
    updateUrl();
    renderSurvey({ answers, code, touched, page });
  });

  const form = h("form", { id: "survey-form", class: "form survey", novalidate: true, onsubmit: submit },
    h("div", { id: "error-summary", class: "error-summary", role: "alert", hidden: true }),
    h("h2", { id: "page-heading", class: "page-heading", tabindex: "-1" }));
  for (const page of pages) {
    const section = h("div", { class: "survey-page", "data-page": String(page) });
    if (survey.access === "code" && page === pages[0]) {
      codeInput = h("input", { id: "survey-code", name: "code", type: "text", autocomplete: "off", spellcheck: "false",
                               "aria-required": "true", "aria-describedby": "survey-code-hint", class: "input--short" });
      codeField = h("div", { class: "question question--code", id: "field-code" },
        h("label", { for: "survey-code", class: "question__text" }, ui.code, h("span", { class: "required" }, ` ${ui.required}`)),
        h("p", { class: "hint", id: "survey-code-hint" }, ui.codeHint), codeInput);
      section.append(codeField);
    }
    section.append(...items.filter((it) => it.page === page).map((it) => it.el));
    form.append(section);
  }
  form.append(
    h("p", { id: "send-status", class: "form__status", role: "status" }),
    h("div", { class: "pager" },
      h("button", { type: "button", id: "btn-back", class: "button--secondary", onclick: () => step(-1) }, `← ${ui.back}`),
      h("button", { type: "button", id: "btn-next", onclick: () => step(1) }, `${ui.next} →`),
      h("button", { type: "submit", id: "btn-submit" }, ui.submit)));
  form.addEventListener("input", onAnswersChanged);
  form.addEventListener("change", (e) => {
    // A choice clears its question's error at once; typed answers wait for
    // the next check (their change fires on blur: the layout must not move
    // under the pointer that is about to press a button).
    const it = e.target.matches("input[type=radio], input[type=checkbox], select")
      ? items.find((x) => x.el.contains(e.target)) : null;
    if (it && it.el.classList.contains("field--invalid") && !problemOf(it, it.read()))
      setFieldError(it.el, "", it.controls);
    onAnswersChanged();
  });

  main.append(...[
    back || sw ? h("div", { class: "top-row" }, back || h("span"), sw) : null,
    h("h1", { id: "survey-title", tabindex: "-1" }, text(survey.title)),
    text(survey.intro) ? h("p", { class: "lead pre-line" }, text(survey.intro)) : null,
    h("details", { class: "privacy" },
      h("summary", null, ui.privacy),
      h("p", null, ui.anonymous),
      text(survey.privacy) ? h("p", { class: "pre-line" }, text(survey.privacy)) : null),
    text(survey.closes) ? h("p", { class: "meta" }, ui.openUntil(formatDay(survey.closes, lang))) : null,
    form].filter(Boolean));
  if (survey.open === false || survey.status === "closed") {
    showClosed();
    return;
  }

  if (keep) {
    for (const it of items) {
      if (keep.touched.has(it.q.id))
        it.touched = true;
      if (keep.answers[it.q.id] !== undefined)
        it.write(keep.answers[it.q.id]);
    }
    if (codeInput)
      codeInput.value = keep.code;
    pageIndex = Math.max(0, pages.indexOf(keep.page));
  } else {
    pageIndex = 0;
  }
  onAnswersChanged();
  if (keep)
    document.getElementById("lang-switch")?.focus();
}

/* ------------------------------------------------------------------ */
/* Start                                                              */
/* ------------------------------------------------------------------ */

if (embedded)
  document.body.classList.add("embed");
else
  siteFrame("/surveys/", UI.de.footer2.replace(/^.*Tracker\. /, ""));
if (embedded) {
  if ("ResizeObserver" in window)
    new ResizeObserver(() => postHeight()).observe(document.documentElement);
  window.addEventListener("load", postHeight);
}

if (surveyId) {
  renderSurvey();
} else {
  renderList();
}
