/**
 * A suite judges all its gates once per run, in the walk, then the walk reports them. The judged
 * gates are kept on disk (redacted), so a suite this run already judged is read back instead of
 * judged (or its faults injected) again.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gate } from '../gates/types.js';
import { redactJson } from '../evidence/redact.js';
import type { RunContext } from '../run/context.js';
import type { Harness } from '../run/harness.js';

export async function judgeOnce(runDir: string, suite: string, judge: () => Promise<Gate[]>): Promise<Map<string, Gate>> {
  const file = join(runDir, 'state', `${suite}-gates.json`);
  if (existsSync(file)) return new Map((JSON.parse(readFileSync(file, 'utf8')) as Gate[]).map((g) => [g.id, g]));
  const startedAt = new Date().toISOString();
  let gates: Gate[];
  try {
    gates = await judge();
  } finally {
    mkdirSync(join(runDir, 'state'), { recursive: true });
    writeFileSync(judgingFile(runDir, suite), JSON.stringify({ startedAt, finishedAt: new Date().toISOString() } satisfies JudgingSpan));
  }
  // Reported as the file holds them, whichever process reports: redacted.
  const redacted = redactJson(gates);
  writeFileSync(file, JSON.stringify(redacted));
  return new Map(redacted.map((g) => [g.id, g]));
}

/** When the suite's judge ran: its start, and its return with every gate decided (or its throw). */
export interface JudgingSpan {
  startedAt: string;
  finishedAt: string;
}

const judgingFile = (runDir: string, suite: string) => join(runDir, 'state', `${suite}-judging.json`);

/** The span of the judge that judged `suite` in this run; undefined when none returned. */
export function readJudgingSpan(runDir: string, suite: string): JudgingSpan | undefined {
  const file = judgingFile(runDir, suite);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as JudgingSpan) : undefined;
}

/**
 * judgeOnce with a Harness open for the judge and closed after it. The Harness (client-node) is
 * imported here, only when a suite is judged: a walk that refuses its input never loads it.
 */
export function judgeWithHarness(ctx: RunContext, suite: string, judge: (h: Harness) => Promise<Gate[]>): Promise<Map<string, Gate>> {
  return judgeOnce(ctx.runDir, suite, async () => {
    const { Harness } = await import('../run/harness.js');
    const h = new Harness(ctx);
    try {
      return await judge(h);
    } finally {
      await h.close();
    }
  });
}

/** The gate the walk reports for `id`; a gate the suite did not judge is a harness error, never a pass. */
export function gateFor(gates: Map<string, Gate>, id: string, suite: string): Gate {
  const g = gates.get(id);
  if (g) return g;
  const now = new Date().toISOString();
  return { id, suite, title: id, status: 'error', reason: `the ${suite} suite did not judge ${id}`, startedAt: now, finishedAt: now, labels: {}, evidence: [] };
}
