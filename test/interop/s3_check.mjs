// s3_check.mjs: the object-store suite (run by s3_run.sh).  It starts s3rver (a real S3
// server process, in this process) and s3_proxy.mjs in front of it, both on 127.0.0.1, then:
//  1. LanceDB 0.39 writes a dataset into the bucket through its own S3 client (create,
//     append, delete, update); the extension reads every version over s3:// and gives
//     LanceDB's rows, and lance_versions lists LanceDB's versions;
//  2. the extension writes there (INSERT, DELETE commits) and LanceDB reads them;
//  3. LanceDB and the extension commit concurrently: nothing is lost;
//  4. every request is signed correctly (the proxy checks SigV4); credentials from options,
//     AWS_* variables and the shared credentials file; a wrong secret fails without showing it;
//  5. requests are counted: a full scan issues far fewer requests than the data has pages
//     and no more than LanceDB's scan; re-reading a version costs no manifest or footer;
//  6. faults through the proxy: 503s, dropped connections and cut bodies are retried; a
//     well-framed short body is an error; retries are bounded; a slow request stops on
//     sqlite3_interrupt (SIGINT to the shell);
//  7. http:// opens the dataset read-only (versions probed without a listing).
// Prints "N passed, N failed"; exits 1 on a failure.  Usage: node s3_check.mjs LANCE_SO
import * as lancedb from '@lancedb/lancedb';
import S3rver from 's3rver';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startProxy } from './s3_proxy.mjs';

const so = path.resolve(process.argv[2] || '../../build/lance');
// sqlite3 shells get the sanitizer runtimes an ASan build needs (s3_run.sh sets this)
const shellEnv = process.env.LANCE_SQLITE_PRELOAD ? { LD_PRELOAD: process.env.LANCE_SQLITE_PRELOAD } : {};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-s3-'));
let pass = 0, fail = 0;
const check = (ok, what, detail = '') => {
  if (ok) pass++;
  else { fail++; console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`); }
};

const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(tmp, 's3'),
  configureBuckets: [{ name: 'bkt' }] });
const { port: s3port } = await s3.run();
const { server: proxy, port } = await startProxy(s3port);
const endpoint = `http://127.0.0.1:${port}`;
const lopts = { aws_endpoint: endpoint, aws_region: 'us-east-1', aws_access_key_id: 'S3RVER',
  aws_secret_access_key: 'S3RVER', allow_http: 'true' };
const sopts = (extra = {}) => JSON.stringify({ aws_endpoint: endpoint, aws_access_key_id: 'S3RVER',
  aws_secret_access_key: 'S3RVER', allow_http: 'true', ...extra });
const q = (s) => `'${s.replace(/'/g, "''")}'`;
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

// One sqlite3 shell run (asynchronous: s3rver answers from this process); rows of the last
// statement as JSON (.mode json), stderr apart.
function sql(text, env = {}) {
  return new Promise((resolve) => {
    const p = spawn('sqlite3', ['-batch', ':memory:'], { env: { ...process.env, ...shellEnv, ...env } });
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 120000);
    p.on('close', (status) => {
      clearTimeout(timer);
      const outs = out.trim().split(/\n(?=\[)/).filter(Boolean).map((x) => JSON.parse(x));
      resolve({ rows: outs.length ? outs[outs.length - 1] : [], all: outs, err: err.trim(), status });
    });
    p.stdin.end(`.load ${so}\n.mode json\n${text}\n`);
  });
}
const table = (name, uri, opts = sopts()) =>
  `CREATE VIRTUAL TABLE ${name} USING lance(${q(uri)}, storage_options=${q(opts)});`;

const norm = (rows) => rows.map((r) => ({ id: Number(r.id), s: r.s ?? null,
  f: r.f == null ? null : Math.round(Number(r.f) * 1e6) / 1e6,
  v: r.v == null ? null : Array.from(typeof r.v === 'string' ? JSON.parse(r.v) : r.v).map((x) => Math.round(x * 1e4) / 1e4) }))
  .sort((a, b) => a.id - b.id);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- 1. LanceDB writes, the extension reads every version -----------------------------------
const db = await lancedb.connect('s3://bkt/db', { storageOptions: lopts });
const mk = (lo, hi) => Array.from({ length: hi - lo }, (_, i) => ({ id: lo + i, s: `row ${lo + i}`,
  f: (lo + i) / 8, v: [lo + i, 1, 2, 3].map(Number) }));
const t = await db.createTable('t', mk(0, 1000), { mode: 'overwrite' });
await t.add(mk(1000, 1500));
await t.delete('id % 7 = 3');
await t.update({ where: 'id < 10', values: { s: 'updated' } });
await t.add(mk(5000, 5003));
const versions = (await t.listVersions()).map((v) => Number(v.version));
const uri = 's3://bkt/db/t.lance';
for (const v of versions) {
  await t.checkout(v);
  const want = norm(await t.query().toArray());
  const got = await sql(`${table('t', uri)}\nSELECT id, s, f, v FROM t(${v});`);
  check(!got.err && same(norm(got.rows), want), `version ${v}: rows as LanceDB reads them`,
    got.err || `${got.rows.length} rows vs ${want.length}`);
}
await t.checkoutLatest();
{
  const got = await sql(`SELECT version, row_count FROM lance_versions(${q(uri)}, ${q(sopts())});`);
  check(same(got.rows.map((r) => r.version), versions), 'lance_versions over s3://', got.err);
  const lv = (await t.listVersions()).map((v) => v.version);
  check(same(got.rows.map((r) => r.version), lv), 'the versions LanceDB lists');
}

// ---- 2. the extension writes, LanceDB reads -----------------------------------------------
{
  const r = await sql(`${table('t', uri)}
INSERT INTO t(id, s, f, v) VALUES (9001, 'ours', 0.5, '[1,2,3,4]'), (9002, NULL, NULL, NULL);
DELETE FROM t WHERE id BETWEEN 100 AND 199;
SELECT max(_version) AS v FROM t;`);
  check(!r.err, 'INSERT and DELETE commit over s3://', r.err);
  const t2 = await db.openTable('t');
  const rows = norm(await t2.query().toArray());
  check(rows.some((x) => x.id === 9001 && x.s === 'ours' && same(x.v, [1, 2, 3, 4])) &&
    rows.some((x) => x.id === 9002 && x.s === null) && !rows.some((x) => x.id >= 100 && x.id < 200),
    'LanceDB reads what the extension committed');
  check(await t2.version() === versions[versions.length - 1] + 2, 'two new versions',
    `${await t2.version()}`);
  const n = (await sql(`${table('t', uri)}\nSELECT count(*) AS n FROM t;`)).rows[0]?.n;
  check(n === await t2.countRows(), 'the same row count on both sides', `${n}`);
}

// ---- 3. concurrent writers lose nothing ---------------------------------------------------
{
  const K = 6;
  const before = await (await db.openTable('t')).countRows();
  const ours = Array.from({ length: K }, (_, i) => new Promise((resolve) => {
    const p = spawn('sqlite3', ['-batch', ':memory:'], { stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, ...shellEnv } });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, err }));
    p.stdin.end(`.load ${so}\n${table('t', uri)}\nINSERT INTO t(id, s) VALUES (${20000 + i}, 'sql');\n`);
  }));
  const theirs = Array.from({ length: K }, async (_, i) => {
    const tt = await db.openTable('t');
    await tt.add([{ id: 30000 + i, s: 'lancedb', f: 0, v: [0, 0, 0, 0] }]);
  });
  const res = await Promise.all([...ours, ...theirs]);
  const errs = res.filter((r) => r && (r.code || r.err)).map((r) => r.err);
  check(!errs.length, 'concurrent commits all succeed', errs.join(' | '));
  const t3 = await db.openTable('t');
  const ids = new Set((await t3.query().select(['id']).toArray()).map((r) => Number(r.id)));
  let lost = [];
  for (let i = 0; i < K; i++) for (const b of [20000, 30000]) if (!ids.has(b + i)) lost.push(b + i);
  check(!lost.length && ids.size === before + 2 * K, 'nothing lost', `lost ${lost}, ${ids.size} vs ${before + 2 * K}`);
  const st = await ctl('stats');
  console.log(`concurrent writers: ${st.conditional412} conditional puts refused (then rebased)`);
  check(st.signed > 0 && st.badSignatures === 0 && st.unsigned === 0,
    'every request so far (ours and LanceDB\'s) carries a valid SigV4 signature', JSON.stringify(st));
}

// ---- 4. credentials -------------------------------------------------------------------------
{
  const noKeys = JSON.stringify({ aws_endpoint: endpoint, allow_http: 'true' });
  const count = `SELECT count(*) AS n FROM t;`;
  const env = await sql(`${table('t', uri, noKeys)}\n${count}`, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
  check(!env.err && env.rows[0]?.n > 0, 'credentials from AWS_* variables', env.err);
  fs.writeFileSync(path.join(tmp, 'credentials'), '[other]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n');
  const file = await sql(`${table('t', uri, noKeys)}\n${count}`,
    { AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'credentials'), AWS_PROFILE: 'other' });
  check(!file.err && file.rows[0]?.n > 0, 'credentials from the shared credentials file', file.err);
  const bad = await sql(`${table('t', uri, sopts({ aws_secret_access_key: 'WRONG-SECRET-123' }))}\n${count}`);
  check(/access denied \(HTTP 403\)/.test(bad.err) && !/WRONG-SECRET-123/.test(bad.err),
    'a wrong secret: access denied, the secret not shown', bad.err);
}

// ---- 5. request counts ----------------------------------------------------------------------
{
  const big = await db.createTable('big', Array.from({ length: 300000 }, (_, i) => ({ id: i, x: i * 0.5,
    s: `value ${i % 977}` })), { mode: 'overwrite' });
  const buri = 's3://bkt/db/big.lance';
  await ctl('reset', {});
  const scan = await sql(`${table('b', buri, sopts({ read_block_size: '64KiB' }))}\nSELECT count(*) AS n, sum(id) AS s, count(DISTINCT s) AS d FROM b;`);
  const ours = await ctl('stats');
  check(!scan.err && scan.rows[0]?.n === 300000 && scan.rows[0]?.s === 299999 * 150000, 'full scan over s3://', scan.err);
  await ctl('reset', {});
  const b2 = await db.openTable('big');
  const theirs = (await b2.query().select(['id', 'x', 's']).toArray()).length;
  const lst = await ctl('stats');
  console.log(`full scan of 300,000 rows x 3 columns: ${ours.requests} requests (${ours.byKind.data || 0} data) ` +
    `and ${ours.bytes} bytes; LanceDB: ${lst.requests} requests, ${lst.bytes} bytes (${theirs} rows)`);
  check(ours.requests <= lst.requests, 'no more requests than LanceDB', `${ours.requests} vs ${lst.requests}`);
  // the pages: 64 KiB blocks would need one request each if reads were not coalesced
  check((ours.byKind.data || 0) * 64 * 1024 * 4 < ours.bytes, 'far fewer data requests than 64 KiB pages',
    `${ours.byKind.data} requests for ${ours.bytes} bytes`);
  await ctl('reset', {});
  const twice = await sql(`${table('b', buri)}\nSELECT count(*) FROM b WHERE id < 10;\nSELECT count(*) FROM b WHERE id < 10;\nSELECT count(*) FROM b(1);`);
  const t2 = await ctl('stats');
  check(!twice.err && (t2.byKind.data || 0) <= 3 && (t2.byKind.manifest || 0) <= 3,
    're-reading a version costs no footer or manifest again', JSON.stringify(t2.byKind));
  // random takes: 64 row ids
  await ctl('reset', {});
  const ids = Array.from({ length: 64 }, (_, i) => (i * 4099) % 300000);
  const take = await sql(`${table('b', buri)}\nSELECT count(*) AS n FROM b WHERE rowid IN (${ids.join(',')});`);
  const tk = await ctl('stats');
  check(!take.err && take.rows[0]?.n === 64, '64-row take over s3://', take.err);
  console.log(`64-row take: ${tk.requests} requests, ${tk.bytes} bytes`);
}

// ---- 6. faults ----------------------------------------------------------------------------------
{
  const read = (extra = {}) => sql(`${table('t', uri, sopts({ retry_backoff: '10ms', ...extra }))}\nSELECT count(*) AS n FROM t;`);
  const want = (await sql(`${table('t', uri)}\nSELECT count(*) AS n FROM t;`)).rows[0]?.n;
  await ctl('faults', { status: 503, count: 3 });
  let r = await read();
  check(!r.err && r.rows[0]?.n === want, '503s retried', r.err);
  await ctl('faults', { status: 429, count: 2 });
  r = await read();
  check(!r.err && r.rows[0]?.n === want, '429s retried', r.err);
  await ctl('faults', { drop: 3 });
  r = await read();
  check(!r.err && r.rows[0]?.n === want, 'dropped connections retried', r.err);
  await ctl('faults', { short: 2, match: '^GET .*\\.(lance|manifest)' });
  r = await read();
  check(!r.err && r.rows[0]?.n === want, 'bodies cut short retried', r.err);
  await ctl('faults', { trim: 1, match: '^GET /bkt/[^?]*\\.lance$' });
  r = await read();
  check(/truncated|does not answer/.test(r.err), 'a well-framed short body is an error, not data', r.err);
  await ctl('faults', { status: 503, count: 1000 });
  r = await read({ client_max_retries: '2' });
  check(/failed after 3 tries \(last: HTTP 503\)/.test(r.err), 'retries are bounded', r.err);
  await ctl('faults', { delay_ms: 3000 });
  r = await read({ timeout: '300ms', client_max_retries: '1' });
  check(/failed after 2 tries/.test(r.err), 'a timeout is retried then reported', r.err);
  // sqlite3_interrupt: the shell calls it on SIGINT
  await ctl('faults', { delay_ms: 20000 });
  const t0 = Date.now();
  const res = await new Promise((resolve) => {
    const p = spawn('sqlite3', ['-batch', ':memory:'], { stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...shellEnv } });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', () => resolve(err));
    p.stdin.write(`.load ${so}\n${table('t', uri, sopts({ timeout: '60s' }))}\n`);
    setTimeout(() => p.kill('SIGINT'), 1500);
    setTimeout(() => p.stdin.end(), 1500);
  });
  const secs = (Date.now() - t0) / 1000;
  check(/interrupt/.test(res) && secs < 8, 'sqlite3_interrupt stops a slow request', `${secs}s: ${res.trim()}`);
  await ctl('faults', {});
}

// ---- 7. http:// read-only --------------------------------------------------------------------
{
  const h = `http://127.0.0.1:${s3port}/bkt/db/t.lance`;
  const want = (await sql(`${table('t', uri)}\nSELECT count(*) AS n, max(_version) AS v FROM t;`)).rows[0];
  const r = await sql(`CREATE VIRTUAL TABLE h USING lance(${q(h)});\nSELECT count(*) AS n, max(_version) AS v FROM h;`);
  check(!r.err && same(r.rows[0], want), 'http:// reads the latest version', r.err);
  const v = await sql(`SELECT count(*) AS n FROM lance_versions(${q(h)});`);
  check(!v.err && v.rows[0]?.n === want.v, 'http:// finds every version by probing', v.err || JSON.stringify(v.rows));
  const w = await sql(`CREATE VIRTUAL TABLE h USING lance(${q(h)});\nINSERT INTO h(id) VALUES (1);`);
  check(/read-only/.test(w.err), 'http:// datasets are read-only', w.err);
}

proxy.close();
await s3.close();
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`s3: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
