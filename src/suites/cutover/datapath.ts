/**
 * What the region's CNI agent says it enforces, recorded beside the hold's gates: `cilium-dbg bpf
 * policy get --all` exec'd in a Cilium agent pod (the kube-system/cilium DaemonSet) when the block
 * is in place and again at the end of the hold. Evidence only: the gates stand on what traffic did;
 * this shows the datapath behind them. An agent that cannot be asked is said so in the same file.
 */
import type { RegionClient } from '../../target/kube.js';
import { describeError } from '../../target/objects.js';

const AGENT = { namespace: 'kube-system', daemonSet: 'cilium' };
const COMMAND = ['cilium-dbg', 'bpf', 'policy', 'get', '--all'];
const EXEC_TIMEOUT_MS = 15_000;

export interface DatapathDump {
  at: string;
  region: string;
  /** `<pod>/<container>` asked, when one was found. */
  agent?: string;
  command: string;
  exitCode?: number;
  output: string;
}

export async function datapathDump(region: RegionClient): Promise<DatapathDump> {
  const base = { at: new Date().toISOString(), region: region.name, command: COMMAND.join(' ') };
  try {
    const ds = await region.get('daemonsets.apps', AGENT.namespace, AGENT.daemonSet);
    if (!ds) return { ...base, output: `no DaemonSet ${AGENT.namespace}/${AGENT.daemonSet} (the CNI agent) to ask` };
    const spec = ds.spec as { selector?: { matchLabels?: Record<string, string> }; template?: { spec?: { containers?: { name: string }[] } } };
    const labelSelector = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = (await region.list('pods', { namespace: AGENT.namespace, labelSelector })).items;
    const pod = pods.find((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
    const container = spec.template?.spec?.containers?.find((c) => c.name === 'cilium-agent')?.name ?? spec.template?.spec?.containers?.[0]?.name;
    if (!pod || !container) return { ...base, output: `no running pod of ${AGENT.namespace}/${AGENT.daemonSet} to ask (${pods.length} listed)` };
    const r = await region.exec(AGENT.namespace, pod.metadata.name, container, COMMAND, EXEC_TIMEOUT_MS);
    return { ...base, agent: `${pod.metadata.name}/${container}`, exitCode: r.exitCode, output: `${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ''}` };
  } catch (e) {
    return { ...base, output: `could not ask the CNI agent: ${describeError(e)}` };
  }
}
