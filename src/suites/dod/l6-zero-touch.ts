/**
 * L6 zero-touch audit, per region: no hand-made writes (managedFields managers) on HelmReleases
 * and workloads, and no `kubectl rollout restart` after the bootstrap window.
 *
 * Bootstrap window end = record `startedAt` + 1800 s. Without a record (or without startedAt
 * in it) the window ends 1800 s after the region's oldest HelmRelease was created, the
 * earliest moment the cluster itself proves Flux was running.
 */
import type { RegionSpec } from '../../target/types.js';
import type { KubeObject } from '../../target/objects.js';
import { NotServedError } from '../../target/errors.js';
import { inRegion, listSome, timeMs, type DodCheckSpec } from './check.js';
import type { DodSession } from './session.js';
import { isSetTime } from './record.js';
import { HELMRELEASES } from './l3-helmreleases.js';
import {
  BOOTSTRAP_INSTALLED_NAMESPACES,
  BOOTSTRAP_WINDOW_SEC,
  RESTARTED_AT,
  RESTART_EXEMPT,
  WORKLOAD_RESOURCES,
  ZERO_TOUCH_NAMESPACES,
  managerProblem,
} from './zero-touch-policy.js';

export interface BootstrapWindow {
  endMs: number;
  basis: string;
}

export interface TouchFinding {
  resource: string;
  manager?: string;
  operation?: string;
  subresource?: string;
  annotation?: string;
  time: string;
  why: string;
}

interface Audited {
  label: string;
  namespace?: string;
  obj: KubeObject;
}

async function helmReleases(s: DodSession, region: string): Promise<KubeObject[]> {
  try {
    return await s.list(region, HELMRELEASES);
  } catch (e) {
    if (e instanceof NotServedError) return [];
    throw e;
  }
}

export async function bootstrapWindow(s: DodSession, region: string): Promise<BootstrapWindow | undefined> {
  const src = await s.record();
  const startedAt = src.ok ? src.record.startedAt : undefined;
  if (isSetTime(startedAt)) {
    return { endMs: Date.parse(startedAt as string) + BOOTSTRAP_WINDOW_SEC * 1000, basis: `record startedAt ${startedAt} + ${BOOTSTRAP_WINDOW_SEC} s` };
  }
  const created = (await helmReleases(s, region)).map((hr) => timeMs(hr.metadata.creationTimestamp)).filter(Number.isFinite);
  if (!created.length) return undefined;
  const oldest = Math.min(...created);
  return { endMs: oldest + BOOTSTRAP_WINDOW_SEC * 1000, basis: `oldest HelmRelease created ${new Date(oldest).toISOString()} + ${BOOTSTRAP_WINDOW_SEC} s (no record startedAt)` };
}

async function audited(s: DodSession, region: string): Promise<Audited[]> {
  const out: Audited[] = (await helmReleases(s, region)).map((hr) => ({ label: `HelmRelease ${hr.metadata.namespace}/${hr.metadata.name}`, namespace: hr.metadata.namespace, obj: hr }));
  for (const ns of ZERO_TOUCH_NAMESPACES) {
    for (const w of WORKLOAD_RESOURCES) {
      for (const obj of await s.list(region, w.resource, { namespace: ns })) out.push({ label: `${w.kind} ${ns}/${obj.metadata.name}`, namespace: ns, obj });
    }
  }
  return out;
}

export function managerFindings(items: Audited[], window: BootstrapWindow | undefined): TouchFinding[] {
  const out: TouchFinding[] = [];
  for (const { label, namespace, obj } of items) {
    for (const mf of obj.metadata.managedFields ?? []) {
      const manager = mf.manager ?? '(none)';
      const why = managerProblem(manager);
      if (!why) continue;
      const ms = timeMs(mf.time);
      const time = Number.isFinite(ms) ? new Date(ms).toISOString() : '';
      const inWindow = window !== undefined && Number.isFinite(ms) && ms <= window.endMs;
      if (inWindow && namespace && BOOTSTRAP_INSTALLED_NAMESPACES.includes(namespace)) continue;
      out.push({ resource: label, manager, operation: mf.operation, subresource: mf.subresource, time: time || '(no time)', why });
    }
  }
  return out;
}

export function restartFindings(items: Audited[], window: BootstrapWindow): TouchFinding[] {
  const out: TouchFinding[] = [];
  for (const { label, obj } of items) {
    if (label.startsWith('HelmRelease ') || RESTART_EXEMPT.includes(label)) continue;
    const template = obj.spec?.template as { metadata?: { annotations?: Record<string, string> } } | undefined;
    const at = template?.metadata?.annotations?.[RESTARTED_AT];
    if (!at) continue;
    const t = Date.parse(at);
    if (Number.isFinite(t) && t <= window.endMs) continue;
    out.push({ resource: label, annotation: RESTARTED_AT, time: at, why: Number.isFinite(t) ? `after the bootstrap window (ends ${new Date(window.endMs).toISOString()})` : 'unparseable time' });
  }
  return out;
}

function describe(f: TouchFinding): string {
  return f.manager ? `${f.resource}: manager ${f.manager} (${f.operation ?? '?'}${f.subresource ? ` ${f.subresource}` : ''}) at ${f.time}, ${f.why}` : `${f.resource}: ${f.annotation}=${f.time}, ${f.why}`;
}

/** An audit of nothing is not a clean audit. */
function nothingAudited(region: string): string {
  return `nothing audited in ${region}: no HelmRelease and no workload in ${ZERO_TOUCH_NAMESPACES.join(', ')} was listed`;
}

export function zeroTouchChecks(regions: RegionSpec[]): DodCheckSpec[] {
  return regions.flatMap((r): DodCheckSpec[] => [
    {
      key: `L6.${r.name}.managers`,
      layer: 'L6',
      region: r.name,
      text: `${r.name} no hand-made writes on HelmReleases and workloads (managedFields)`,
      judge: (s, g) =>
        inRegion(s, g, r.name, async () => {
          const [items, window] = await Promise.all([audited(s, r.name), bootstrapWindow(s, r.name)]);
          if (!items.length) return g.fail(nothingAudited(r.name));
          const findings = managerFindings(items, window);
          g.attach(s.h.evidence.json(`dod-zero-touch-managers-${r.name}`, { window: window && { ...window, end: new Date(window.endMs).toISOString() }, audited: items.length, findings }, `managedFields audit in ${r.name}`));
          g.metric('findings', findings.length);
          return findings.length
            ? g.fail(`${findings.length} hand-made write(s) in ${r.name}: ${listSome(findings.map(describe), 3)}`)
            : g.pass(`${items.length} objects in ${ZERO_TOUCH_NAMESPACES.join(', ')} and all HelmReleases written by automation only`);
        }),
    },
    {
      key: `L6.${r.name}.restarts`,
      layer: 'L6',
      region: r.name,
      text: `${r.name} no ${RESTARTED_AT} after the bootstrap window`,
      judge: (s, g) =>
        inRegion(s, g, r.name, async () => {
          const window = await bootstrapWindow(s, r.name);
          if (!window) return g.error(`no bootstrap window for ${r.name}: no record startedAt and no HelmRelease`);
          const items = await audited(s, r.name);
          if (!items.length) return g.fail(nothingAudited(r.name));
          const findings = restartFindings(items, window);
          g.attach(s.h.evidence.json(`dod-zero-touch-restarts-${r.name}`, { window: { ...window, end: new Date(window.endMs).toISOString() }, findings }, `${RESTARTED_AT} audit in ${r.name}`));
          g.metric('findings', findings.length);
          return findings.length
            ? g.fail(`${findings.length} restart(s) after the bootstrap window in ${r.name}: ${listSome(findings.map(describe), 3)}`)
            : g.pass(`no restart after ${new Date(window.endMs).toISOString()} (${window.basis})`);
        }),
    },
  ]);
}
