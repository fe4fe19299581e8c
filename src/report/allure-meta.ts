/**
 * Allure result-folder metadata: `categories.json` (how Allure sorts non-passed tests) and
 * `environment.properties` (the run's target and options on the overview page).
 *
 * Every non-passed gate is `failed` or `skipped` (src/report/allure-gate.ts), so the categories
 * tell the kinds apart by the message its result carries:
 * `GateFailure: FAILED …` is the product failing a check, `BLOCKED by …` (skipped) is a check
 * not judged because its dependency failed, anything else that failed or broke is the harness
 * or its infrastructure (`HarnessError: HARNESS ERROR …`, timeouts, crashes in suite code).
 * Regexes are anchored and use `[\s\S]` so they mean the same to Allure 2 (Java, whole-message
 * match) and Allure 3 (JavaScript, search); Allure 3 takes the first category that matches.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from '../gates/types.js';
import { redact } from '../evidence/redact.js';
import { durationMs, formatDuration } from './format.js';

export interface AllureCategory {
  name: string;
  description: string;
  matchedStatuses: ('failed' | 'broken' | 'skipped' | 'passed' | 'unknown')[];
  messageRegex: string;
}

export const ALLURE_CATEGORIES: AllureCategory[] = [
  {
    name: 'Product failures',
    description: 'The Sovereign failed a check (GateFailure).',
    matchedStatuses: ['failed'],
    messageRegex: '^(GateFailure: )?FAILED [\\s\\S]*',
  },
  {
    name: 'Blocked by a failed dependency',
    description: 'Not judged: a gate this one depends on failed (the message names the root cause).',
    matchedStatuses: ['skipped'],
    messageRegex: '^BLOCKED by [\\s\\S]*',
  },
  {
    name: 'Harness / infrastructure errors',
    description: 'The harness could not judge the gate (HarnessError, timeout, crash): never a pass, not a product verdict.',
    matchedStatuses: ['failed', 'broken'],
    messageRegex: '^(?!(GateFailure: )?FAILED )[\\s\\S]*',
  },
  {
    name: 'Skipped (not applicable)',
    description: 'The gate does not apply to this target or run.',
    matchedStatuses: ['skipped'],
    messageRegex: '^SKIPPED[\\s\\S]*',
  },
];

/** Java .properties escaping (ISO-8859-1 with \uXXXX), which both Allure 2 and 3 read. */
function propertiesEscape(text: string, isKey: boolean): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (isKey && (ch === ' ' || ch === '=' || ch === ':')) out += `\\${ch}`;
    else if (ch === '#' || ch === '!') out += out === '' ? `\\${ch}` : ch;
    else if (code < 0x20 || code > 0x7e) {
      for (const unit of ch.split('').map((u) => u.charCodeAt(0))) out += `\\u${unit.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}

function optionValue(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function renderEnvironmentProperties(summary: Summary): string {
  const entries: [string, string | undefined][] = [
    ['Sovereign', summary.sovereign],
    ['Target', `${summary.target} (${summary.targetKind})`],
    ['Run', summary.runId],
    ['Verdict', summary.verdict],
    ['Started', summary.startedAt],
    ['Duration', formatDuration(durationMs(summary.startedAt, summary.finishedAt))],
    ['Tool', `${summary.tool.name} ${summary.tool.version}`],
    ...Object.entries(summary.options).map(([k, v]): [string, string | undefined] => [`option.${k}`, optionValue(v)]),
  ];
  return entries
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${propertiesEscape(k, true)}=${propertiesEscape(v, false)}`)
    .join('\n')
    .concat('\n');
}

/** Writes both files into `<runDir>/allure-results` and returns their paths. */
export function writeAllureMeta(runDir: string, summary: Summary): string[] {
  const dir = join(runDir, 'allure-results');
  mkdirSync(dir, { recursive: true });
  const categories = join(dir, 'categories.json');
  const environment = join(dir, 'environment.properties');
  writeFileSync(categories, `${JSON.stringify(ALLURE_CATEGORIES, null, 2)}\n`);
  writeFileSync(environment, redact(renderEnvironmentProperties(summary)));
  return [categories, environment];
}
