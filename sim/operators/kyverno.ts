// Source: kyverno 1.19 pkg/controllers/webhook (updatePolicyStatuses: Ready=True reason Succeeded
// "Ready" through PolicyStatus.SetReady, which clears the deprecated status.ready; rulecount of the
// policy's own rules; autogen.rules the rules pkg/autogen generates for Pod controllers:
// `autogen-<rule>` matching DaemonSet, Deployment, Job, ReplicaSet, ReplicationController and
// StatefulSet with the pattern under spec.template, and `autogen-cronjob-<rule>` matching CronJob
// under spec.jobTemplate.spec.template). validatingadmissionpolicy is the zero value the Go struct
// always serialises. Conditions carry no observedGeneration.
import type { KubeObject } from '../kube-client/api.js';
import { condition } from './conditions.js';
import type { OperatorModel, OperatorWorld } from './types.js';

const NAMESPACE = 'kyverno';
const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'ReplicationController', 'StatefulSet'];

interface ResourceFilter {
  resources?: { kinds?: string[] };
}

interface Rule {
  name: string;
  match?: { any?: ResourceFilter[]; all?: ResourceFilter[]; resources?: { kinds?: string[] } };
  validate?: { message?: string; pattern?: unknown; failureAction?: string; allowExistingViolations?: boolean };
  mutate?: unknown;
  generate?: unknown;
  verifyImages?: unknown[];
  [key: string]: unknown;
}

function running(world: OperatorWorld): boolean {
  return world.workloadReady('Deployment', NAMESPACE, 'kyverno-admission-controller');
}

function matchesPods(rule: Rule): boolean {
  const m = rule.match ?? {};
  const kinds = [...(m.any ?? []), ...(m.all ?? [])].flatMap((f) => f.resources?.kinds ?? []).concat(m.resources?.kinds ?? []);
  return kinds.includes('Pod');
}

/** The rule's match with `kinds` in place of the filters that name `from`. */
function withKinds(rule: Rule, from: string, kinds: string[]): Rule['match'] {
  const swap = (filters: ResourceFilter[] | undefined) => filters?.map((f) => (f.resources?.kinds?.includes(from) ? { ...f, resources: { ...f.resources, kinds } } : f));
  const m = rule.match ?? {};
  if (m.any?.length) return { ...m, any: swap(m.any) };
  if (m.all?.length) return { ...m, all: swap(m.all) };
  return { ...m, resources: { ...m.resources, kinds } };
}

/** The rule for `kinds` (in place of `from`), its pattern moved under `spec.<key>` (validate patterns only). */
function generated(rule: Rule, name: string, from: string, key: string, kinds: string[]): Rule {
  const { message, pattern, failureAction, allowExistingViolations } = rule.validate ?? {};
  return {
    ...rule,
    name: name.slice(0, 63),
    match: withKinds(rule, from, kinds),
    validate: { ...(failureAction ? { failureAction } : {}), ...(allowExistingViolations !== undefined ? { allowExistingViolations } : {}), ...(message ? { message } : {}), pattern: { spec: { [key]: pattern } } },
  };
}

function autogenRules(rules: Rule[]): Rule[] {
  return rules
    .filter((r) => !r.name.startsWith('autogen-') && matchesPods(r) && r.validate?.pattern !== undefined)
    .flatMap((r) => {
      const controllers = generated(r, `autogen-${r.name}`, 'Pod', 'template', POD_CONTROLLERS);
      return [controllers, generated(controllers, `autogen-cronjob-${r.name}`, 'Job', 'jobTemplate', ['CronJob'])];
    });
}

function ruleCount(rules: Rule[]): Record<string, number> {
  const count = (has: (r: Rule) => boolean) => rules.filter((r) => !r.name.startsWith('autogen-') && has(r)).length;
  return { validate: count((r) => !!r.validate), generate: count((r) => !!r.generate), mutate: count((r) => !!r.mutate), verifyimages: count((r) => !!r.verifyImages?.length) };
}

export const kyverno: OperatorModel = {
  group: 'kyverno.io',
  kinds: { ClusterPolicy: 'v1' },
  workload: { kind: 'Deployment', namespace: NAMESPACE, name: 'kyverno-admission-controller' },
  sample: () => {
    const pods = { any: [{ resources: { kinds: ['Pod'] } }] };
    return {
      spec: {
        background: true,
        rules: [
          { name: 'require-image-tag', match: pods, validate: { failureAction: 'Audit', message: 'An image tag is required.', pattern: { spec: { containers: [{ image: '*:*' }] } } } },
          { name: 'validate-image-tag', match: pods, validate: { failureAction: 'Audit', message: "Using a mutable image tag e.g. 'latest' is not allowed.", pattern: { spec: { containers: [{ image: '!*:latest' }] } } } },
        ],
      },
    };
  },
  status(obj: KubeObject, world) {
    if (!running(world)) return undefined;
    const rules = ((obj.spec as { rules?: Rule[] } | undefined)?.rules) ?? [];
    const auto = autogenRules(rules);
    return {
      conditions: [condition(obj, { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'Ready' }, false)],
      autogen: auto.length ? { rules: auto } : {},
      rulecount: ruleCount(rules),
      validatingadmissionpolicy: { generated: false, message: '' },
    };
  },
};
