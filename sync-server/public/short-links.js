/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Loaded by the 404 page: short addresses that are easy to print or say
 * lead to the real pages: /surveys/ID -> /surveys/?id=ID,
 * /challenges/ID -> /challenges/?id=ID, /feedback/status?ticket=T and
 * /feedback/FB-... -> /feedback/status.html?ticket=T.
 */
(function () {
  "use strict";

  var path = window.location.pathname;
  var query = new URLSearchParams(window.location.search);
  var m;
  var target = null;

  if ((m = /^\/(surveys|challenges)\/([^/.]+)\/?$/.exec(path)))
    target = "/" + m[1] + "/?id=" + encodeURIComponent(decodeURIComponent(m[2])) +
             (query.get("lang") === "en" ? "&lang=en" : "");
  else if (/^\/feedback\/status\/?$/.test(path))
    target = "/feedback/status.html" + (query.get("ticket") ? "?ticket=" + encodeURIComponent(query.get("ticket")) : "");
  else if ((m = /^\/feedback\/(FB-[A-Za-z0-9-]+)\/?$/.exec(path)))
    target = "/feedback/status.html?ticket=" + encodeURIComponent(m[1]);

  if (target)
    window.location.replace(target);
})();
