/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Embeds a survey of the citizen web app in any city web page:
 *
 *   <script src="https://stadt.example/surveys/embed.js" data-survey="ID" defer></script>
 *
 * Optional: data-lang="en" (default: the page's <html lang>), data-title
 * (the frame's accessible name before the survey has loaded).
 * Puts an <iframe> to /surveys/?id=ID&embed=1 right after the script tag;
 * the survey page reports its height by postMessage, so the frame grows
 * and shrinks with it (no inner scroll bar). No cookies, no storage,
 * no request before the frame loads, nothing sent to anyone but the
 * survey's own server.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src)
    return;
  var survey = script.getAttribute("data-survey");
  if (!survey)
    return;

  var origin = new URL(script.src, window.location.href).origin;
  var pageLang = (document.documentElement.getAttribute("lang") || "de").toLowerCase();
  var lang = script.getAttribute("data-lang") || (pageLang.indexOf("en") === 0 ? "en" : "de");
  if (lang !== "en")
    lang = "de";

  var frame = document.createElement("iframe");
  frame.src = origin + "/surveys/?id=" + encodeURIComponent(survey) + "&embed=1" + (lang === "en" ? "&lang=en" : "");
  frame.title = script.getAttribute("data-title") || (lang === "en" ? "Survey" : "Umfrage");
  frame.className = "stadtpult-survey-frame";
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.setAttribute("loading", "lazy");
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.maxWidth = "100%";
  frame.style.border = "0";
  frame.style.height = "36rem";
  frame.style.overflow = "hidden";

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || event.source !== frame.contentWindow)
      return;
    if (!data || data.type !== "stadtpult-survey" || data.survey !== survey)
      return;
    var height = Number(data.height);
    if (isFinite(height) && height > 0 && height < 100000)
      frame.style.height = Math.ceil(height) + "px";
    if (typeof data.title === "string" && data.title)
      frame.title = data.title.slice(0, 300);
  });

  script.parentNode.insertBefore(frame, script.nextSibling);
})();
