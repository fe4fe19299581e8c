/**
 * Builds the Allure site of a run (`<runDir>/allure-report`) from `<runDir>/allure-results`
 * with the installed Allure 3 CLI (npm `allure`, no Java). Allure 3 reads categories from its
 * config, not from categories.json (only its Allure 2 compatible plugins read that), so the
 * config is generated from the results folder's categories.json: one definition for both.
 * The awesome report is written as a single file, so index.html opens offline from disk.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../repo-root.js';
import { ALLURE_CATEGORIES } from './allure-meta.js';

const ALLURE_BIN = join(REPO_ROOT, 'node_modules/.bin/allure');

export interface AllureSiteOptions {
  /** Report title (default: `sovereign-walk — <sovereign>` from summary.json). */
  name?: string;
  /** Give up after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Allure's own history file (JSON lines), read for the trend widgets and appended to. */
  historyPath?: string;
}

/** Data points Allure keeps in its history file. */
const ALLURE_HISTORY_LIMIT = 60;

function reportName(runDir: string): string {
  const summaryPath = join(runDir, 'summary.json');
  if (!existsSync(summaryPath)) return 'sovereign-walk';
  const s = JSON.parse(readFileSync(summaryPath, 'utf8')) as { tool?: { name?: string }; sovereign?: string; runId?: string };
  return `${s.tool?.name ?? 'sovereign-walk'} — ${s.sovereign ?? ''} — ${s.runId ?? ''}`;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export async function buildAllureSite(runDir: string, opts: AllureSiteOptions = {}): Promise<{ reportDir: string; index: string }> {
  const resultsDir = join(runDir, 'allure-results');
  if (!existsSync(resultsDir) || !readdirSync(resultsDir).some((f) => f.endsWith('-result.json'))) {
    throw new Error(`no Allure results in ${resultsDir}: run a walk first`);
  }
  const categoriesPath = join(resultsDir, 'categories.json');
  if (!existsSync(categoriesPath)) writeFileSync(categoriesPath, `${JSON.stringify(ALLURE_CATEGORIES, null, 2)}\n`);
  const categories = JSON.parse(readFileSync(categoriesPath, 'utf8')) as unknown;
  const name = opts.name ?? reportName(runDir);
  const reportDir = join(runDir, 'allure-report');
  const configDir = mkdtempSync(join(tmpdir(), 'sw-allure-'));
  const configPath = join(configDir, 'allurerc.json');
  const history = opts.historyPath ? { historyPath: opts.historyPath, historyLimit: ALLURE_HISTORY_LIMIT } : {};
  if (opts.historyPath) mkdirSync(dirname(opts.historyPath), { recursive: true });
  writeFileSync(configPath, JSON.stringify({ name, output: reportDir, categories, ...history, plugins: { awesome: { options: { reportName: name, singleFile: true } } } }, null, 2));
  try {
    rmSync(reportDir, { recursive: true, force: true });
    const { code, output } = await run(ALLURE_BIN, ['generate', resultsDir, '--config', configPath, '--output', reportDir, '--cwd', runDir], opts.timeoutMs ?? 300_000);
    const index = join(reportDir, 'index.html');
    if (code !== 0 || !existsSync(index)) {
      throw new Error(`allure generate failed (exit ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`);
    }
    return { reportDir, index };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
