/* Uncover a draw: scratch a card (canvas, pointer events), spin a roulette, or press Reveal.
 *
 * The page holds no outcome before this: the reveal form's POST (templates/board/_cover.html)
 * records the reveal on the server and answers with the page's main block, outcome included.
 * Scratching starts that POST with the first stroke, so the prize shows through where the
 * coating is rubbed away; past THRESHOLD the rest clears and the answer takes the page. The
 * roulette spins while the POST is under way and lands on the stop its answer carries. The
 * button alone does the same for keyboards, screen readers and one-tap users (WCAG 2.5.1);
 * without JavaScript it posts the form. Reduced motion: no spin, no fading, no confetti.
 * Loaded again by htmx swaps, so it sets itself up once and then scans what a swap brings.
 */
(function () {
  "use strict";
  if (window.kujiReveal) {
    window.kujiReveal.scan(document);
    return;
  }

  const THRESHOLD = 0.5; // share of the card scratched off before the rest clears
  const BRUSH = 26; // CSS pixels: about a coin's edge
  const CRUISE = 0.9; // roulette turns per second while the answer is on its way
  const LAND_MS = 3200;
  const SOUND_KEY = "kuji-sound";

  function still() {
    return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  /* Sound: off unless switched on, remembered on this device -------------------------- */

  let audio = null;
  function soundOn() {
    try {
      return window.localStorage.getItem(SOUND_KEY) === "on";
    } catch (e) {
      return false;
    }
  }
  function tone(freq, ms, gain) {
    if (!soundOn()) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator();
      const vol = audio.createGain();
      osc.frequency.value = freq;
      vol.gain.setValueAtTime(gain || 0.08, audio.currentTime);
      vol.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + ms / 1000);
      osc.connect(vol).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + ms / 1000);
    } catch (e) {
      /* no sound on this device: the reveal works the same */
    }
  }
  function fanfare(level) {
    const notes = level === "grand" ? [523, 659, 784, 1047] : level === "big" ? [523, 659, 784] : [659, 784];
    notes.forEach((f, i) => setTimeout(() => tone(f, 260, 0.1), i * 130));
  }
  function setUpSound(root) {
    root.querySelectorAll(".sound-toggle").forEach((button) => {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      const show = () => button.setAttribute("aria-pressed", soundOn() ? "true" : "false");
      show();
      button.addEventListener("click", () => {
        try {
          window.localStorage.setItem(SOUND_KEY, soundOn() ? "off" : "on");
        } catch (e) {
          /* private mode: the switch stays off */
        }
        show();
        tone(880, 120);
      });
    });
  }

  /* The reveal POST ------------------------------------------------------------------ */

  function post(form) {
    const headers = { "HX-Request": "true", "HX-Target": "main" };
    return fetch(form.action, { method: "POST", body: new FormData(form), headers, credentials: "same-origin" })
      .then((r) => r.text().then((html) => ({ ok: r.ok, html })));
  }

  function parse(html) {
    const t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  }

  function show(html) {
    const main = document.getElementById("main");
    if (window.htmx) window.htmx.swap(main, html, { swapStyle: "innerHTML" });
    else main.innerHTML = html;
    const title = main.querySelector(".outcome-title, .notice");
    if (title) {
      title.setAttribute("tabindex", "-1");
      title.focus({ preventScroll: true });
    }
    scan(main);
  }

  function failed(form) {
    form.submit(); // let the browser post it and show whatever the server says
  }

  /* Scratch card --------------------------------------------------------------------- */

  function scratchCard(box) {
    const card = box.querySelector(".scratch");
    const cover = box.querySelector(".scratch-cover");
    const face = box.querySelector(".scratch-face");
    const form = box.querySelector(".reveal-form");
    const progress = box.querySelector(".scratch-progress");
    const bar = box.querySelector(".scratch-bar");
    let answer = null; // the reveal POST, started by the first stroke
    let done = false;

    function start() {
      if (!answer) {
        answer = post(form);
        answer.then((r) => {
          if (!r.ok || done) return;
          const outcome = parse(r.html).querySelector(".outcome-card");
          if (outcome) {
            face.replaceChildren(outcome.cloneNode(true));
            face.classList.add("shown");
          }
        });
      }
      return answer;
    }

    function finish() {
      if (done) return;
      done = true;
      box.classList.add("clearing");
      start().then(
        (r) => {
          const wait = still() ? 0 : 450;
          setTimeout(() => (r.ok ? show(r.html) : failed(form)), wait);
        },
        () => failed(form)
      );
    }

    // Caught on the way down, before htmx's own handler on the form would post it again.
    box.addEventListener(
      "submit",
      (event) => {
        event.preventDefault();
        event.stopPropagation();
        finish();
      },
      true
    );

    const canvas = document.createElement("canvas");
    canvas.className = "scratch-canvas";
    const ratio = window.devicePixelRatio || 1;
    const width = card.clientWidth;
    const height = card.clientHeight;
    canvas.width = Math.max(1, Math.round(width * ratio));
    canvas.height = Math.max(1, Math.round(height * ratio));
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.scale(ratio, ratio);
    coat(ctx, width, height, cover.textContent.trim());
    cover.appendChild(canvas);
    cover.classList.add("live");
    box.classList.add("scratchable");
    progress.hidden = false;

    let last = null;
    let moves = 0;
    function point(event) {
      const r = canvas.getBoundingClientRect();
      return { x: event.clientX - r.left, y: event.clientY - r.top };
    }
    function rub(from, to) {
      ctx.globalCompositeOperation = "destination-out";
      ctx.strokeStyle = "#000"; // opaque: rubbed parts clear completely
      ctx.lineWidth = BRUSH * 2;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x, to.y);
      ctx.stroke();
      if (++moves % 6 === 0) tone(180 + Math.random() * 60, 40, 0.03);
    }
    function check() {
      const share = scratched(ctx, canvas);
      const shown = Math.min(100, Math.round((share / THRESHOLD) * 100));
      bar.setAttribute("aria-valuenow", String(shown));
      bar.firstElementChild.style.width = shown + "%";
      if (!done && share >= THRESHOLD) finish();
    }
    canvas.addEventListener("pointerdown", (event) => {
      if (done) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      start();
      last = point(event);
      rub(last, last);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (done || last === null) return;
      const p = point(event);
      rub(last, p);
      last = p;
      if (moves % 5 === 0) check();
    });
    const stop = () => {
      if (last === null) return;
      last = null;
      check();
    };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
  }

  /* A silver coating with a coin-rubbed grain, a border of tickets and the words on it. */
  function coat(ctx, width, height, text) {
    const g = ctx.createLinearGradient(0, 0, width, height);
    g.addColorStop(0, "#9ea3a8");
    g.addColorStop(0.35, "#dfe3e6");
    g.addColorStop(0.5, "#b6bcc2");
    g.addColorStop(0.75, "#e9ecee");
    g.addColorStop(1, "#8f959b");
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, width, height);
    // Grain: thousands of tiny flecks, light and dark, like a real coating.
    for (let i = 0; i < (width * height) / 18; i++) {
      ctx.fillStyle = Math.random() < 0.5 ? "rgba(255,255,255,0.35)" : "rgba(60,60,60,0.12)";
      ctx.fillRect(Math.random() * width, Math.random() * height, 1.2, 1.2);
    }
    // A scatter of faint coin marks.
    ctx.strokeStyle = "rgba(90,95,100,0.18)";
    ctx.lineWidth = 2;
    for (let y = 26; y < height; y += 52) {
      for (let x = (y / 52) % 2 ? 26 : 52; x < width; x += 52) {
        ctx.beginPath();
        ctx.arc(x, y, 11, 0, Math.PI * 2);
        ctx.stroke();
        ctx.font = "700 11px system-ui, sans-serif";
        ctx.fillStyle = "rgba(90,95,100,0.22)";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText("¥", x, y + 1);
      }
    }
    // The words, on a band so they read on any part of the grain.
    const band = Math.min(64, height * 0.34);
    ctx.fillStyle = "rgba(40,44,48,0.55)";
    ctx.fillRect(0, height / 2 - band / 2, width, band);
    ctx.fillStyle = "#fff";
    ctx.font = `800 ${Math.round(band * 0.42)}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, width / 2, height / 2, width - 24);
  }

  function scratched(ctx, canvas) {
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let clear = 0;
    let seen = 0;
    for (let i = 3; i < data.length; i += 4 * 11) {
      seen++;
      if (data[i] === 0) clear++;
    }
    return seen ? clear / seen : 1;
  }

  /* Roulette ------------------------------------------------------------------------- */

  function roulette(box) {
    const disc = box.querySelector(".wheel-disc");
    const form = box.querySelector(".reveal-form");
    const n = parseInt(disc.dataset.segments, 10) || 1;
    const turn = (angle) => disc.setAttribute("transform", `rotate(${angle.toFixed(2)})`);
    box.addEventListener("submit", (event) => {
      event.preventDefault();
      event.stopPropagation();
      if (box.classList.contains("spinning")) return;
      box.classList.add("spinning"); // hides the control (kuji.css) until the wheel lands
      form.hidden = true;
      const answer = post(form);
      if (still()) {
        answer.then((r) => (r.ok ? show(r.html) : failed(form)), () => failed(form));
        return;
      }
      let angle = 0;
      let before = performance.now();
      let landing = null; // {from, to, started, html}
      let lastSegment = 0;
      function frame(time) {
        if (landing === null) {
          angle += ((time - before) / 1000) * CRUISE * 360;
        } else {
          const t = Math.min(1, (time - landing.started) / LAND_MS);
          angle = landing.from + (landing.to - landing.from) * (1 - Math.pow(1 - t, 3));
          if (t >= 1) {
            turn(landing.to);
            setTimeout(() => show(landing.html), 250);
            return;
          }
        }
        before = time;
        turn(angle);
        const segment = Math.floor((angle % 360) / (360 / n));
        if (segment !== lastSegment) {
          lastSegment = segment;
          tone(1200, 25, 0.04);
        }
        requestAnimationFrame(frame);
      }
      requestAnimationFrame(frame);
      answer.then(
        (r) => {
          const stopAt = r.ok ? parse(r.html).querySelector(".outcome[data-stop]") : null;
          if (!stopAt) {
            if (r.ok) show(r.html);
            else failed(form);
            return;
          }
          const stop = parseFloat(stopAt.dataset.stop) || 0;
          // Land on the stop after at least two more whole turns from where the wheel is.
          let to = angle - (angle % 360) + stop;
          while (to < angle + 720) to += 360;
          landing = { from: angle, to, started: performance.now(), html: r.html };
        },
        () => failed(form)
      );
    }, true);
    box.classList.add("ready");
  }

  /* Celebration ---------------------------------------------------------------------- */

  // One canvas of our own over the page, hidden from screen readers and from clicks
  // (kuji.css), instead of the library's anonymous one.
  let shooter = null;
  function party() {
    if (shooter) return shooter;
    const canvas = document.createElement("canvas");
    canvas.className = "confetti";
    canvas.setAttribute("aria-hidden", "true");
    document.body.appendChild(canvas);
    shooter = window.confetti.create(canvas, { resize: true });
    return shooter;
  }

  function celebrate(outcome) {
    const level = outcome.dataset.celebrate;
    outcome.removeAttribute("data-celebrate");
    outcome.classList.add("celebrating");
    fanfare(level);
    if (still() || typeof window.confetti !== "function") return;
    const colors = ["#f5c542", "#c0392b", "#1f6f8b", "#2e7d32", "#ffffff"];
    const burst = (opts) => party()({ colors, disableForReducedMotion: true, ...opts });
    if (level === "small") {
      burst({ particleCount: 60, spread: 60, origin: { y: 0.6 } });
      return;
    }
    burst({ particleCount: level === "grand" ? 160 : 100, spread: 80, origin: { y: 0.55 } });
    if (level !== "grand") return;
    const end = Date.now() + 2200;
    (function side() {
      burst({ particleCount: 6, angle: 60, spread: 55, origin: { x: 0 } });
      burst({ particleCount: 6, angle: 120, spread: 55, origin: { x: 1 } });
      if (Date.now() < end) requestAnimationFrame(side);
    })();
  }

  /* Set up --------------------------------------------------------------------------- */

  function setUp(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    if (box.dataset.reveal === "roulette") roulette(box);
    else scratchCard(box);
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll(".reveal").forEach(setUp);
    root.querySelectorAll(".outcome[data-celebrate]").forEach(celebrate);
    setUpSound(root);
  }

  window.kujiReveal = { scan };
  document.addEventListener("htmx:load", (event) => scan(event.target));
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => scan(document));
  } else {
    scan(document);
  }
})();
