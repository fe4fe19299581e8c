/**
 * Loaded into the compiled walk with `NODE_OPTIONS=--import=<this file>` by
 * test/prove-weakened-judge.test.ts: the readiness judge of the slot $SW_WEAKEN_SLOT always passes,
 * whatever the sweep saw. Other processes (prove itself, Playwright) are left alone.
 */
const slot = process.env.SW_WEAKEN_SLOT;
if (slot && process.argv[1]?.endsWith('/dist/cli/walk.js')) {
  const { ReadinessSweep } = await import(new URL('../dist/src/suites/readiness/sweep.js', import.meta.url).href);
  const all = ReadinessSweep.prototype.all;
  ReadinessSweep.prototype.all = async function weakened() {
    const results = await all.call(this);
    for (const r of results.values()) {
      if (r.probe.slot.name === slot) Object.assign(r, { status: 'passed', reason: 'weakened: this judge always passes', rootCause: undefined });
    }
    return results;
  };
}
