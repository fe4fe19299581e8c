/** Probe kinds that judge API objects: conditions, fields, existence, non-emptiness, served types. */
import type { ApiResourceServedCheck, ResourceConditionCheck, ResourceExistsCheck, ResourceFieldCheck, ResourceNonEmptyCheck } from '../../src/kit/types.js';
import { condition, type KubeObject } from '../../src/target/objects.js';
import { NotServedError } from '../../src/target/errors.js';
import { outcome, type ProbeEnv, type ProbeOutcome } from './types.js';
import { readPath } from './path.js';

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
const label = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

async function listOrNotServed(env: ProbeEnv, resource: string, namespace?: string): Promise<KubeObject[] | ProbeOutcome> {
  try {
    return (await env.region.list(resource, { namespace })).items;
  } catch (e) {
    if (e instanceof NotServedError) return outcome(false, e.message);
    throw e;
  }
}

export async function probeCondition(check: ResourceConditionCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  const items = await listOrNotServed(env, check.resource, check.namespace);
  if (!Array.isArray(items)) return items;
  const objs = check.name ? items.filter((o) => o.metadata.name === check.name) : items;
  if (!objs.length) return outcome(false, `no ${check.resource}${check.name ? ` named ${check.name}` : ''}${check.namespace ? ` in ${check.namespace}` : ''}`, { observed: items });
  const good = objs.filter((o) => condition(o, check.condition)?.status === check.status);
  const bad = objs.filter((o) => !good.includes(o));
  const want = `${check.condition}=${check.status}`;
  if (check.any) {
    return good.length ? outcome(true, `${good.length} of ${objs.length} ${check.resource} ${want} (any one suffices, as the kit says)`, { observed: objs }) : outcome(false, `none of ${objs.length} ${check.resource} is ${want}`, { observed: objs });
  }
  if (bad.length) {
    const b = bad[0];
    const c = condition(b, check.condition);
    return outcome(false, `${bad.length} of ${objs.length} ${check.resource} not ${want}: ${label(b)} ${c ? `${check.condition}=${c.status} ${c.reason ?? ''} ${c.message ?? ''}`.trim() : `has no ${check.condition} condition`}`, { observed: objs });
  }
  return outcome(true, `all ${objs.length} ${check.resource} ${want}`, { observed: objs });
}

export async function probeField(check: ResourceFieldCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  const items = await listOrNotServed(env, check.resource, check.namespace);
  if (!Array.isArray(items)) return items;
  const atLeast = check.atLeast ?? 1;
  const matches = items.filter((o) => {
    const v = readPath(o, check.field);
    if ('equals' in check && check.equals !== undefined) return v === check.equals;
    // Missing or empty is not "something other than": a field nobody wrote proves nothing.
    if ('notEquals' in check && check.notEquals !== undefined) return isSet(v) && v !== check.notEquals;
    return isSet(v);
  });
  const cmp = check.equals !== undefined ? `== ${JSON.stringify(check.equals)}` : check.notEquals !== undefined ? `!= ${JSON.stringify(check.notEquals)}` : 'set';
  if (matches.length >= atLeast) return outcome(true, `${matches.length} ${check.resource} with ${check.field} ${cmp}`, { observed: items });
  const seen = items.slice(0, 3).map((o) => `${label(o)}: ${JSON.stringify(readPath(o, check.field))}`).join('; ');
  return outcome(false, `${matches.length} of ${items.length} ${check.resource} have ${check.field} ${cmp} (need ${atLeast})${seen ? ` — seen ${seen}` : ''}`, { observed: items });
}

export async function probeExists(check: ResourceExistsCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  try {
    const o = await env.region.get(check.resource, check.namespace, check.name);
    const what = `${check.resource} ${check.namespace ? `${check.namespace}/` : ''}${check.name}`;
    return o ? outcome(true, `${what} exists`, { observed: o }) : outcome(false, `${what} not found`);
  } catch (e) {
    if (e instanceof NotServedError) return outcome(false, e.message);
    throw e;
  }
}

export async function probeNonEmpty(check: ResourceNonEmptyCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  const items = await listOrNotServed(env, check.resource, check.namespace);
  if (!Array.isArray(items)) return items;
  return items.length ? outcome(true, `${items.length} ${check.resource}`, { observed: items }) : outcome(false, `no ${check.resource} exist`);
}

export async function probeServed(check: ApiResourceServedCheck, env: ProbeEnv): Promise<ProbeOutcome> {
  try {
    const r = await env.region.resolve(check.resource);
    return outcome(true, `${check.resource} served as ${r.apiVersion} ${r.kind}`, { observed: r });
  } catch (e) {
    if (e instanceof NotServedError) return outcome(false, e.message);
    throw e;
  }
}
