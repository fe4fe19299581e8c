/**
 * L7: the self-sovereign cutover finished and left no path back to the mothership. Each check
 * looks at every region: the primary must have the object, any other region that has it
 * must satisfy the same rule.
 */
import type { Gate } from '../../gates/types.js';
import type { GateRun } from '../../gates/gate-run.js';
import type { RegionSpec } from '../../target/types.js';
import { condition, type KubeObject } from '../../target/objects.js';
import { NotServedError } from '../../target/errors.js';
import { gateId, listSome, type DodCheckSpec } from './check.js';
import type { DodSession } from './session.js';

export const CUTOVER_NAMESPACE = 'catalyst';
export const STATUS_CONFIGMAP = 'self-sovereign-cutover-status';
export const CUTOVER_JOB_SELECTOR = 'app.kubernetes.io/instance=self-sovereign-cutover';
export const MIN_COMPLETE_JOBS = 8;
const GITREPOSITORIES = 'gitrepositories.source.toolkit.fluxcd.io';
const HELMREPOSITORIES = 'helmrepositories.source.toolkit.fluxcd.io';
/** Registry URLs that still point at the mothership's supply chain. */
const MOTHERSHIP_REGISTRIES = ['ghcr.io/openova-io', 'harbor.openova.io'];

/** One region's judgement; `evidence` is what it looked at (default: the detail and problems). */
type RegionVerdict = { present: false } | { present: true; problems: string[]; detail: string; evidence?: unknown };

/** Judges every region, attaches what each one showed as one evidence file `dod-<surface>`. */
async function acrossRegions(s: DodSession, g: GateRun, regions: RegionSpec[], what: string, surface: string, judge: (r: RegionSpec) => Promise<RegionVerdict>): Promise<{ problems: string[]; details: string[] } | Gate> {
  const problems: string[] = [];
  const details: string[] = [];
  const seen: Record<string, unknown> = {};
  for (const r of regions) {
    const reach = await s.reachable(r.name);
    if (!reach.ok) return g.block(gateId(`L2.${r.name}.api`), `API of ${r.name} unreachable: ${reach.reason}`);
    const startedAt = new Date().toISOString();
    const v = await judge(r);
    if (!v.present) {
      seen[r.name] = `${what} not present`;
      if (r.role === 'primary') problems.push(`${what} missing in ${r.name} (primary)`);
      g.addStep({ name: r.name, status: r.role === 'primary' ? 'failed' : 'skipped', startedAt, finishedAt: new Date().toISOString(), detail: `${what} not present` });
      continue;
    }
    seen[r.name] = v.evidence ?? { detail: v.detail, problems: v.problems };
    problems.push(...v.problems.map((p) => `${p} in ${r.name}`));
    details.push(`${r.name}: ${v.detail}`);
    g.addStep({ name: r.name, status: v.problems.length ? 'failed' : 'passed', startedAt, finishedAt: new Date().toISOString(), detail: v.problems.length ? v.problems.join('; ') : v.detail });
  }
  g.attach(s.h.evidence.json(`dod-${surface}`, seen, `${what} per region`));
  return { problems, details };
}

function verdict(g: GateRun, result: { problems: string[]; details: string[] } | Gate): Gate {
  if (!('problems' in result)) return result;
  return result.problems.length ? g.fail(listSome(result.problems, 4)) : g.pass(result.details.join('; '));
}

async function named(s: DodSession, region: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
  return (await s.list(region, resource, { namespace })).find((o) => o.metadata.name === name);
}

async function statusConfigMap(s: DodSession, region: string): Promise<Record<string, string> | undefined> {
  const cm = await named(s, region, 'configmaps', CUTOVER_NAMESPACE, STATUS_CONFIGMAP);
  return cm ? ((cm.data as Record<string, string> | undefined) ?? {}) : undefined;
}

function cutoverJobs(s: DodSession, region: string): Promise<KubeObject[]> {
  return s.list(region, 'jobs.batch', { namespace: CUTOVER_NAMESPACE, labelSelector: CUTOVER_JOB_SELECTOR });
}

const complete = (j: KubeObject) => condition(j, 'Complete')?.status === 'True';
const failed = (j: KubeObject) => condition(j, 'Failed')?.status === 'True';

function catalystApi(s: DodSession, region: string): Promise<KubeObject | undefined> {
  return named(s, region, 'deployments.apps', 'catalyst-system', 'catalyst-api');
}

interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

function containers(d: KubeObject): Container[] {
  const spec = d.spec as { template?: { spec?: { containers?: Container[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

/** The catalyst-api container (by name, else the first one, as upstream reads container[0]). */
function apiContainer(d: KubeObject): Container | undefined {
  const cs = containers(d);
  return cs.find((c) => c.name === 'catalyst-api') ?? cs[0];
}

export function cutoverChecks(regions: RegionSpec[]): DodCheckSpec[] {
  const cmRef = `ConfigMap ${CUTOVER_NAMESPACE}/${STATUS_CONFIGMAP}`;
  return [
    {
      key: 'L7.cutover-complete',
      layer: 'L7',
      text: `cutover complete (${cmRef} cutoverComplete=true, record cutoverComplete)`,
      judge: async (s, g) => {
        const result = await acrossRegions(s, g, regions, cmRef, 'cutover-status', async (r) => {
          const data = await statusConfigMap(s, r.name);
          if (!data) return { present: false };
          const ok = data.cutoverComplete === 'true';
          const context = ['currentStep', 'failedStep', 'lastError'].filter((k) => data[k]).map((k) => `${k}=${data[k]}`).join(', ');
          return { present: true, problems: ok ? [] : [`${cmRef} cutoverComplete=${data.cutoverComplete ?? '(missing)'}${context ? ` (${context})` : ''}`], detail: `cutoverComplete=true, finished ${data.cutoverFinishedAt ?? '(no cutoverFinishedAt)'}`, evidence: data };
        });
        const src = await s.record();
        if ('problems' in result) {
          if (!src.ok) result.details.push(`record not read (${src.reason}); judged on the ConfigMap`);
          else if (src.record.cutoverComplete !== true) result.problems.push(`deployment record ${src.from}: cutoverComplete=${src.record.cutoverComplete ?? '(missing)'}`);
          else result.details.push('record cutoverComplete=true');
        }
        return verdict(g, result);
      },
    },
    {
      key: 'L7.registry-pivot',
      layer: 'L7',
      text: `every node acknowledged the local registry (${cmRef} node.<node>.registriesYaml=v2)`,
      judge: async (s, g) =>
        verdict(
          g,
          await acrossRegions(s, g, regions, cmRef, 'registry-pivot', async (r) => {
            const data = await statusConfigMap(s, r.name);
            if (!data) return { present: false };
            const nodes = (await s.list(r.name, 'nodes')).map((n) => n.metadata.name);
            const bad = nodes.filter((n) => data[`node.${n}.registriesYaml`] !== 'v2').map((n) => `node ${n} registriesYaml=${data[`node.${n}.registriesYaml`] ?? '(no ack)'}`);
            return { present: true, problems: bad, detail: `${nodes.length} nodes on registries.yaml v2`, evidence: Object.fromEntries(nodes.map((n) => [n, data[`node.${n}.registriesYaml`] ?? null])) };
          }),
        ),
    },
    {
      key: 'L7.jobs',
      layer: 'L7',
      text: `at least ${MIN_COMPLETE_JOBS} cutover Jobs Complete (${CUTOVER_NAMESPACE}, ${CUTOVER_JOB_SELECTOR})`,
      judge: async (s, g) => {
        const result = await acrossRegions(s, g, regions, 'cutover Jobs', 'cutover-jobs', async (r) => {
          const jobs = await cutoverJobs(s, r.name);
          if (!jobs.length) return { present: false };
          const done = jobs.filter(complete).length;
          g.metric(`completeJobs.${r.name}`, done);
          const problems = done < MIN_COMPLETE_JOBS ? [`${done} of ${jobs.length} cutover Jobs Complete (need ≥ ${MIN_COMPLETE_JOBS})`] : [];
          const failures = jobs.filter(failed).map((j) => j.metadata.name);
          if (failures.length) problems.push(`Failed: ${listSome(failures)}`);
          const evidence = jobs.map((j) => ({ name: j.metadata.name, complete: complete(j), failed: failed(j) }));
          return { present: true, problems, detail: `${done}/${jobs.length} Complete`, evidence };
        });
        return verdict(g, result);
      },
    },
    {
      key: 'L7.egress-job',
      layer: 'L7',
      text: 'the egress-block step (step-08) Job Complete',
      judge: async (s, g) =>
        verdict(
          g,
          await acrossRegions(s, g, regions, 'cutover Jobs', 'egress-job', async (r) => {
            const jobs = await cutoverJobs(s, r.name);
            if (!jobs.length) return { present: false };
            const egress = jobs.filter((j) => /egress|step-08/.test(j.metadata.name));
            const done = egress.find(complete);
            if (done) return { present: true, problems: [], detail: `Job ${CUTOVER_NAMESPACE}/${done.metadata.name} Complete` };
            const seen = egress.map((j) => `${j.metadata.name}${failed(j) ? ' (Failed)' : ' (not Complete)'}`);
            return { present: true, problems: [seen.length ? `egress Job not Complete: ${seen.join(', ')}` : 'no egress/step-08 cutover Job'], detail: '' };
          }),
        ),
    },
    {
      key: 'L7.gitrepository',
      layer: 'L7',
      text: 'GitRepository flux-system/openova points at the local Gitea',
      judge: async (s, g) =>
        verdict(
          g,
          await acrossRegions(s, g, regions, 'GitRepository flux-system/openova', 'gitrepository', async (r) => {
            const repo = await named(s, r.name, GITREPOSITORIES, 'flux-system', 'openova');
            if (!repo) return { present: false };
            const url = String(repo.spec?.url ?? '');
            const ok = url.includes('gitea') && !url.includes('github.com');
            return { present: true, problems: ok ? [] : [`GitRepository flux-system/openova url ${url || '(empty)'} is not the local Gitea`], detail: url };
          }),
        ),
    },
    {
      key: 'L7.helmrepositories',
      layer: 'L7',
      text: `no HelmRepository on the mothership registries (${MOTHERSHIP_REGISTRIES.join(', ')})`,
      judge: async (s, g) =>
        verdict(
          g,
          await acrossRegions(s, g, regions, 'HelmRepository API', 'helmrepositories', async (r) => {
            let repos: KubeObject[];
            try {
              repos = await s.list(r.name, HELMREPOSITORIES);
            } catch (e) {
              if (e instanceof NotServedError) return { present: false };
              throw e;
            }
            const bad = repos
              .filter((h) => MOTHERSHIP_REGISTRIES.some((m) => String(h.spec?.url ?? '').includes(m)))
              .map((h) => `HelmRepository ${h.metadata.namespace}/${h.metadata.name} url ${String(h.spec?.url)}`);
            const evidence = repos.map((h) => ({ name: `${h.metadata.namespace}/${h.metadata.name}`, url: h.spec?.url }));
            return { present: true, problems: bad, detail: `${repos.length} HelmRepositories off the mothership`, evidence };
          }),
        ),
    },
    {
      key: 'L7.catalyst-api-image',
      layer: 'L7',
      text: 'catalyst-api image from the local registry (has /openova-io/, not ghcr.io/)',
      judge: async (s, g) =>
        verdict(
          g,
          await acrossRegions(s, g, regions, 'Deployment catalyst-system/catalyst-api', 'catalyst-api-image', async (r) => {
            const d = await catalystApi(s, r.name);
            const c = d && apiContainer(d);
            if (!c) return { present: false };
            const image = c.image ?? '';
            const ok = image.includes('/openova-io/') && !image.startsWith('ghcr.io/');
            return { present: true, problems: ok ? [] : [`Deployment catalyst-system/catalyst-api container ${c.name} image ${image || '(none)'}`], detail: image };
          }),
        ),
    },
    {
      key: 'L7.gitops-repo-env',
      layer: 'L7',
      text: 'catalyst-api CATALYST_GITOPS_REPO_URL points at the local Gitea',
      judge: async (s, g) =>
        verdict(
          g,
          await acrossRegions(s, g, regions, 'Deployment catalyst-system/catalyst-api', 'gitops-repo-env', async (r) => {
            const d = await catalystApi(s, r.name);
            const c = d && apiContainer(d);
            if (!c) return { present: false };
            const env = c.env?.find((e) => e.name === 'CATALYST_GITOPS_REPO_URL');
            const url = env?.value ?? '';
            const ok = url.includes('gitea') && !url.includes('github.com');
            const why = !env ? 'not set' : env.valueFrom ? 'set from a reference, not a literal' : url;
            return { present: true, problems: ok ? [] : [`catalyst-api CATALYST_GITOPS_REPO_URL ${why}`], detail: url };
          }),
        ),
    },
  ];
}
