/**
 * The chaos interlock, checked by the walk before it spawns any suite. On live targets the
 * chaos suites (cutover, failover) run only against test Sovereigns, and the destructive ones
 * (cutover enforce partitions the Sovereign, failover kills a region) also need --allow-chaos.
 * The simulated Sovereign and kind clusters are always allowed.
 */
import type { RunContext, WalkOptions } from '../run/context.js';
import type { TargetSpec } from '../target/types.js';
import { SetupError } from '../target/errors.js';

/** Test Sovereign FQDNs of the domain canon (full match, case-insensitive). */
export const TEST_SOVEREIGN_PATTERNS: readonly string[] = [
  't\\d+\\.omani\\.works',
  't\\d+\\.omantel\\.biz',
  'hw\\d+\\.omantel\\.biz',
  'hw\\d+\\.omani\\.works',
  'otech\\d+\\.omani\\.works',
  // upstream dod_test's default DOD_DOMAIN
  'omantel-test-[0-9a-f]+\\.omani\\.works',
];

export type ChaosLevel = 'none' | 'writes' | 'destructive';

/**
 * `writes`: the suite changes the Sovereign without breaking it (cutover observe forces
 * reconciles, runs a probe Job and restarts one Deployment); `destructive`: it applies a fault.
 */
export function chaosLevel(suite: string, options: Pick<WalkOptions, 'cutoverMode'>): ChaosLevel {
  if (suite === 'failover') return 'destructive';
  if (suite === 'cutover') return options.cutoverMode === 'observe' ? 'writes' : 'destructive';
  return 'none';
}

export function isTestSovereign(fqdn: string, extraPatterns: readonly string[] = []): boolean {
  const name = fqdn.toLowerCase().replace(/\.$/, '');
  return [...TEST_SOVEREIGN_PATTERNS, ...extraPatterns].some((p) => compile(p).test(name));
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'i');
  } catch {
    throw new SetupError(`test Sovereign pattern ${JSON.stringify(pattern)} is not a valid regular expression`);
  }
}

export type InterlockContext = { target: Pick<TargetSpec, 'kind' | 'sovereign'>; options: Pick<WalkOptions, 'suites' | 'allowChaos' | 'testSovereignPatterns' | 'cutoverMode'> };

/** Throws a one-line SetupError (exit 2) when a chaos suite of this walk may not run on its target. */
export function assertChaosAllowed(ctx: InterlockContext | RunContext, suites: readonly string[] = ctx.options.suites): void {
  if (ctx.target.kind !== 'live') return;
  const fqdn = ctx.target.sovereign;
  const chaos = suites.map((s) => ({ suite: s, level: chaosLevel(s, ctx.options) })).filter((s) => s.level !== 'none');
  if (!chaos.length) return;
  const names = chaos.map((s) => describe(s.suite, ctx.options)).join(', ');
  if (!isTestSovereign(fqdn, ctx.options.testSovereignPatterns)) {
    throw new SetupError(`refusing ${names} on ${fqdn}: not a test Sovereign (tNN.omani.works, tNN.omantel.biz, hwNN.omantel.biz, hwNN.omani.works, otechNN.omani.works); if it is one, add --test-sov-pattern`);
  }
  const destructive = chaos.filter((s) => s.level === 'destructive');
  if (destructive.length && !ctx.options.allowChaos) {
    throw new SetupError(`${destructive.map((s) => describe(s.suite, ctx.options)).join(', ')} would disrupt ${fqdn}: pass --allow-chaos to run it`);
  }
}

function describe(suite: string, options: Pick<WalkOptions, 'cutoverMode'>): string {
  return suite === 'cutover' ? `cutover (${options.cutoverMode})` : suite;
}
