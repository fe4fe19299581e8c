/** The proof's reports in its folder: proof.json, proof.md and index.html, each through `redact()`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact, redactJson } from '../evidence/redact.js';
import type { Proof } from './proof.js';
import { renderProofMarkdown } from './render-markdown.js';
import { renderProofHtml } from './render-html.js';

export const PROOF_FILES = ['index.html', 'proof.md', 'proof.json'] as const;

export async function writeProofReports(dir: string, input: Proof): Promise<void> {
  const proof = redactJson(input);
  writeFileSync(join(dir, 'proof.json'), `${JSON.stringify(proof, null, 2)}\n`);
  writeFileSync(join(dir, 'proof.md'), redact(renderProofMarkdown(proof)));
  writeFileSync(join(dir, 'index.html'), redact(renderProofHtml(proof)));
}
