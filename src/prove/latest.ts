/**
 * The newest proof of a harness version in a report folder, for the walk's HTML report to link:
 * a run folder is `<report dir>/<target>/<run id>/`, a proof `<report dir>/prove/<run id>/`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Proof } from './proof.js';
import { proofVerdictLine } from './verdict.js';

export interface ProofLink {
  /** index.html of the proof, relative to the run folder. */
  href: string;
  verdict: Proof['verdict'];
  finishedAt: string;
  commit?: string;
  line: string;
}

export function latestProof(runDir: string, version: string): ProofLink | undefined {
  const root = join(dirname(dirname(runDir)), 'prove');
  if (!existsSync(root)) return undefined;
  let best: { dir: string; proof: Proof } | undefined;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const file = join(root, entry.name, 'proof.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    let proof: Proof;
    try {
      proof = JSON.parse(readFileSync(file, 'utf8')) as Proof;
    } catch {
      continue;
    }
    if (proof.tool?.version !== version || typeof proof.finishedAt !== 'string') continue;
    if (!best || proof.finishedAt > best.proof.finishedAt) best = { dir: join(root, entry.name), proof };
  }
  if (!best) return undefined;
  const { proof } = best;
  return { href: join(relative(runDir, best.dir), 'index.html'), verdict: proof.verdict, finishedAt: proof.finishedAt, ...(proof.commit ? { commit: proof.commit } : {}), line: proofVerdictLine(proof) };
}
