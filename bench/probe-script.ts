/**
 * The baseline the readiness sweep is compared with: the sequential probe script an engineer
 * would write, one Debian `kubectl` (v1.20) call per HelmRelease and per cluster-read surface,
 * one `curl` per public HTTP surface (`--connect-to`, the same host:port → address:port rule the
 * harness applies), run one after another. Exec surfaces are left out: kubectl 1.20 execs over
 * SPDY, which the sim does not serve (the harness still runs them, so the comparison favours
 * the script). Every call's output is judged, so a script that "wins" by failing is caught.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SlotProbe } from '../probes/catalog.js';
import { containsSubset, isNonEmpty, readPath } from '../probes/kinds/path.js';
import type { HttpJsonCheck, HttpStatusCheck, HttpTextCheck, SurfaceCheck } from '../src/kit/types.js';
import { matchRule } from '../src/target/http.js';
import type { ResolveRule } from '../src/target/types.js';

/** Debian's kubectl 1.20 (`SW_BENCH_KUBECTL` overrides). */
export const DEBIAN_KUBECTL = process.env.SW_BENCH_KUBECTL ?? fileURLToPath(new URL('../.tools/kubectl-debian', import.meta.url));

export interface ScriptEnv {
  kubeconfig: string;
  /** kubectl's discovery cache (kept per bench run, warmed by the warm-up pass). */
  cacheDir: string;
  sovereign: string;
  placeholder: string;
  resolve: ResolveRule[];
  caFile?: string;
}

export interface ScriptStep {
  slot: string;
  what: 'helmrelease' | SurfaceCheck['kind'];
  tool: 'kubectl' | 'curl';
  args: string[];
  /** undefined when the output shows the check passing; otherwise what is wrong. */
  judge(stdout: string): string | undefined;
}

export interface ScriptPlan {
  steps: ScriptStep[];
  excluded: { slot: string; kind: string; why: string }[];
}

type HttpCheck = HttpJsonCheck | HttpStatusCheck | HttpTextCheck;

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

/** `{.status.phase}` from `status.phase`; `data[0].id` keeps its index. */
const jsonpathField = (field: string) => `{.${field}}`;

function scope(namespace: string | undefined): string[] {
  return namespace ? ['-n', namespace] : ['-A'];
}

function judgeHttp(check: HttpCheck, status: number, body: string): string | undefined {
  if (check.kind === 'http-status') {
    const want = Array.isArray(check.expect) ? check.expect : [check.expect];
    return want.includes(status) ? undefined : `HTTP ${status}, want ${want.join(' or ')}`;
  }
  if (status < 200 || status > 299) return `HTTP ${status}`;
  if (check.kind === 'http-text') return body.includes(check.contains) ? undefined : `body lacks ${JSON.stringify(check.contains)}`;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  if (check.expect && !containsSubset(json, check.expect)) return `body does not contain ${JSON.stringify(check.expect)}`;
  if (check.expectPath && !isNonEmpty(readPath(json, check.expectPath))) return `${check.expectPath} is empty`;
  if (check.expectNonEmpty && !isNonEmpty(readPath(json, check.expectNonEmpty))) return `${check.expectNonEmpty} is empty`;
  return undefined;
}

function kubectl(env: ScriptEnv, args: string[]): string[] {
  return ['--kubeconfig', env.kubeconfig, '--cache-dir', env.cacheDir, ...args];
}

function surfaceStep(slot: string, check: SurfaceCheck, env: ScriptEnv): ScriptStep | { why: string } {
  const k = (args: string[], judge: ScriptStep['judge']): ScriptStep => ({ slot, what: check.kind, tool: 'kubectl', args: kubectl(env, args), judge });
  switch (check.kind) {
    case 'rollout':
      return k(['rollout', 'status', `${check.workload}/${check.name}`, '-n', check.namespace, '--watch=false'], (out) =>
        /successfully rolled out|roll out complete/.test(out) ? undefined : `not rolled out: ${out.trim()}`,
      );
    case 'resource-condition': {
      const path = `{range .items[*]}{.metadata.name}{"\\t"}{.status.conditions[?(@.type=="${check.condition}")].status}{"\\n"}{end}`;
      return k(['get', check.resource, ...scope(check.namespace), '-o', `jsonpath=${path}`], (out) => {
        const rows = lines(out).map((l) => l.split('\t')).filter(([name]) => !check.name || name === check.name);
        if (!rows.length) return `no ${check.resource}`;
        const good = rows.filter(([, status]) => status === check.status).length;
        return (check.all || check.name ? good === rows.length : good > 0) ? undefined : `${good} of ${rows.length} ${check.condition}=${check.status}`;
      });
    }
    case 'resource-field':
      return k(['get', check.resource, ...scope(check.namespace), '-o', `jsonpath={range .items[*]}${jsonpathField(check.field)}{"\\n"}{end}`], (out) => {
        const values = out.split('\n').slice(0, -1);
        const match = values.filter((v) =>
          check.equals !== undefined ? v === String(check.equals) : check.notEquals !== undefined ? v !== '' && v !== String(check.notEquals) : v !== '',
        ).length;
        return match >= (check.atLeast ?? 1) ? undefined : `${match} of ${values.length} match`;
      });
    case 'resource-exists':
      return k(['get', check.resource, ...(check.namespace ? ['-n', check.namespace] : []), check.name, '-o', 'name'], (out) => (out.trim() ? undefined : 'not found'));
    case 'resource-nonempty':
      return k(['get', check.resource, ...scope(check.namespace), '-o', 'name'], (out) => (out.trim() ? undefined : 'none exist'));
    case 'api-resource-served': {
      const group = check.resource.includes('.') ? check.resource.slice(check.resource.indexOf('.') + 1) : '';
      return k(['api-resources', `--api-group=${group}`, '-o', 'name'], (out) => (lines(out).includes(check.resource) ? undefined : `${check.resource} not served`));
    }
    case 'exec':
      return { why: 'kubectl 1.20 execs over SPDY, which the sim does not serve' };
    case 'http-json':
    case 'http-status':
    case 'http-text':
      return httpStep(slot, check, env);
  }
}

function httpStep(slot: string, check: HttpCheck, env: ScriptEnv): ScriptStep {
  const url = new URL(check.url.split(env.placeholder).join(env.sovereign));
  if (check.inCluster) {
    const [svc, ns] = url.hostname.split('.');
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const scheme = url.protocol === 'https:' ? 'https:' : '';
    const raw = `/api/v1/namespaces/${ns}/services/${scheme}${svc}:${port}/proxy${url.pathname}${url.search}`;
    // `get --raw` exits non-zero for a non-2xx answer, so a body means 2xx.
    return { slot, what: check.kind, tool: 'kubectl', args: kubectl(env, ['get', '--raw', raw]), judge: (out) => judgeHttp(check, 200, out) };
  }
  const port = Number(url.port) || 443;
  const rule = matchRule(env.resolve, url.hostname, port);
  const args = ['-sS', '--max-time', '15', '-X', check.method ?? 'GET', '-w', '\n%{http_code}'];
  if (rule) args.push('--connect-to', `${url.hostname}:${port}:${rule.address}:${rule.targetPort}`);
  if (env.caFile) args.push('--cacert', env.caFile);
  for (const [name, value] of Object.entries(check.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (check.body !== undefined) args.push('-H', 'content-type: application/json', '--data', JSON.stringify(check.body));
  args.push(url.toString());
  return {
    slot,
    what: check.kind,
    tool: 'curl',
    args,
    judge: (out) => {
      const cut = out.lastIndexOf('\n');
      return judgeHttp(check, Number(out.slice(cut + 1)), out.slice(0, cut));
    },
  };
}

/** The script for a catalog, in catalog (dependency) order. */
export function planScript(catalog: SlotProbe[], env: ScriptEnv): ScriptPlan {
  const plan: ScriptPlan = { steps: [], excluded: [] };
  for (const p of catalog) {
    const { namespace, name } = p.slot.ready;
    plan.steps.push({
      slot: p.id,
      what: 'helmrelease',
      tool: 'kubectl',
      args: kubectl(env, ['get', 'hr', '-n', namespace, name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']),
      judge: (out) => (out.trim() === 'True' ? undefined : `Ready=${out.trim() || 'missing'}`),
    });
    if (!p.slot.surface) continue;
    const step = surfaceStep(p.id, p.slot.surface, env);
    if ('why' in step) plan.excluded.push({ slot: p.id, kind: p.slot.surface.kind, why: step.why });
    else plan.steps.push(step);
  }
  return plan;
}

export interface ScriptRun {
  ms: number;
  calls: { tool: ScriptStep['tool']; ms: number }[];
  /** `<slot> <what>: <problem>` for every call whose output did not show the check passing. */
  problems: string[];
}

function run(file: string, args: string[], signal: AbortSignal): Promise<{ stdout: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { signal, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve(err ? { stdout, error: (stderr.trim() || err.message).split('\n')[0] } : { stdout });
    });
  });
}

/** Runs every step one after another (as a shell script would). */
export async function runScript(plan: ScriptPlan, kubectlPath: string, signal: AbortSignal): Promise<ScriptRun> {
  const started = performance.now();
  const calls: ScriptRun['calls'] = [];
  const problems: string[] = [];
  for (const step of plan.steps) {
    signal.throwIfAborted();
    const t = performance.now();
    const r = await run(step.tool === 'kubectl' ? kubectlPath : 'curl', step.args, signal);
    calls.push({ tool: step.tool, ms: performance.now() - t });
    const problem = r.error ?? step.judge(r.stdout);
    if (problem) problems.push(`${step.slot} ${step.what}: ${problem}`);
  }
  signal.throwIfAborted();
  return { ms: performance.now() - started, calls, problems };
}
