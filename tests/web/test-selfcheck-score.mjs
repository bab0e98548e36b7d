// SPDX-License-Identifier: EUPL-1.2
//
// The scoring module of the /selfcheck/ page (sync-server/public/selfcheck/
// score.js) under node: the rules of PLAN/ARCHITECTURE (identical to
// core/competence/sp-competence-score.c), run on hand-made questions and on
// the shipped default catalogue with its training catalogue.
//
// Env: SP_SOURCE_ROOT (set by meson; defaults to the checkout).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = process.env.SP_SOURCE_ROOT || join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { questionScore, levelFor, scoreCatalogue, levelsJson, recommend } =
  await import(pathToFileURL(join(ROOT, "sync-server", "public", "selfcheck", "score.js")).href);
const catalogue = JSON.parse(readFileSync(join(ROOT, "data", "competence", "digcomp-de.json"), "utf8"));
const training = JSON.parse(readFileSync(join(ROOT, "data", "training", "default-de.json"), "utf8"));

const selfQ = {
  id: "q-s", kind: "self",
  options: [0, 1, 2, 3, 4].map((p) => ({ id: `s${p}`, label: `p${p}`, points: p, correct: false })),
};
const singleQ = {
  id: "q-c", kind: "single",
  options: [{ id: "a", points: 0, correct: false }, { id: "b", points: 4, correct: true }, { id: "c", points: 0, correct: false }],
};
const multiQ = {
  id: "q-m", kind: "multiple",
  options: [{ id: "x", points: 1, correct: true }, { id: "y", points: 2, correct: true }, { id: "z", points: 1, correct: false }],
};

function catalogueOf(questionsByCode) {
  return {
    id: "t", version: 1, levels: ["1", "2", "3", "4", "5"],
    areas: [{ code: "1", title: "A", competences: Object.entries(questionsByCode).map(([code, questions]) => ({
      code, title: code, description: "", questions,
      recommendations: [
        { min_level: 1, max_level: 2, training: "training.basic", note: "Einstieg" },
        { min_level: 3, max_level: 3, training: "training.advanced", note: "" },
        { min_level: 3, max_level: 5, training: "training.unknown", note: "" },
      ] })) }],
  };
}

test("self and single choice score the chosen option's points out of the largest", () => {
  assert.deepEqual(questionScore(selfQ, ["s3"]), { score: 3, max: 4 });
  assert.deepEqual(questionScore(selfQ, null), { score: 0, max: 4 });
  assert.deepEqual(questionScore(singleQ, ["b"]), { score: 4, max: 4 });
  assert.deepEqual(questionScore(singleQ, ["a"]), { score: 0, max: 4 });
  assert.deepEqual(questionScore(singleQ, ["nope"]), { score: 0, max: 4 }, "unknown ids are ignored");
});

test("multiple choice: correct options count when chosen, incorrect ones when left out", () => {
  assert.deepEqual(questionScore(multiQ, ["x", "y"]), { score: 4, max: 4 });
  assert.deepEqual(questionScore(multiQ, ["z"]), { score: 0, max: 4 });
  assert.deepEqual(questionScore(multiQ, []), { score: 1, max: 4 });
  assert.deepEqual(questionScore(multiQ, ["x", "z"]), { score: 1, max: 4 });
  assert.deepEqual(questionScore(multiQ, ["y"]), { score: 3, max: 4 });
});

test("level = 1 + round(4 r), halves round up, no maximum gives 1", () => {
  assert.equal(levelFor(0, 12), 1);
  assert.equal(levelFor(12, 12), 5);
  assert.equal(levelFor(3, 12), 2);
  assert.equal(levelFor(6, 12), 3);
  assert.equal(levelFor(1, 8), 2, "4 * 1/8 = 0.5 rounds up");
  assert.equal(levelFor(3, 8), 3, "4 * 3/8 = 1.5 rounds up");
  assert.equal(levelFor(2, 9), 2, "4 * 2/9 = 0.89");
  assert.equal(levelFor(1, 9), 1, "4 * 1/9 = 0.44");
  assert.equal(levelFor(0, 0), 1);
});

test("unanswered questions count only once their competence is finished", () => {
  const cat = catalogueOf({ "1.1": [selfQ, singleQ, multiQ], "1.2": [selfQ, singleQ], "1.3": [singleQ] });
  const answers = { "q-s": ["s4"] };
  // Nothing finished: 1.1 and 1.2 judged on the self rating only (4/4),
  // 1.3 has no answer and no level yet.
  let score = scoreCatalogue(cat, answers, new Set());
  assert.deepEqual(score.competences.map((c) => c.level), [5, 5, 0]);
  assert.deepEqual(levelsJson(score), { "1.1": 5, "1.2": 5 });
  assert.equal(score.areas[0].level, 5);
  assert.equal(score.areas[0].n_levels, 2);
  // 1.1 finished: 4 of 12 -> 1 + round(1.33) = 2.
  score = scoreCatalogue(cat, answers, new Set(["1.1"]));
  assert.deepEqual(score.competences.map((c) => [c.score, c.max, c.level]), [[4, 12, 2], [4, 4, 5], [0, 0, 0]]);
  // The end of a run: everything finished; 1.2: 4/8 -> 3, 1.3: 0/4 -> 1.
  score = scoreCatalogue(cat, answers, null);
  assert.deepEqual(score.competences.map((c) => c.level), [2, 3, 1]);
  assert.equal(score.areas[0].level, 2, "mean of 2, 3, 1");
  score = scoreCatalogue(cat, { "q-s": ["s4"], "q-c": ["b"] }, null);
  assert.deepEqual(score.competences.map((c) => c.level), [4, 5, 5]);   // 1.1: 8/12 -> 1 + round(2.67)
  assert.equal(score.areas[0].level, 4.7, "one decimal");
  const empty = scoreCatalogue(catalogueOf({ "1.1": [], "1.2": [selfQ] }), {}, null);
  assert.deepEqual(empty.competences.map((c) => c.level), [0, 1], "a competence without questions has no level");
  const halves = scoreCatalogue(catalogueOf({ "1.1": [selfQ], "1.2": [selfQ], "1.3": [selfQ], "1.4": [selfQ] }),
                                { "q-s": ["s3"] }, new Set(["1.1", "1.2", "1.3", "1.4"]));
  assert.deepEqual(halves.competences.map((c) => c.level), [4, 4, 4, 4]);
  const mixed = scoreCatalogue(catalogueOf({ "1.1": [selfQ], "1.2": [singleQ], "1.3": [singleQ], "1.4": [singleQ] }),
                               { "q-s": ["s2"], "q-c": ["b"] }, null);
  assert.deepEqual(mixed.competences.map((c) => c.level), [3, 5, 5, 5]);
  assert.equal(mixed.areas[0].level, 4.5, "18 / 4 = 4.5 stays 4.5");
});

test("recommendations are the rules whose level range holds the level, resolved to training items", () => {
  const cat = catalogueOf({ "1.1": [selfQ], "1.2": [selfQ, singleQ] });
  const items = [{ id: "training.basic", title: "Basis" }, { id: "training.advanced", title: "Vertiefung" }];
  const score = scoreCatalogue(cat, { "q-s": ["s2"] }, null);   // 1.1: 2/4 -> 3; 1.2: 2/8 -> 2
  const recs = recommend(cat, score, items);
  assert.deepEqual(recs.map((r) => [r.competence_code, r.level, r.training_id, r.training?.title ?? null]), [
    ["1.1", 3, "training.advanced", "Vertiefung"],
    ["1.1", 3, "training.unknown", null],
    ["1.2", 2, "training.basic", "Basis"],
  ]);
});

test("the default catalogue: best answers give level 5, worst give 1, and each level 1 has training", () => {
  const best = {}, worst = {};
  for (const area of catalogue.areas) {
    for (const comp of area.competences) {
      for (const q of comp.questions) {
        if (q.kind === "multiple") {
          best[q.id] = q.options.filter((o) => o.correct).map((o) => o.id);
          worst[q.id] = q.options.filter((o) => !o.correct).map((o) => o.id);
        } else {
          const sorted = [...q.options].sort((a, b) => a.points - b.points);
          best[q.id] = [sorted[sorted.length - 1].id];
          worst[q.id] = [sorted[0].id];
        }
      }
    }
  }
  const top = scoreCatalogue(catalogue, best, null);
  const bottom = scoreCatalogue(catalogue, worst, null);
  assert.ok(top.competences.length >= 24);
  assert.deepEqual([...new Set(top.competences.map((c) => c.level))], [5]);
  assert.deepEqual([...new Set(bottom.competences.map((c) => c.level))], [1]);
  assert.deepEqual([...new Set(bottom.areas.map((a) => a.level))], [1]);
  const recs = recommend(catalogue, bottom, training);
  for (const c of bottom.competences) {
    const mine = recs.filter((r) => r.competence_code === c.code);
    assert.ok(mine.length > 0, `${c.code} recommends something at level 1`);
    for (const r of mine)
      assert.ok(r.training, `${c.code}: ${r.training_id} is in the training catalogue`);
  }
});
