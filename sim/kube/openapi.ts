import type { ServerResponse } from 'node:http';
import { sendJson } from './http.js';

/**
 * Schema-less OpenAPI documents. kubectl apply refuses to run when /openapi/v2 is missing;
 * with an empty document it finds no schema per kind, skips client-side validation and
 * falls back to JSON merge patches for unknown kinds.
 */
const TITLE = 'Kubernetes';
const PROTOBUF_V2 = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** A length-delimited protobuf field (wire type 2); fine for the short values used here. */
function field(num: number, payload: Buffer): Buffer {
  if (payload.length > 127) throw new Error('field too long for single-byte length');
  return Buffer.concat([Buffer.from([(num << 3) | 2, payload.length]), payload]);
}

/** gnostic openapi_v2.Document { swagger = 1, info = 2 { title = 1, version = 2 }, paths = 8 }. */
function protobufV2(version: string): Buffer {
  const info = Buffer.concat([field(1, Buffer.from(TITLE)), field(2, Buffer.from(version))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info), field(8, Buffer.alloc(0))]);
}

export function serveOpenApiV2(res: ServerResponse, accept: string | undefined, version: string): void {
  if ((accept ?? '').includes(PROTOBUF_V2)) {
    const body = protobufV2(version);
    // Not PROTOBUF_V2: Go's mime parser rejects the '@', so the apiserver answers octet-stream.
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
    res.end(body);
    return;
  }
  sendJson(res, 200, { swagger: '2.0', info: { title: TITLE, version }, paths: {}, definitions: {} });
}

/** The /openapi/v3 index, listing no group versions. */
export function serveOpenApiV3(res: ServerResponse): void {
  sendJson(res, 200, { paths: {} });
}
