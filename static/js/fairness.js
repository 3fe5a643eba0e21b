/*
 * Kuji's fairness verifier: replays a campaign's published fairness.json in the browser.
 *
 * The same rule as app/lottery/fairness.py (and docs/fairness.md), message for message:
 * tests/unit/fairness_vectors.json keeps the two in step. Plain JavaScript with WebCrypto
 * (SHA-256, HMAC-SHA-256) and BigInt; no build step, no library. It runs in a browser page
 * (as window.KujiFairness, wired to the fairness page below) and under Node 20
 * (require("./static/js/fairness.js")).
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.KujiFairness = api;
    if (typeof document !== "undefined") {
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", () => api.wirePage(document));
      } else {
        api.wirePage(document);
      }
    }
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  const ALGORITHM = "kuji-draw-v1";
  // The same draws; the commitment binds the tier counts too (docs/fairness.md).
  const ALGORITHM_V2 = "kuji-draw-v2";
  const ALGORITHMS = [ALGORITHM, ALGORITHM_V2];
  const MAX_PROBLEMS = 20;
  const LOSING = 0;
  const MAX_MERIT = 1000;
  const MAX_RANK = 1000;
  const MAX_TILT = 1000;
  const BASE_WEIGHT = 1000000n;
  const SPAN = 1n << 64n;
  const SAFE = Number.MAX_SAFE_INTEGER;
  const HEX64 = /^[0-9a-f]{64}$/;

  class EmptyPool extends Error {}

  function subtle() {
    const c = globalThis.crypto;
    if (!c || !c.subtle) {
      // Browsers offer WebCrypto only on secure pages: https, or localhost.
      throw new Error("WebCrypto is not available here (the page must be served over https)");
    }
    return c.subtle;
  }

  function hexToBytes(hex) {
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }

  function bytesToHex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** SHA-256(seed) in lowercase hex: published before the first draw. */
  async function commitment(seed) {
    return bytesToHex(new Uint8Array(await subtle().digest("SHA-256", seed)));
  }

  /** The exact bytes a kuji-draw-v2 commitment hashes: algorithm, seed, "n=count" by n. */
  function commitmentBytes(seed, counts) {
    const numbers = Array.from(counts.keys()).sort((a, b) => a - b);
    const tiers = numbers.map((n) => `${n}=${counts.get(n)}`).join(",");
    return new TextEncoder().encode(`${ALGORITHM_V2}\n${bytesToHex(seed)}\n${tiers}\n`);
  }

  /** SHA-256 of commitmentBytes in lowercase hex: binds the seed and the tier counts. */
  async function bindingCommitment(seed, counts) {
    const digest = await subtle().digest("SHA-256", commitmentBytes(seed, counts));
    return bytesToHex(new Uint8Array(digest));
  }

  /** The HMAC key of a seed, imported once for every draw's stream. */
  function streamKey(seed) {
    return subtle().importKey("raw", seed, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  }

  /** The bytes of draw number s: HMAC-SHA256(seed, "draw:{s}:{k}") for k = 0, 1, …, 8 at a time. */
  class Stream {
    constructor(key, s) {
      this.key = key;
      this.s = s;
      this.block = 0;
      this.buffer = new Uint8Array(0);
    }

    async take8() {
      if (this.buffer.length < 8) {
        const message = new TextEncoder().encode(`draw:${this.s}:${this.block}`);
        const mac = new Uint8Array(await subtle().sign("HMAC", this.key, message));
        const joined = new Uint8Array(this.buffer.length + mac.length);
        joined.set(this.buffer);
        joined.set(mac, this.buffer.length);
        this.buffer = joined;
        this.block += 1;
      }
      const chunk = this.buffer.slice(0, 8);
      this.buffer = this.buffer.slice(8);
      let x = 0n;
      for (const b of chunk) x = (x << 8n) | BigInt(b);
      return x;
    }

    /** An integer in [0, n) with no modulo bias: reject x >= floor(2**64 / n) * n. */
    async uniform(n) {
      n = BigInt(n);
      if (!(n > 0n && n <= SPAN)) throw new RangeError(`n must be 1..2**64, not ${n}`);
      const limit = (SPAN / n) * n;
      for (;;) {
        const x = await this.take8();
        if (x < limit) return x % n;
      }
    }
  }

  /** Rank tiers by value: {number: rank}, the best 1000, the worst (losing, if present) 0. */
  function ranks(values, losing) {
    const worstFirst = values.map((_, i) => i + 1);
    worstFirst.sort((a, b) => {
      const va = values[a - 1];
      const vb = values[b - 1];
      if (va !== vb) return va < vb ? -1 : 1;
      return b - a; // equal values: the later tier is worse
    });
    if (losing) worstFirst.unshift(LOSING);
    const k = worstFirst.length;
    const out = new Map();
    if (k === 1) {
      out.set(worstFirst[0], 0);
      return out;
    }
    worstFirst.forEach((n, i) => out.set(n, Number((BigInt(MAX_RANK) * BigInt(i)) / BigInt(k - 1))));
    return out;
  }

  function walkOrder(tiers) {
    return [...tiers].sort((a, b) => (a.number === LOSING) - (b.number === LOSING) || a.number - b.number);
  }

  /** Each tier's weight W = free × (1,000,000 + tilt × merit × rank), as BigInt. */
  function weights(tiers, tilt, merit) {
    return tiers.map(
      (t) => BigInt(t.free) * (BASE_WEIGHT + BigInt(tilt) * BigInt(merit) * BigInt(t.rank))
    );
  }

  /** Return the number of the tier drawn; uniform(n) may be async. Throws EmptyPool. */
  async function pickTier(tiers, tilt, merit, uniform) {
    const ordered = walkOrder(tiers);
    const w = weights(ordered, tilt, merit);
    const total = w.reduce((a, b) => a + b, 0n);
    if (total === 0n) throw new EmptyPool("no sheet remains");
    const u = BigInt(await uniform(total));
    if (!(u >= 0n && u < total)) throw new RangeError("uniform(n) must return an integer in [0, n)");
    let running = 0n;
    for (let i = 0; i < ordered.length; i++) {
      running += w[i];
      if (running > u) return ordered[i].number;
    }
    throw new Error("unreachable: u < total");
  }

  // --- The verifier ------------------------------------------------------------------------

  class Problems {
    constructor() {
      this.lines = [];
      this.more = 0;
    }
    add(line) {
      if (this.lines.length < MAX_PROBLEMS) this.lines.push(line);
      else this.more += 1;
    }
    done() {
      return this.more ? [...this.lines, `and ${this.more} more problems`] : [...this.lines];
    }
  }

  const show = (v) => JSON.stringify(v === undefined ? null : v);
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const get = (o, k) => (has(o, k) ? o[k] : null);
  const integer = (v) => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);
  function integerIn(v, low, high) {
    const n = integer(v);
    return n !== null && low <= n && n <= high ? n : null;
  }

  /** Replay a fairness document: {ok, checkedDraws, problems, firstBadDraw}. */
  async function verify(document) {
    const problems = new Problems();
    const [checked, firstBad] = await verifyInto(document, problems);
    const lines = problems.done();
    return { ok: lines.length === 0, checkedDraws: checked, problems: lines, firstBadDraw: firstBad };
  }

  async function verifyInto(doc, problems) {
    if (!isObject(doc)) {
      problems.add("the document is not a JSON object");
      return [0, null];
    }
    for (const key of ["algorithm", "commitment", "seed", "tilt", "tiers", "log"]) {
      if (!has(doc, key)) problems.add(`${key}: missing`);
    }
    if (problems.lines.length) return [0, null];
    if (!ALGORITHMS.includes(doc.algorithm)) {
      const known = ALGORITHMS.join(", ");
      problems.add(`algorithm: unknown ${show(doc.algorithm)}, this verifier knows ${known}`);
      return [0, null];
    }
    if (doc.seed === null) {
      problems.add("not ended yet: nothing to verify");
      return [0, null];
    }
    const seedHex = doc.seed;
    const published = doc.commitment;
    if (typeof seedHex !== "string" || !HEX64.test(seedHex)) {
      problems.add("seed: not 64 lowercase hexadecimal digits");
    }
    if (typeof published !== "string" || !HEX64.test(published)) {
      problems.add("commitment: not 64 lowercase hexadecimal digits");
    }
    const tilt = integerIn(doc.tilt, 0, MAX_TILT);
    if (tilt === null) problems.add(`tilt: ${show(doc.tilt)} is not an integer in 0..${MAX_TILT}`);
    const fatal = problems.lines.length > 0;
    const tiers = checkTiers(doc.tiers, problems);
    const log = doc.log;
    if (log === null) problems.add("log: missing although the seed is published");
    else if (!Array.isArray(log)) problems.add("log: not a list");
    if (fatal || tiers === null || !Array.isArray(log)) return [0, null];
    const seed = hexToBytes(seedHex);
    if (doc.algorithm === ALGORITHM_V2) {
      const counts = new Map(Array.from(tiers, ([n, t]) => [n, t.count]));
      const actual = await bindingCommitment(seed, counts);
      if (actual !== published) {
        problems.add(
          `commitment: SHA-256 of the seed and the tier counts is ${actual},` +
            ` not the published ${published}`,
        );
      }
    } else {
      const actual = await commitment(seed);
      if (actual !== published) {
        problems.add(`commitment: SHA-256(seed) is ${actual}, not the published ${published}`);
      }
    }
    return replay(await streamKey(seed), tilt, tiers, log, problems);
  }

  /** Check the tier table; return Map number → {count, rank, value} in walk order, or null. */
  function checkTiers(tiers, problems) {
    if (!Array.isArray(tiers) || tiers.length === 0) {
      problems.add("tiers: not a non-empty list");
      return null;
    }
    const table = new Map();
    const before = problems.lines.length + problems.more;
    tiers.forEach((tier, i) => {
      if (!isObject(tier)) {
        problems.add(`tiers[${i}]: not an object`);
        return;
      }
      const fields = {};
      let complete = true;
      for (const [key, low] of [["number", 0], ["value", -SAFE], ["count", 0], ["rank", 0]]) {
        if (!has(tier, key)) {
          problems.add(`tiers[${i}].${key}: missing`);
          complete = false;
          continue;
        }
        fields[key] = integerIn(tier[key], low, SAFE);
        if (fields[key] === null) {
          const kind = key === "value" ? "an integer" : "an integer ≥ 0";
          problems.add(`tiers[${i}].${key}: ${show(tier[key])} is not ${kind}`);
          complete = false;
        }
      }
      if (complete) {
        table.set(fields.number, { count: fields.count, rank: fields.rank, value: fields.value });
      }
    });
    if (problems.lines.length + problems.more > before) return null;
    const numbers = tiers.map((t) => integer(t.number));
    const losing = numbers.includes(LOSING);
    const k = numbers.length - (losing ? 1 : 0);
    const wanted = Array.from({ length: k }, (_, i) => i + 1);
    if (losing) wanted.push(LOSING);
    if (numbers.length !== wanted.length || numbers.some((n, i) => n !== wanted[i])) {
      problems.add(`tiers: numbered ${show(numbers)}, not 1, 2, … then 0`);
      return null;
    }
    // A wrong rank is reported, and the draws are replayed with the rule's ranks.
    const expected = ranks(wanted.filter((n) => n !== LOSING).map((n) => table.get(n).value), losing);
    for (const [n, row] of table) {
      if (row.rank !== expected.get(n)) {
        problems.add(`tier ${n}: rank ${row.rank}, expected ${expected.get(n)}`);
        row.rank = expected.get(n);
      }
    }
    return table;
  }

  /** Replay every event; return [draws checked, first draw that failed]. */
  async function replay(key, tilt, tiers, log, problems) {
    const free = new Map([...tiers].map(([n, row]) => [n, row.count]));
    const out = new Map(); // issue no. → the tier drawn on it, until it is returned
    let s = 0;
    let firstBad = null;
    for (let i = 0; i < log.length; i++) {
      const q = i + 1;
      const event = log[i];
      if (!isObject(event)) {
        problems.add(`seq ${q}: not an object`);
        continue;
      }
      let found = [];
      if (integer(get(event, "seq")) !== q) {
        found.push(`seq ${q}: seq is ${show(get(event, "seq"))}, expected ${q}`);
      }
      const kind = get(event, "event");
      const tier = integer(get(event, "tier"));
      if (kind === "draw") {
        s += 1;
        found = found.concat(await checkDraw(key, tilt, tiers, free, s, q, event, tier));
        found = found.concat(takeIssue(out, `draw ${s} (seq ${q})`, event, tier));
        if (found.length && firstBad === null) firstBad = s;
      } else if (kind === "return") {
        found = found.concat(checkReturn(tiers, free, q, event, tier));
        found = found.concat(giveBackIssue(out, q, event, tier));
      } else {
        found.push(`seq ${q}: unknown event ${show(kind)}`);
      }
      found.forEach((line) => problems.add(line));
    }
    return [s, firstBad];
  }

  async function checkDraw(key, tilt, tiers, free, s, q, event, tier) {
    const where = `draw ${s} (seq ${q})`;
    const found = [];
    const known = tier !== null && tiers.has(tier);
    if (integer(get(event, "draw")) !== s) {
      found.push(`${where}: draw number is ${show(get(event, "draw"))}, expected ${s}`);
    }
    if (!known) found.push(`${where}: unknown tier ${show(get(event, "tier"))}`);
    const merit = integerIn(get(event, "merit"), 0, MAX_MERIT);
    if (merit === null) {
      found.push(`${where}: merit ${show(get(event, "merit"))} is not an integer in 0..1000`);
    } else {
      const pool = [...tiers].map(([n, row]) => ({ number: n, rank: row.rank, free: free.get(n) }));
      const stream = new Stream(key, s);
      try {
        const got = await pickTier(pool, tilt, merit, (n) => stream.uniform(n));
        if (got !== tier) {
          found.push(`${where}: logged tier ${show(get(event, "tier"))}, the seed gives tier ${got}`);
        }
      } catch (err) {
        if (err instanceof EmptyPool) found.push(`${where}: no sheet remained to draw`);
        else if (err instanceof RangeError) found.push(`${where}: the total weight exceeds 2**64`);
        else throw err;
      }
    }
    if (known) {
      if (free.get(tier) === 0) found.push(`${where}: tier ${tier} had no free sheet left`);
      else free.set(tier, free.get(tier) - 1);
    }
    return found;
  }

  function takeIssue(out, where, event, tier) {
    const issue = integer(get(event, "issue_no"));
    if (issue === null) return [`${where}: issue number ${show(get(event, "issue_no"))} is not an integer`];
    if (out.has(issue)) return [`${where}: issue ${issue} was drawn while still out`];
    out.set(issue, tier);
    return [];
  }

  function giveBackIssue(out, q, event, tier) {
    const issue = integer(get(event, "issue_no"));
    if (issue === null || !out.has(issue)) {
      return [`seq ${q}: return of issue ${show(get(event, "issue_no"))}, which is not out`];
    }
    const drawn = out.get(issue);
    out.delete(issue);
    if (drawn !== tier) {
      return [`seq ${q}: return of tier ${show(get(event, "tier"))} for issue ${issue}, which drew tier ${drawn}`];
    }
    return [];
  }

  function checkReturn(tiers, free, q, event, tier) {
    const found = [];
    if (get(event, "draw") !== null) {
      found.push(`seq ${q}: a return has draw number ${show(get(event, "draw"))}, expected null`);
    }
    if (tier === null || !tiers.has(tier)) {
      found.push(`seq ${q}: return of unknown tier ${show(get(event, "tier"))}`);
    } else if (free.get(tier) >= tiers.get(tier).count) {
      found.push(`seq ${q}: return of tier ${tier} would exceed its count ${tiers.get(tier).count}`);
    } else {
      free.set(tier, free.get(tier) + 1);
    }
    return found;
  }

  // --- The fairness page --------------------------------------------------------------------

  /**
   * Wire the verifier on /c/<slug>/fairness: a button that checks the published fairness.json,
   * and a file input for a downloaded one. Sentences come translated from data-* attributes.
   */
  function wirePage(doc) {
    const box = doc.querySelector("[data-fairness-verifier]");
    if (!box) return;
    const output = box.querySelector("[data-verify-result]");
    const text = box.dataset;

    function say(headline, lines, passed) {
      output.replaceChildren();
      const p = doc.createElement("p");
      p.className = passed ? "verify-passed" : "verify-failed";
      p.textContent = headline;
      output.append(p);
      if (lines.length) {
        const ul = doc.createElement("ul");
        for (const line of lines) {
          const li = doc.createElement("li");
          li.textContent = line;
          ul.append(li);
        }
        output.append(ul);
      }
    }

    async function check(readDocument) {
      say(text.working, [], true);
      let parsed;
      try {
        parsed = await readDocument();
      } catch (err) {
        say(text.unreadable, [String(err.message || err)], false);
        return;
      }
      let report;
      try {
        report = await verify(parsed);
      } catch (err) {
        say(text.failed, [String(err.message || err)], false);
        return;
      }
      if (report.ok) {
        const commit = isObject(parsed) ? String(parsed.commitment) : "";
        say(text.passed.replace("{draws}", report.checkedDraws).replace("{commitment}", commit), [], true);
      } else if (report.firstBadDraw !== null) {
        say(text.failedAt.replace("{draw}", report.firstBadDraw), report.problems, false);
      } else {
        say(text.failed, report.problems, false);
      }
    }

    box.querySelector("[data-verify-published]").addEventListener("click", () =>
      check(async () => {
        const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        return response.json();
      })
    );
    const input = box.querySelector("[data-verify-file]");
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (file) check(async () => JSON.parse(await file.text()));
    });
    box.hidden = false;
  }

  return {
    ALGORITHM,
    ALGORITHM_V2,
    MAX_PROBLEMS,
    bindingCommitment,
    EmptyPool,
    Stream,
    bytesToHex,
    commitment,
    hexToBytes,
    pickTier,
    ranks,
    streamKey,
    verify,
    weights,
    wirePage,
  };
});
