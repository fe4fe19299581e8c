/** Writes evidence files under `<runDir>/evidence/` with DoD-convention names, redacted. */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Evidence, EvidenceKind } from '../gates/types.js';
import { redact } from './redact.js';

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png', json: 'application/json', yaml: 'text/yaml', har: 'application/json',
  svg: 'image/svg+xml', log: 'text/plain', txt: 'text/plain', eml: 'message/rfc822', html: 'text/html',
};

export interface EvidenceInput {
  /** The surface this evidence shows (`console`, `bp-cnpg`, `voucher-email` …). */
  surface: string;
  kind: EvidenceKind;
  ext: string;
  content: string | Buffer;
  description?: string;
}

export class EvidenceWriter {
  private readonly dir: string;

  /** `prefix` is `t<NN>` for live Sovereigns and the target name otherwise. */
  constructor(runDir: string, private readonly prefix: string, private readonly date = new Date()) {
    this.dir = join(runDir, 'evidence');
  }

  write(input: EvidenceInput): Evidence {
    mkdirSync(this.dir, { recursive: true });
    const day = this.date.toISOString().slice(0, 10);
    const surface = input.surface.replace(/[^A-Za-z0-9._-]+/g, '-');
    let name = `${this.prefix}-${surface}-${day}.${input.ext}`;
    for (let i = 2; existsSync(join(this.dir, name)); i++) name = `${this.prefix}-${surface}-${day}-${i}.${input.ext}`;
    const body = typeof input.content === 'string' ? redact(input.content) : input.content;
    writeFileSync(join(this.dir, name), body);
    return {
      name,
      kind: input.kind,
      path: `evidence/${name}`,
      contentType: CONTENT_TYPES[input.ext] ?? 'application/octet-stream',
      description: input.description,
    };
  }

  json(surface: string, value: unknown, description?: string): Evidence {
    return this.write({ surface, kind: 'json', ext: 'json', content: JSON.stringify(value, null, 2), description });
  }
}

/** Evidence prefix: `t38` for `t38.omani.works`, else the target's short name. */
export function evidencePrefix(targetName: string, sovereign: string): string {
  const m = /^(t\d+)\./.exec(sovereign);
  return m ? m[1] : targetName;
}
