/*
 * Stop the roulette: place the reel exactly where the server said it was when it made the
 * page, and freeze it on Stop while the server works out where it stopped (by its clock).
 * The stylesheet already spins the reel without this file; nothing here is sent anywhere.
 */
(function () {
  "use strict";
  const CELL_EM = 3; // one segment is 3em wide, one turn 36em (static/css/games.css)

  // This file runs again with every page htmx swaps in; only the first run is a page load.
  const swapped = Boolean(window.kujiStopLoaded);
  window.kujiStopLoaded = true;

  function arrived() {
    // When the page arrived (performance.now() time), for a full page load; a swapped-in
    // page is fresh.
    const nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    return swapped || !nav ? performance.now() : nav.responseStart;
  }

  function place(reel) {
    const segments = Number(reel.dataset.segments);
    const period = Number(reel.dataset.periodMs);
    let position = Number(reel.dataset.position);
    if (!segments || !period || !Number.isFinite(position)) return;
    const phase = reel.querySelector(".reel-phase");
    const strip = reel.querySelector(".reel-strip");
    const arrival = arrived();
    strip.style.animation = "none";
    void strip.offsetWidth; // restart the turn from the exact place
    strip.style.animation = "";
    const turn = strip.getAnimations && strip.getAnimations()[0];
    if (turn && document.timeline) {
      // The turn counts from the page's arrival on the page's own clock, so a slow phone
      // that paints its first frame late still shows the reel where the server has it.
      turn.startTime = arrival;
    } else {
      position += ((performance.now() - arrival) / period) * segments;
    }
    phase.style.transform = "translateX(" + -(position % segments) * CELL_EM + "em)";
    reel.dataset.placed = "1";
    const form = reel.parentElement.querySelector("form.reel-stop");
    if (form) form.addEventListener("submit", () => reel.classList.add("stopped"));
  }

  function init() {
    document.querySelectorAll(".reel[data-period-ms]:not([data-placed])").forEach(place);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
