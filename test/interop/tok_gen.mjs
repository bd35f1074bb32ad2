// node tok_gen.mjs OUTDIR [name-filter-regex]
// The full-text tokenizer interop tests (tok_README.md): LanceDB 0.39 builds, for every
// tokenizer option combination that matters, a table of test texts with an FTS index
// (with_position=true, named "text_idx") under OUTDIR/db/<case>.lance, and this script
// writes OUTDIR/tok_cases.json: per case its name, the tokenizer parameters in
// build/tok-tool's KEY=VALUE form and the texts (row i of the table is text i, row id i).
// tok_compare.mjs reads each index back with lance-dump --fts-index and compares every
// document's (token, position) sequence with what build/tok-tool makes of the same text.
import * as lancedb from "@lancedb/lancedb";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// ---------------------------------------------------------------- texts
const long = (s, n) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
export const CORPUS = [
  // English and punctuation
  "The quick brown fox jumps over the lazy dog.",
  "Hello, WORLD! It's a beautiful day; isn't it? Running runners ran: they were running.",
  "There is no such thing as a free lunch, and that is not the end of it, is it?",
  "e-mail: john.doe@example.com, url: https://example.org/path?q=1&r=two#frag",
  "C++ and C# are languages; so are F*, R, and Objective-C. snake_case camelCase kebab-case",
  "Prices: $1,234.56 vs €7.89 (10% off!) on 2024-01-15 at 09:30:00 -- call +1 (555) 012-3456",
  "3.14159 2.71828 1e10 0x1F 007 42nd 1st 2nd 3rd 4th 100000000000000000000",
  "generalizations nationalization conditional relational connections agreed feed",
  // accented European text
  "Crème brûlée, façade, naïve café, résumé, jalapeño, São Paulo, Zürich, Ærøskøbing",
  "Les enfants mangeaient des pommes; nationalisation continuellement élégantes",
  "Die Häuser und Bäume; das Mädchen läuft über die Straße. STRASSE Größe Fußgänger",
  "Los niños corrían rápidamente cantando canciones; el pingüino está aquí",
  "Os cidadãos portugueses estão felizes com as eleições; coração, ações",
  "Gli studenti italiani stavano parlando velocemente della città",
  "De kinderen liepen snel naar huis; de fietsen stonden buiten",
  "Barnen springer snabbt hem; vi hade inte tid att äta",
  "Barna løper fort hjem; vi hadde ikke tid til å spise på fjellet",
  "Børnene løber hurtigt hjem; vi havde ikke tid til at spise",
  "Lapset juoksivat nopeasti kotiin; taloissa oli paljon ihmisiä",
  "A gyerekek gyorsan futottak haza; az almák pirosak voltak",
  "Copiii alergau repede acasă; mașinile sunt frumoase și țările",
  "Çocuklar hızla eve koştular; İstanbul'da ılık bir gün, IŞIK ışık",
  "Dzieci szybko biegły do domu; zażółć gęślą jaźń ŁÓDŹ",
  "Příliš žluťoučký kůň úpěl ďábelské ódy",
  // Cyrillic, Greek, Arabic, Tamil, Hindi
  "Бегущие дети читали книги; красивая девушка пела песни. ЁЛКА ёлка",
  "Οι γρήγορες αλεπούδες τρέχουν. ΟΔΥΣΣΕΥΣ ΣΟΦΟΣ σοφός ς",
  "الأطفال يركضون بسرعة إلى المنزل والكتب",
  "குழந்தைகள் வேகமாக வீட்டிற்கு ஓடினார்கள்",
  "हिन्दी भाषा में लिखा गया पाठ",
  // CJK and other scripts mixed with Latin
  "東京タワーに行きました。Tokyo Tower 2024年",
  "我爱北京天安门 and 上海 in 2008年奥运会",
  "한국어 텍스트 Korean text 서울특별시",
  "ひらがなカタカナ漢字ﾊﾝｶｸ ＦＵＬＬＷＩＤＴＨ １２３",
  "ภาษาไทยไม่มีช่องว่าง ລາວ ខ្មែរ",
  // emoji and symbols
  "I ❤️ emoji 😀👍🏽 👨‍👩‍👧‍👦 🇺🇸 #1 ©2024 ™ ∑∞≠ ★☆",
  "Roman Ⅻ ⅰⅱ circled ①②⑳ Ⓐⓑ super x² H₂O ½ ¾ ٣٤ ௧௨",
  "Ligatures ﬁ ﬂ ﬀ ﬃ Œuvre œil Æsir ß ẞ Þorn ð Ŀl ǅ ǈ Kelvin K Ohm Ω Å",
  // adversarial
  long("a", 39) + " " + long("b", 40) + " " + long("c", 41) + " end",
  long("é", 19) + " " + long("é", 20) + " " + long("é", 21),
  long("x", 1000),
  long("supercalifragilistic", 200) + " tail",
  "cafe\u0301 e\u0301le\u0300ve n\u0303 a\u0308\u0308 \u0301lone combining",
  "zero\u200Bwidth\u200Cnon\u200Djoiner\uFEFFbom soft\u00ADhyphen word\u2060joiner",
  "mixed Кириллица and Latin Ελληνικά 中文 עברית العربية",
  "invalid-looking \uFFFD replacement \\xff\\xfe %C3%A9 &eacute; \\u00e9",
  "",
  " ",
  "\t\n\r \f",
  "\u000B\u00A0\u3000\u2003\u2028\u2029\u0085",
  "tab\tseparated\nnew\nlines\r\nand\u000Bvertical\u00A0nbsp\u3000ideographic",
  "!!!???...---",
  "a",
  "I",
  "ǅungla ǈudi Σίσυφος ΣΊΣΥΦΟΣ İİ ıI",
  "\uD835\uDC00\uD835\uDC01 mathematical 𝐀𝐁𝐂 𝔄𝔅 fraktur 𝟎𝟏 digits",
  "new scripts: \u{10940}\u{10941} \u{11DB0}\u{11DB1} \u{16EA0}\u{16EA1} \u{1E5D0} ok",
  "The the THE tHe this This THIS these those that",
];

// The code point sweeps: every code point but the surrogates (and, for the whitespace
// tokenizer, ASCII whitespace), 1024 to a document, with no separator, so that an index
// holds few distinct tokens: with the simple tokenizer each code point follows an "a"
// (alphanumeric ones extend the token, others split it), with the whitespace tokenizer
// a document is one token whose lower-case or folding shows every code point's.
const ASCII_WS = new Set([9, 10, 12, 13, 32]);
function sweepTexts(simple) {
  const texts = [];
  let cur = "", n = 0;
  for (let c = 0; c <= 0x10ffff; c++) {
    if ((c >= 0xd800 && c <= 0xdfff) || (!simple && ASCII_WS.has(c))) continue;
    cur += (simple ? "a" : "") + String.fromCodePoint(c);
    if (++n === 1024) texts.push(simple ? cur + "a" : cur), (cur = ""), (n = 0);
  }
  if (n) texts.push(simple ? cur + "a" : cur);
  return texts;
}

// ---------------------------------------------------------------- cases
// opts: LanceDB FtsOptions; every option set explicitly, so that nothing depends on
// LanceDB's defaults except max_token_length, which node cannot unset (it stays 40).
const base = (tokenizer) => ({
  baseTokenizer: tokenizer, language: "English", maxTokenLength: 40, lowercase: true,
  stem: true, removeStopWords: true, asciiFolding: true,
  ngramMinLength: 3, ngramMaxLength: 3, prefixOnly: false,
});
const plain = (tokenizer) => ({ ...base(tokenizer), lowercase: false, stem: false, removeStopWords: false, asciiFolding: false, maxTokenLength: 1000000 });

const LANGS = ["Arabic", "Danish", "Dutch", "English", "Finnish", "French", "German", "Greek",
  "Hungarian", "Italian", "Norwegian", "Portuguese", "Romanian", "Russian", "Spanish",
  "Swedish", "Tamil", "Turkish"];
const NO_STOP = new Set(["Arabic", "Greek", "Romanian", "Tamil", "Turkish"]);

export function cases() {
  const c = [];
  const add = (name, opts, texts = CORPUS) => c.push({ name, opts, texts });
  for (const t of ["simple", "whitespace", "raw"]) {
    add(`${t}_default`, base(t));
    add(`${t}_plain`, plain(t));
    add(`${t}_lower`, { ...plain(t), lowercase: true });
    add(`${t}_fold`, { ...plain(t), asciiFolding: true });
    add(`${t}_lower_fold`, { ...plain(t), lowercase: true, asciiFolding: true });
  }
  add("simple_stop", { ...base("simple"), stem: false });
  add("simple_stem", { ...base("simple"), removeStopWords: false });
  add("simple_stem_nolower", { ...plain("simple"), stem: true });
  add("simple_stop_nolower", { ...plain("simple"), removeStopWords: true });
  add("simple_stem_stop_nofold", { ...base("simple"), asciiFolding: false });
  for (const n of [0, 1, 3, 5, 10, 41]) add(`simple_max${n}`, { ...base("simple"), maxTokenLength: n });
  add("whitespace_max10", { ...base("whitespace"), maxTokenLength: 10 });
  add("raw_max1000", { ...base("raw"), maxTokenLength: 1000 });
  add("custom_stop", { ...base("simple"), stem: false, customStopWords: ["hello", "the", "über", "es", "quick"] });
  add("custom_stop_stemmed", { ...base("simple"), customStopWords: ["run", "runner", "jump", "é"] });
  add("custom_stop_empty", { ...base("simple"), customStopWords: [] });
  // ngram
  add("ngram_3_3", { ...plain("ngram"), ngramMinLength: 3, ngramMaxLength: 3, maxTokenLength: 40 });
  add("ngram_1_2", { ...plain("ngram"), ngramMinLength: 1, ngramMaxLength: 2 });
  add("ngram_2_4_lower_fold", { ...plain("ngram"), ngramMinLength: 2, ngramMaxLength: 4, lowercase: true, asciiFolding: true });
  add("ngram_2_5_prefix", { ...plain("ngram"), ngramMinLength: 2, ngramMaxLength: 5, prefixOnly: true });
  add("ngram_1_1_prefix_lower", { ...plain("ngram"), ngramMinLength: 1, ngramMaxLength: 1, prefixOnly: true, lowercase: true });
  add("ngram_4_6_max5", { ...plain("ngram"), ngramMinLength: 4, ngramMaxLength: 6, maxTokenLength: 5 });
  add("ngram_3_3_stem_stop", { ...base("ngram") });
  // languages: stemmer and (where LanceDB has one) stop list of each
  for (const l of LANGS) add(`lang_${l}`, { ...base("simple"), language: l, removeStopWords: !NO_STOP.has(l) });
  for (const l of ["French", "German", "Russian", "Spanish"])
    add(`lang_${l}_nofold`, { ...base("simple"), language: l, asciiFolding: false });
  // code point sweeps
  add("sweep_simple_lower", { ...plain("simple"), lowercase: true }, sweepTexts(true));
  add("sweep_ws_lower", { ...plain("whitespace"), lowercase: true }, sweepTexts(false));
  add("sweep_ws_fold", { ...plain("whitespace"), asciiFolding: true }, sweepTexts(false));
  add("sweep_ws_lower_fold", { ...plain("whitespace"), lowercase: true, asciiFolding: true }, sweepTexts(false));
  return c;
}

// build/tok-tool's KEY=VALUE parameters of a case's options
export function toolParams(o) {
  const p = [
    `base_tokenizer=${o.baseTokenizer}`, `language=${o.language}`,
    `max_token_length=${o.maxTokenLength}`, `lower_case=${+o.lowercase}`, `stem=${+o.stem}`,
    `remove_stop_words=${+o.removeStopWords}`, `ascii_folding=${+o.asciiFolding}`,
    `min_ngram_length=${o.ngramMinLength}`, `max_ngram_length=${o.ngramMaxLength}`,
    `prefix_only=${+o.prefixOnly}`,
  ];
  if (o.customStopWords) p.push(`custom_stop_words=${o.customStopWords.join(",")}`);
  return p;
}

async function main() {
  const [out, filter] = process.argv.slice(2);
  if (!out) throw new Error("usage: node tok_gen.mjs OUTDIR [name-filter-regex]");
  const re = filter ? new RegExp(filter) : null;
  rmSync(join(out, "db"), { recursive: true, force: true });
  mkdirSync(join(out, "db"), { recursive: true });
  const db = await lancedb.connect(join(out, "db"));
  const written = [];
  for (const k of cases()) {
    if (re && !re.test(k.name)) continue;
    const rows = k.texts.map((text, id) => ({ id, text }));
    const t = await db.createTable(k.name, rows, { mode: "overwrite" });
    await t.createIndex("text", { config: lancedb.Index.fts({ withPosition: true, ...k.opts }), name: "text_idx" });
    written.push({ name: k.name, params: toolParams(k.opts), texts: k.texts });
  }
  writeFileSync(join(out, "tok_cases.json"), JSON.stringify(written));
  console.log(`tok_gen: ${written.length} FTS indexes in ${join(out, "db")}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
