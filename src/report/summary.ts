/** Builds summary.json's `Summary` from what a walk left in its run folder. */
import type { FaultRecord, Gate, Summary, SuiteRun } from '../gates/types.js';
import { SCHEMA_VERSION } from '../gates/types.js';
import { readApiRequests, readGates, readTimelines } from '../gates/recorder.js';
import { redactJson, registerSecretsFromEnv } from '../evidence/redact.js';
import type { TargetSpec } from '../target/types.js';
import { countGates, verdictOf } from './verdict.js';
import { naturalCompare } from './format.js';
import { attributeSymptoms } from '../gates/attribution.js';

export interface SummaryInput {
  runId: string;
  runDir: string;
  target: TargetSpec;
  startedAt: string;
  finishedAt: string;
  suites: SuiteRun[];
  janitor: FaultRecord[];
  /** Faults this walk applied, as the fault ledger has them after the walk. */
  faults?: FaultRecord[];
  stopped?: Summary['stopped'];
  options: Record<string, unknown>;
  tool: { name: string; version: string };
}

/**
 * A suite that could not run (`SuiteRun.error`) becomes an `error` gate `<suite>/suite-run`,
 * so every format shows it and the verdict cannot pass on the gates that did run.
 */
function suiteErrorGate(suite: SuiteRun): Gate {
  return {
    id: `${suite.name}/suite-run`,
    suite: suite.name,
    title: `${suite.name}/suite-run`,
    status: 'error',
    reason: `the ${suite.name} suite could not run: ${suite.error ?? 'unknown error'}`,
    startedAt: suite.startedAt,
    finishedAt: suite.finishedAt,
    labels: { severity: 'blocker' },
    evidence: [],
  };
}

export function buildSummary(input: SummaryInput): Summary {
  registerSecretsFromEnv(Object.values(input.target.secretsEnv ?? {}));
  const suiteOrder = new Map(input.suites.map((s, i) => [s.name, i]));
  const rank = (suite: string) => suiteOrder.get(suite) ?? suiteOrder.size;
  const gates = attributeSymptoms([...readGates(input.runDir), ...input.suites.filter((s) => s.error).map(suiteErrorGate)]).sort(
    (a, b) => rank(a.suite) - rank(b.suite) || naturalCompare(a.suite, b.suite) || naturalCompare(a.id, b.id),
  );
  const timelines = readTimelines(input.runDir).sort((a, b) => rank(a.suite) - rank(b.suite) || naturalCompare(a.id, b.id));
  const counts = countGates(gates);
  const api = readApiRequests(input.runDir, input.target.regions.map((r) => r.name));
  return redactJson({
    schemaVersion: SCHEMA_VERSION,
    tool: input.tool,
    runId: input.runId,
    target: input.target.name,
    targetKind: input.target.kind,
    sovereign: input.target.sovereign,
    ...(input.target.caveats?.length ? { caveats: input.target.caveats } : {}),
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    // A stopped walk judged only part of the Sovereign: never a pass.
    verdict: input.stopped ? 'fail' : verdictOf(counts),
    counts,
    suites: input.suites,
    gates,
    timelines,
    apiRequests: api?.regions,
    ...(api?.partial ? { apiRequestsPartial: { processes: api.partial } } : {}),
    janitor: input.janitor,
    faults: input.faults,
    stopped: input.stopped,
    options: input.options,
  });
}
