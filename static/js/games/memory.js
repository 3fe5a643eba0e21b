/*
 * Memory: hide the digits when their time is up by pressing "I have memorised them" for
 * the player. The server records that moment itself; nothing here is trusted.
 */
(function () {
  "use strict";

  function init() {
    document.querySelectorAll(".memory-digits[data-left-ms]:not([data-timed])").forEach((el) => {
      el.dataset.timed = "1";
      const left = Math.max(0, Number(el.dataset.leftMs) || 0);
      const form = document.querySelector("form.memory-hide");
      if (!form) return;
      setTimeout(() => {
        if (document.contains(form)) form.requestSubmit();
      }, left);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
