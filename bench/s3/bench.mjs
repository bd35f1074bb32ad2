// bench/s3/bench.mjs: reads over S3 with latency, the extension against LanceDB 0.39.
// s3rver and test/interop/s3_proxy.mjs run on 127.0.0.1; LanceDB writes ROWS rows
// (id int64, x float64, y float32) into the bucket; then, with DELAY_MS added by the
// proxy before every request, each side runs
//   scan: a full scan of the three columns (count, sums), in a fresh process/connection;
//   take: TAKES random 64-row takes by row id (one connection; the first opens the table).
// and the proxy counts requests and response bytes.  Prints one table.
// Usage (from run.sh): node bench.mjs LANCE_SO
import * as arrow from 'apache-arrow';
import * as lancedb from '@lancedb/lancedb';
import S3rver from 's3rver';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startProxy } from './s3_proxy.mjs';

const so = path.resolve(process.argv[2]).replace(/\.so$/, '');
const ROWS = Number(process.env.ROWS || 10000000);
const DELAY = Number(process.env.DELAY_MS || 20);
const TAKES = Number(process.env.TAKES || 20);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-bench-s3-'));
const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(tmp, 's3'),
  configureBuckets: [{ name: 'bkt' }] });
const { port: s3port } = await s3.run();
const { server: proxy, port } = await startProxy(s3port);
const endpoint = `http://127.0.0.1:${port}`;
const lopts = { aws_endpoint: endpoint, aws_region: 'us-east-1', aws_access_key_id: 'S3RVER',
  aws_secret_access_key: 'S3RVER', allow_http: 'true' };
const sopts = JSON.stringify({ aws_endpoint: endpoint, aws_access_key_id: 'S3RVER',
  aws_secret_access_key: 'S3RVER', allow_http: 'true' });
// The proxy's control endpoints, on a fresh connection each time (no stale keep-alive).
const ctl = (what, body) => new Promise((resolve, reject) => {
  const rq = http.request({ host: '127.0.0.1', port, path: `/__${what}`, method: body ? 'POST' : 'GET',
    agent: false }, (res) => {
    let d = '';
    res.on('data', (c) => (d += c));
    res.on('end', () => resolve(JSON.parse(d)));
  });
  rq.on('error', reject);
  rq.end(body ? JSON.stringify(body) : undefined);
});

// ---- data -------------------------------------------------------------------------------------
const db = await lancedb.connect('s3://bkt/db', { storageOptions: lopts });
const BATCH = 1000000;
let t;
for (let lo = 0; lo < ROWS; lo += BATCH) {
  const n = Math.min(BATCH, ROWS - lo);
  const id = new BigInt64Array(n), x = new Float64Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) id[i] = BigInt(lo + i), x[i] = (lo + i) * 0.5, y[i] = (i % 1000) / 8;
  const tbl = arrow.tableFromArrays({ id, x, y });
  if (!t) t = await db.createTable('b', tbl, { mode: 'overwrite' });
  else await t.add(tbl);
}
const uri = 's3://bkt/db/b.lance';
const create = `CREATE VIRTUAL TABLE b USING lance('${uri}', storage_options='${sopts}');`;

// a seeded generator of take batches (the same ids on both sides)
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
// row ids without stable row ids are addresses: fragment << 32 | offset (a fragment per add)
const addr = (i) => (BigInt(Math.floor(i / BATCH)) << 32n) + BigInt(i % BATCH);
const takes = Array.from({ length: TAKES }, () => Array.from({ length: 64 }, () => addr(Math.floor(rnd() * ROWS))));

function sqlite(text) {
  return new Promise((resolve) => {
    const p = spawn('sqlite3', ['-batch', ':memory:']);
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', () => resolve({ out: out.trim(), err: err.trim() }));
    p.stdin.end(`.load ${so}\n${text}\n`);
  });
}

async function measure(name, fn) {
  await ctl('faults', { delay_ms: DELAY });
  await ctl('reset', {});
  const t0 = process.hrtime.bigint();
  const check = await fn();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const st = await ctl('stats');
  await ctl('faults', {});
  return { name, secs, requests: st.requests, bytes: st.bytes, check };
}

const results = [];
results.push(await measure('scan: sqlite-lance', async () => {
  const r = await sqlite(`${create}\nSELECT count(*), sum(id), sum(x), sum(y) FROM b;`);
  if (r.err) throw new Error(r.err);
  return r.out.split('|').slice(0, 2).join('|');
}));
results.push(await measure('scan: LanceDB', async () => {
  const d2 = await lancedb.connect('s3://bkt/db', { storageOptions: lopts });
  const tb = await (await d2.openTable('b')).query().select(['id', 'x', 'y']).toArrow();
  let s = 0n;
  for (const v of tb.getChild('id')) s += v;
  return `${tb.numRows}|${s}`;
}));
results.push(await measure(`take: sqlite-lance (${TAKES} x 64 rows)`, async () => {
  const q = takes.map((ids) => `SELECT count(*), sum(x) FROM b WHERE rowid IN (${ids.join(',')});`).join('\n');
  const r = await sqlite(`${create}\n${q}`);
  if (r.err) throw new Error(r.err);
  return r.out.split('\n').map((l) => l.split('|')[0]).reduce((a, b) => a + Number(b), 0);
}));
results.push(await measure(`take: LanceDB (${TAKES} x 64 rows)`, async () => {
  const d2 = await lancedb.connect('s3://bkt/db', { storageOptions: lopts });
  const tb = await d2.openTable('b');
  let n = 0;
  for (const ids of takes) n += (await tb.takeRowIds(ids).select(['x']).toArrow()).numRows;
  return n;
}));

const cpu = os.cpus()[0].model;
console.log(`bench/s3: ${ROWS.toLocaleString('en')} rows (id int64, x float64, y float32), ${DELAY} ms added per request, ${cpu}, ${os.cpus().length} cores`);
console.log('| run | seconds | requests | bytes | check |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.secs.toFixed(2)} | ${r.requests} | ${r.bytes.toLocaleString('en')} | ${r.check} |`);
proxy.close();
await s3.close();
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(0);
