// The benchmarks' data generator: xorshift128 (Marsaglia), seeded, so that every
// make_data.mjs writes the same data on every machine.
//   u32()      uniform 32-bit integer
//   f()        uniform in [0, 1)
//   below(n)   uniform integer in [0, n)
//   normal()   standard normal (Box-Muller over (0, 1))
export function rng(seed) {
  let x = seed >>> 0 || 1, y = 362436069, z = 521288629, w = 88675123;
  const u32 = () => {
    const t = x ^ (x << 11);
    x = y; y = z; z = w;
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return w;
  };
  const f = () => u32() / 4294967296;
  const open = () => (u32() + 0.5) / 4294967296;
  let spare = null;
  const normal = () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    const r = Math.sqrt(-2 * Math.log(open())), a = 2 * Math.PI * open();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  return { u32, f, normal, below: (n) => Math.floor(f() * n) };
}
