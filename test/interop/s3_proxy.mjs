// s3_proxy.mjs: the HTTP proxy the object-store suite (s3_run.sh) and bench/s3 put in
// front of s3rver, on 127.0.0.1 only.  It
//  - enforces conditional puts: s3rver ignores If-None-Match, so a PUT with
//    If-None-Match: * is answered 412 when the key exists (checked and forwarded under
//    one lock, so of racing puts exactly one wins), as S3 does;
//  - answers suffix ranges (Range: bytes=-N) as S3 does: s3rver answers them with the
//    first N+1 bytes, so the proxy asks it for the last N bytes by offset;
//  - counts requests and response bytes (GET /__stats, POST /__reset), by method and by
//    kind of object (manifest, data, list, other);
//  - injects faults on the next matching requests (POST /__faults with JSON
//    {delay_ms, status: 503, drop, short, count, match}): a delay before every request,
//    `count` answers with that status, `drop` connections closed without an answer,
//    `short` GET bodies cut short (Content-Length kept, connection closed early), `trim`
//    GET bodies one byte short but well framed (Content-Length says so, the range not).
//  - checks every SigV4 signature against the secret of its key id (s3rver itself does not:
//    its V4 check is unimplemented): a mismatch is 403 SignatureDoesNotMatch, and a body
//    whose SHA-256 is not x-amz-content-sha256 is 400.
// S3_PROXY_LOG=1 prints each request.  Requests are forwarded as they came (headers and all: SigV4 signs the Host header).
// Use: startProxy(upstreamPort) (resolves to the listening port), or
// node s3_proxy.mjs LISTEN_PORT UPSTREAM_PORT
import crypto from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

let upstreamPort = 0;
const stats = () => ({ requests: 0, bytes: 0, byMethod: {}, byKind: {}, conditional412: 0,
  signed: 0, unsigned: 0, badSignatures: 0 });
const secrets = { S3RVER: 'S3RVER' };

// SigV4, written here from AWS's description (independently of the C signer it checks).
const enc = (x) => encodeURIComponent(x).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const hmac = (k, d) => crypto.createHmac('sha256', k).update(d).digest();
const sha = (d) => crypto.createHash('sha256').update(d).digest('hex');
function signatureOk(req, body) {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/
    .exec(req.headers.authorization || '');
  if (!m || !(m[1] in secrets)) return false;
  const [, key, date, region, service, names, sig] = m;
  const [pathPart, query = ''] = req.url.split(/\?(.*)/s);
  const pairs = query.split('&').filter(Boolean).map((kv) => {
    const [k, v = ''] = kv.split(/=(.*)/s);
    return [enc(decodeURIComponent(k)), enc(decodeURIComponent(v))];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const hdrs = names.split(';').map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payload = req.headers['x-amz-content-sha256'];
  if (payload !== 'UNSIGNED-PAYLOAD' && payload !== sha(body)) return false;
  const creq = [req.method, pathPart, pairs.map((p) => p.join('=')).join('&'), hdrs, names, payload].join('\n');
  const sts = ['AWS4-HMAC-SHA256', req.headers['x-amz-date'], `${date}/${region}/${service}/aws4_request`, sha(creq)].join('\n');
  let k = hmac(`AWS4${secrets[key]}`, date);
  for (const part of [region, service, 'aws4_request']) k = hmac(k, part);
  return hmac(k, sts).toString('hex') === sig;
}
let st = stats();
let faults = { delay_ms: 0, status: 0, count: 0, drop: 0, short: 0, trim: 0, match: '' };
let lock = Promise.resolve();

const kind = (req) => {
  const u = req.url;
  if (/[?&]list-type=2/.test(u)) return 'list';
  if (/\.manifest(\?|$)/.test(u)) return 'manifest';
  if (/\.lance(\?|$)/.test(u)) return 'data';
  return 'other';
};

function forward(req, body, res, mode) {
  return new Promise((resolve) => {
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method,
      path: req.url, headers: req.headers }, (ur) => {
      const chunks = [];
      ur.on('data', (c) => chunks.push(c));
      ur.on('end', () => {
        let out = Buffer.concat(chunks);
        st.bytes += out.length;
        if (mode === 'trim' && out.length > 1) { // a well-framed body, shorter than its range
          out = out.subarray(0, out.length - 1);
          res.writeHead(ur.statusCode, { ...ur.headers, 'content-length': String(out.length) });
          res.end(out);
        } else if (mode === 'short' && out.length > 1) {
          res.writeHead(ur.statusCode, ur.headers);
          res.write(out.subarray(0, out.length >> 1));
          res.socket.destroy();
        } else {
          res.writeHead(ur.statusCode, ur.headers);
          res.end(out);
        }
        resolve(ur.statusCode);
      });
    });
    up.on('error', () => { res.writeHead(502); res.end(); resolve(502); });
    up.end(body);
  });
}

function objectSize(req) {
  return new Promise((resolve) => {
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: 'HEAD',
      path: req.url.split('?')[0], headers: { host: req.headers.host } }, (ur) => {
      ur.resume();
      ur.on('end', () => resolve(ur.statusCode === 200 ? Number(ur.headers['content-length']) : -1));
    });
    up.on('error', () => resolve(-1));
    up.end();
  });
}

function exists(req) {
  return new Promise((resolve) => {
    const h = { ...req.headers };
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: 'HEAD',
      path: req.url.split('?')[0], headers: { host: h.host } }, (ur) => {
      ur.resume();
      ur.on('end', () => resolve(ur.statusCode === 200));
    });
    up.on('error', () => resolve(false));
    up.end();
  });
}

export function startProxy(upstream, listen = 0) {
  upstreamPort = upstream;
  const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    if (req.url.startsWith('/__')) {
      if (req.url === '/__stats') { res.end(JSON.stringify(st)); return; }
      if (req.url === '/__reset') { st = stats(); res.end('{}'); return; }
      if (req.url === '/__faults') {
        faults = { delay_ms: 0, status: 0, count: 0, drop: 0, short: 0, trim: 0, match: '', ...JSON.parse(body || '{}') };
        res.end('{}');
        return;
      }
    }
    if (process.env.S3_PROXY_LOG) console.log(`${req.method} ${req.url} ${req.headers.range || ''}`);
    st.requests++;
    st.byMethod[req.method] = (st.byMethod[req.method] || 0) + 1;
    const k = kind(req);
    st.byKind[k] = (st.byKind[k] || 0) + 1;
    if (req.headers.authorization) {
      if (!signatureOk(req, body)) {
        st.badSignatures++;
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
        return;
      }
      st.signed++;
    } else st.unsigned++;
    if (faults.delay_ms) await new Promise((r) => setTimeout(r, faults.delay_ms));
    const hit = !faults.match || new RegExp(faults.match).test(`${req.method} ${req.url}`);
    if (hit && faults.drop > 0) { faults.drop--; req.socket.destroy(); return; }
    if (hit && faults.count > 0 && faults.status) {
      faults.count--;
      res.writeHead(faults.status, { 'content-type': 'application/xml' });
      res.end('<Error><Code>SlowDown</Code></Error>');
      return;
    }
    const suffix = req.method === 'GET' && /^bytes=-(\d+)$/.exec(req.headers.range || '');
    if (suffix) {
      const size = await objectSize(req);
      if (size > 0) req.headers.range = `bytes=${Math.max(0, size - Number(suffix[1]))}-${size - 1}`;
    }
    let mode = '';
    if (hit && faults.short > 0 && req.method === 'GET') { faults.short--; mode = 'short'; }
    if (hit && faults.trim > 0 && req.method === 'GET') { faults.trim--; mode = 'trim'; }
    if (req.method === 'PUT' && req.headers['if-none-match'] === '*') {
      const prev = lock;
      let release;
      lock = new Promise((r) => (release = r));
      await prev;
      try {
        if (await exists(req)) {
          st.conditional412++;
          res.writeHead(412, { 'content-type': 'application/xml' });
          res.end('<Error><Code>PreconditionFailed</Code></Error>');
          return;
        }
        await forward(req, body, res, mode);
      } finally { release(); }
      return;
    }
    await forward(req, body, res, mode);
  });
});
  server.keepAliveTimeout = 30000;
  return new Promise((resolve) => server.listen(listen, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [listen, upstream] = process.argv.slice(2).map(Number);
  startProxy(upstream, listen).then(({ port }) => console.log(`proxy ${port} -> ${upstream}`));
}
