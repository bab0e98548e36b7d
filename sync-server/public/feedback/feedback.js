/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Feedback form (/feedback/, ?service=ID preselects a service): service
 * picker, rating 1–5 (radio stars), message with counter, optional contact
 * that needs explicit consent, the hidden honeypot field "website".
 * POST /api/v1/feedback; on success the ticket and a link to the status
 * page; errors from the server are shown at the fields they name.
 */

import { h, text, callApi, problemText, setFieldError, showErrorSummary, reportProblems, characterCounter, siteFrame } from "/common.js";

siteFrame("/feedback/", "Es werden keine IP-Adressen gespeichert.");

const MAX_TEXT = 4000;
const RATING_WORDS = ["", "sehr unzufrieden", "unzufrieden", "teils, teils", "zufrieden", "sehr zufrieden"];

const form = document.getElementById("feedback-form");
const summary = document.getElementById("error-summary");
const select = document.getElementById("fb-service");
const textarea = document.getElementById("fb-text");
const contact = document.getElementById("fb-contact");
const consent = document.getElementById("fb-consent");
const honeypot = document.getElementById("fb-website");
const submit = document.getElementById("fb-submit");
const sendStatus = document.getElementById("fb-send-status");
const chosen = document.getElementById("fb-rating-chosen");
const groups = {
  service_id: document.getElementById("field-service"),
  rating: document.getElementById("field-rating"),
  text: document.getElementById("field-text"),
  contact: document.getElementById("field-contact"),
  consent: document.getElementById("field-consent"),
};

function controlsOf(name) {
  if (name === "rating")
    return form.querySelectorAll("input[name=rating]");
  return groups[name].querySelector("input, select, textarea");
}

function rating() {
  const checked = form.querySelector("input[name=rating]:checked");
  return checked ? Number(checked.value) : 0;
}

function clearErrors() {
  for (const name of Object.keys(groups))
    setFieldError(groups[name], "", controlsOf(name));
  showErrorSummary(summary, "", []);
}

/** Client-side checks, the same rules the server applies. */
function check() {
  const problems = [];
  if (!rating())
    problems.push({ name: "rating", message: "Bitte wählen Sie eine Bewertung von 1 bis 5 Sternen." });
  // The server counts bytes too: umlauts take two.
  if (new TextEncoder().encode(textarea.value.trim()).length > MAX_TEXT)
    problems.push({ name: "text", message: FIELD_PROBLEMS.text });
  if (contact.value.trim() && !consent.checked)
    problems.push({ name: "consent", message: "Bitte willigen Sie in die Speicherung Ihrer Kontaktdaten ein – oder löschen Sie die Kontaktangabe." });
  return problems;
}

function showProblems(problems) {
  reportProblems(summary, problems.map((p) => ({ message: p.message, target: groups[p.name], controls: controlsOf(p.name) })));
}

/* German words for the server's (English) 400 answers, by the field it names. */
const FIELD_PROBLEMS = {
  service_id: "Diese Leistung gibt es nicht mehr. Bitte wählen Sie eine andere oder „Allgemein“.",
  rating: "Bitte wählen Sie eine Bewertung von 1 bis 5 Sternen.",
  text: `Die Nachricht ist zu lang (höchstens ${MAX_TEXT} Zeichen, Umlaute zählen doppelt) oder enthält Steuerzeichen.`,
  contact: "Die Kontaktangabe ist zu lang: höchstens 200 Zeichen.",
  consent: "Bitte willigen Sie in die Speicherung Ihrer Kontaktdaten ein – oder löschen Sie die Kontaktangabe.",
};

async function onSubmit(event) {
  event.preventDefault();
  if (submit.disabled)
    return;
  clearErrors();
  const problems = check();
  if (problems.length) {
    showProblems(problems);
    return;
  }
  const body = {
    service_id: select.value,
    rating: rating(),
    text: textarea.value.trim(),
    channel: "web",
    website: honeypot.value,
  };
  if (contact.value.trim()) {
    body.contact = contact.value.trim();
    body.consent = consent.checked;
  }

  submit.disabled = true;
  sendStatus.textContent = "Ihre Rückmeldung wird gesendet …";
  const result = await callApi("/api/v1/feedback", { method: "POST", body });
  submit.disabled = false;
  sendStatus.textContent = "";

  if (result.status === 201 && result.json && typeof result.json.ticket === "string") {
    showDone(result.json.ticket);
    return;
  }
  const json = result.json || {};
  const field = result.status === 400 && FIELD_PROBLEMS[json.field] ? json.field : null;
  if (field) {
    showProblems([{ name: field, message: FIELD_PROBLEMS[field] }]);
  } else {
    const message = result.status === 400
      ? (json.error === "rejected" ? "Die Rückmeldung wurde abgelehnt." : "Die Rückmeldung wurde nicht angenommen. Bitte prüfen Sie Ihre Angaben.")
      : problemText(result);
    reportProblems(summary, [{ message }], "Die Rückmeldung wurde nicht gesendet");
  }
}

function showDone(ticket) {
  const done = document.getElementById("feedback-done");
  document.getElementById("done-ticket").textContent = ticket;
  document.getElementById("done-status-link").setAttribute("href", `/feedback/status.html?ticket=${encodeURIComponent(ticket)}`);
  form.hidden = true;
  done.hidden = false;
  document.title = "Rückmeldung gesendet – Bürgerservice";
  document.getElementById("done-title").focus();
}

async function loadServices(preselect) {
  const result = await callApi("/api/v1/services");
  if (result.status !== 200 || !Array.isArray(result.json))
    return;   /* "Allgemein" still works */
  const options = result.json
    .filter((s) => s && typeof s.id === "string" && text(s.name))
    .sort((a, b) => text(a.name).localeCompare(text(b.name), "de"))
    .map((s) => h("option", { value: s.id }, text(s.name)));
  select.append(...options);
  if (preselect && options.some((o) => o.value === preselect))
    select.value = preselect;
}

function showChosen() {
  const n = rating();
  chosen.textContent = n ? `Ihre Bewertung: ${n} von 5 Sternen – ${RATING_WORDS[n]}.` : "Noch keine Bewertung gewählt.";
}

async function start() {
  const params = new URLSearchParams(window.location.search);
  const preselect = params.get("service") || "";
  const preRating = Number(params.get("rating"));
  if (preRating >= 1 && preRating <= 5)
    form.querySelector(`input[name=rating][value="${preRating}"]`).checked = true;

  groups.text.append(characterCounter(textarea, MAX_TEXT));
  form.addEventListener("submit", onSubmit);
  form.addEventListener("change", (e) => {
    if (e.target.name === "rating") {
      showChosen();
      setFieldError(groups.rating, "", controlsOf("rating"));
    } else if (e.target === consent && consent.checked) {
      setFieldError(groups.consent, "", consent);
    }
  });
  showChosen();
  form.hidden = false;
  await loadServices(preselect);
}

start();
