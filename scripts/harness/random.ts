/**
 * The seeded random numbers of benchmarks, reliability scenarios and generated test graphs:
 * mulberry32, a tiny, fast 32-bit generator. The same seed gives the same sequence on every
 * machine, so a workload or a failing case can be reproduced from its seed (never Math.random).
 */

/** A generator of floats in [0, 1) from `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
