/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Hackathon challenges: /challenges/ lists them (title, department, event
 * date, deadline), /challenges/?id=ID shows one (problem, data available,
 * contact, accepted solutions with links and licences) and the form for
 * submitting a solution; after the deadline (or when the challenge is
 * closed) a notice takes the form's place.
 *
 * Texts of staff and teams are only ever inserted as text; links only
 * with http(s).
 */

import { h, text, safeUrl, callApi, problemText, setFieldError, reportProblems, characterCounter,
         formatDay, today, setTitle, siteFrame } from "/common.js";

siteFrame("/challenges/", "Es werden keine IP-Adressen gespeichert.");

const SITE = "Bürgerservice";
const MAX_DESCRIPTION = 5000;

/* Common open licences (SPDX ids) for code, data and texts. */
const LICENCES = [
  ["EUPL-1.2", "European Union Public Licence 1.2"],
  ["MIT", "MIT License"],
  ["Apache-2.0", "Apache License 2.0"],
  ["GPL-3.0-or-later", "GNU General Public License 3.0 oder später"],
  ["AGPL-3.0-or-later", "GNU Affero General Public License 3.0 oder später"],
  ["LGPL-3.0-or-later", "GNU Lesser General Public License 3.0 oder später"],
  ["MPL-2.0", "Mozilla Public License 2.0"],
  ["BSD-2-Clause", "BSD 2-Clause License"],
  ["BSD-3-Clause", "BSD 3-Clause License"],
  ["CC-BY-4.0", "Creative Commons Namensnennung 4.0"],
  ["CC-BY-SA-4.0", "Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0"],
  ["CC0-1.0", "Creative Commons Zero 1.0 (gemeinfrei)"],
];
const OTHER_LICENCE = "other";

/* German words for the server's (English) 400 answers, by the field it names. */
const FIELD_PROBLEMS = {
  title: "Bitte geben Sie einen Titel ein (höchstens 200 Zeichen).",
  description: "Bitte beschreiben Sie Ihre Lösung (höchstens 5000 Zeichen).",
  link: "Der Link muss eine vollständige Adresse sein, die mit https:// oder http:// beginnt.",
  team: "Der Teamname ist zu lang (höchstens 300 Zeichen).",
  contact: "Die Kontaktangabe ist zu lang (höchstens 300 Zeichen).",
  licence: "Bitte wählen Sie eine Lizenz aus der Liste.",
  consent: "Bitte willigen Sie in die Speicherung der Kontaktdaten ein – oder löschen Sie die Kontaktangabe.",
};

const SOLUTION_STATES = { winner: "Gewinner-Lösung", accepted: "Angenommene Lösung" };

const main = document.getElementById("main");
const challengeId = new URLSearchParams(window.location.search).get("id") || "";

function isOpen(c) {
  if (typeof c.open === "boolean")
    return c.open;
  const deadline = text(c.deadline);
  return text(c.status) !== "closed" && (!deadline || deadline >= today());
}

function licenceName(id) {
  if (id === OTHER_LICENCE)
    return "eine andere Lizenz";
  const found = LICENCES.find(([spdx]) => spdx === id);
  return found ? `${found[0]} (${found[1]})` : id;
}

/** The licences the server takes (detail answer "licences"), in the order of LICENCES. */
function licenceChoices(c) {
  const offered = Array.isArray(c.licences) ? c.licences.filter((id) => typeof id === "string") : null;
  const known = LICENCES.filter(([id]) => !offered || offered.includes(id));
  const unknown = offered ? offered.filter((id) => id !== OTHER_LICENCE && !LICENCES.some(([k]) => k === id)) : [];
  return [...known.map(([id, name]) => [id, `${id} – ${name}`]), ...unknown.map((id) => [id, id]),
          ...(!offered || offered.includes(OTHER_LICENCE) ? [[OTHER_LICENCE, "Andere Lizenz"]] : [])];
}

/* ------------------------------------------------------------------ */
/* List                                                               */
/* ------------------------------------------------------------------ */

function facts(c) {
  const rows = [
    ["Fachbereich", text(c.department)],
    ["Veranstaltung", [text(c.event), text(c.event_date) ? formatDay(c.event_date) : ""].filter(Boolean).join(", ")],
    ["Einreichen bis", text(c.deadline) ? formatDay(c.deadline) : ""],
  ].filter(([, value]) => value);
  return h("dl", { class: "facts-list" }, rows.map(([term, value]) => [h("dt", null, term), h("dd", null, value)]));
}

async function renderList() {
  const result = await callApi("/api/v1/challenges");
  main.replaceChildren(
    h("h1", null, "Challenges"),
    h("p", { class: "lead" }, "Ämter der Stadt stellen Aufgaben, für die sie gute Ideen suchen – mit offenen Daten zum " +
      "Loslegen. Bürgerinnen, Bürger und Teams entwickeln Lösungen, zum Beispiel bei einem Hackathon, und reichen sie hier ein."));
  setTitle("Challenges", SITE);
  if (result.status !== 200 || !Array.isArray(result.json)) {
    main.append(h("div", { class: "notice notice--error", role: "alert" },
      h("p", null, result.status === 0 ? problemText(result) : "Die Challenges konnten gerade nicht geladen werden. Bitte versuchen Sie es später erneut.")));
    return;
  }
  const list = result.json.filter((c) => c && typeof c.id === "string" && text(c.title));
  if (!list.length) {
    main.append(h("p", { class: "notice" }, "Zurzeit gibt es keine Challenges."));
    return;
  }
  // Open ones first (by deadline), then the closed ones (latest first).
  const open = list.filter(isOpen).sort((a, b) => text(a.deadline).localeCompare(text(b.deadline)));
  const closed = list.filter((c) => !isOpen(c)).sort((a, b) => text(b.deadline).localeCompare(text(a.deadline)));
  const card = (c) => h("li", { class: "card" },
    h("h3", null, h("a", { href: `/challenges/?id=${encodeURIComponent(c.id)}` }, text(c.title))),
    facts(c));
  if (open.length)
    main.append(h("h2", null, "Offen für Lösungen"), h("ul", { class: "card-list", id: "open-challenges" }, open.map(card)));
  if (closed.length)
    main.append(h("h2", null, "Abgeschlossen"), h("ul", { class: "card-list", id: "closed-challenges" }, closed.map(card)));
}

/* ------------------------------------------------------------------ */
/* Detail                                                             */
/* ------------------------------------------------------------------ */

function section(id, title, ...content) {
  return h("section", { "aria-labelledby": id, class: "block" }, h("h2", { id }, title), ...content);
}

function solutionItem(s) {
  const link = safeUrl(s.link);
  const state = SOLUTION_STATES[s.state] || "";
  return h("li", { class: `card solution${s.state === "winner" ? " solution--winner" : ""}` },
    h("h3", null, text(s.title)),
    state ? h("p", { class: "badge" }, state) : null,
    text(s.team) ? h("p", { class: "meta" }, `Team: ${text(s.team)}`) : null,
    text(s.description) ? h("p", { class: "pre-line" }, text(s.description)) : null,
    h("p", { class: "solution__links" },
      link ? h("a", { href: link, rel: "noopener noreferrer" }, "Code oder Demo ansehen",
        h("span", { class: "visually-hidden" }, `: ${text(s.title)}`)) : null,
      text(s.licence) ? h("span", { class: "meta" }, `Lizenz: ${licenceName(text(s.licence))}`) : null));
}

async function renderDetail() {
  const result = await callApi(`/api/v1/challenges/${encodeURIComponent(challengeId)}`);
  const back = h("a", { class: "back-link", href: "/challenges/" }, "← Alle Challenges");
  main.replaceChildren();
  if (result.status !== 200 || !result.json || typeof result.json !== "object") {
    const missing = result.status === 404 || result.status === 200;
    main.append(back, h("h1", null, missing ? "Challenge nicht gefunden" : "Challenges"),
      h("div", { class: missing ? "notice" : "notice notice--error", role: "alert" },
        h("p", null, missing ? "Diese Challenge gibt es nicht oder sie ist nicht veröffentlicht." : problemText(result))));
    setTitle(missing ? "Challenge nicht gefunden" : "Challenges", SITE);
    return;
  }
  const c = result.json;
  const solutions = (Array.isArray(c.solutions) ? c.solutions : [])
    .filter((s) => s && text(s.title) && (s.state === undefined || SOLUTION_STATES[s.state]))
    .sort((a, b) => Number(b.state === "winner") - Number(a.state === "winner"));

  main.append(back,
    h("article", { "aria-labelledby": "challenge-title" },
      h("h1", { id: "challenge-title" }, text(c.title)),
      facts(c),
      section("h-problem", "Die Aufgabe", h("p", { class: "pre-line" }, text(c.problem) || "Keine Beschreibung.")),
      text(c.data) ? section("h-data", "Verfügbare Daten", h("p", { class: "pre-line linkify" }, text(c.data))) : null,
      text(c.contact) ? section("h-contact", "Kontakt im Fachbereich", h("p", { class: "pre-line" }, text(c.contact))) : null,
      section("h-solutions", "Lösungen",
        solutions.length
          ? h("ul", { class: "card-list", id: "solutions" }, solutions.map(solutionItem))
          : h("p", null, "Noch keine veröffentlichten Lösungen.")),
      section("h-submit", "Lösung einreichen", isOpen(c) ? solutionForm(c) : closedNotice(c))));
  setTitle(text(c.title), SITE);
}

function closedNotice(c) {
  return h("p", { class: "notice", id: "submit-closed" },
    text(c.deadline) && text(c.status) !== "closed"
      ? `Die Frist für Lösungen ist am ${formatDay(c.deadline)} abgelaufen. Es werden keine Lösungen mehr angenommen.`
      : "Diese Challenge ist abgeschlossen. Es werden keine Lösungen mehr angenommen.");
}

function field(id, label, control, { hint = "", required = false, optional = false } = {}) {
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl)
    control.setAttribute("aria-describedby", hintEl.id);
  if (required)
    control.setAttribute("aria-required", "true");
  return h("div", { class: "field", id: `field-${id}` },
    h("label", { for: id }, label,
      required ? h("span", { class: "required" }, " (Pflichtangabe)") : null,
      optional ? h("span", { class: "optional" }, " (freiwillig)") : null),
    hintEl, control);
}

function solutionForm(c) {
  const title = h("input", { id: "sol-title", name: "title", type: "text", maxlength: 200 });
  const description = h("textarea", { id: "sol-description", name: "description", rows: 6, maxlength: MAX_DESCRIPTION });
  const link = h("input", { id: "sol-link", name: "link", type: "url", inputmode: "url", autocomplete: "url", maxlength: 2000 });
  const team = h("input", { id: "sol-team", name: "team", type: "text", maxlength: 300 });
  const contact = h("input", { id: "sol-contact", name: "contact", type: "text", autocomplete: "email", maxlength: 300 });
  const consent = h("input", { id: "sol-consent", name: "consent", type: "checkbox", "aria-describedby": "sol-consent-hint" });
  const licence = h("select", { id: "sol-licence", name: "licence" },
    h("option", { value: "" }, "Bitte wählen"),
    licenceChoices(c).map(([id, label]) => h("option", { value: id }, label)));
  const honeypot = h("input", { id: "sol-website", name: "website", type: "text", tabindex: "-1", autocomplete: "off" });
  const summary = h("div", { id: "error-summary", class: "error-summary", role: "alert", hidden: true });
  const status = h("p", { class: "form__status", role: "status" });
  const submit = h("button", { type: "submit", id: "sol-submit" }, "Lösung einreichen");

  const form = h("form", { id: "solution-form", class: "form", novalidate: true },
    summary,
    h("p", null, "Reichen Sie Ihre Lösung bis ", h("strong", null, formatDay(c.deadline) || "zum Ende der Challenge"),
      " ein. Die Redaktion prüft sie; angenommene Lösungen erscheinen mit Titel, Beschreibung, Team, Link und Lizenz auf dieser Seite. Ihre Kontaktangabe wird nie veröffentlicht."),
    field("sol-title", "Titel der Lösung", title, { required: true }),
    field("sol-description", "Beschreibung", description, { required: true,
      hint: "Was macht Ihre Lösung, welche Daten nutzt sie, wie geht es weiter?" }),
    field("sol-link", "Link zu Code oder Demo", link, { optional: true, hint: "Eine Adresse, die mit https:// beginnt, z. B. ein öffentliches Code-Repository oder eine Demo." }),
    field("sol-team", "Team", team, { optional: true, hint: "Name des Teams oder der Personen, so wie er veröffentlicht werden soll." }),
    field("sol-licence", "Lizenz", licence, { required: true, hint: "Unter welcher freien Lizenz steht Ihre Lösung? Angegeben ist die SPDX-Kennung." }),
    h("fieldset", { class: "field contact" },
      h("legend", null, "Kontakt für Rückfragen ", h("span", { class: "optional" }, "(freiwillig)")),
      field("sol-contact", "E-Mail-Adresse oder Telefonnummer", contact,
        { hint: "Damit der Fachbereich Sie nach der Challenge erreichen kann. Wird nicht veröffentlicht." }),
      h("div", { class: "field field--check", id: "field-sol-consent" }, consent,
        h("label", { for: "sol-consent" }, "Ich willige ein, dass die Stadt diese Kontaktdaten für Rückfragen zu unserer Lösung speichert."),
        h("p", { class: "hint", id: "sol-consent-hint" },
          "Pflicht, wenn Sie Kontaktdaten angeben. Sie werden nach Ablauf der von der Stadt festgelegten Frist nach der Challenge automatisch gelöscht."))),
    h("div", { class: "hp", "aria-hidden": "true", inert: true },
      h("label", { for: "sol-website" }, "Website (bitte leer lassen)"), honeypot),
    status,
    h("p", null, submit));
  form.querySelector("#field-sol-description").append(characterCounter(description, MAX_DESCRIPTION));

  const fields = {
    title: [form.querySelector("#field-sol-title"), title],
    description: [form.querySelector("#field-sol-description"), description],
    link: [form.querySelector("#field-sol-link"), link],
    team: [form.querySelector("#field-sol-team"), team],
    licence: [form.querySelector("#field-sol-licence"), licence],
    contact: [form.querySelector("#field-sol-contact"), contact],
    consent: [form.querySelector("#field-sol-consent"), consent],
  };
  const show = (problems, heading) => reportProblems(summary, problems.map(({ name, message }) =>
    ({ message, target: fields[name] ? fields[name][0] : null, controls: fields[name] ? fields[name][1] : null })), heading);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (submit.disabled)
      return;
    for (const [el, control] of Object.values(fields))
      setFieldError(el, "", control);
    const problems = [];
    if (!title.value.trim())
      problems.push({ name: "title", message: "Bitte geben Sie einen Titel ein." });
    if (!description.value.trim())
      problems.push({ name: "description", message: "Bitte beschreiben Sie Ihre Lösung." });
    if (link.value.trim() && (!safeUrl(link.value) || !/^https?:\/\/[^/\s]/i.test(link.value.trim())))
      problems.push({ name: "link", message: "Der Link muss mit https:// oder http:// beginnen." });
    if (!licence.value)
      problems.push({ name: "licence", message: "Bitte wählen Sie eine Lizenz." });
    if (contact.value.trim() && !consent.checked)
      problems.push({ name: "consent", message: "Bitte willigen Sie in die Speicherung der Kontaktdaten ein – oder löschen Sie die Kontaktangabe." });
    if (problems.length) {
      show(problems);
      return;
    }
    const body = {
      title: title.value.trim(), description: description.value.trim(), link: link.value.trim(),
      team: team.value.trim(), contact: contact.value.trim(), licence: licence.value,
      consent: consent.checked, website: honeypot.value,
    };
    submit.disabled = true;
    status.textContent = "Ihre Lösung wird gesendet …";
    const result = await callApi(`/api/v1/challenges/${encodeURIComponent(c.id)}/solutions`, { method: "POST", body });
    submit.disabled = false;
    status.textContent = "";
    if (result.status === 201) {
      const done = h("div", { class: "done", id: "solution-done" },
        h("h3", { tabindex: "-1" }, "Vielen Dank, Ihre Lösung ist eingereicht!"),
        h("p", null, "Die Redaktion prüft sie. Angenommene Lösungen erscheinen auf dieser Seite."));
      form.replaceWith(done);
      done.querySelector("h3").focus();
      return;
    }
    if (result.status === 409) {
      form.replaceWith(h("p", { class: "notice", role: "alert", id: "submit-closed" },
        "Diese Challenge nimmt keine Lösungen mehr an: die Frist ist abgelaufen."));
      return;
    }
    const json = result.json || {};
    const words = `${json.field || ""} ${json.error || ""} ${json.message || ""}`.toLowerCase();
    const name = result.status !== 400 ? null
      : fields[json.field] ? json.field
      : ["consent", "licence", "link", "title", "description", "team", "contact"].find((n) => words.includes(n));
    if (name)
      show([{ name, message: FIELD_PROBLEMS[name] || "Diese Angabe wurde nicht angenommen. Bitte prüfen Sie sie." }]);
    else
      show([{ name: "", message: problemText(result) }], "Die Lösung wurde nicht gesendet");
  });
  return form;
}

if (challengeId)
  renderDetail();
else
  renderList();
