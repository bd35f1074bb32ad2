// node read_expect.mjs OUTDIR [name-filter-regex]
// hist_expect.mjs on the datasets read_gen.mjs provides (one version each): LanceDB's own
// scan of every dataset in the SQL-value encoding of hist_README.md, into OUTDIR/<name>/.
import { expectMain } from "./hist_expect.mjs";
import { READ_DATASETS } from "./read_gen.mjs";

await expectMain("read_expect", READ_DATASETS);
