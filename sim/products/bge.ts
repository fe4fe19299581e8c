// Source: huggingface/text-embeddings-inference router/src/http/server.rs and its OpenAPI (POST /embed
// {inputs: string | string[]} → JSON array of float arrays; POST /v1/embeddings, OpenAI's shape; GET
// /health → 200 or 503 {error, error_type: "unhealthy"}; axum's JSON rejections as plain text, e.g.
// 422 "Failed to deserialize the JSON body into the target type: missing field `inputs` at line 1
// column 19"). bp-bge runs TEI cpu-1.5 with BAAI/bge-small-en-v1.5 (384 dimensions, CLS pooling) on
// 8080 (openova-io/openova platform/bge/chart/values.yaml). Not ready is a failed backend: /health
// and the inference routes answer 503 while /info still answers.
import { createHash } from 'node:crypto';
import { answer, header, json, pathOf, text } from './answers.js';
import type { ProductAnswer, ProductContext, ProductModel, ProductRequest } from './types.js';

const MODEL_ID = 'BAAI/bge-small-en-v1.5';
const DIMENSIONS = 384;
const MAX_CLIENT_BATCH = 32;

/** A unit vector that depends only on the text, like a real embedding's determinism. */
function embed(input: string): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < DIMENSIONS; block++) {
    const digest = createHash('sha256').update(`${block}\0${input}`).digest();
    for (let i = 0; i + 2 <= digest.length && values.length < DIMENSIONS; i += 2) values.push(digest.readInt16BE(i) / 32768);
  }
  const norm = Math.hypot(...values);
  return values.map((v) => Number((v / norm).toFixed(8)));
}

/** serde_json's position: the line and column of the top-level object's closing brace. */
function endPosition(raw: string): string {
  const end = raw.trimEnd().length;
  const before = raw.slice(0, end);
  const line = before.split('\n').length;
  return `line ${line} column ${end - before.lastIndexOf('\n') - 1}`;
}

const rejection = (status: number, message: string): ProductAnswer => text(status, message, { 'content-type': 'text/plain; charset=utf-8' });
const teiError = (status: number, error: string, errorType: string): ProductAnswer => json(status, { error, error_type: errorType });

/** The body's `field` as TEI's Input (a string or a list of strings), or the answer rejecting it. */
function inputs(req: ProductRequest, field: string): string[] | ProductAnswer {
  if (!(header(req, 'content-type') ?? '').startsWith('application/json')) return rejection(415, 'Expected request with `Content-Type: application/json`');
  const raw = req.body.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    return rejection(400, `Failed to parse the request body as JSON: ${(e as Error).message}`);
  }
  const deserialize = 'Failed to deserialize the JSON body into the target type';
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return rejection(422, `${deserialize}: invalid type: expected struct at line 1 column 1`);
  const value = (body as Record<string, unknown>)[field];
  if (value === undefined) return rejection(422, `${deserialize}: missing field \`${field}\` at ${endPosition(raw)}`);
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) return rejection(422, `${deserialize}: ${field}: data did not match any variant of untagged enum Input at ${endPosition(raw)}`);
  if (list.length === 0) return teiError(400, `\`${field}\` cannot be empty`, 'empty');
  if (list.length > MAX_CLIENT_BATCH) return teiError(413, `batch size ${list.length} > maximum allowed batch size ${MAX_CLIENT_BATCH}`, 'validation');
  return list;
}

const timing = { 'x-compute-type': 'cpu', 'x-compute-time': '3', 'x-tokenization-time': '0', 'x-queue-time': '0', 'x-inference-time': '3', 'x-total-time': '4' };

function handle(req: ProductRequest, ctx: ProductContext): ProductAnswer {
  const path = pathOf(req);
  const route = { '/health': 'GET', '/info': 'GET', '/embed': 'POST', '/v1/embeddings': 'POST' }[path];
  if (!route) return answer(404, undefined, '');
  if (req.method !== route && !(route === 'GET' && req.method === 'HEAD')) return answer(405, undefined, '', { allow: route === 'GET' ? 'GET,HEAD' : route });
  if (path === '/info') return json(200, { model_id: MODEL_ID, model_sha: null, model_dtype: 'float32', model_type: { embedding: { pooling: 'cls' } }, max_concurrent_requests: 512, max_input_length: 512, max_batch_tokens: 16384, max_batch_requests: null, max_client_batch_size: MAX_CLIENT_BATCH, auto_truncate: false, tokenization_workers: 2, version: '1.5.0', sha: null, docker_label: null });
  if (!ctx.state.ready) return teiError(503, 'unhealthy', 'unhealthy');
  if (path === '/health') return answer(200, undefined, '');
  const list = inputs(req, path === '/embed' ? 'inputs' : 'input');
  if (!Array.isArray(list)) return list;
  if (path === '/embed') return json(200, list.map(embed), timing);
  const data = list.map((input, index) => ({ object: 'embedding', embedding: embed(input), index }));
  const tokens = list.reduce((sum, input) => sum + input.split(/\s+/).filter(Boolean).length + 2, 0);
  return json(200, { object: 'list', data, model: MODEL_ID, usage: { prompt_tokens: tokens, total_tokens: tokens } }, timing);
}

export const bge: ProductModel = {
  product: 'bge',
  component: 'bge',
  ports: [8080],
  listensWhileNotReady: true,
  initialState: () => ({ ready: true }),
  handle,
};
