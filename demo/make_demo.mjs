// node demo/make_demo.mjs OUTDIR
// Writes the demo dataset OUTDIR/scenes.lance with the pinned LanceDB
// (test/interop/node_modules): ~200 "driving scenes" with a small PNG each, and a
// short history of versions. Everything is deterministic (seeded PRNG, fixed
// timestamps), so demo/demo.sql gives the same output on every run (demo/expected.txt).
//
//   v1  create 160 scenes (ids 0..159)
//   v2  append 40 scenes (ids 160..199)            tag 'golden' -> v2
//   v3  delete the dawn scenes
//   v4  update: relabel 'car' scenes with score > 0.9 as 'truck'
//   v5  addColumns: is_night = (timeofday = 'night')
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import { rmSync, mkdirSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// LanceDB and apache-arrow come from test/interop/node_modules; both are loaded through
// the same require so that the Arrow objects handed to LanceDB are its own classes.
const here = dirname(fileURLToPath(import.meta.url));
const req = createRequire(join(here, "..", "test", "interop", "package.json"));
const lancedb = req("@lancedb/lancedb");
const A = req("apache-arrow");

const outArg = process.argv[2] ?? join(here, "out");
const out = resolve(outArg);

// ---- seeded PRNG (mulberry32) ----------------------------------------------------
function prng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { f: next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (a) => a[Math.floor(next() * a.length)] };
}

// ---- a minimal PNG encoder: 8-bit RGB, filter 0 on every scanline ----------------
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const buf = Buffer.alloc(12 + data.length);
  buf.writeUInt32BE(data.length, 0);
  buf.write(type, 4, "latin1");
  Buffer.from(data).copy(buf, 8);
  buf.writeUInt32BE(crc32(buf.subarray(4, 8 + data.length)), 8 + data.length);
  return buf;
}
// rgb: Uint8Array of w*h*3 bytes, row-major
function encodePNG(w, h, rgb) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // deflate, adaptive filtering, no interlace
  const raw = Buffer.alloc(h * (1 + w * 3));
  for (let y = 0; y < h; y++) {
    raw[y * (1 + w * 3)] = 0; // filter type None
    Buffer.from(rgb.buffer, rgb.byteOffset + y * w * 3, w * 3).copy(raw, y * (1 + w * 3) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    // level 0 (stored blocks): the bytes do not depend on the zlib build node links
    // (zlib, zlib-ng, Chromium's fork compress differently), so demo/expected.txt holds
    chunk("IDAT", deflateSync(raw, { level: 0 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---- the scenes --------------------------------------------------------------------
const LABELS = ["car", "pedestrian", "bicycle", "truck"];
const WEATHER = ["clear", "clear", "rain", "fog", "snow", "overcast"];
const TAGS = ["urban", "highway", "crosswalk", "occluded", "parked", "intersection", "rare"];
const BASE_US = 1717200000000000n; // 2024-06-01 00:00:00 UTC
// a centre in embedding space per label, so nearest neighbours share a label
const CENTRES = LABELS.map((_, k) => Array.from({ length: 8 }, (_, j) => (j % 4 === k ? 1 : 0)));

function scene(i, r) {
  // one scene every 2h 13m 17s plus a seeded sub-second part
  const us = BASE_US + BigInt(i) * 7997000000n + BigInt(r.int(0, 999999));
  const hour = Number((us / 3600000000n) % 24n);
  const timeofday = hour >= 5 && hour < 8 ? "dawn" : hour >= 8 && hour < 20 ? "day" : "night";
  const label = LABELS[r.int(0, 3)];
  const weather = r.pick(WEATHER);
  const tags = [];
  for (const t of TAGS) if (r.f() < 0.25) tags.push(t);
  const k = LABELS.indexOf(label);
  const embedding = CENTRES[k].map((c) => Math.fround(Math.round((c + (r.f() - 0.5) * 0.6) * 1000) / 1000));
  const score = Math.round(r.f() * 1000) / 1000;
  // 32x32 image: a gradient tinted by label, darker at night, with seeded noise
  const tint = [[200, 60, 60], [60, 200, 60], [60, 60, 200], [200, 200, 60]][k];
  const light = timeofday === "night" ? 0.25 : timeofday === "dawn" ? 0.6 : 1;
  const rgb = new Uint8Array(32 * 32 * 3);
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++)
      for (let c = 0; c < 3; c++) {
        const v = (tint[c] * (x + y)) / 62 + r.int(-12, 12);
        rgb[(y * 32 + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v * light)));
      }
  return { id: BigInt(i), image: encodePNG(32, 32, rgb), label, timeofday, weather, captured_at: us, tags, embedding, score };
}

const f = (name, type, nullable = true) => new A.Field(name, type, nullable);
const SCHEMA = new A.Schema([
  f("id", new A.Int64(), false),
  f("image", new A.Binary()),
  f("label", new A.Utf8()),
  f("timeofday", new A.Utf8()),
  f("weather", new A.Utf8()),
  f("captured_at", new A.TimestampMicrosecond()),
  f("tags", new A.List(f("item", new A.Utf8()))),
  f("embedding", new A.FixedSizeList(8, f("item", new A.Float32()))),
  f("score", new A.Float64()),
]);

// Arrow data built column by column (no type guessing)
const enc = new TextEncoder();
function varBytes(type, parts) {
  const offsets = new Int32Array(parts.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
  const data = new Uint8Array(offsets[parts.length]);
  parts.forEach((p, i) => data.set(p, offsets[i]));
  return A.makeData({ type, length: parts.length, nullCount: 0, valueOffsets: offsets, data });
}
function column(field, rows) {
  const n = rows.length;
  const vals = rows.map((row) => row[field.name]);
  const t = field.type;
  switch (field.name) {
    case "id": case "captured_at":
      return A.makeData({ type: t, length: n, nullCount: 0, data: BigInt64Array.from(vals) });
    case "score":
      return A.makeData({ type: t, length: n, nullCount: 0, data: Float64Array.from(vals) });
    case "image":
      return varBytes(t, vals);
    case "label": case "timeofday": case "weather":
      return varBytes(t, vals.map((s) => enc.encode(s)));
    case "tags": {
      const items = vals.flat();
      const offsets = new Int32Array(n + 1);
      vals.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length));
      const child = varBytes(t.children[0].type, items.map((s) => enc.encode(s)));
      return A.makeData({ type: t, length: n, nullCount: 0, valueOffsets: offsets, child });
    }
    case "embedding": {
      const child = A.makeData({ type: t.children[0].type, length: n * 8, nullCount: 0, data: Float32Array.from(vals.flat()) });
      return A.makeData({ type: t, length: n, nullCount: 0, child });
    }
  }
  throw new Error(`no column builder for ${field.name}`);
}
function table(rows) {
  const children = SCHEMA.fields.map((fl) => column(fl, rows));
  const data = A.makeData({ type: new A.Struct(SCHEMA.fields), length: rows.length, nullCount: 0, children });
  return new A.Table([new A.RecordBatch(SCHEMA, data)]);
}

const r = prng(20240601);
const all = Array.from({ length: 200 }, (_, i) => scene(i, r));

rmSync(join(out, "scenes.lance"), { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const db = await lancedb.connect(out);
const t = await db.createTable("scenes", table(all.slice(0, 160)), { mode: "overwrite" });
await t.add(table(all.slice(160)));
await t.delete("timeofday = 'dawn'");
await t.update({ where: "label = 'car' AND score > 0.9", values: { label: "truck" } });
await t.addColumns([{ name: "is_night", valueSql: "timeofday = 'night'" }]);
await (await t.tags()).create("golden", 2);

const dawn = all.filter((s) => s.timeofday === "dawn").length;
console.log(`demo: wrote ${join(outArg, "scenes.lance")}: 200 scenes, ${dawn} dawn scenes deleted, version ${await t.version()}, tag golden -> 2`);
