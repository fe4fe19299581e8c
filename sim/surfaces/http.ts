/**
 * The answers a slot's HTTP surface gives once installed, synthesised from its check: the JSON
 * subset / path / non-empty key it expects, the status it expects (a WAF answers it only to a
 * request carrying the check's attack headers), the text it must contain. While the surface is
 * down or not yet installed the gateway answers as Envoy does without a healthy backend.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpJsonCheck, HttpStatusCheck, HttpTextCheck } from '../../src/kit/types.js';
import { setPath } from './objects.js';

export type HttpCheck = HttpJsonCheck | HttpStatusCheck | HttpTextCheck;

export interface SyntheticResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const NO_HEALTHY_UPSTREAM: SyntheticResponse = {
  status: 503,
  headers: { 'content-type': 'text/plain', server: 'envoy' },
  body: 'no healthy upstream',
};

function hasPath(value: unknown, path: string): boolean {
  let cursor: unknown = value;
  for (const step of path.split('.').flatMap((p) => p.split(/\[(\d+)\]/).filter(Boolean))) {
    if (cursor === null || typeof cursor !== 'object') return false;
    cursor = (cursor as Record<string, unknown>)[step];
  }
  return cursor !== undefined && cursor !== null && cursor !== '';
}

function jsonBody(check: HttpJsonCheck, component: string): Record<string, unknown> {
  const body = structuredClone(check.expect ?? {}) as Record<string, unknown>;
  if (check.expectPath && !hasPath(body, check.expectPath)) setPath(body, check.expectPath, component);
  if (check.expectNonEmpty && body[check.expectNonEmpty] === undefined) body[check.expectNonEmpty] = [component];
  return body;
}

/** True when the request carries every header of the check with the same value. */
function carriesHeaders(check: HttpCheck, headers: Record<string, string | string[] | undefined>): boolean {
  return Object.entries(check.headers ?? {}).every(([name, value]) => {
    const got = headers[name.toLowerCase()];
    return (Array.isArray(got) ? got.join(', ') : got) === value;
  });
}

function text(status: number, body: string): SyntheticResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

export function healthyAnswer(check: HttpCheck, component: string, headers: Record<string, string | string[] | undefined>): SyntheticResponse {
  switch (check.kind) {
    case 'http-json':
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(jsonBody(check, component)) };
    case 'http-text':
      return text(200, `${check.contains}\n`);
    case 'http-status': {
      const expected = Array.isArray(check.expect) ? check.expect[0] : check.expect;
      // A check that sends headers to provoke an error status (a WAF probe) gets it only with them.
      const status = check.headers && expected >= 400 && !carriesHeaders(check, headers) ? 200 : expected;
      return text(status, `${STATUS_CODES[status] ?? 'OK'}\n`);
    }
  }
}
