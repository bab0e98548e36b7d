/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Scoring of the digital competence self-check, the same rules as
 * core/competence/sp-competence-score.c (both must agree):
 *
 * Per question: "self" and "single": score = points of the chosen option,
 * max = the largest option points. "multiple": a correct option scores its
 * points when chosen, an incorrect one when NOT chosen; max = sum of all
 * points. Per competence: r = sum(score) / sum(max) over the answered
 * questions (unanswered questions count as 0 of their max only once the
 * competence is finished); level = 1 + round(4 * r), 1..5; 0 = no result
 * yet (nothing answered and not finished, or no questions). Area level =
 * mean of its competences' levels (> 0), one decimal, halves rounded up.
 *
 * No DOM use: the module also runs under node for the tests.
 */

export const LEVEL_MIN = 1;
export const LEVEL_MAX = 5;

function points(option) {
  return Number.isInteger(option?.points) ? Math.min(Math.max(option.points, 0), 1000) : 0;
}

function options(question) {
  return Array.isArray(question?.options) ? question.options : [];
}

/** Score and maximum of one question for the chosen option ids (array, or null = nothing chosen). */
export function questionScore(question, chosen) {
  const set = new Set(Array.isArray(chosen) ? chosen : []);
  const opts = options(question);
  let score = 0;
  let max = 0;
  if (question?.kind === "multiple") {
    for (const o of opts) {
      const p = points(o);
      max += p;
      if ((o.correct === true) === set.has(o.id))
        score += p;
    }
  } else {
    for (const o of opts) {
      const p = points(o);
      max = Math.max(max, p);
      if (set.has(o.id))
        score = Math.max(score, p);
    }
  }
  return { score, max };
}

/** 1 + round(4 * score / max) in integer arithmetic (half rounds up); max <= 0 gives 1. */
export function levelFor(score, max) {
  if (max <= 0)
    return LEVEL_MIN;
  const s = Math.min(Math.max(score, 0), max);
  return LEVEL_MIN + Math.floor((8 * s + max) / (2 * max));
}

/** Whether @answers (question id -> option ids) holds an answer for @question. */
export function isAnswered(question, answers) {
  return Object.prototype.hasOwnProperty.call(answers || {}, question.id) &&
         Array.isArray(answers[question.id]);
}

/**
 * Scores a whole catalogue. @answers maps question ids to arrays of chosen
 * option ids (missing = unanswered); @finished is a Set of finished
 * competence codes, or null when every competence is finished.
 */
export function scoreCatalogue(catalogue, answers, finished = null) {
  const competences = [];
  const areas = [];
  for (const area of catalogue?.areas || []) {
    let sum = 0;
    let n = 0;
    for (const comp of area.competences || []) {
      const questions = Array.isArray(comp.questions) ? comp.questions : [];
      const done = finished === null || finished.has(comp.code);
      let score = 0;
      let max = 0;
      let answered = 0;
      for (const q of questions) {
        if (isAnswered(q, answers)) {
          const r = questionScore(q, answers[q.id]);
          score += r.score;
          max += r.max;
          answered++;
        } else if (done) {
          max += questionScore(q, null).max;
        }
      }
      const level = answered > 0 || (done && questions.length > 0) ? levelFor(score, max) : 0;
      competences.push({
        code: comp.code, area_code: area.code, title: comp.title,
        score, max, n_answered: answered, n_questions: questions.length, level,
      });
      if (level > 0) {
        sum += level;
        n++;
      }
    }
    areas.push({ code: area.code, title: area.title, level: n > 0 ? Math.floor((20 * sum + n) / (2 * n)) / 10 : 0, n_levels: n });
  }
  return { competences, areas };
}

/** {"1.1": L, ...} for every competence with a level: the "levels" of a submission. */
export function levelsJson(score) {
  const levels = {};
  for (const c of score.competences)
    if (c.level > 0)
      levels[c.code] = c.level;
  return levels;
}

/**
 * Every recommendation whose [min_level, max_level] contains its
 * competence's level, in catalogue order, with the training item resolved
 * from @training (array of items; null when unknown).
 */
export function recommend(catalogue, score, training) {
  const byId = new Map((Array.isArray(training) ? training : []).filter((t) => t && typeof t.id === "string").map((t) => [t.id, t]));
  const levels = new Map(score.competences.map((c) => [c.code, c.level]));
  const out = [];
  for (const area of catalogue?.areas || []) {
    for (const comp of area.competences || []) {
      const level = levels.get(comp.code) || 0;
      if (level <= 0)
        continue;
      for (const r of comp.recommendations || []) {
        if (Number.isInteger(r.min_level) && Number.isInteger(r.max_level) &&
            r.min_level <= level && level <= r.max_level) {
          out.push({
            competence_code: comp.code, level, min_level: r.min_level, max_level: r.max_level,
            training_id: r.training, note: typeof r.note === "string" ? r.note : "",
            training: byId.get(r.training) || null,
          });
        }
      }
    }
  }
  return out;
}
