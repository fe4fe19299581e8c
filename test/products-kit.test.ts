/**
 * The canonical kit's HTTP surfaces judged against the product models, with the harness's own JSON
 * path rules: the checks no real product satisfies fail, and the corrections proposed in
 * docs/kit-surface-audit.md pass, as does every HTTP surface of the kit the walk ships
 * (fixtures/bootstrap-kit-48.json, the canonical kit with those corrections).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { containsSubset, isNonEmpty, readPath } from '../probes/kinds/path.js';
import { productFor } from '../sim/products/catalog.js';
import type { HttpJsonCheck, HttpStatusCheck, HttpTextCheck, Kit } from '../src/kit/types.js';
import type { ProductAnswer, ProductModel } from '../sim/products/types.js';

type HttpCheck = HttpJsonCheck | HttpStatusCheck | HttpTextCheck;

const SOV = 'sim.sovereign-walk.test';
const readKit = (file: string) => JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')) as Kit;
const kit = readKit('bootstrap-kit-48.canonical.json');
const shipped = readKit('bootstrap-kit-48.json');

/** The workload behind a component's public host where the component runs several. */
const WORKLOAD: Record<string, string> = { 'catalyst-platform': 'catalyst-ui', harbor: 'bp-harbor-core' };

function modelFor(component: string): ProductModel {
  const model = productFor(component, WORKLOAD[component]);
  assert.ok(model, `no product model for ${component}`);
  return model;
}

/** What the product answers to the check's request; the apex host is the WAF in front of the storefront. */
async function answerTo(component: string, check: HttpCheck): Promise<ProductAnswer> {
  const url = new URL(check.url.split('<sov>').join(SOV));
  const model = modelFor(component);
  const body = check.body === undefined ? '' : JSON.stringify(check.body);
  const headers = Object.fromEntries(Object.entries({ ...(body ? { 'content-type': 'application/json' } : {}), ...check.headers }).map(([k, v]) => [k.toLowerCase(), v]));
  const storefront = modelFor('catalyst-platform');
  const upstream = model.component === 'coraza' ? (req: Parameters<ProductModel['handle']>[0]) => Promise.resolve(storefront.handle(req, { sovereign: SOV, namespace: 'catalyst', pod: 'console-0', port: 8080, state: storefront.initialState() })) : undefined;
  return model.handle(
    { method: check.method ?? 'GET', path: `${url.pathname}${url.search}`, headers, body: Buffer.from(body) },
    { sovereign: SOV, namespace: component, pod: `${model.product}-0`, port: url.port ? Number(url.port) : model.ports[0], state: model.initialState(), upstream },
  );
}

/** The verdict of probes/kinds/http.ts on an answer. */
function satisfies(check: HttpCheck, a: ProductAnswer): boolean {
  const text = a.body.toString();
  if (check.kind === 'http-status') return (Array.isArray(check.expect) ? check.expect : [check.expect]).includes(a.status);
  if (a.status < 200 || a.status > 299) return false;
  if (check.kind === 'http-text') return text.includes(check.contains);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return false;
  }
  if (check.expect && !containsSubset(json, check.expect)) return false;
  if (check.expectPath && !isNonEmpty(readPath(json, check.expectPath))) return false;
  if (check.expectNonEmpty && !isNonEmpty(readPath(json, check.expectNonEmpty))) return false;
  return true;
}

const HTTP_KINDS = new Set(['http-json', 'http-status', 'http-text']);
const httpSlotsOf = (k: Kit) => k.slots.filter((s) => s.surface && HTTP_KINDS.has(s.surface.kind));
const httpSlots = httpSlotsOf(kit);

const SATISFIED = ['bp-openbao', 'bp-keycloak', 'bp-gitea', 'bp-catalyst-platform', 'bp-harbor', 'bp-loki', 'bp-mimir', 'bp-tempo', 'bp-grafana', 'bp-langfuse', 'bp-anthropic-adapter', 'bp-matrix'];
const UNSATISFIED = ['bp-seaweedfs', 'bp-coraza', 'bp-llm-gateway', 'bp-bge', 'bp-nemo-guardrails', 'bp-openmeter', 'bp-livekit', 'bp-librechat'];

/** docs/kit-surface-audit.md's corrected checks, verbatim. */
const CORRECTIONS: Record<string, HttpCheck> = {
  'bp-seaweedfs': { kind: 'http-status', url: 'http://seaweedfs.seaweedfs.svc.cluster.local:8333/status', expect: 200, inCluster: true },
  'bp-harbor': { kind: 'http-json', url: 'https://registry.<sov>/api/v2.0/health', expect: { status: 'healthy' } },
  'bp-coraza': { kind: 'http-status', url: 'https://<sov>/?id=1%27%20OR%201%3D1%20--', expect: 403 },
  'bp-llm-gateway': { kind: 'http-json', url: 'https://llm-gateway.<sov>/health/readiness', expect: { status: 'healthy', db: 'connected' } },
  'bp-bge': { kind: 'http-json', method: 'POST', url: 'https://bge.<sov>/embed', body: { inputs: ['hello'] }, expectPath: '[0][0]' },
  'bp-nemo-guardrails': { kind: 'http-json', url: 'https://guardrails.<sov>/v1/rails/configs', expectPath: '[0].id' },
  'bp-openmeter': { kind: 'http-status', url: 'https://openmeter.<sov>/api/v1/meters', expect: 200 },
  'bp-livekit': { kind: 'http-text', url: 'https://livekit.<sov>/', contains: 'OK' },
  'bp-librechat': { kind: 'http-text', url: 'https://librechat.<sov>/health', contains: 'OK' },
};

describe('the canonical kit\'s HTTP surfaces against the real products\' answers', () => {
  it('covers every HTTP surface of the kit', () => {
    assert.deepEqual(httpSlots.map((s) => s.name).sort(), [...SATISFIED, ...UNSATISFIED].sort());
  });

  for (const slot of httpSlots) {
    const component = slot.name.replace(/^bp-/, '');
    const expected = SATISFIED.includes(slot.name);
    it(`${slot.name}: ${expected ? 'satisfied' : 'no real product satisfies it'}`, async () => {
      const check = slot.surface as HttpCheck;
      const a = await answerTo(component, check);
      assert.equal(satisfies(check, a), expected, `${check.url} → ${a.status} ${a.body.toString().slice(0, 200)}`);
    });
  }

  for (const [name, check] of Object.entries(CORRECTIONS)) {
    it(`${name}: the proposed correction is satisfied`, async () => {
      const a = await answerTo(name.replace(/^bp-/, ''), check);
      assert.ok(satisfies(check, a), `${check.url} → ${a.status} ${a.body.toString().slice(0, 200)}`);
    });
  }

  for (const slot of httpSlotsOf(shipped)) {
    it(`${slot.name}: the shipped kit's check is satisfied`, async () => {
      const check = slot.surface as HttpCheck;
      const a = await answerTo(slot.name.replace(/^bp-/, ''), check);
      assert.ok(satisfies(check, a), `${check.url} → ${a.status} ${a.body.toString().slice(0, 200)}`);
    });
  }

  it('bp-bge: TEI never returns an `embeddings` key, whatever field the request uses', async () => {
    const kitCheck = kit.slots.find((s) => s.name === 'bp-bge')!.surface as HttpJsonCheck;
    const asKitAsks = await answerTo('bge', kitCheck);
    assert.equal(asKitAsks.status, 422);
    const rightField = await answerTo('bge', { ...kitCheck, body: { inputs: ['hello'] } });
    assert.equal(rightField.status, 200);
    const json = JSON.parse(rightField.body.toString()) as unknown;
    assert.ok(Array.isArray(json) && Array.isArray(json[0]), 'a JSON array of arrays');
    assert.equal(readPath(json, 'embeddings'), undefined);
    assert.equal(satisfies({ ...kitCheck, body: { inputs: ['hello'] } }, rightField), false);
  });
});
