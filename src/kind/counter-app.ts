/**
 * The counter app (fixtures/counter-app/manifests/*.yaml) for one region: its `${NAME}`
 * placeholders substituted, parsed into manifests. A placeholder without a value is an error,
 * never an empty string.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from './steps.js';
import { COUNTER, KIND_SOVEREIGN, cnpgClusterName, type KindRegion } from './topology.js';

export const COUNTER_MANIFEST_DIR = 'fixtures/counter-app/manifests';

export interface ManifestFile {
  /** Repository-relative path, for messages. */
  path: string;
  text: string;
}

export function readCounterManifests(repoRoot: string): ManifestFile[] {
  const dir = join(repoRoot, COUNTER_MANIFEST_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => ({ path: `${COUNTER_MANIFEST_DIR}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

export function counterVariables(region: KindRegion): Record<string, string> {
  return {
    COUNTER_NAMESPACE: COUNTER.namespace,
    CNPG_CLUSTER: cnpgClusterName(region),
    REGION: region.name,
    SOVEREIGN_FQDN: KIND_SOVEREIGN,
  };
}

/** envsubst-style `${NAME}`; YAML comments are left alone. */
export function substitute(file: ManifestFile, vars: Record<string, string>): string {
  return file.text
    .split('\n')
    .map((line) => {
      if (/^\s*#/.test(line)) return line;
      return line.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
        const value = vars[name];
        if (value === undefined) throw new Error(`${file.path}: no value for \${${name}}`);
        return value;
      });
    })
    .join('\n');
}

function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string';
}

export function counterManifests(files: ManifestFile[], region: KindRegion): Manifest[] {
  const vars = counterVariables(region);
  return files.flatMap((file) =>
    parseAllDocuments(substitute(file, vars)).flatMap((doc) => {
      if (doc.errors.length) throw new Error(`${file.path}: ${doc.errors[0].message}`);
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return [];
      if (!isManifest(value)) throw new Error(`${file.path}: a document without apiVersion/kind`);
      return [value];
    }),
  );
}
