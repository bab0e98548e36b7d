// SPDX-License-Identifier: EUPL-1.2
// Reference for bench/sync: PouchDB (memory adapter) replicating over HTTP
// to express-pouchdb (PouchDB, memory adapter) on loopback, with the same
// service documents as the Stadtpult benchmark. Prints one JSON object.
//
// env: SP_BENCH_FIRST (100000), SP_BENCH_INCR (1000), SP_BENCH_PUSH (10000),
//      SP_BENCH_RUNS (5), SP_BENCH_FIRST_RUNS (3), SP_BENCH_BATCH (1000)
'use strict';

const express = require('express');
const expressPouchDB = require('express-pouchdb');
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-mapreduce'))
  .plugin(require('pouchdb-replication'));
const crypto = require('node:crypto');
const fs = require('node:fs');

const N_FIRST = +(process.env.SP_BENCH_FIRST || 100000);
const N_INCR = +(process.env.SP_BENCH_INCR || 1000);
const N_PUSH = +(process.env.SP_BENCH_PUSH || 10000);
const RUNS = +(process.env.SP_BENCH_RUNS || 5);
const FIRST_RUNS = +(process.env.SP_BENCH_FIRST_RUNS || 3);
const BATCH = +(process.env.SP_BENCH_BATCH || 1000);

// Same fields and values as sp-bench-sync.c: bench_service_fields()
function serviceDoc(prefix, n) {
  const docs = ['Personalausweis'];
  if (n % 2 === 0) docs.push('Meldebescheinigung');
  return {
    _id: crypto.randomUUID(),
    name: `${prefix} ${String(n).padStart(6, '0')}`,
    leika: '99' + String(n).padStart(12, '0'),
    description: 'Beschreibung der Leistung für Bürgerinnen und Bürger: was zu tun ist, was es kostet.',
    documents: docs,
    fees: `${10 + (n % 90)},00 EUR`,
    office: 'Bürgerservice, Markt 1, 07743 Jena',
    opening_hours: 'Mo-Fr 8-18 Uhr',
    online_url: 'https://example.org/dienst/' + n,
    status: n % 5 === 0 ? 'draft' : 'published',
  };
}

function cpuSecs(since) {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function bulkInsert(db, docs) {
  for (let i = 0; i < docs.length; i += 5000) {
    const res = await db.bulkDocs(docs.slice(i, i + 5000));
    for (const r of res) if (r.error) throw new Error('seed failed: ' + JSON.stringify(r));
  }
}

let seq = 0;
function local() {
  return new PouchDB('bench-local-' + (seq++), { adapter: 'memory' });
}

function replicate(from, to) {
  return new Promise((resolve, reject) => {
    PouchDB.replicate(from, to, { batch_size: BATCH, batches_limit: 10 })
      .on('complete', resolve)
      .on('error', reject)
      .on('denied', (e) => reject(new Error('denied: ' + JSON.stringify(e))));
  });
}

function rssOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = s.match(/VmHWM:\s+(\d+) kB/);
    return m ? +m[1] : null;
  } catch (e) { return null; }
}

async function main() {
  const ServerPouch = PouchDB.defaults({ adapter: 'memory' });
  const app = express();
  app.use('/', expressPouchDB(ServerPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true }));
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  const remoteDb = new ServerPouch('services');
  const remoteUrl = base + '/services';

  // seed (not timed)
  const t0 = Date.now();
  const seedDocs = [];
  for (let i = 0; i < N_FIRST; i++) seedDocs.push(serviceDoc('Leistung', i));
  await bulkInsert(remoteDb, seedDocs);
  process.stderr.write(`pouchdb: seeded ${N_FIRST} docs in ${(Date.now() - t0) / 1000}s\n`);

  const cpu = { first_sync: [], incremental: [], push: [] };
  const result = { first_sync: [], incremental: [], push: [], cpu, n_first: N_FIRST,
                   n_incr: N_INCR, n_push: N_PUSH, batch_size: BATCH };

  // first sync: fresh client pulls everything
  let synced = null;
  for (let r = 0; r < FIRST_RUNS; r++) {
    const db = local();
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const info = await replicate(remoteUrl, db);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    cpu.first_sync.push(cpuSecs(cpu0));
    if (info.docs_written !== N_FIRST) throw new Error(`first sync wrote ${info.docs_written}`);
    const count = (await db.info()).doc_count;
    if (count !== N_FIRST) throw new Error(`first sync has ${count} docs`);
    result.first_sync.push(secs);
    process.stderr.write(`pouchdb: first sync ${N_FIRST} in ${secs.toFixed(3)}s\n`);
    if (synced) await synced.destroy();
    synced = db;
  }

  // incremental pull: 1 000 docs changed on the server since the last sync
  for (let r = 0; r < RUNS; r++) {
    const all = await remoteDb.allDocs({ include_docs: true, limit: N_INCR, skip: r * N_INCR });
    const changed = all.rows.map((row) => ({ ...row.doc, fees: `${r + 1},50 EUR` }));
    await bulkInsert(remoteDb, changed);
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const info = await replicate(remoteUrl, synced);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    cpu.incremental.push(cpuSecs(cpu0));
    if (info.docs_written !== N_INCR) throw new Error(`incremental wrote ${info.docs_written}`);
    result.incremental.push(secs);
    process.stderr.write(`pouchdb: incremental ${N_INCR} in ${secs.toFixed(3)}s\n`);
  }
  await synced.destroy();

  // push: 10 000 new docs made offline go to the server
  for (let r = 0; r < RUNS; r++) {
    const db = local();
    const docs = [];
    for (let i = 0; i < N_PUSH; i++) docs.push(serviceDoc(`Neu${r}`, i));
    await bulkInsert(db, docs);
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const info = await replicate(db, remoteUrl);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    cpu.push.push(cpuSecs(cpu0));
    if (info.docs_written !== N_PUSH) throw new Error(`push wrote ${info.docs_written}`);
    result.push.push(secs);
    process.stderr.write(`pouchdb: push ${N_PUSH} in ${secs.toFixed(3)}s\n`);
    await db.destroy();
  }

  const total = (await remoteDb.info()).doc_count;
  if (total !== N_FIRST + RUNS * N_PUSH) throw new Error(`server has ${total} docs`);

  result.median_s = {
    first_sync: median(result.first_sync),
    incremental: median(result.incremental),
    push: median(result.push),
  };
  result.rec_per_s = {
    first_sync: N_FIRST / result.median_s.first_sync,
    incremental: N_INCR / result.median_s.incremental,
    push: N_PUSH / result.median_s.push,
  };
  // server and client share this process: CPU covers both, as ours does
  result.rec_per_cpu_s = {
    first_sync: N_FIRST / median(cpu.first_sync),
    incremental: N_INCR / median(cpu.incremental),
    push: N_PUSH / median(cpu.push),
  };
  // server and client share this process: its peak RSS covers both
  result.peak_rss_kb = rssOf(process.pid);
  result.versions = {
    node: process.version,
    'pouchdb-core': require('pouchdb-core/package.json').version,
    'express-pouchdb': require('express-pouchdb/package.json').version,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  server.close();
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
