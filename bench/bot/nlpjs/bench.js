// SPDX-License-Identifier: EUPL-1.2
// bench/bot reference: NLP.js (node-nlp NlpManager) trained on the same
// catalogue entries as the Stadtpult matcher: one intent per service, its
// utterances the service name and the names of its topics (exactly the
// title and keywords our matcher gets; for an FAQ file also the
// alternatives), in German and, the same text, in English (so English
// questions, language-guessed, reach a model too).
//
//   node bench.js bench ENTRIES REPS  accuracy + in-process speed (REPS
//                                     timed passes), JSON on stdout
//   node bench.js serve ENTRIES       POST /api/v1/bot/ask on 127.0.0.1:PORT
//
// ENTRIES: entries-N.json of `bench-bot --write-catalogue`. Env:
// SP_BOT_QUESTIONS (labelled set), SP_BOT_FAQ_ENTRIES + SP_BOT_FAQ_QUESTIONS
// (entries-faq.json and its labelled set: a second accuracy table),
// SP_BOT_PORT (serve, 0), SP_BOT_MODEL_DIR (bench saves the trained model
// there and serve loads it, so each catalogue is trained once).
'use strict';

const fs = require('fs');
const path = require('path');
const http = require('http');
const { NlpManager } = require('node-nlp');

const KINDS = ['de', 'de-typo', 'en', 'oos'];

// [{"id","title","keywords":[..]}] written by `bench-bot --write-catalogue`:
// the entries our matcher indexes, from the same DLDB import code.
function loadEntries(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function newManager() {
  return new NlpManager({
    languages: ['de', 'en'],
    autoSave: false,
    autoLoad: false,
    nlu: { log: false },
  });
}

async function train(entries) {
  const manager = newManager();
  for (const e of entries) {
    for (const lang of ['de', 'en']) {
      manager.addDocument(lang, e.title, e.id);
      for (const a of e.alternatives || []) manager.addDocument(lang, a, e.id);
      for (const k of e.keywords) manager.addDocument(lang, k, e.id);
    }
  }
  const t0 = process.hrtime.bigint();
  await manager.train();
  const trainS = Number(process.hrtime.bigint() - t0) / 1e9;
  return { manager, trainS };
}

function threshold(manager) {
  return manager.nlp.settings.threshold;
}

// The answer NLP.js gives: its intent, or null when it says "None" (its
// score was below the threshold).
async function ask(manager, q) {
  const r = await manager.process(q);
  const answered = r.intent && r.intent !== 'None';
  const first = (r.classifications || []).find((c) => c.intent !== 'None');
  return { id: answered ? r.intent : null, score: r.score, first: first ? first.intent : null };
}

function accepts(q, id) {
  return id !== null && q.expect !== null && (id === q.expect || (q.also || []).includes(id));
}

async function score(manager, questions) {
  const s = { n: 0, n_in: 0, n_oos: 0, top1: 0, top1_ok: 0, rank1_ok: 0, refused_in: 0,
    refused_oos: 0, kind_n: [0, 0, 0, 0], kind_ok: [0, 0, 0, 0] };
  for (const q of questions) {
    const k = q.expect === null ? 3 : Math.max(0, KINDS.indexOf(q.kind));
    const a = await ask(manager, q.q);
    let ok;
    s.n++;
    s.kind_n[k]++;
    if (q.expect === null) {
      s.n_oos++;
      ok = a.id === null;
      if (ok) s.refused_oos++;
    } else {
      s.n_in++;
      if (accepts(q, a.first)) s.rank1_ok++;
      if (a.id === null) s.refused_in++;
      if (a.id === q.expect) s.top1++;
      ok = accepts(q, a.id);
      if (ok) s.top1_ok++;
    }
    if (ok) s.kind_ok[k]++;
  }
  return s;
}

async function speed(manager, questions, reps) {
  const lat = [];
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) {
    for (const q of questions) {
      const a = process.hrtime.bigint();
      await manager.process(q.q);
      lat.push(Number(process.hrtime.bigint() - a) / 1e3);
    }
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((x, y) => x - y);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.round(p * (lat.length - 1)))];
  return { queries: lat.length, qps: lat.length / total, p50_us: pct(0.5), p99_us: pct(0.99) };
}

async function bench(file, reps) {
  const questions = JSON.parse(fs.readFileSync(process.env.SP_BOT_QUESTIONS, 'utf8'));
  const version = require('node-nlp/package.json').version;
  const modelDir = process.env.SP_BOT_MODEL_DIR;
  const out = { version, node: process.version, threshold: null, sizes: {} };
  const entries = loadEntries(file);
  process.stderr.write(`nlp.js: training ${entries.length} intents ...\n`);
  const { manager, trainS } = await train(entries);
  out.threshold = threshold(manager);
  process.stderr.write(`nlp.js: trained in ${trainS.toFixed(1)} s, scoring ...\n`);
  const s = await score(manager, questions);
  const sp = await speed(manager, questions, reps);
  process.stderr.write(`nlp.js ${entries.length} entries: ${sp.queries} queries, ${sp.qps.toFixed(0)} q/s, ` +
    `p50 ${sp.p50_us.toFixed(0)} us, p99 ${sp.p99_us.toFixed(0)} us, top-1 ${(s.top1 / s.n_in).toFixed(3)}\n`);
  out.sizes[entries.length] = { train_s: trainS, score: s, ...sp,
    rss_mib: process.memoryUsage().rss / 1048576 };
  if (modelDir) fs.writeFileSync(path.join(modelDir, `nlpjs-${entries.length}.model`), manager.export(true));
  if (process.env.SP_BOT_FAQ_ENTRIES && process.env.SP_BOT_FAQ_QUESTIONS) {
    const faqEntries = loadEntries(process.env.SP_BOT_FAQ_ENTRIES);
    const faqQuestions = JSON.parse(fs.readFileSync(process.env.SP_BOT_FAQ_QUESTIONS, 'utf8'));
    const faq = await train(faqEntries);
    out.faq = { size: faqEntries.length, train_s: faq.trainS, score: await score(faq.manager, faqQuestions) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) { reject(new Error('too large')); req.destroy(); } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function serve(file) {
  const entries = loadEntries(file);
  const titles = new Map(entries.map((e) => [e.id, e.title]));
  const model = process.env.SP_BOT_MODEL_DIR &&
    path.join(process.env.SP_BOT_MODEL_DIR, `nlpjs-${entries.length}.model`);
  let manager;
  if (model && fs.existsSync(model)) {
    manager = newManager();
    manager.import(fs.readFileSync(model, 'utf8'));
  } else {
    manager = (await train(entries)).manager;
  }
  const server = http.createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/v1/bot/ask') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":"not_found","message":"Not found"}');
      return;
    }
    try {
      const body = JSON.parse(await readBody(req, 16384));
      if (typeof body.question !== 'string') throw new Error('question');
      const r = await manager.process(body.question);
      const id = r.intent && r.intent !== 'None' ? r.intent : null;
      const reply = {
        answer: id ? titles.get(id) : 'Dazu weiß ich leider nichts.',
        faq_id: id,
        confidence: id ? r.score : 0,
        handoff: false,
        suggestions: [],
      };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply));
    } catch (e) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end('{"error":"bad_request","message":"Bad request"}');
    }
  });
  server.listen(Number(process.env.SP_BOT_PORT || 0), '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${server.address().port}/\n`);
  });
}

const mode = process.argv[2];
const main = mode === 'serve' ? () => serve(process.argv[3])
  : () => bench(process.argv[3], Number(process.argv[4] || 5));
main().catch((e) => {
  process.stderr.write(`nlp.js bench: ${e.stack || e}\n`);
  process.exit(1);
});
