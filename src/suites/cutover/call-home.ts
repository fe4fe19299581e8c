/**
 * The call-home probe: a short-lived Job in the harness namespace curls each mothership URL
 * with a 5 s timeout and writes one line per URL (`<url> rc=<curl exit> http=<code>`) to its
 * termination message. The hold passes this check only when no URL could be reached.
 */
import { randomBytes } from 'node:crypto';
import type { RegionClient } from '../../target/kube.js';
import type { KubeObject } from '../../target/objects.js';
import { HARNESS_NAMESPACE, LABEL_PROBE, LABEL_RUN, MANAGED_BY } from './constants.js';
import { IMAGE_PULL_FAILURES } from './hold.js';

/** curl exit codes that mean "no connection": 6 could not resolve, 7 refused/unreachable, 28 timed out. */
const BLOCKED_EXIT = new Set([6, 7, 28]);
const CURL_TIMEOUT_S = 5;

export interface CallHomeAttempt {
  url: string;
  curlExit: number;
  http: string;
  blocked: boolean;
}

export interface CallHomeOutcome {
  job: string;
  pod?: string;
  /** When the pod's termination was seen (watch event time). */
  finishedAt?: string;
  exitCode?: number;
  message?: string;
  attempts: CallHomeAttempt[];
  /** The probe itself could not run (image pull, no result in time): not a verdict on the Sovereign. */
  harnessProblem?: string;
}

const SCRIPT = [
  'reached=0',
  'out=""',
  'for u in $URLS; do',
  `  code=$(curl -sS -o /dev/null -w "%{http_code}" --connect-timeout ${CURL_TIMEOUT_S} --max-time ${CURL_TIMEOUT_S} "$u" 2>/dev/null); rc=$?`,
  '  out="$out$u rc=$rc http=${code:-000}\n"',
  '  case $rc in 6|7|28) ;; *) reached=$((reached+1)) ;; esac',
  'done',
  'printf "$out" | tee /dev/termination-log',
  'exit $reached',
].join('\n');

export function callHomeJob(name: string, urls: readonly string[], image: string, runLabel: string): KubeObject {
  const labels = { ...MANAGED_BY, [LABEL_PROBE]: name, [LABEL_RUN]: runLabel };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: HARNESS_NAMESPACE, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 300,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'call-home',
              image,
              command: ['sh', '-c', SCRIPT],
              env: [{ name: 'URLS', value: urls.join(' ') }],
              terminationMessagePolicy: 'FallbackToLogsOnError',
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

export function parseAttempts(message: string): CallHomeAttempt[] {
  return message
    .split('\n')
    .map((l) => /^(\S+) rc=(\d+) http=(\d+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ url: m[1], curlExit: Number(m[2]), http: m[3], blocked: BLOCKED_EXIT.has(Number(m[2])) }));
}

export async function runCallHome(region: RegionClient, urls: readonly string[], image: string, runLabel: string, deadlineMs: number): Promise<CallHomeOutcome> {
  const name = `sw-call-home-${randomBytes(3).toString('hex')}`;
  const out: CallHomeOutcome = { job: `Job ${HARNESS_NAMESPACE}/${name}`, attempts: [] };
  let settle: () => void = () => {};
  const done = new Promise<void>((r) => (settle = r));
  const onPod = (type: string, pod: KubeObject, at: number) => {
    if (type === 'DELETED') return;
    const cs = (pod.status as { containerStatuses?: { state?: { terminated?: { exitCode?: number; message?: string }; waiting?: { reason?: string; message?: string } } }[] } | undefined)?.containerStatuses?.[0];
    out.pod = `Pod ${HARNESS_NAMESPACE}/${pod.metadata.name}`;
    const waiting = cs?.state?.waiting;
    if (waiting?.reason && IMAGE_PULL_FAILURES.has(waiting.reason)) {
      out.harnessProblem = `probe image ${image} could not be pulled (${waiting.reason}: ${waiting.message ?? ''}); set SW_PROBE_IMAGE to an image the Sovereign's registry serves`;
      settle();
      return;
    }
    const term = cs?.state?.terminated;
    if (!term) return;
    out.finishedAt = new Date(at).toISOString();
    out.exitCode = term.exitCode;
    out.message = term.message ?? '';
    out.attempts = parseAttempts(out.message);
    if (out.attempts.length !== urls.length) out.harnessProblem = `probe reported ${out.attempts.length} of ${urls.length} URLs (exit ${term.exitCode}): ${out.message.slice(0, 200)}`;
    settle();
  };
  const watch = await region.watch('pods', { namespace: HARNESS_NAMESPACE, labelSelector: `${LABEL_PROBE}=${name}` }, onPod);
  const timer = setTimeout(() => {
    out.harnessProblem ??= `probe ${out.job} reported no result within ${Math.round(deadlineMs / 1000)}s${out.pod ? ` (${out.pod})` : ' (no pod started)'}`;
    settle();
  }, deadlineMs);
  try {
    await region.create(callHomeJob(name, urls, image, runLabel));
    await done;
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
  return out;
}
