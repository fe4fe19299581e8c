/**
 * The k6-operator TestRun that runs fixtures/k6/counter-http.js inside the cluster. With
 * parallelism > 1 the operator splits the constant arrival rate across runners (execution
 * segments), so `rate` stays the total; VU ids stay test-wide unique, so keys do not collide.
 */
import { stringify } from 'yaml';

export interface K6TestRunOptions {
  name: string;
  namespace: string;
  parallelism: number;
  /** ConfigMap holding the script, and the script's file name in it. */
  scriptConfigMap: { name: string; file: string };
  /** Total writes per second. */
  rate: number;
  /** k6 duration, e.g. `5m`. */
  duration: string;
  baseUrl: string;
  /** The script's WRITER_ID (each VU appends its id): the prefix of every key it writes. */
  writerId?: string;
}

export interface K6TestRun {
  apiVersion: 'k6.io/v1alpha1';
  kind: 'TestRun';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    parallelism: number;
    script: { configMap: { name: string; file: string } };
    arguments: string;
    runner: { env: Array<{ name: string; value: string }> };
  };
}

export function renderK6TestRun(opts: K6TestRunOptions): K6TestRun {
  if (!Number.isSafeInteger(opts.parallelism) || opts.parallelism < 1) {
    throw new RangeError(`parallelism must be a positive integer, got ${opts.parallelism}`);
  }
  if (!Number.isFinite(opts.rate) || opts.rate <= 0) throw new RangeError(`rate must be positive, got ${opts.rate}`);
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: {
      name: opts.name,
      namespace: opts.namespace,
      labels: { 'app.kubernetes.io/part-of': 'sovereign-walk', 'sovereign-walk/suite': 'failover' },
    },
    spec: {
      parallelism: opts.parallelism,
      script: { configMap: { name: opts.scriptConfigMap.name, file: opts.scriptConfigMap.file } },
      // Raw log lines keep the `SWH {…}` history records verbatim in the runner pods' logs.
      arguments: '--log-format=raw --no-usage-report',
      runner: {
        env: [
          { name: 'RATE', value: String(opts.rate) },
          { name: 'DURATION', value: opts.duration },
          { name: 'BASE_URL', value: opts.baseUrl },
          ...(opts.writerId ? [{ name: 'WRITER_ID', value: opts.writerId }] : []),
        ],
      },
    },
  };
}

export function renderK6TestRunYaml(opts: K6TestRunOptions): string {
  return stringify(renderK6TestRun(opts));
}
