/**
 * What an operator reads in an Allure result, without what identifies the runner that wrote it:
 * uuids, times, host/thread, Playwright's identity labels (framework, package, titlePath,
 * fallback test-case id), its hook steps and the "error-context" prompt it attaches to failures,
 * and the stack trace of the error a gate's test threw. Attachments are named by a hash of their
 * bytes. Used to compare the walk's Allure results with those Playwright wrote for the same gates.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const RUNNER_LABELS = new Set(['language', 'framework', 'package', '_fallbackTestCaseId', 'titlePath', 'host', 'thread']);
const RUNNER_STEPS = new Set(['Before Hooks', 'After Hooks', 'error-context']);

interface Attachment {
  name: string;
  source: string;
  type?: string;
}
interface Step {
  name: string;
  status?: string;
  statusDetails?: { message?: string };
  steps?: Step[];
  attachments?: Attachment[];
}
interface Result extends Step {
  historyId?: string;
  labels?: { name: string; value: string }[];
  parameters?: { name: string; value: string }[];
  links?: unknown[];
  description?: string;
}

export interface NormalResult {
  name: string;
  historyId?: string;
  status?: string;
  message?: string;
  labels: string[];
  parameters: string[];
  links: unknown[];
  description?: string;
  steps: NormalStep[];
  attachments: string[];
}
interface NormalStep {
  name: string;
  status?: string;
  steps: NormalStep[];
  attachments: string[];
}

function normalAttachments(dir: string, list: Attachment[] = []): string[] {
  return list.map((a) => `${a.name} ${a.type ?? ''} sha256:${createHash('sha256').update(readFileSync(join(dir, a.source))).digest('hex')}`);
}

function normalSteps(dir: string, steps: Step[] = []): NormalStep[] {
  return steps.filter((s) => !RUNNER_STEPS.has(s.name)).map((s) => ({ name: s.name, status: s.status, steps: normalSteps(dir, s.steps), attachments: normalAttachments(dir, s.attachments) }));
}

/** Every result in an allure-results folder, normalised, sorted by historyId; absent fields left out, as in JSON. */
export function normalAllureResults(dir: string): NormalResult[] {
  const results = readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Result)
    .map((r) => ({
      name: r.name,
      historyId: r.historyId,
      status: r.status,
      message: r.statusDetails?.message,
      labels: (r.labels ?? []).filter((l) => !RUNNER_LABELS.has(l.name)).map((l) => `${l.name}=${l.value}`).sort(),
      parameters: (r.parameters ?? []).map((p) => `${p.name}=${p.value}`),
      links: r.links ?? [],
      ...(r.description ? { description: r.description } : {}),
      steps: normalSteps(dir, r.steps),
      attachments: normalAttachments(dir, r.attachments),
    }))
    .sort((a, b) => (a.historyId ?? a.name).localeCompare(b.historyId ?? b.name));
  return JSON.parse(JSON.stringify(results)) as NormalResult[];
}
