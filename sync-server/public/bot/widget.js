/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Stadtpult chat widget: one tag on any city web page,
 *
 *   <script src="https://stadt.example/bot/widget.js" defer></script>
 *
 * adds a launcher button and a chat panel that talks to the Stadtpult
 * server the script came from (its API base is derived from the script's
 * own URL, so the page may live on another origin; the server answers the
 * public bot endpoints with CORS headers).
 *
 * Endpoints used (all public, no login):
 *   POST /api/v1/bot/ask        {"question","session","lang","channel":"chat"}
 *   POST /api/v1/bot/handoff    {"session","question","lang"}  (office hours)
 *   POST /api/v1/bot/handoff/ID/messages {"text"}
 *   GET  /api/v1/bot/handoff/ID/events?after=N   (long poll)
 *   POST /api/v1/bot/callback   {"question","contact","consent":true,"lang"}
 *
 * Privacy: the session id is random per page load and lives only in this
 * script's memory. No cookies, no localStorage, no requests anywhere but the
 * widget's own server, and none at all before the citizen opens the chat.
 *
 * Safety: text from the server is only ever put into the page as text nodes
 * (links in answers become <a> elements built here, http(s) only); never
 * through innerHTML.
 *
 * Options (attributes of the script tag):
 *   data-lang="de|en"  start language (default: the page's <html lang>)
 */
(function () {
  "use strict";

  if (window.__stadtpultBotWidget)
    return;
  window.__stadtpultBotWidget = true;

  /* -------------------------------------------------------------- */
  /* Where we come from                                             */
  /* -------------------------------------------------------------- */

  const script = document.currentScript ||
    document.querySelector('script[src*="/bot/widget.js"]');
  const scriptUrl = new URL(script ? script.src : "/bot/widget.js", window.location.href);
  const API = new URL("/api/v1/bot/", scriptUrl).href;
  const CSS_URL = new URL("widget.css", scriptUrl).href;
  const SITE = new URL("/", scriptUrl).href;

  const MAX_QUESTION = 500;
  const MAX_CONTACT = 200;
  const POLL_AFTER_ERROR_MS = [2000, 5000, 10000, 20000, 30000];

  /* -------------------------------------------------------------- */
  /* Strings                                                        */
  /* -------------------------------------------------------------- */

  const STRINGS = {
    de: {
      launcher: "Frage stellen",
      launcherUnread: "Frage stellen – neue Antwort",
      title: "Bürgerservice-Chat",
      subtitle: "Automatische Antworten der Stadtverwaltung",
      close: "Chat schließen",
      switchLang: "English",
      switchLangCode: "en",
      switchLangLabel: "Switch the chat to English",
      log: "Chatverlauf",
      you: "Sie",
      bot: "Chat-Assistent",
      staff: "Mitarbeiterin oder Mitarbeiter",
      system: "Hinweis",
      greeting: "Guten Tag! Ich beantworte Fragen zu den Leistungen der Stadtverwaltung, zum Beispiel „Wie melde ich meine Wohnung an?“. Bitte geben Sie keine persönlichen Daten wie Namen oder Adressen ein.",
      inputLabel: "Ihre Frage",
      inputPlaceholder: "Ihre Frage …",
      inputLabelHandoff: "Ihre Nachricht an die Mitarbeitenden",
      send: "Senden",
      thinking: "Die Antwort wird gesucht …",
      suggestions: "Passende Fragen",
      related: "Weitere passende Fragen",
      handoff: "Mit einem Menschen sprechen",
      handoffStarting: "Sie werden mit einer Mitarbeiterin oder einem Mitarbeiter verbunden. Bitte haben Sie einen Moment Geduld; Sie können Ihre Frage hier schon ergänzen.",
      handoffClosedHours: "Gerade ist niemand im Dienst. Sie können einen Rückruf anfordern.",
      handoffEnded: "Das Gespräch mit den Mitarbeitenden ist beendet. Sie können weiter Fragen an den Chat-Assistenten stellen.",
      handoffWaiting: "Sie sind verbunden. Eine Mitarbeiterin oder ein Mitarbeiter antwortet hier.",
      callbackOffer: "Rückruf anfordern",
      callbackTitle: "Rückruf oder Antwort anfordern",
      callbackIntro: "Außerhalb der Servicezeiten nehmen wir Ihr Anliegen entgegen und melden uns bei Ihnen.",
      callbackQuestion: "Ihr Anliegen",
      callbackContact: "Telefonnummer oder E-Mail-Adresse",
      callbackConsent: "Ich bin einverstanden, dass die Stadtverwaltung meine Kontaktdaten speichert, um sich zu diesem Anliegen bei mir zu melden. Danach werden sie gelöscht.",
      callbackSubmit: "Rückruf anfordern",
      callbackCancel: "Abbrechen",
      callbackMissingQuestion: "Bitte beschreiben Sie Ihr Anliegen.",
      callbackMissingContact: "Bitte geben Sie eine Telefonnummer oder E-Mail-Adresse an.",
      callbackMissingConsent: "Bitte bestätigen Sie die Einwilligung, sonst können wir uns nicht melden.",
      callbackDone: "Vielen Dank. Ihr Anliegen ist eingegangen; wir melden uns bei Ihnen.",
      nextOpen: (when) => `Die nächste Servicezeit beginnt ${when}.`,
      hotline: (number) => `Telefonisch erreichen Sie uns unter ${number}.`,
      error: "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.",
      errorRate: "Sie haben sehr viele Fragen in kurzer Zeit gestellt. Bitte warten Sie einen Moment.",
      moreInfo: "Mehr zu dieser Leistung",
      empty: "Bitte geben Sie eine Frage ein.",
      newWindow: "(öffnet in neuem Fenster)",
    },
    en: {
      launcher: "Ask a question",
      launcherUnread: "Ask a question – new reply",
      title: "Citizen service chat",
      subtitle: "Automatic answers from the city administration",
      close: "Close chat",
      switchLang: "Deutsch",
      switchLangCode: "de",
      switchLangLabel: "Chat auf Deutsch umstellen",
      log: "Chat history",
      you: "You",
      bot: "Chat assistant",
      staff: "Staff member",
      system: "Note",
      greeting: "Hello! I answer questions about the services of the city administration, for example “How do I register my flat?”. Please do not enter personal data such as names or addresses.",
      inputLabel: "Your question",
      inputPlaceholder: "Your question …",
      inputLabelHandoff: "Your message to our staff",
      send: "Send",
      thinking: "Looking for an answer …",
      suggestions: "Matching questions",
      related: "More matching questions",
      handoff: "Talk to a person",
      handoffStarting: "We are connecting you with a member of staff. Please wait a moment; you can add to your question here.",
      handoffClosedHours: "Nobody is on duty right now. You can request a call back.",
      handoffEnded: "The conversation with our staff has ended. You can go on asking the chat assistant.",
      handoffWaiting: "You are connected. A member of staff will reply here.",
      callbackOffer: "Request a call back",
      callbackTitle: "Request a call back or an answer",
      callbackIntro: "Outside our service hours we take your request and get back to you.",
      callbackQuestion: "Your request",
      callbackContact: "Phone number or e-mail address",
      callbackConsent: "I agree that the city administration stores my contact details to get back to me about this request. They are deleted afterwards.",
      callbackSubmit: "Request a call back",
      callbackCancel: "Cancel",
      callbackMissingQuestion: "Please describe your request.",
      callbackMissingContact: "Please enter a phone number or an e-mail address.",
      callbackMissingConsent: "Please give your consent, otherwise we cannot get back to you.",
      callbackDone: "Thank you. We have received your request and will get back to you.",
      nextOpen: (when) => `Our next service hours start ${when}.`,
      hotline: (number) => `You can call us at ${number}.`,
      error: "The chat cannot be reached right now. Please try again later.",
      errorRate: "You asked a lot of questions in a short time. Please wait a moment.",
      moreInfo: "More about this service",
      empty: "Please enter a question.",
      newWindow: "(opens in a new window)",
    },
  };

  function pageLanguage() {
    const attr = (script && script.getAttribute("data-lang")) ||
      document.documentElement.getAttribute("lang") || "de";
    return attr.toLowerCase().startsWith("en") ? "en" : "de";
  }

  /* -------------------------------------------------------------- */
  /* State (memory only)                                            */
  /* -------------------------------------------------------------- */

  const state = {
    lang: pageLanguage(),
    session: randomId(),
    open: false,
    started: false,
    busy: false,
    lastQuestion: "",
    openQuestion: "",       /* the last question the bot could not answer */
    officeOpen: null,
    nextOpen: null,
    hotline: null,
    conversation: null,     /* hand-off conversation id (the secret handle) */
    after: 0,               /* last seen hand-off message id */
    poll: null,             /* AbortController of the running long poll */
    unread: 0,
  };

  function t(key) {
    return STRINGS[state.lang][key];
  }

  function randomId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* -------------------------------------------------------------- */
  /* DOM helpers                                                    */
  /* -------------------------------------------------------------- */

  function h(tag, attrs, ...children) {
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
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false)
        continue;
      el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;

  /* Plain text -> text nodes, line breaks and links (http(s) only). */
  function richText(text) {
    const frag = document.createDocumentFragment();
    const lines = String(text || "").split(/\r?\n/);
    lines.forEach((line, i) => {
      if (i > 0)
        frag.appendChild(h("br"));
      let last = 0;
      for (const m of line.matchAll(URL_RE)) {
        let raw = m[0];
        /* Sentence punctuation after a link is not part of it. */
        const trail = /[.,;:!?)\]]+$/.exec(raw);
        if (trail)
          raw = raw.slice(0, -trail[0].length);
        const href = safeUrl(raw.toLowerCase().startsWith("www.") ? "https://" + raw : raw);
        if (m.index > last)
          frag.appendChild(document.createTextNode(line.slice(last, m.index)));
        if (href) {
          frag.appendChild(h("a", { href, target: "_blank", rel: "noopener noreferrer" },
                             raw, h("span", { class: "spw-sr-only" }, " " + t("newWindow"))));
        } else {
          frag.appendChild(document.createTextNode(raw));
        }
        last = m.index + raw.length;
      }
      if (last < line.length)
        frag.appendChild(document.createTextNode(line.slice(last)));
    });
    return frag;
  }

  function safeUrl(value) {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  /* -------------------------------------------------------------- */
  /* Network                                                        */
  /* -------------------------------------------------------------- */

  class ApiError extends Error {
    constructor(status, slug, message) {
      super(message || slug || `HTTP ${status}`);
      this.status = status;
      this.slug = slug;
    }
  }

  async function api(path, { method = "GET", body, signal } = {}) {
    const init = {
      method,
      signal,
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      headers: { Accept: "application/json" },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(API + path, init);
    let json = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    if (!res.ok)
      throw new ApiError(res.status, json && json.error, json && json.message);
    return json || {};
  }

  /* -------------------------------------------------------------- */
  /* Building the widget                                            */
  /* -------------------------------------------------------------- */

  const ui = {};

  function build() {
    if (!document.querySelector(`link[href="${CSS_URL}"]`))
      document.head.appendChild(h("link", { rel: "stylesheet", href: CSS_URL }));

    ui.launcherText = h("span", { class: "spw-launcher__text" });
    ui.launcher = h("button", {
      type: "button",
      class: "spw-launcher",
      "aria-expanded": "false",
      "aria-controls": "spw-panel",
      onclick: () => (state.open ? close() : open()),
    }, icon(), ui.launcherText);

    ui.title = h("h2", { id: "spw-title", class: "spw-title" });
    ui.subtitle = h("p", { id: "spw-subtitle", class: "spw-subtitle" });
    ui.langButton = h("button", { type: "button", class: "spw-lang", onclick: switchLanguage });
    ui.closeButton = h("button", { type: "button", class: "spw-close", onclick: () => close() },
                       h("span", { "aria-hidden": "true" }, "×"));

    ui.log = h("div", {
      id: "spw-log",
      class: "spw-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      tabindex: "0",
    });

    ui.inputLabel = h("label", { for: "spw-input", class: "spw-sr-only" });
    ui.input = h("input", {
      id: "spw-input",
      class: "spw-input",
      type: "text",
      autocomplete: "off",
      maxlength: String(MAX_QUESTION),
      enterkeyhint: "send",
    });
    ui.send = h("button", { type: "submit", class: "spw-send" });
    ui.form = h("form", { class: "spw-form", onsubmit: onSubmit, novalidate: true },
                ui.inputLabel, ui.input, ui.send);
    ui.callbackSlot = h("div", { class: "spw-callback-slot" });

    ui.panel = h("section", {
      id: "spw-panel",
      class: "spw-panel",
      role: "dialog",
      "aria-labelledby": "spw-title",
      "aria-describedby": "spw-subtitle",
      hidden: true,
      onkeydown: onPanelKey,
    },
      h("div", { class: "spw-header" },
        h("div", { class: "spw-heading" }, ui.title, ui.subtitle),
        ui.langButton, ui.closeButton),
      ui.log, ui.callbackSlot, ui.form);

    ui.root = h("div", { class: "spw-root", lang: state.lang }, ui.panel, ui.launcher);
    document.body.appendChild(ui.root);
    applyLanguage();
  }

  function icon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z");
    svg.appendChild(path);
    return svg;
  }

  function applyLanguage() {
    ui.root.setAttribute("lang", state.lang);
    updateLauncher();
    ui.title.textContent = t("title");
    ui.subtitle.textContent = t("subtitle");
    ui.langButton.textContent = t("switchLang");
    ui.langButton.setAttribute("lang", t("switchLangCode"));
    ui.langButton.setAttribute("aria-label", t("switchLangLabel"));
    ui.closeButton.setAttribute("aria-label", t("close"));
    ui.closeButton.setAttribute("title", t("close"));
    ui.inputLabel.textContent = state.conversation ? t("inputLabelHandoff") : t("inputLabel");
    ui.input.setAttribute("placeholder", t("inputPlaceholder"));
    ui.send.textContent = t("send");
    ui.log.setAttribute("aria-label", t("log"));
    if (ui.callback)
      renderCallbackForm(ui.callback.question.value, ui.callback.contact.value);
  }

  function updateLauncher() {
    ui.launcherText.textContent = state.unread > 0 && !state.open ? t("launcherUnread") : t("launcher");
    ui.launcher.classList.toggle("spw-launcher--unread", state.unread > 0 && !state.open);
  }

  function switchLanguage() {
    state.lang = state.lang === "de" ? "en" : "de";
    applyLanguage();
    ui.langButton.focus();
  }

  /* -------------------------------------------------------------- */
  /* Open / close                                                   */
  /* -------------------------------------------------------------- */

  function open() {
    state.open = true;
    state.unread = 0;
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    updateLauncher();
    if (!state.started) {
      state.started = true;
      addMessage("bot", t("greeting"));
    }
    scrollLog();
    ui.input.focus();
  }

  function close() {
    state.open = false;
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    updateLauncher();
    ui.launcher.focus();
  }

  function onPanelKey(event) {
    if (event.key === "Escape" && !event.defaultPrevented) {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  }

  /* -------------------------------------------------------------- */
  /* The log                                                        */
  /* -------------------------------------------------------------- */

  /* @who: "you" | "bot" | "staff" | "system". Returns the message element. */
  function addMessage(who, text, extra) {
    const msg = h("div", { class: `spw-msg spw-msg--${who}` },
                  h("span", { class: "spw-msg__who" }, t(who === "you" ? "you" : who) + ": "),
                  h("span", { class: "spw-msg__text" }, richText(text)),
                  extra || null);
    ui.log.appendChild(msg);
    scrollLog();
    return msg;
  }

  function scrollLog() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function actions(...buttons) {
    return h("div", { class: "spw-actions" }, buttons);
  }

  function suggestionList(label, suggestions) {
    if (!Array.isArray(suggestions) || suggestions.length === 0)
      return null;
    const items = suggestions
      .filter((s) => s && typeof s.question === "string" && s.question.trim() !== "")
      .slice(0, 5)
      .map((s) => h("li", null,
        h("button", { type: "button", class: "spw-suggestion", onclick: () => ask(s.question.trim()) },
          s.question.trim())));
    if (items.length === 0)
      return null;
    const id = "spw-sg-" + randomId().slice(0, 8);
    return h("div", { class: "spw-suggestions" },
      h("p", { id, class: "spw-suggestions__label" }, label),
      h("ul", { "aria-labelledby": id }, items));
  }

  function setBusy(busy) {
    state.busy = busy;
    ui.send.disabled = busy;
    ui.log.setAttribute("aria-busy", busy ? "true" : "false");
  }

  /* -------------------------------------------------------------- */
  /* Asking the bot                                                 */
  /* -------------------------------------------------------------- */

  function onSubmit(event) {
    event.preventDefault();
    /* Keep what was typed while an answer is on its way. */
    if (state.busy)
      return;
    const text = ui.input.value.trim();
    if (text === "") {
      addMessage("system", t("empty"));
      ui.input.focus();
      return;
    }
    ui.input.value = "";
    if (state.conversation)
      sendToStaff(text);
    else
      ask(text);
  }

  async function ask(question) {
    if (state.busy)
      return;
    question = question.slice(0, MAX_QUESTION);
    state.lastQuestion = question;
    addMessage("you", question);
    const thinking = h("p", { class: "spw-thinking" }, t("thinking"));
    ui.log.appendChild(thinking);
    setBusy(true);
    let reply;
    try {
      reply = await api("ask", {
        method: "POST",
        body: { question, session: state.session, lang: state.lang, channel: "chat" },
      });
    } catch (err) {
      thinking.remove();
      setBusy(false);
      addMessage("system", err.status === 429 ? t("errorRate") : t("error"));
      return;
    }
    thinking.remove();
    setBusy(false);
    showReply(reply);
    ui.input.focus();
  }

  function showReply(reply) {
    if (typeof reply.office_open === "boolean")
      state.officeOpen = reply.office_open;

    const parts = [];
    const hasAnswer = reply.faq_id !== null && reply.faq_id !== undefined;
    parts.push(suggestionList(hasAnswer ? t("related") : t("suggestions"), reply.suggestions));

    if (typeof reply.service_id === "string" && reply.service_id !== "") {
      const href = SITE + "#/service/" + encodeURIComponent(reply.service_id);
      parts.push(h("p", { class: "spw-more" }, h("a", { href }, t("moreInfo"))));
    }

    if (reply.kind === "unknown" || reply.kind === "clarify")
      state.openQuestion = state.lastQuestion;
    else if (hasAnswer)
      state.openQuestion = "";

    /* The citizen asked for a person (or said "ja" to the offer) in office
     * hours: the bot says it connects, so connect. */
    const connectNow = reply.kind === "handoff" && reply.handoff === true && state.officeOpen !== false;
    if (reply.handoff === true && !connectNow) {
      if (state.officeOpen === false)
        parts.push(actions(h("button", { type: "button", class: "spw-action", onclick: () => renderCallbackForm(pendingQuestion(), "") }, t("callbackOffer"))));
      else
        parts.push(actions(h("button", { type: "button", class: "spw-action", onclick: (e) => startHandoff(e.currentTarget) }, t("handoff"))));
    } else if (!hasAnswer && state.officeOpen === false && reply.kind !== "smalltalk") {
      parts.push(actions(h("button", { type: "button", class: "spw-action", onclick: () => renderCallbackForm(pendingQuestion(), "") }, t("callbackOffer"))));
    }

    const answer = typeof reply.answer === "string" && reply.answer.trim() !== "" ? reply.answer : t("error");
    addMessage("bot", answer, parts.filter(Boolean));
    if (connectNow)
      startHandoff(null);
  }

  /* What staff should read first: the open question, else the last one. */
  function pendingQuestion() {
    return state.openQuestion || state.lastQuestion;
  }

  /* -------------------------------------------------------------- */
  /* Hand-off to staff                                              */
  /* -------------------------------------------------------------- */

  async function startHandoff(button) {
    if (state.conversation || state.busy)
      return;
    if (button)
      button.disabled = true;
    setBusy(true);
    try {
      const reply = await api("handoff", {
        method: "POST",
        body: { session: state.session, question: pendingQuestion(), lang: state.lang },
      });
      if (typeof reply.conversation !== "string" || reply.conversation === "")
        throw new ApiError(500, "invalid", "no conversation id");
      state.conversation = reply.conversation;
      state.after = 0;
      state.openQuestion = "";
      applyLanguage();
      addMessage("system", t("handoffStarting"));
      poll();
    } catch (err) {
      if (err.status === 409) {
        state.officeOpen = false;
        await loadStatus();
        const note = [t("handoffClosedHours")];
        if (state.nextOpen)
          note.push(t("nextOpen")(formatTime(state.nextOpen)));
        addMessage("system", note.join(" "), actions(
          h("button", { type: "button", class: "spw-action", onclick: () => renderCallbackForm(pendingQuestion(), "") }, t("callbackOffer"))));
      } else {
        addMessage("system", t("error"));
        if (button)
          button.disabled = false;
      }
    } finally {
      setBusy(false);
    }
    ui.input.focus();
  }

  async function sendToStaff(text) {
    const id = state.conversation;
    addMessage("you", text);
    try {
      await api(`handoff/${encodeURIComponent(id)}/messages`, { method: "POST", body: { text: text.slice(0, MAX_QUESTION) } });
    } catch (err) {
      if (err.status === 404 || err.status === 409 || err.status === 410)
        endHandoff();
      else
        addMessage("system", t("error"));
    }
  }

  async function poll() {
    let failures = 0;
    const id = state.conversation;
    while (state.conversation === id) {
      const controller = new AbortController();
      state.poll = controller;
      let reply;
      try {
        reply = await api(`handoff/${encodeURIComponent(id)}/events?after=${state.after}`, { signal: controller.signal });
        failures = 0;
      } catch (err) {
        if (state.conversation !== id)
          return;
        if (err.status === 404 || err.status === 410) {
          endHandoff();
          return;
        }
        const wait = POLL_AFTER_ERROR_MS[Math.min(failures, POLL_AFTER_ERROR_MS.length - 1)];
        failures++;
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      if (state.conversation !== id)
        return;
      for (const m of Array.isArray(reply.messages) ? reply.messages : []) {
        if (typeof m.id === "number" && m.id > state.after)
          state.after = m.id;
        /* The citizen's own messages are already in the log. */
        if (m.sender === "staff" || m.sender === "bot") {
          addMessage(m.sender, typeof m.text === "string" ? m.text : "");
          if (!state.open) {
            state.unread++;
            updateLauncher();
          }
        }
      }
      if (reply.state === "closed") {
        endHandoff();
        return;
      }
    }
  }

  function endHandoff() {
    if (!state.conversation)
      return;
    state.conversation = null;
    if (state.poll)
      state.poll.abort();
    state.poll = null;
    applyLanguage();
    addMessage("system", t("handoffEnded"));
  }

  /* -------------------------------------------------------------- */
  /* Call back out of hours                                         */
  /* -------------------------------------------------------------- */

  async function loadStatus() {
    try {
      const status = await api("status");
      if (typeof status.office_open === "boolean")
        state.officeOpen = status.office_open;
      state.nextOpen = typeof status.next_open === "string" ? status.next_open : null;
      state.hotline = typeof status.hotline === "string" && status.hotline !== "" ? status.hotline : null;
    } catch {
      /* the form works without it */
    }
  }

  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime()))
      return iso;
    return new Intl.DateTimeFormat(state.lang === "en" ? "en-GB" : "de-DE", {
      weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
    }).format(date) + (state.lang === "en" ? "" : " Uhr");
  }

  function field(id, label, control, errorId) {
    return h("div", { class: "spw-field" },
      h("label", { for: id }, label), control,
      h("p", { id: errorId, class: "spw-error", hidden: true }));
  }

  function renderCallbackForm(question, contact) {
    const focusAfter = !ui.callback;
    const questionInput = h("textarea", {
      id: "spw-cb-question", rows: "3", maxlength: String(MAX_QUESTION),
      "aria-describedby": "spw-cb-question-error",
    });
    questionInput.value = question || "";
    const contactInput = h("input", {
      id: "spw-cb-contact", type: "text", autocomplete: "tel", maxlength: String(MAX_CONTACT),
      "aria-describedby": "spw-cb-contact-error",
    });
    contactInput.value = contact || "";
    const consent = h("input", { id: "spw-cb-consent", type: "checkbox", "aria-describedby": "spw-cb-consent-error" });
    const heading = h("h3", { id: "spw-cb-title", class: "spw-cb-title", tabindex: "-1" }, t("callbackTitle"));
    const intro = [t("callbackIntro")];
    if (state.hotline)
      intro.push(t("hotline")(state.hotline));

    const form = h("form", {
      class: "spw-callback", "aria-labelledby": "spw-cb-title", novalidate: true,
      onsubmit: (e) => { e.preventDefault(); submitCallback(); },
    },
      heading,
      h("p", { class: "spw-cb-intro" }, intro.join(" ")),
      field("spw-cb-question", t("callbackQuestion"), questionInput, "spw-cb-question-error"),
      field("spw-cb-contact", t("callbackContact"), contactInput, "spw-cb-contact-error"),
      h("div", { class: "spw-consent" }, consent, h("label", { for: "spw-cb-consent" }, t("callbackConsent"))),
      h("p", { id: "spw-cb-consent-error", class: "spw-error", hidden: true }),
      h("div", { class: "spw-actions" },
        h("button", { type: "submit", class: "spw-action spw-action--primary" }, t("callbackSubmit")),
        h("button", { type: "button", class: "spw-action", onclick: closeCallbackForm }, t("callbackCancel"))));

    ui.callback = { form, question: questionInput, contact: contactInput, consent, heading };
    ui.callbackSlot.replaceChildren(form);
    ui.form.hidden = true;
    scrollLog();
    if (focusAfter) {
      if (state.hotline === null)
        loadStatus().then(() => {
          if (ui.callback && state.hotline)
            ui.callback.form.querySelector(".spw-cb-intro").textContent = [t("callbackIntro"), t("hotline")(state.hotline)].join(" ");
        });
      heading.focus();
    }
  }

  function closeCallbackForm() {
    ui.callback = null;
    ui.callbackSlot.replaceChildren();
    ui.form.hidden = false;
    ui.input.focus();
  }

  function showFieldError(input, message) {
    const error = document.getElementById(input.getAttribute("aria-describedby"));
    if (message) {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
    } else {
      error.textContent = "";
      error.hidden = true;
      input.removeAttribute("aria-invalid");
    }
  }

  async function submitCallback() {
    const cb = ui.callback;
    if (!cb)
      return;
    const question = cb.question.value.trim();
    const contact = cb.contact.value.trim();
    const checks = [
      [cb.question, question === "" ? t("callbackMissingQuestion") : null],
      [cb.contact, contact === "" ? t("callbackMissingContact") : null],
      [cb.consent, cb.consent.checked ? null : t("callbackMissingConsent")],
    ];
    let first = null;
    for (const [input, message] of checks) {
      showFieldError(input, message);
      if (message && !first)
        first = input;
    }
    if (first) {
      first.focus();
      return;
    }
    const submit = cb.form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      await api("callback", {
        method: "POST",
        body: { question, contact, consent: true, lang: state.lang },
      });
    } catch (err) {
      submit.disabled = false;
      showFieldError(cb.consent, err.status === 429 ? t("errorRate") : (err.status === 400 && err.message) ? err.message : t("error"));
      cb.consent.focus();
      return;
    }
    closeCallbackForm();
    addMessage("system", t("callbackDone"));
  }

  /* -------------------------------------------------------------- */

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", build, { once: true });
  else
    build();
})();
