/**
 * Harness memory over a whole `npm run walk`: the compiled walk against the embedded Sovereign it
 * starts itself (every suite, the cutover hold as asked), the RSS of its process tree sampled
 * every 2 s. The harness is the walk process (which judges every suite, the browser journeys too)
 * and Chromium; the Sovereign runs in a child process of its own (`dist/cli/sim.js`), and neither
 * it nor any process under it (etcd, kube-apiserver, Flux, kwok, PostgreSQL, nats-server) is
 * counted: it is reported apart. The walk process's RSS when the first suite began (the sim up,
 * nothing judged yet) is reported beside the peak, which is given per suite (its start to its end
 * in summary.json), by process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotMeasured, type Figure } from './figures.js';
import { describeRoles, HARNESS_ROLES, PEAK_LIMIT_MB, parseSummary, trend, walkAndSample, type MemoryOptions, type MemorySample } from './memory.js';
import { MB, round } from './stats.js';

/** World start-up, every suite but the hold, and the reports, on top of the hold. */
const WALK_OVERHEAD_MS = 30 * 60_000;

/** The last sample taken before `at`. */
function before(samples: MemorySample[], at: number): MemorySample | undefined {
  return samples.filter((s) => s.at <= at).at(-1);
}

export async function benchWholeWalkMemory(o: MemoryOptions): Promise<Figure[]> {
  const reportDir = await mkdtemp(join(tmpdir(), 'sw-bench-whole-walk-'));
  try {
    o.log(`whole-walk memory: npm run walk (every suite, hold ${o.holdMs / 1000}s) against the embedded Sovereign, sampling RSS every 2 s`);
    const walk = await walkAndSample(o, { args: ['--hold', String(o.holdMs), '--report-dir', reportDir, '--json'], timeoutMs: o.holdMs + WALK_OVERHEAD_MS });
    const summary = parseSummary(walk.stdout);
    if (!summary) throw new NotMeasured(`the walk (exit ${walk.code}) printed no summary: ${walk.stderrTail.trim().split('\n').slice(-2).join(' | ')}`);
    const whole = trend(walk.samples, -Infinity, Infinity);
    const perSuite = summary.suites.map((s) => {
      const t = trend(walk.samples, Date.parse(s.startedAt), Date.parse(s.finishedAt));
      return { suite: s.name, peakMB: round(t.peakMB, 1), peakByRoleMB: t.peakByRoleMB, samples: t.samples };
    });
    const measuredSuites = perSuite.filter((s) => s.samples > 0);
    const worst = measuredSuites.reduce((a, b) => (b.peakMB > a.peakMB ? b : a), measuredSuites[0]);
    const firstSuite = summary.suites[0] && before(walk.samples, Date.parse(summary.suites[0].startedAt));
    const walkAtFirstSuiteMB = firstSuite ? round(firstSuite.byRole.walk / MB) : undefined;
    const simPeakMB = round(Math.max(0, ...walk.samples.map((s) => s.byRole.sim)) / MB);
    const over = measuredSuites.filter((s) => s.peakMB >= PEAK_LIMIT_MB).map((s) => s.suite);
    return [
      {
        id: 'memory-whole-walk',
        title: 'Harness RSS peak over a whole npm run walk',
        measured: `${round(whole.peakMB)} MB${worst ? ` (in ${worst.suite})` : ''}`,
        target: `< ${PEAK_LIMIT_MB} MB throughout`,
        verdict: whole.peakMB < PEAK_LIMIT_MB ? 'PASS' : 'MISS',
        note: [
          `verdict ${summary.verdict}, ${summary.gates.length} gates`,
          `per suite: ${perSuite.map((s) => `${s.suite} ${s.samples ? `${round(s.peakMB)} MB (${describeRoles(s.peakByRoleMB)})` : 'no sample'}`).join('; ')}`,
          over.length ? `over the target in ${over.join(', ')}` : 'under the target in every suite',
          walkAtFirstSuiteMB === undefined ? '' : `the walk process ${walkAtFirstSuiteMB} MB when the first suite began`,
          `the sim, a process of its own with everything under it, peaked at ${simPeakMB} MB (not counted)`,
        ].filter(Boolean).join('; '),
        data: {
          holdMs: o.holdMs,
          verdict: summary.verdict,
          peakMB: round(whole.peakMB, 1),
          peakPssMB: round(whole.peakPssMB, 1),
          peakByRoleMB: whole.peakByRoleMB,
          perSuite,
          walkProcessAtFirstSuiteMB: walkAtFirstSuiteMB,
          simPeakMB,
          roles: HARNESS_ROLES,
          samples: walk.samples.map((s) => ({ at: new Date(s.at).toISOString(), harnessMB: round(s.harnessRss / MB, 1), byRoleMB: Object.fromEntries(Object.entries(s.byRole).map(([r, b]) => [r, round(b / MB, 1)])), processes: s.processes })),
        },
      },
    ];
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}
