/* Reveal a drawn coupon: scratch a card (canvas, pointer events) or spin a roulette.
 *
 * The server decided the result and wrote it into the page; this only hides it and lets
 * the player uncover it. The Reveal button does the same for keyboards, screen readers and
 * one-tap users (WCAG 2.5.1); the result is then announced in the aria-live region.
 * With prefers-reduced-motion the result shows at once. Loaded again by htmx swaps, so it
 * sets itself up once and then reveals whatever new card a swap brings.
 */
(function () {
  "use strict";
  if (window.kujiReveal) {
    window.kujiReveal.scan(document);
    return;
  }

  const THRESHOLD = 0.55; // share of the card scratched off before the rest clears
  const BRUSH = 22; // CSS pixels: about a fingertip
  const SPIN_MS = 4200;
  const TURNS = 5;

  function still() {
    return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function announce(box) {
    box.classList.add("revealed");
    const result = box.querySelector(".reveal-result");
    if (result) result.removeAttribute("aria-hidden");
    const button = box.querySelector(".reveal-button");
    if (button) {
      if (button === document.activeElement && result) {
        result.setAttribute("tabindex", "-1"); // keep the keyboard's place on the page
        result.focus();
      }
      button.remove();
    }
    const hint = box.querySelector(".reveal-hint");
    if (hint) hint.remove();
    const status = box.querySelector(".reveal-status");
    if (status && result) status.textContent = result.textContent.replace(/\s+/g, " ").trim();
  }

  /* Scratch card ------------------------------------------------------------------ */

  function scratchCard(box) {
    const card = box.querySelector(".scratch");
    const cover = box.querySelector(".scratch-cover");
    const result = box.querySelector(".reveal-result");
    const button = box.querySelector(".reveal-button");
    let done = false;

    function clear() {
      if (done) return;
      done = true;
      if (still()) cover.hidden = true;
      else {
        cover.classList.add("clearing");
        cover.addEventListener("transitionend", () => (cover.hidden = true), { once: true });
        setTimeout(() => (cover.hidden = true), 600);
      }
      announce(box);
    }

    if (still()) {
      clear();
      return;
    }
    result.setAttribute("aria-hidden", "true"); // announced when uncovered, not before
    button.addEventListener("click", clear);

    const canvas = document.createElement("canvas");
    canvas.className = "scratch-canvas";
    const ratio = window.devicePixelRatio || 1;
    const width = card.clientWidth;
    const height = card.clientHeight;
    canvas.width = Math.max(1, Math.round(width * ratio));
    canvas.height = Math.max(1, Math.round(height * ratio));
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    paint(ctx, width, height, cover.textContent.trim());
    cover.appendChild(canvas);
    cover.classList.add("live");

    let last = null;
    let moves = 0;
    function point(event) {
      const r = canvas.getBoundingClientRect();
      return { x: event.clientX - r.left, y: event.clientY - r.top };
    }
    function rub(from, to) {
      ctx.globalCompositeOperation = "destination-out";
      ctx.lineWidth = BRUSH * 2;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
      ctx.stroke();
    }
    function check() {
      if (!done && scratched(ctx, canvas) >= THRESHOLD) clear();
    }
    canvas.addEventListener("pointerdown", (event) => {
      if (done) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
      rub(last, last);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (done || last === null) return;
      const p = point(event);
      rub(last, p);
      last = p;
      if (++moves % 8 === 0) check();
    });
    const stop = () => {
      if (last === null) return;
      last = null;
      check();
    };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
  }

  function paint(ctx, width, height, text) {
    ctx.fillStyle = "#a3a3a3";
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = "#b9b9b9";
    ctx.lineWidth = 6;
    for (let x = -height; x < width; x += 16) {
      ctx.beginPath();
      ctx.moveTo(x, height);
      ctx.lineTo(x + height, 0);
      ctx.stroke();
    }
    ctx.fillStyle = "#fff";
    ctx.font = "600 18px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, width / 2, height / 2, width - 16);
  }

  function scratched(ctx, canvas) {
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let clear = 0;
    let seen = 0;
    for (let i = 3; i < data.length; i += 4 * 7) {
      seen++;
      if (data[i] === 0) clear++;
    }
    return seen ? clear / seen : 1;
  }

  /* Roulette ---------------------------------------------------------------------- */

  function roulette(box) {
    const disc = box.querySelector(".wheel-disc");
    const button = box.querySelector(".reveal-button");
    const result = box.querySelector(".reveal-result");
    const stop = parseFloat(disc.dataset.stop) || 0;
    if (still() || !button) {
      announce(box); // the server drew the wheel where it lands
      return;
    }
    result.setAttribute("aria-hidden", "true");
    const turn = (angle) => disc.setAttribute("transform", `rotate(${angle.toFixed(2)})`);
    turn(0);
    box.classList.add("ready");
    button.addEventListener("click", () => {
      button.disabled = true;
      box.classList.add("spinning");
      const end = stop + 360 * TURNS;
      const started = performance.now();
      function frame(time) {
        const t = Math.min(1, (time - started) / SPIN_MS);
        turn(end * (1 - Math.pow(1 - t, 3))); // ease out: fast, then slowing to a stop
        if (t < 1) requestAnimationFrame(frame);
        else {
          turn(stop);
          box.classList.remove("spinning");
          announce(box);
        }
      }
      requestAnimationFrame(frame);
    });
  }

  /* Set up ------------------------------------------------------------------------ */

  function setUp(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    if (box.classList.contains("revealed")) return;
    if (box.dataset.reveal === "roulette") roulette(box);
    else scratchCard(box);
  }

  function scan(root) {
    const boxes = root.querySelectorAll ? root.querySelectorAll(".reveal") : [];
    boxes.forEach(setUp);
    if (root.classList && root.classList.contains("reveal")) setUp(root);
  }

  window.kujiReveal = { scan };
  document.addEventListener("htmx:load", (event) => scan(event.target));
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => scan(document));
  } else {
    scan(document);
  }
})();
