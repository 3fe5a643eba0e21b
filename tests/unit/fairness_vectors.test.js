// The browser's fairness verifier (static/js/fairness.js) against the golden vectors that the
// Python verifier also checks. Run by tests/unit/test_fairness.py, or alone:
//   node tests/unit/fairness_vectors.test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const test = require("node:test");

const fairness = require("../../static/js/fairness.js");

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "fairness_vectors.json"), "utf8"));

test("algorithm version", () => {
  assert.equal(fairness.ALGORITHM, vectors.algorithm);
});

test("commitments", async () => {
  for (const v of vectors.commitments) {
    assert.equal(await fairness.commitment(fairness.hexToBytes(v.seed)), v.commitment);
  }
});

test("binding commitments (kuji-draw-v2): seed and tier counts", async () => {
  assert.equal(fairness.ALGORITHM_V2, vectors.algorithm_v2);
  for (const v of vectors.binding_commitments) {
    const counts = new Map(Object.entries(v.counts).map(([n, c]) => [Number(n), c]));
    const bytes = `${vectors.algorithm_v2}\n${v.seed}\n${v.bytes.split("\n")[2]}\n`;
    assert.equal(bytes, v.bytes);
    assert.equal(await fairness.bindingCommitment(fairness.hexToBytes(v.seed), counts), v.commitment);
  }
});

test("streams: words and uniform(n)", async () => {
  for (const v of vectors.streams) {
    const key = await fairness.streamKey(fairness.hexToBytes(v.seed));
    const raw = new fairness.Stream(key, v.s);
    const words = [];
    for (let i = 0; i < v.words.length; i++) words.push(String(await raw.take8()));
    assert.deepEqual(words, v.words, `words of draw ${v.s}`);
    for (const [n, expected] of Object.entries(v.uniform)) {
      const stream = new fairness.Stream(key, v.s);
      const got = [];
      for (let i = 0; i < expected.length; i++) got.push(String(await stream.uniform(BigInt(n))));
      assert.deepEqual(got, expected, `uniform(${n}) of draw ${v.s}`);
    }
  }
});

test("ranks", () => {
  for (const v of vectors.ranks) {
    const got = Object.fromEntries([...fairness.ranks(v.values, v.losing)].map(([n, r]) => [String(n), r]));
    assert.deepEqual(got, v.ranks, JSON.stringify(v.values));
  }
});

test("pick_tier", async () => {
  for (const v of vectors.picks) {
    let uniform;
    if (v.u !== null) {
      uniform = (n) => {
        assert.equal(String(n), v.total);
        return BigInt(v.u);
      };
    } else {
      const stream = new fairness.Stream(await fairness.streamKey(fairness.hexToBytes(v.seed)), v.s);
      uniform = (n) => stream.uniform(n);
    }
    assert.equal(await fairness.pickTier(v.tiers, v.tilt, v.merit, uniform), v.tier, JSON.stringify(v));
  }
});

test("documents: the same report as Python, message for message", async () => {
  for (const v of vectors.documents) {
    const report = await fairness.verify(v.document);
    assert.deepEqual(
      {
        ok: report.ok,
        checked_draws: report.checkedDraws,
        problems: report.problems,
        first_bad_draw: report.firstBadDraw,
      },
      v.expect,
      v.name
    );
  }
});

test("documents that are not JSON objects at all", async () => {
  for (const doc of [null, 7, "text", true]) {
    const report = await fairness.verify(doc);
    assert.deepEqual(report.problems, ["the document is not a JSON object"]);
  }
});
