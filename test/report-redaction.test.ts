/**
 * Known secrets (a bearer JWT, a session cookie, a PIN, a password, a kubeconfig client key, an
 * API token) are seeded into gates, steps, evidence, timelines, HTTP exchanges, options, the
 * janitor record and a suite error; then every file the reports write, the terminal summary
 * and the live progress output are grepped for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Gate, Timeline } from '../src/gates/types.js';
import { readGates, writeGate } from '../src/gates/recorder.js';
import { EvidenceWriter } from '../src/evidence/writer.js';
import { redact, redactJson, registerSecret } from '../src/evidence/redact.js';
import { buildSummary, renderTerminalSummary, writeReports } from '../src/report/write-reports.js';
import { JudgeProgress } from '../src/walk/judge-progress.js';
import { announceHold } from '../src/report/progress-protocol.js';
import { judgeOnce } from '../src/walk/judge-once.js';
import { reportSuite } from '../src/walk/report-suite.js';
import { TARGET, T0, gate, writeFailedRun } from './report-fixture.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvckBzb3YifQ.c2lnbmF0dXJlX3NlY3JldF9ieXRlcw';
const SESSION = 'sess-Q7vT9xLmZ2wK';
const PIN = '583920';
const PASSWORD = 'hunter2-Sovereign!x';
const API_TOKEN = 'hc-9f8e7d6c5b4a3f2e1d';
const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CLIENT_KEY_DATA = Buffer.from(PEM).toString('base64');
/** What must never appear: each secret, and for the key its PEM body and base64 form. */
const SECRETS = [JWT, SESSION, PIN, PASSWORD, API_TOKEN, CLIENT_KEY_DATA, PEM.split('\n')[1]];

const ENV_NAME = 'SW_TEST_OPERATOR_PASSWORD';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

/** A gate file as a careless worker might leave it: written raw, not through writeGate. */
function writeRawGate(runDir: string, g: Gate): void {
  mkdirSync(join(runDir, 'gates', g.suite), { recursive: true });
  writeFileSync(join(runDir, 'gates', g.suite, `${g.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`), JSON.stringify(g));
}

test('no seeded secret reaches any report file, the terminal summary or an Allure file', async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'sw-report-redaction-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  const input = writeFailedRun(runDir);
  process.env[ENV_NAME] = PASSWORD;

  // Evidence through the EvidenceWriter: an HTTP exchange with credentials in headers and body.
  const ev = new EvidenceWriter(runDir, 'sim', new Date(T0));
  const exchange = ev.write({
    surface: 'sign-in',
    kind: 'http',
    ext: 'json',
    content: JSON.stringify({
      request: { method: 'POST', url: `https://auth.sim.sovereign-walk.test/login?access_token=${JWT}`, headers: { authorization: `Bearer ${JWT}`, cookie: `catalyst_session=${SESSION}` }, body: JSON.stringify({ email: 'op@sov', password: PASSWORD, pin: PIN }) },
      response: { status: 302, headers: { 'set-cookie': [`catalyst_session=${SESSION}; Path=/; HttpOnly`] }, body: `{"token":"${JWT}"}` },
    }),
    description: 'sign-in exchange',
  });
  const kubeconfig = ev.write({ surface: 'kubeconfig', kind: 'yaml', ext: 'yaml', content: `users:\n- name: admin\n  user:\n    client-key-data: ${CLIENT_KEY_DATA}\n    token: ${API_TOKEN}\n` });

  writeRawGate(runDir, {
    ...gate({ id: 'journeys/sign-in-with-pin', status: 'failed', from: 420, to: 425, reason: `sign-in rejected: Authorization: Bearer ${JWT}`, evidence: [exchange, kubeconfig] }),
    steps: [
      { name: 'read voucher email', status: 'passed', startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 1000).toISOString(), detail: `Your PIN is ${PIN}` },
      { name: 'submit form', status: 'failed', startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 1000).toISOString(), detail: `Cookie: catalyst_session=${SESSION}; password=${PASSWORD}` },
      { name: 'kube client', status: 'failed', startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 1000).toISOString(), detail: `loaded key ${PEM}` },
    ],
    metrics: { pinAttempts: 1 },
  });
  writeRawGate(runDir, gate({ id: 'dod/L1.1-record-token', status: 'blocked', from: 430, to: 430, reason: `record fetch used HCLOUD_TOKEN=${API_TOKEN}`, rootCause: 'journeys/sign-in-with-pin' }));

  const timeline: Timeline = {
    id: 'journeys-secret-chart',
    suite: 'journeys',
    title: `logins (password: ${PASSWORD})`,
    vegaLite: {
      data: { values: [{ x: 1, y: 2, note: `token=${API_TOKEN}` }, { x: 2, y: 3, note: `Your PIN is ${PIN}` }] },
      title: `api_key=${API_TOKEN}`,
      mark: 'text',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'note' } },
    },
  };
  mkdirSync(join(runDir, 'timelines'), { recursive: true });
  writeFileSync(join(runDir, 'timelines', 'journeys-secret-chart.json'), JSON.stringify(timeline));

  const summary = buildSummary({
    ...input,
    target: { ...TARGET, secretsEnv: { operatorPassword: ENV_NAME } },
    suites: [...input.suites, { name: 'failover', startedAt: input.startedAt, finishedAt: input.finishedAt, error: `pg connect postgres://app:${PASSWORD}@db:5432/app refused` }],
    janitor: [{ id: 'f1', kind: 'deny-egress', target: 'ns/app', runId: 'old', detail: `HCLOUD_TOKEN=${API_TOKEN}` }],
    options: { operatorEmail: 'op@sov', operatorPassword: PASSWORD, note: `raw ${PASSWORD}`, kubeconfig: `client-key-data: ${CLIENT_KEY_DATA}` },
  });
  const { files } = await writeReports(runDir, summary);

  const written = [...files, ...filesUnder(join(runDir, 'evidence')), ...filesUnder(join(runDir, 'charts')), ...filesUnder(join(runDir, 'allure-results'))];
  assert.ok(written.some((f) => f.endsWith('index.html')) && written.some((f) => f.endsWith('journeys-secret-chart.svg')));
  for (const f of new Set(written)) {
    const text = readFileSync(f, f.endsWith('.png') ? 'latin1' : 'utf8');
    assert.deepEqual(leaks(text), [], `${relative(runDir, f)} leaks a secret`);
  }
  const html = readFileSync(join(runDir, 'index.html'), 'utf8');
  assert.ok(html.includes('Authorization: Bearer [REDACTED]'), 'the context around a secret stays readable');
  assert.ok(html.includes('Your PIN is [REDACTED]'));
  const terminal = renderTerminalSummary(summary, { color: true, runDir });
  assert.deepEqual(leaks(terminal), []);
  assert.match(terminal, /sign-in rejected: Authorization: Bearer \[REDACTED\]/);
});

test('the walk\'s live progress never prints a secret', () => {
  registerSecret(PIN);
  let out = '';
  const progress = new JudgeProgress({ write: (s) => (out += s) });
  progress.begin('journeys');
  announceHold(Date.now() + 1_000, `posting password=${PASSWORD} with Cookie: catalyst_session=${SESSION}`);
  progress.end(`not judged: journeys could not be judged: loaded key ${PEM}`);
  const signIn = gate({ id: 'journeys/sign-in', status: 'failed', from: 0, to: 1.2, reason: `Authorization: Bearer ${JWT}` });
  progress.gate(`journeys/sign-in with PIN ${PIN}`, signIn);
  progress.reported([signIn]);
  assert.match(out, /journeys ✗ journeys\/sign-in with PIN \[REDACTED\] \(1\.2s\) FAILED: Authorization: Bearer \[REDACTED\]/);
  assert.deepEqual(leaks(out), []);
});

test('redactJson masks by key, keeps JSON valid, and writeGate uses it', (t) => {
  const masked = redactJson({ pin: 1234, voucherPin: '9876', headers: { 'set-cookie': ['a=b'], Authorization: 'Basic dXNlcjpwYXNz' }, tokenCount: 3, url: 'postgres://u:pw123@h/db, "mail": "a@b"' });
  assert.deepEqual(masked, { pin: '[REDACTED]', voucherPin: '[REDACTED]', headers: { 'set-cookie': ['[REDACTED]'], Authorization: '[REDACTED]' }, tokenCount: 3, url: 'postgres://u:[REDACTED]@h/db, "mail": "a@b"' });
  assert.equal(redact(`x-api-key: ${API_TOKEN}`), 'x-api-key: [REDACTED]');
  assert.equal(redact(`data:\n  tls.key: ${CLIENT_KEY_DATA}`), 'data:\n  tls.key: [REDACTED]');

  const runDir = mkdtempSync(join(tmpdir(), 'sw-report-redaction-gate-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  const secret = 'worker-only-secret-7731';
  registerSecret(secret);
  writeGate(runDir, gate({ id: 'journeys/x', status: 'failed', from: 0, to: 1, reason: `saw ${secret}` }));
  assert.equal(readGates(runDir)[0].reason, 'saw [REDACTED]');
});

test('a suite the walk judges is reported redacted: gate files and Allure results never hold a registered secret', async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'sw-redact-judged-'));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  const pin = 'judged-pin-829174';
  registerSecret(pin);
  const leaky: Gate = { ...gate({ id: 'cutover/hold', status: 'failed', from: 0, to: 5, reason: `sign-in with PIN ${pin} refused` }), steps: [{ name: `PIN ${pin}`, status: 'failed', startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0).toISOString() }] };
  const judged = await judgeOnce(runDir, 'cutover', async () => [leaky]);
  reportSuite(runDir, 'cutover', ['cutover/hold'], judged, () => {});
  const files = ['gates', 'allure-results'].flatMap((d) => readdirSync(join(runDir, d), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)));
  assert.ok(files.some((f) => f.endsWith('-result.json')), 'an Allure result was written');
  for (const f of files) assert.ok(!readFileSync(f, 'utf8').includes(pin), `${relative(runDir, f)} holds the PIN`);
});
