// Keeps a signed-in session alive while the person works on the page (typing, clicking), so a
// long form is not lost to the idle sign-out (accounts.middleware.SessionLifetimeMiddleware);
// at most one request a minute. Two minutes before a page left alone would be signed out, a
// warning offers to stay signed in (WCAG 2.2.1, timing adjustable).
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-keepalive");
  if (!url) {
    return;
  }
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var warning = document.getElementById("session-warning");
  var stay = document.getElementById("session-stay");
  var token = "";
  try {
    token = JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (error) {
    token = "";
  }
  var last = Date.now();
  function ping(force) {
    if (!force && Date.now() - last < 60000) {
      return;
    }
    last = Date.now();
    if (warning) {
      warning.hidden = true;
    }
    fetch(url, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" });
  }
  ["input", "keydown", "click"].forEach(function (name) {
    document.addEventListener(name, function () { ping(false); }, { passive: true, capture: true });
  });
  if (stay) {
    stay.addEventListener("click", function () { ping(true); });
  }
  if (warning && idleSeconds > 0) {
    window.setInterval(function () {
      var left = idleSeconds * 1000 - (Date.now() - last);
      // The server notes activity at most once a minute: warn three minutes ahead, not two.
      if (left <= 180000 && left > 0 && warning.hidden) {
        warning.hidden = false;
      }
    }, 5000);
  }
})();
