/**
 * One Allure result per judged gate, written by the walk itself for every suite. The content is
 * what allure-playwright wrote when a Playwright test reported each gate (until 2026-12-07; the
 * reporting golden test holds it): the gate's title as the name, its id as historyId, its labels,
 * one step per gate step, one wrapped attachment per evidence file, and the status and message the
 * categories in allure-meta.ts sort by (an `error` gate is `failed` with a `HarnessError` message,
 * as a thrown error was there). The
 * times are the gate's own span, so Allure's timeline shows when each gate was judged; host and
 * thread (the suite) give the timeline its lanes.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Stage, Status, type Label, type StepResult } from 'allure-js-commons';
import { FileSystemWriter, ReporterRuntime } from 'allure-js-commons/sdk/reporter';
import type { Gate, GateStep } from '../gates/types.js';

/** Why a gate did not pass, as every report words it: `FAILED <id>: …`, `HARNESS ERROR <id>: …`, `BLOCKED by <root>: …`, `SKIPPED: …`. */
export function gateVerdictText(g: Gate): string | undefined {
  switch (g.status) {
    case 'passed':
      return undefined;
    case 'failed':
      return `FAILED ${g.id}: ${g.reason}`;
    case 'error':
      return `HARNESS ERROR ${g.id}: ${g.reason}`;
    case 'blocked':
      return `BLOCKED by ${g.rootCause ?? 'a failed dependency'}: ${g.reason}`;
    case 'skipped':
      return `SKIPPED: ${g.reason}`;
  }
}

/** The message Allure's categories read a non-passed gate by: a failure or harness error as the error `reportGate` throws for it prints. */
function gateMessage(g: Gate): string | undefined {
  const text = gateVerdictText(g);
  if (g.status === 'failed') return `GateFailure: ${text}`;
  if (g.status === 'error') return `HarnessError: ${text}`;
  return text;
}

const RESULT_STATUS: Record<Gate['status'], Status> = { passed: Status.PASSED, failed: Status.FAILED, error: Status.FAILED, blocked: Status.SKIPPED, skipped: Status.SKIPPED };
const STEP_STATUS: Record<GateStep['status'], Status> = { passed: Status.PASSED, failed: Status.FAILED, error: Status.FAILED, blocked: Status.SKIPPED, skipped: Status.SKIPPED };

const ms = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : Date.now();
};

function labels(g: Gate): Label[] {
  const out: Label[] = [{ name: 'parentSuite', value: g.suite }];
  for (const name of ['dodGate', 'slot', 'layer', 'region'] as const) {
    const value = g.labels[name];
    if (value) out.push({ name, value });
  }
  out.push({ name: 'severity', value: g.labels.severity ?? 'critical' }, { name: 'host', value: hostname() }, { name: 'thread', value: g.suite });
  return out;
}

function step(s: GateStep): StepResult {
  return {
    name: `${s.name}${s.detail ? ` — ${s.detail}` : ''}`,
    status: STEP_STATUS[s.status],
    statusDetails: {},
    stage: Stage.FINISHED,
    steps: [],
    attachments: [],
    parameters: [],
    start: ms(s.startedAt),
    stop: ms(s.finishedAt),
  };
}

export class AllureGateWriter {
  private readonly runtime: ReporterRuntime;

  constructor(private readonly runDir: string) {
    this.runtime = new ReporterRuntime({ writer: new FileSystemWriter({ resultsDir: join(runDir, 'allure-results') }) });
  }

  /** Writes the gate's result and its evidence files as attachments. */
  write(g: Gate): void {
    const message = gateMessage(g);
    const uuid = this.runtime.startTest({
      name: g.title,
      fullName: g.id,
      historyId: g.id,
      labels: labels(g),
      parameters: [{ name: 'Project', value: g.suite }],
      start: ms(g.startedAt),
      steps: (g.steps ?? []).map(step),
    });
    for (const e of g.evidence) {
      this.runtime.writeAttachment(uuid, null, e.name, join(this.runDir, e.path), { contentType: e.contentType, wrapInStep: true, timestamp: ms(g.finishedAt) });
    }
    this.runtime.updateTest(uuid, (r) => {
      r.status = RESULT_STATUS[g.status];
      r.statusDetails = message ? { message } : {};
      r.stage = Stage.FINISHED;
    });
    this.runtime.stopTest(uuid, { stop: ms(g.finishedAt) });
    this.runtime.writeTest(uuid);
  }
}
