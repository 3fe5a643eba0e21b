// Kiosk screens: a visible countdown back to the attract screen when nobody touches the
// tablet, and nothing of the last customer left in the history, the form or a page cache.
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-home");

  // A page brought back from the back/forward cache is refreshed from the server instead,
  // which sends a finished customer's pages back to the start. A page reached with Back
  // forgets a code the browser filled in again; a fresh one keeps what was typed while it
  // loaded (pageshow comes after every image and script, a scanner is quicker than that).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { location.replace(location.href); return; }
    var visit = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var ticket = document.getElementById("ticket-form");
    if (ticket && visit && visit.type === "back_forward") { ticket.reset(); }
  });

  // Reveal: the envelope opens, then the form is sent; the outcome comes only from the server.
  var opener = document.querySelector("form[data-open]");
  if (opener) {
    opener.addEventListener("submit", function (event) {
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      var envelope = document.querySelector(".envelope");
      if (still || !envelope || opener.getAttribute("data-sent")) { return; }
      event.preventDefault();
      opener.setAttribute("data-sent", "1");
      opener.querySelector("button").disabled = true;
      envelope.classList.add("opening");
      setTimeout(function () { opener.submit(); }, 700);
    });
  }

  var idle = parseInt(body.getAttribute("data-idle") || "0", 10);
  var reset = document.getElementById("kiosk-reset");
  var shown = document.querySelector("[data-countdown]");
  if (!idle || !reset) { return; }

  function startOver() {
    // Forget the customer on the server, then replace this page so Back cannot return to it.
    var done = function () { location.replace(home); };
    fetch(reset.action, { method: "POST", body: new FormData(reset), credentials: "same-origin",
      redirect: "manual" }).then(done, done);
  }
  reset.addEventListener("submit", function (event) { event.preventDefault(); startOver(); });

  function show(seconds) {
    if (!shown) { return; }
    var sentence = shown.getAttribute(seconds === 1 ? "data-one" : "data-many") || "";
    shown.textContent = sentence.replace("{n}", String(seconds));
  }
  var left = idle;
  function tick() {
    show(left);
    if (left <= 0) { clearInterval(timer); startOver(); return; }
    left -= 1;
  }
  var timer = setInterval(tick, 1000);
  tick();
  ["pointerdown", "keydown"].forEach(function (name) {
    document.addEventListener(name, function () { left = idle; show(left); });
  });
})();
