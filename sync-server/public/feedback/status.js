/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Ticket status page (/feedback/status.html?ticket=FB-...): asks
 * GET /api/v1/feedback/TICKET and shows the state, the dates and the
 * city's public reply (as text).
 */

import { h, text, callApi, problemText, setFieldError, formatTime, siteFrame } from "/common.js";

siteFrame("/feedback/", "Es werden keine IP-Adressen gespeichert.");

const STATES = {
  new: ["Eingegangen", "Ihre Rückmeldung ist angekommen und wartet auf die Bearbeitung."],
  in_progress: ["In Bearbeitung", "Die zuständige Stelle kümmert sich um Ihre Rückmeldung."],
  answered: ["Beantwortet", "Die Stadt hat Ihnen geantwortet."],
  closed: ["Abgeschlossen", "Die Bearbeitung ist abgeschlossen."],
};

const form = document.getElementById("ticket-form");
const input = document.getElementById("ticket");
const field = document.getElementById("field-ticket");
const loading = document.getElementById("ticket-loading");
const out = document.getElementById("ticket-result");

function row(term, ...value) {
  return [h("dt", null, term), h("dd", null, ...value)];
}

function showTicket(t) {
  const [label, explanation] = STATES[t.state] || [text(t.state) || "Unbekannt", ""];
  const reply = text(t.reply);
  out.replaceChildren(h("section", { class: "ticket-status", "aria-labelledby": "ticket-title" },
    h("h2", { id: "ticket-title", tabindex: "-1" }, `Rückmeldung ${text(t.ticket)}`),
    h("p", { class: `state state--${STATES[t.state] ? t.state : "unknown"}` }, h("strong", null, label),
      explanation ? ` – ${explanation}` : ""),
    h("dl", { class: "facts-list" },
      row("Betrifft", text(t.service_name) || "Allgemein"),
      t.created ? row("Eingegangen am", formatTime(t.created)) : null,
      t.updated ? row("Zuletzt bearbeitet", formatTime(t.updated)) : null),
    h("h3", null, "Antwort der Stadt"),
    reply
      ? [h("blockquote", { class: "reply pre-line" }, reply),
         t.replied ? h("p", { class: "meta" }, `Geantwortet am ${formatTime(t.replied)}`) : null]
      : h("p", null, "Es gibt noch keine Antwort. Schauen Sie später wieder vorbei.")));
  document.title = `Rückmeldung ${text(t.ticket)} – Bürgerservice`;
}

async function lookUp(ticket, moveFocus) {
  setFieldError(field, "", input);
  out.replaceChildren();
  const normalized = ticket.trim().toUpperCase();
  if (!normalized) {
    setFieldError(field, "Bitte geben Sie Ihre Vorgangsnummer ein.", input);
    input.focus();
    return;
  }
  const url = new URL(window.location.href);
  url.searchParams.set("ticket", normalized);
  history.replaceState(null, "", url);

  loading.textContent = "Der Stand wird abgerufen …";
  const result = await callApi(`/api/v1/feedback/${encodeURIComponent(normalized)}`);
  loading.textContent = "";
  if (result.status === 200 && result.json) {
    showTicket(result.json);
    if (moveFocus)
      document.getElementById("ticket-title").focus();
    return;
  }
  const message = result.status === 404
    ? "Zu dieser Vorgangsnummer gibt es keine Rückmeldung. Bitte prüfen Sie die Schreibweise."
    : problemText(result);
  setFieldError(field, message, input);
  input.focus();
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  lookUp(input.value, true);
});
form.hidden = false;

const initial = new URLSearchParams(window.location.search).get("ticket");
if (initial) {
  input.value = initial;
  lookUp(initial, false);
}
