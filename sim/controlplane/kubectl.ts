/** The control plane's own kubectl (the server's minor version), for applying manifests as a cluster's installer would. */
import { execFile } from 'node:child_process';
import { resolveBinary } from './assets.js';

export function kubectl(kubeconfig: string, args: string[], input?: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(resolveBinary('kubectl'), ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 64 << 20, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.slice(0, 3).join(' ')}: ${(stderr || err.message).trim().split('\n').slice(-3).join(' | ')}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Server-side apply of a multi-document manifest (large CRDs exceed the last-applied annotation). */
export function applyServerSide(kubeconfig: string, manifest: string, fieldManager: string): Promise<string> {
  return kubectl(kubeconfig, ['apply', '--server-side', '--force-conflicts', `--field-manager=${fieldManager}`, '-f', '-'], manifest);
}
