import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import mergePatch from 'json-merge-patch';
import { parse as parseYaml } from 'yaml';
import { StoreError, badRequest } from './errors.js';
import type { KubeObject } from './types.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export function patchTypeOf(contentType: string | undefined): PatchType {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const type = PATCH_TYPES[mediaType];
  if (!type) throw new StoreError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`);
  return type;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses a patch body; apply patches are YAML (a superset of JSON). */
export function parsePatch(type: PatchType, body: Buffer): unknown {
  let patch: unknown;
  try {
    patch = type === 'apply' ? parseYaml(body.toString('utf8')) : JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  if (type === 'json' ? !Array.isArray(patch) : !isObject(patch)) {
    throw badRequest(type === 'json' ? 'json patch must be an array of operations' : 'patch must be a JSON object');
  }
  return patch;
}

/**
 * Applies a parsed patch to a copy of `target`. Strategic-merge and apply patches are
 * treated as RFC 7386 merge patches: the sim has no schemas to merge lists by key.
 */
export function applyPatch(type: PatchType, target: KubeObject, patch: unknown): KubeObject {
  const doc = JSON.parse(JSON.stringify(target)) as KubeObject;
  let result: unknown;
  if (type === 'json') {
    try {
      result = jsonPatch.applyPatch(doc, patch as Operation[], true, true).newDocument;
    } catch (err) {
      throw new StoreError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(err as Error).message}`);
    }
  } else {
    result = mergePatch.apply(doc, patch);
  }
  if (!isObject(result) || !isObject(result.metadata)) throw new StoreError(422, 'Invalid', 'patched object must keep its metadata');
  return result as KubeObject;
}
