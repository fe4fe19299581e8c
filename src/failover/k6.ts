/**
 * k6 as the failover writer, where the user installed one (`--k6 <path>`, else `k6` on PATH; the
 * harness never builds or downloads k6, which is AGPL-3.0). The k6 scripts print one
 * `SWH {history record}` line per write; this module runs k6 bounded in time, turns those lines
 * into history records and reports the same stats as the Node writer.
 */
import { execFile, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../repo-root.js';
import { SetupError } from '../target/errors.js';
import { isHistoryEvent, parseHistoryEntry, type WriteRecord } from './history.js';
import { DEFAULT_RATE_PER_SEC, DEFAULT_WRITE_TIMEOUT_MS, summarizeWrites, type WriterStats } from './writer.js';

const RECORD_PREFIX = 'SWH ';
const PROBE_TIMEOUT_MS = 10_000;
/** k6 start-up, setup() and teardown() on top of duration + graceful stop. */
const DEFAULT_GRACE_MS = 15_000;
const DIAGNOSTIC_LINES = 5;
/** The oldest k6 that takes every flag runK6Writer passes (`--summary-mode` arrived with v1.0). */
export const MIN_K6_VERSION = '1.0.0';

export interface K6Binary {
  path: string;
  /** `v1.3.0`, from `k6 version`. */
  version: string;
  /** Built with xk6-sql and its postgres driver (can run fixtures/k6/counter-sql.js). */
  sql: boolean;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function k6Version(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(path, ['version'], { timeout: PROBE_TIMEOUT_MS }, (err, stdout) => resolve(err ? null : stdout));
  });
}

function atLeast(version: [number, number, number], min: string): boolean {
  const floor = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (version[i] !== floor[i]) return version[i] > floor[i];
  return true;
}

/** The k6 at `path`, or why it cannot be the writer (missing, not k6, too old). */
export async function inspectK6(path: string): Promise<K6Binary | { unusable: string }> {
  if (!(await isExecutable(path))) return { unusable: `${path} is not an executable file` };
  const output = await k6Version(path);
  const match = output === null ? null : /\bk6 v(\d+)\.(\d+)\.(\d+)\S*/.exec(output);
  if (output === null || !match) return { unusable: `\`${path} version\` did not answer like k6 (${(output ?? 'no answer').trim().split('\n')[0].slice(0, 120)})` };
  const version = match[0].slice('k6 '.length);
  if (!atLeast([Number(match[1]), Number(match[2]), Number(match[3])], MIN_K6_VERSION)) {
    return { unusable: `${path} is k6 ${version}; the harness needs k6 v${MIN_K6_VERSION} or later` };
  }
  return { path, version, sql: output.includes('k6/x/sql/driver/postgres') };
}

/** `--k6 <path>` names a k6 the harness can use, or the walk is refused before it starts. */
export async function requireK6(path: string): Promise<K6Binary> {
  const k6 = await inspectK6(path);
  if ('unusable' in k6) throw new SetupError(`--k6: ${k6.unusable}`);
  return k6;
}

export interface FindK6Options {
  /** `--k6 <path>`: only this binary is considered. */
  path?: string;
  /** Only a k6 that can run the SQL writer. */
  sql?: boolean;
}

/** The k6 of `--k6 <path>`, else the first usable `k6` on PATH; with `sql: true`, one that can run the SQL writer. */
export async function findK6(opts: FindK6Options = {}): Promise<K6Binary | null> {
  const fromPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, 'k6'));
  for (const path of opts.path === undefined ? fromPath : [opts.path]) {
    const k6 = await inspectK6(path);
    if ('unusable' in k6 || (opts.sql === true && !k6.sql)) continue;
    return k6;
  }
  return null;
}

export type K6Script =
  /** fixtures/k6/counter-http.js; `hosts` maps host → address[:port] like curl --resolve. */
  | { kind: 'http'; baseUrl: string; hosts?: Record<string, string>; caFile?: string }
  /** fixtures/k6/counter-sql.js; the connection string travels in the environment only. */
  | { kind: 'sql'; connectionString: string; endpoint: string };

export interface K6WriterOptions {
  k6: K6Binary;
  script: K6Script;
  ratePerSec?: number;
  durationMs: number;
  /** Prefix of the writer ids; k6 appends the VU id (`<writerId><vu>-<seq>`). */
  writerId: string;
  timeoutMs?: number;
  onRecord: (record: WriteRecord) => void;
  /** Stops k6 gracefully (SIGINT), then hard after the write timeout. */
  signal?: AbortSignal;
  /** Time allowed beyond duration + write timeout before k6 is killed. */
  graceMs?: number;
}

function scriptEnv(script: K6Script, caFileEnv: Record<string, string>): Record<string, string> {
  if (script.kind === 'sql') return { DATABASE_URL: script.connectionString, ENDPOINT: script.endpoint };
  return {
    BASE_URL: script.baseUrl,
    ...(script.hosts === undefined ? {} : { HOSTS: JSON.stringify(script.hosts) }),
    ...caFileEnv,
  };
}

/** Secrets that k6 output must not carry into an error message (e.g. a URL parse error). */
function secretsOf(script: K6Script): string[] {
  if (script.kind !== 'sql') return [];
  const secrets = [script.connectionString];
  try {
    const password = decodeURIComponent(new URL(script.connectionString).password);
    if (password !== '') secrets.push(password);
  } catch {
    // Not a URL (key=value form): the whole string is already redacted.
  }
  return secrets;
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

function pushBounded(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > DIAGNOSTIC_LINES) lines.shift();
}

export async function runK6Writer(opts: K6WriterOptions): Promise<WriterStats> {
  const ratePerSec = opts.ratePerSec ?? DEFAULT_RATE_PER_SEC;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
  if (!Number.isFinite(opts.durationMs) || opts.durationMs <= 0) {
    throw new RangeError(`durationMs must be positive for k6, got ${opts.durationMs}`);
  }
  if (opts.script.kind === 'sql' && !opts.k6.sql) {
    throw new Error(`${opts.k6.path} (k6 ${opts.k6.version}) has no xk6-sql postgres driver`);
  }
  const scriptFile = join(REPO_ROOT, 'fixtures', 'k6', opts.script.kind === 'sql' ? 'counter-sql.js' : 'counter-http.js');
  // Go reads extra trust roots from SSL_CERT_FILE; it replaces the system roots for this process.
  const caFileEnv: Record<string, string> =
    opts.script.kind === 'http' && opts.script.caFile !== undefined ? { SSL_CERT_FILE: opts.script.caFile } : {};
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
    K6_NO_USAGE_REPORT: 'true',
    RATE: String(ratePerSec),
    DURATION: `${Math.ceil(opts.durationMs)}ms`,
    WRITER_ID: opts.writerId,
    TIMEOUT_MS: String(timeoutMs),
    ...scriptEnv(opts.script, caFileEnv),
  };
  const args = [
    'run',
    '--quiet',
    '--no-color',
    '--log-output=stdout',
    '--log-format=raw',
    '--summary-mode=disabled',
    // A random port, so concurrent runs do not fight over the REST API's default 6565.
    '--address=127.0.0.1:0',
    scriptFile,
  ];

  const child = spawn(opts.k6.path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const sentAts: number[] = [];
  let acked = 0;
  let errors = 0;
  let failure: Error | null = null;
  const diagnostics: string[] = [];

  const hardKill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const killTimer = setTimeout(hardKill, opts.durationMs + timeoutMs + (opts.graceMs ?? DEFAULT_GRACE_MS));
  let abortKillTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    child.kill('SIGINT');
    abortKillTimer = setTimeout(hardKill, timeoutMs + 2000);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted === true) onAbort();

  const stdout = createInterface({ input: child.stdout });
  stdout.on('line', (line) => {
    if (!line.startsWith(RECORD_PREFIX)) {
      if (line.trim() !== '') pushBounded(diagnostics, line);
      return;
    }
    if (failure !== null) return;
    try {
      const entry = parseHistoryEntry(JSON.parse(line.slice(RECORD_PREFIX.length)));
      if (isHistoryEvent(entry)) throw new Error('expected a write record, got an event');
      sentAts.push(entry.sentAt);
      if (entry.ackAt !== null) acked++;
      else errors++;
      opts.onRecord(entry);
    } catch (err) {
      failure = new Error(`malformed k6 record (${(err as Error).message}): ${line.slice(0, 200)}`);
      hardKill();
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.trim() !== '') pushBounded(diagnostics, line);
  });

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    clearTimeout(killTimer);
    clearTimeout(abortKillTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  });
  const stoppedAt = Date.now();

  if (failure !== null) throw failure;
  if (exit.code !== 0 && sentAts.length === 0) {
    const how = exit.code === null ? `signal ${exit.signal}` : `code ${exit.code}`;
    const output = redact(diagnostics.join(' | '), secretsOf(opts.script)).slice(0, 1000);
    throw new Error(`k6 exited with ${how} before any write: ${output}`);
  }
  const firstSend = sentAts.reduce((min, t) => Math.min(min, t), stoppedAt);
  const scheduledMs = Math.min(opts.durationMs, stoppedAt - firstSend);
  const expected = Math.ceil((scheduledMs * ratePerSec) / 1000);
  return summarizeWrites(sentAts, { acked, errors, skipped: Math.max(0, expected - sentAts.length) }, 'k6');
}
