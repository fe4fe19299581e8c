import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { StoreError, toStatus } from './errors.js';

/** etcd's default request size limit, which bounds what the apiserver accepts. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const storeError =
    err instanceof StoreError ? err : new StoreError(500, 'InternalError', `internal error: ${(err as Error)?.message ?? String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, storeError.code, toStatus(storeError));
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new StoreError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses a create/update body: JSON, or YAML when the Content-Type says so. */
export function parseObjectBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    const text = body.toString('utf8');
    value = /yaml/i.test(contentType ?? '') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new StoreError(400, 'BadRequest', `error decoding request body: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StoreError(400, 'BadRequest', 'request body must be an object');
  }
  return value as Record<string, unknown>;
}
