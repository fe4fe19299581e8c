/**
 * The tether audit: before any hold, eight ways a cut-over Sovereign can still depend on the
 * mothership, each reported as pivoted or not with the objects that are not. The eighth is the
 * SMTP relay pivot (step 07a); the vCluster registry pivot (step 10) is not audited because
 * the vCluster slots are retired (#4291).
 */
import type { RegionClient } from '../../target/kube.js';
import { describeError, type KubeObject } from '../../target/objects.js';
import { NotServedError } from '../../target/errors.js';
import type { EvidenceWriter } from '../../evidence/writer.js';
import type { Gate } from '../../gates/types.js';
import { GateRun } from '../../gates/gate-run.js';
import { CATALYST_API, FLUX, ROOT_SOURCE, STATUS_CONFIGMAP, SUITE } from './constants.js';
import { mothershipRef, openovaHost } from './refs.js';
import { listContainers } from './workloads.js';

export const TETHERS = ['gitrepository', 'ocirepository', 'helmrepository', 'images', 'catalyst-api-env', 'registries', 'crossplane', 'smtp'] as const;
export type TetherName = (typeof TETHERS)[number];

export interface TetherOffender {
  object: string;
  field: string;
  value: string;
  why: string;
}

export interface TetherResult {
  tether: TetherName;
  pivoted: boolean;
  /** Objects (or values) inspected. */
  checked: number;
  offenders: TetherOffender[];
  notes: string[];
}

export interface AuditDeps {
  region: RegionClient;
  evidence: EvidenceWriter;
}

const TITLES: Record<TetherName, string> = {
  gitrepository: 'Flux GitRepositories fetch from the local Gitea, not github.com',
  ocirepository: 'Flux OCIRepositories pull from the local registry',
  helmrepository: 'Flux HelmRepositories pull charts from the local registry, not ghcr.io',
  images: 'no workload image is pulled from a mothership registry',
  'catalyst-api-env': 'catalyst-api CATALYST_GITOPS_REPO_URL points at the local Gitea',
  registries: 'every node acknowledged the local registries.yaml (v2)',
  crossplane: 'Crossplane packages come from the local Harbor proxy, not xpkg.upbound.io',
  smtp: 'no workload relays mail through the mothership (mail.openova.io)',
};

const DOD_GATE: Partial<Record<TetherName, string>> = { gitrepository: 'L7.4', images: 'L7.3' };

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const id = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

async function listOrNotServed(region: RegionClient, resource: string): Promise<KubeObject[] | undefined> {
  try {
    return (await region.list(resource)).items;
  } catch (e) {
    if (e instanceof NotServedError) return undefined;
    throw e;
  }
}

function result(tether: TetherName, checked: number, offenders: TetherOffender[], notes: string[] = []): TetherResult {
  return { tether, pivoted: offenders.length === 0, checked, offenders, notes };
}

async function sourceUrls(region: RegionClient, tether: TetherName, resource: string): Promise<TetherResult> {
  const items = await listOrNotServed(region, resource);
  if (!items) return result(tether, 0, [], [`${resource} is not served: nothing to pivot`]);
  const offenders: TetherOffender[] = [];
  for (const o of items) {
    const url = String(rec(o.spec).url ?? '');
    const ref = mothershipRef(url);
    if (ref) offenders.push({ object: id(o), field: 'spec.url', value: url, why: `on ${ref}` });
  }
  return result(tether, items.length, offenders);
}

async function gitRepositories(region: RegionClient): Promise<TetherResult> {
  const r = await sourceUrls(region, 'gitrepository', FLUX.gitrepositories);
  const root = await region.get(FLUX.gitrepositories, ROOT_SOURCE.namespace, ROOT_SOURCE.name).catch((e: unknown) => {
    if (e instanceof NotServedError) return undefined;
    throw e;
  });
  const rootName = `GitRepository ${ROOT_SOURCE.namespace}/${ROOT_SOURCE.name}`;
  if (!root) r.offenders.push({ object: rootName, field: 'metadata.name', value: '', why: 'the root source is missing' });
  else {
    const url = String(rec(root.spec).url ?? '');
    if (!/gitea-http|gitea\./.test(url) && !r.offenders.some((o) => o.object === rootName)) r.offenders.push({ object: rootName, field: 'spec.url', value: url, why: 'not on the local Gitea (gitea-http / gitea.)' });
  }
  r.pivoted = r.offenders.length === 0;
  return r;
}

async function images(region: RegionClient): Promise<TetherResult> {
  const { containers, kinds } = await listContainers(region);
  const offenders = containers.flatMap((c) => {
    const ref = mothershipRef(c.image);
    return ref ? [{ object: c.owner, field: `container ${c.container} image`, value: c.image, why: `on ${ref}` }] : [];
  });
  return result('images', containers.length, offenders, [`inspected ${kinds.join(', ')}`]);
}

async function catalystApiEnv(region: RegionClient): Promise<TetherResult> {
  const d = await region.get('deployments.apps', CATALYST_API.namespace, CATALYST_API.name);
  const object = `Deployment ${CATALYST_API.namespace}/${CATALYST_API.name}`;
  if (!d) return result('catalyst-api-env', 0, [{ object, field: 'metadata.name', value: '', why: 'catalyst-api is not deployed' }]);
  const containers = (rec(rec(rec(d.spec).template).spec).containers as unknown[] | undefined) ?? [];
  const vars = containers.flatMap((c) => ((rec(c).env as unknown[] | undefined) ?? []).map((e) => ({ container: String(rec(c).name), env: rec(e) })));
  const hit = vars.filter((v) => v.env.name === CATALYST_API.env);
  if (!hit.length) return result('catalyst-api-env', 1, [{ object, field: `env ${CATALYST_API.env}`, value: '', why: 'not set' }]);
  const offenders = hit.flatMap((v) => {
    const field = `container ${v.container} env ${CATALYST_API.env}`;
    if (typeof v.env.value !== 'string') return [{ object, field, value: '(valueFrom)', why: 'set from a reference the audit cannot read; step 07 writes a literal value' }];
    const value = v.env.value;
    const ref = mothershipRef(value);
    if (ref) return [{ object, field, value, why: `on ${ref}` }];
    if (!/gitea/.test(value)) return [{ object, field, value, why: 'not on the local Gitea' }];
    return [];
  });
  return result('catalyst-api-env', 1, offenders);
}

async function registries(region: RegionClient): Promise<TetherResult> {
  const cm = await region.get('configmaps', STATUS_CONFIGMAP.namespace, STATUS_CONFIGMAP.name);
  const nodes = (await region.list('nodes')).items;
  const object = `ConfigMap ${STATUS_CONFIGMAP.namespace}/${STATUS_CONFIGMAP.name}`;
  if (!cm) return result('registries', nodes.length, [{ object, field: 'metadata.name', value: '', why: 'the cutover status ConfigMap is missing: the cutover never ran' }]);
  const data = rec(cm.data) as Record<string, string>;
  const offenders = nodes.flatMap((n) => {
    const key = `node.${n.metadata.name}.registriesYaml`;
    const v = data[key];
    return v === 'v2' ? [] : [{ object: `Node ${n.metadata.name}`, field: 'registriesYaml', value: v ?? '(missing)', why: v === 'v1' ? 'pulls go through the mothership Harbor' : v ? 'not the local registry' : 'the registry pivot never acknowledged this node' }];
  });
  return result('registries', nodes.length, offenders, [`${object}: registriesYamlActive=${data.registriesYamlActive ?? '(unset)'}, cutoverComplete=${data.cutoverComplete ?? '(unset)'}`]);
}

async function crossplane(region: RegionClient): Promise<TetherResult> {
  const offenders: TetherOffender[] = [];
  const notes: string[] = [];
  let checked = 0;
  for (const resource of ['providers.pkg.crossplane.io', 'functions.pkg.crossplane.io', 'configurations.pkg.crossplane.io']) {
    const items = await listOrNotServed(region, resource);
    if (!items) {
      notes.push(`${resource} is not served`);
      continue;
    }
    checked += items.length;
    for (const o of items) {
      const pkg = String(rec(o.spec).package ?? '');
      const ref = mothershipRef(pkg);
      if (ref) offenders.push({ object: id(o), field: 'spec.package', value: pkg, why: `on ${ref}` });
    }
  }
  return result('crossplane', checked, offenders, notes);
}

const SMTP_VAR = /SMTP|MAIL_(HOST|SERVER|RELAY)|RELAY_HOST/i;

async function smtp(region: RegionClient): Promise<TetherResult> {
  const { containers } = await listContainers(region);
  let checked = 0;
  const offenders: TetherOffender[] = [];
  for (const c of containers) {
    for (const e of c.env.filter((x) => SMTP_VAR.test(x.name) && x.value !== undefined)) {
      checked++;
      const host = openovaHost(e.value!);
      if (host) offenders.push({ object: c.owner, field: `container ${c.container} env ${e.name}`, value: e.value!, why: `relays through ${host}` });
    }
  }
  return result('smtp', checked, offenders, checked ? [] : ['no workload sets an SMTP relay variable with a literal value']);
}

const AUDITS: Record<TetherName, (r: RegionClient) => Promise<TetherResult>> = {
  gitrepository: gitRepositories,
  ocirepository: (r) => sourceUrls(r, 'ocirepository', FLUX.ocirepositories),
  helmrepository: (r) => sourceUrls(r, 'helmrepository', FLUX.helmrepositories),
  images,
  'catalyst-api-env': catalystApiEnv,
  registries,
  crossplane,
  smtp,
};

export function auditTether(region: RegionClient, tether: TetherName): Promise<TetherResult> {
  return AUDITS[tether](region);
}

const MAX_IN_REASON = 5;

export function tetherGateId(t: TetherName): string {
  return `${SUITE}/tether-${t}`;
}

/** One gate per tether; an API failure makes that gate `error`, never a pass. */
export async function auditTethers(deps: AuditDeps): Promise<{ gates: Gate[]; results: TetherResult[] }> {
  const gates: Gate[] = [];
  const results: TetherResult[] = [];
  for (const t of TETHERS) {
    const run = new GateRun(tetherGateId(t), SUITE, tetherGateId(t), { layer: 'L7', dodGate: DOD_GATE[t], region: deps.region.name, severity: 'critical' });
    let r: TetherResult;
    try {
      r = await run.step(`audit ${t}: ${TITLES[t]}`, () => auditTether(deps.region, t), (x) => `${x.checked} checked, ${x.offenders.length} tethered`);
    } catch (e) {
      gates.push(run.error(`could not audit ${t}: ${describeError(e)}`));
      continue;
    }
    results.push(r);
    run.attach(deps.evidence.json(`cutover-tether-${t}`, r, `tether audit: ${TITLES[t]}`));
    run.metric('tethered', r.offenders.length);
    const notes = r.notes.length ? ` (${r.notes.join('; ')})` : '';
    if (r.pivoted) {
      gates.push(run.pass(`pivoted: ${r.checked} checked, none on the mothership${notes}`));
    } else {
      const shown = r.offenders.slice(0, MAX_IN_REASON).map((o) => `${o.object} ${o.field}${o.value ? ` ${o.value}` : ''}: ${o.why}`);
      const more = r.offenders.length > MAX_IN_REASON ? `; and ${r.offenders.length - MAX_IN_REASON} more (see evidence)` : '';
      gates.push(run.fail(`not pivoted: ${shown.join('; ')}${more}`));
    }
  }
  return { gates, results };
}
