/**
 * Kubernetes object shapes and helpers that need no client: judging code imports these from here
 * so that listing a suite's gates before it is judged stays free of @kubernetes/client-node,
 * whose generated models cost ~80 MB per process.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export interface KubeObject extends KubernetesObject {
  metadata: NonNullable<KubernetesObject['metadata']> & { name: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Condition[] };
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** client-node's ApiException, recognised by shape (a numeric status code and a response body). */
function apiFailure(e: unknown): { code: number; body: unknown } | undefined {
  const x = e as { code?: unknown; body?: unknown; headers?: unknown } | null;
  return e instanceof Error && typeof x?.code === 'number' && 'body' in x && 'headers' in x ? { code: x.code, body: x.body } : undefined;
}

export function describeError(e: unknown): string {
  const api = apiFailure(e);
  if (api) {
    const body = api.body as { message?: string } | string | undefined;
    const msg = typeof body === 'string' ? body : body?.message;
    return `HTTP ${api.code}${msg ? `: ${msg}` : ''}`;
  }
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return err?.cause?.code ?? err?.code ?? err?.cause?.message ?? err?.message?.split('\n')[0] ?? String(e);
}

export function condition(obj: KubeObject | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/**
 * A predicate for an equality-based label selector (`a=b,c==d,e!=f`, what a workload's
 * matchLabels make), or undefined for one with set-based terms (`in`, `notin`, `!key`, `key`).
 */
export function equalitySelector(selector: string): ((labels: Record<string, string> | undefined) => boolean) | undefined {
  const terms: { key: string; value: string; equal: boolean }[] = [];
  for (const term of selector.split(',').map((t) => t.trim()).filter(Boolean)) {
    const m = /^([^\s=!]+)\s*(==|=|!=)\s*([^\s=!]*)$/.exec(term);
    if (!m) return undefined;
    terms.push({ key: m[1], value: m[3], equal: m[2] !== '!=' });
  }
  return (labels = {}) => terms.every((t) => (labels[t.key] === t.value) === t.equal);
}
