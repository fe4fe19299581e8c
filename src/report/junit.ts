/**
 * junit.xml: one <testsuite> per suite, one <testcase> per gate. failed → <failure>,
 * error → <error>, blocked/skipped → <skipped message="BLOCKED by …"|"SKIPPED: …">.
 * Evidence paths go to <system-out> as `[[ATTACHMENT|path]]` (the Jenkins/GitLab convention).
 */
import type { Gate, Summary } from '../gates/types.js';
import { countGates } from './verdict.js';
import { durationMs, escapeXml } from './format.js';

const attr = (v: string | number) => `"${escapeXml(String(v))}"`;
const seconds = (ms: number) => (ms / 1000).toFixed(3);
/** JUnit timestamps are ISO 8601 without zone designator. */
const stamp = (iso: string) => (Number.isFinite(Date.parse(iso)) ? new Date(iso).toISOString().slice(0, 19) : '');

function details(g: Gate): string {
  const lines = [`gate: ${g.id}`, `status: ${g.status}`, `reason: ${g.reason}`];
  if (g.rootCause) lines.push(`root cause: ${g.rootCause}`);
  if (g.labels.dodGate) lines.push(`DoD gate: ${g.labels.dodGate}`);
  for (const s of g.steps ?? []) lines.push(`step [${s.status}] ${s.name}${s.detail ? ` — ${s.detail}` : ''}`);
  for (const e of g.evidence) lines.push(`evidence: ${e.path}`);
  return lines.join('\n');
}

function testcase(g: Gate): string {
  const head = `    <testcase name=${attr(g.id)} classname=${attr(g.suite)} time=${attr(seconds(durationMs(g.startedAt, g.finishedAt)))}>`;
  const body: string[] = [];
  const props = Object.entries({ ...g.labels, rootCause: g.rootCause }).filter(([, v]) => v !== undefined && v !== '');
  if (props.length) {
    body.push('      <properties>', ...props.map(([k, v]) => `        <property name=${attr(k)} value=${attr(String(v))}/>`), '      </properties>');
  }
  switch (g.status) {
    case 'failed':
      body.push(`      <failure message=${attr(g.reason)} type="GateFailure">${escapeXml(details(g))}</failure>`);
      break;
    case 'error':
      body.push(`      <error message=${attr(g.reason)} type="HarnessError">${escapeXml(details(g))}</error>`);
      break;
    case 'blocked':
      body.push(`      <skipped message=${attr(`BLOCKED by ${g.rootCause ?? 'a failed dependency'}: ${g.reason}`)}/>`);
      break;
    case 'skipped':
      body.push(`      <skipped message=${attr(`SKIPPED: ${g.reason}`)}/>`);
      break;
    case 'passed':
      break;
  }
  if (g.evidence.length) {
    body.push(`      <system-out>${escapeXml(g.evidence.map((e) => `[[ATTACHMENT|${e.path}]]`).join('\n'))}</system-out>`);
  }
  return body.length ? `${head}\n${body.join('\n')}\n    </testcase>` : `${head.slice(0, -1)}/>`;
}

export function renderJunit(summary: Summary): string {
  const suiteNames = [...new Set([...summary.suites.map((s) => s.name), ...summary.gates.map((g) => g.suite)])];
  const suites = suiteNames.map((name) => {
    const gates = summary.gates.filter((g) => g.suite === name);
    const run = summary.suites.find((s) => s.name === name);
    const c = countGates(gates);
    const time = run ? durationMs(run.startedAt, run.finishedAt) : gates.reduce((t, g) => t + durationMs(g.startedAt, g.finishedAt), 0);
    const ts = run?.startedAt ?? gates[0]?.startedAt ?? summary.startedAt;
    const open = `  <testsuite name=${attr(name)} tests=${attr(gates.length)} failures=${attr(c.failed)} errors=${attr(c.error)} skipped=${attr(c.blocked + c.skipped)} time=${attr(seconds(time))} timestamp=${attr(stamp(ts))} hostname=${attr(summary.sovereign)}>`;
    return gates.length ? `${open}\n${gates.map(testcase).join('\n')}\n  </testsuite>` : `${open.slice(0, -1)}/>`;
  });
  const c = summary.counts;
  const total = summary.gates.length;
  const time = seconds(durationMs(summary.startedAt, summary.finishedAt));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name=${attr(`${summary.tool.name} ${summary.target}`)} tests=${attr(total)} failures=${attr(c.failed)} errors=${attr(c.error)} skipped=${attr(c.blocked + c.skipped)} time=${attr(time)} timestamp=${attr(stamp(summary.startedAt))}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
