// Debug aid (not part of the test run): summarise a Lance data file's pages and
// encodings, to check which encodings a generated dataset really exercises.
//   node inspect.mjs FILE.lance [--tree]
// Prints, per column: number of pages, rows per page and a compact encoding
// description (2.1+ structural layouts and compressive encodings; for 2.0 files the
// names of the ArrayEncoding variants found).
import { readFileSync } from "node:fs";

function readVarint(buf, pos) {
  let result = 0n, shift = 0n;
  for (;;) {
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  return [result, pos];
}

// Generic protobuf decode: returns [{field, wire, value}] (value: BigInt or Buffer)
function pb(buf) {
  const out = [];
  let pos = 0;
  while (pos < buf.length) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Number(key >> 3n), wire = Number(key & 7n);
    if (wire === 0) { let v; [v, pos] = readVarint(buf, pos); out.push({ field, wire, value: v }); }
    else if (wire === 1) { out.push({ field, wire, value: buf.readBigUInt64LE(pos) }); pos += 8; }
    else if (wire === 5) { out.push({ field, wire, value: BigInt(buf.readUInt32LE(pos)) }); pos += 4; }
    else if (wire === 2) {
      let len; [len, pos] = readVarint(buf, pos);
      out.push({ field, wire, value: buf.subarray(pos, pos + Number(len)) }); pos += Number(len);
    } else throw new Error(`bad wire type ${wire}`);
  }
  return out;
}
const get = (msg, f) => msg.find((m) => m.field === f);
const all = (msg, f) => msg.filter((m) => m.field === f);

const COMPRESSIVE = { 1: "flat", 2: "variable", 3: "constant", 4: "bitpack_ool", 5: "bitpack_inline", 6: "fsst",
  7: "dictionary", 8: "rle", 9: "bss", 10: "general", 11: "fsl", 12: "packed_struct", 13: "var_packed_struct",
  14: "range", 15: "delta" };
const SCHEME = { 0: "?", 1: "lz4", 2: "zstd" };

function bufComp(b) {
  if (!b) return "";
  const m = pb(b); const s = get(m, 1);
  return s ? `,${SCHEME[Number(s.value)]}` : "";
}

// CompressiveEncoding -> string
function ce(buf) {
  if (!buf) return "-";
  const m = pb(buf);
  if (!m.length) return "?";
  const { field, value } = m[0];
  const name = COMPRESSIVE[field] || `ce${field}`;
  const inner = pb(value);
  switch (field) {
    case 1: return `flat(${get(inner, 1)?.value ?? 0}${bufComp(get(inner, 2)?.value)})`;
    case 2: return `variable(${ce(get(inner, 1)?.value)}${bufComp(get(inner, 2)?.value)})`;
    case 3: return "constant";
    case 4: return `bitpack_ool(${get(inner, 1)?.value ?? 0},${ce(get(inner, 3)?.value)})`;
    case 5: return `bitpack_inline(${get(inner, 1)?.value ?? 0}${bufComp(get(inner, 2)?.value)})`;
    case 6: return `fsst(${ce(get(inner, 2)?.value)})`;
    case 7: return `dict(idx=${ce(get(inner, 1)?.value)},items=${ce(get(inner, 2)?.value)})`;
    case 8: return `rle(${ce(get(inner, 1)?.value)},${ce(get(inner, 2)?.value)})`;
    case 9: return `bss(${ce(get(inner, 1)?.value)})`;
    case 10: return `general(${bufComp(get(inner, 1)?.value).slice(1)},${ce(get(inner, 3)?.value)})`;
    case 11: return `fsl(${get(inner, 1)?.value ?? 0},${ce(get(inner, 2)?.value)})`;
    case 12: return `packed_struct(${ce(get(inner, 2)?.value)})`;
    case 13: return `var_packed_struct(${all(inner, 1).map((f) => ce(get(pb(f.value), 1)?.value)).join(";")})`;
    case 14: return `range(${get(inner, 1)?.value ?? 0})`;
    case 15: return `delta(${get(inner, 1)?.value ?? 0},${ce(get(inner, 3)?.value)})`;
    default: return name;
  }
}

function layout(buf) {
  const m = pb(buf);
  const { field, value } = m[0];
  const l = pb(value);
  switch (field) {
    case 1: {
      const dict = get(l, 4) ? ` dict=${ce(get(l, 4).value)}` : "";
      return `miniblock(rep=${ce(get(l, 1)?.value)} def=${ce(get(l, 2)?.value)} val=${ce(get(l, 3)?.value)}${dict}${get(l, 10) ? " large" : ""})`;
    }
    case 2: {
      const lv = (f) => (get(l, f) ? ` ${f === 7 ? "rep" : "def"}=${ce(get(l, f).value)}` : "");
      return `constant(${get(l, 6) ? "value" : "null"}${lv(7)}${lv(8)})`;
    }
    case 3: return `fullzip(rep=${get(l, 1)?.value ?? 0} def=${get(l, 2)?.value ?? 0} val=${ce(get(l, 7)?.value)})`;
    case 4: return `blob(${layout(get(l, 1).value)})`;
    case 5: return `sparse(val=${ce(get(l, 1)?.value)})`;
    default: return `layout${field}`;
  }
}

// Any { type_url = 1, value = 2 }
function anyToString(buf) {
  const m = pb(buf);
  const url = get(m, 1)?.value.toString() ?? "";
  const value = get(m, 2)?.value ?? Buffer.alloc(0);
  if (url.endsWith("encodings21.PageLayout")) return layout(value);
  // 2.0: list the printable identifiers is not possible (no names in protobuf); give the URL
  return `${url.replace(/.*\//, "")}[${v20(value)}]`;
}

// 2.0 ArrayEncoding field numbers -> names (encodings_v2_0.proto)
const V20 = { 1: "flat", 2: "nullable", 3: "fsl", 4: "list", 5: "struct", 6: "binary", 7: "dictionary",
  8: "fsst", 9: "packed_struct", 10: "bitpacked", 11: "fixed_size_binary", 12: "bitpacked_fl", 13: "constant",
  14: "bitpack_fl2", 15: "general", 16: "variable", 17: "packed_struct_fl", 18: "block", 19: "rle", 20: "bss" };
function v20(buf, depth = 0) {
  if (depth > 6) return "…";
  try {
    const m = pb(buf);
    return m.filter((x) => x.wire === 2).map((x) => `${V20[x.field] ?? x.field}`).join(",");
  } catch { return "?"; }
}

function encodingToString(buf) {
  // Encoding { indirect = 1, direct = 2 { encoding = 1 }, none = 3 }
  const m = pb(buf);
  const d = get(m, 2);
  if (d) return anyToString(get(pb(d.value), 1).value);
  if (get(m, 1)) return "deferred";
  return "none";
}

export function inspect(path) {
  const f = readFileSync(path);
  const t = f.subarray(f.length - 40);
  const cmStart = Number(t.readBigUInt64LE(0)), cmoStart = Number(t.readBigUInt64LE(8));
  const ncols = t.readUInt32LE(28), major = t.readUInt16LE(32), minor = t.readUInt16LE(34);
  const cols = [];
  for (let c = 0; c < ncols; c++) {
    const pos = Number(f.readBigUInt64LE(cmoStart + 16 * c)), size = Number(f.readBigUInt64LE(cmoStart + 16 * c + 8));
    const cm = pb(f.subarray(pos, pos + size));
    const pages = all(cm, 2).map((p) => {
      const pm = pb(p.value);
      const enc = get(pm, 4);
      return { rows: Number(get(pm, 3)?.value ?? 0n), enc: enc ? encodingToString(enc.value) : "none" };
    });
    cols.push(pages);
  }
  void cmStart;
  return { version: `${major}.${minor}`, cols };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { version, cols } = inspect(process.argv[2]);
  console.log(`version ${version}, ${cols.length} columns`);
  cols.forEach((pages, i) => {
    const encs = [...new Set(pages.map((p) => p.enc))];
    console.log(`col ${i}: ${pages.length} pages rows=[${pages.map((p) => p.rows).join(",")}] ${encs.join(" | ")}`);
  });
}
