/** Shared plumbing of the kind:up / kind:down scripts: tool checks and exit codes. */
import { SetupError } from '../target/errors.js';
import { redact } from '../evidence/redact.js';
import { firstLine, type CommandRunner } from './runner.js';

const INSTALL_HINT: Record<string, string> = {
  kind: 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
  kubectl: 'https://kubernetes.io/docs/tasks/tools/',
  openssl: 'your distribution\'s openssl package',
};

/** kind:up and kind:down drive the engine through the docker CLI: it must answer. */
export async function requireDocker(runner: CommandRunner): Promise<void> {
  const result = await runner.run(['docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 });
  if (result.exitCode === 0 && result.stdout.trim() !== '') return;
  const reason = result.exitCode === 127 ? 'the docker client is not installed' : firstLine(result);
  throw new SetupError(`Docker is unavailable: ${reason}; --target kind needs a Docker engine (try --dry-run to see the plan)`);
}

/** SetupError naming every tool that is not on PATH. */
export async function requireTools(runner: CommandRunner, tools: string[]): Promise<void> {
  const missing: string[] = [];
  for (const tool of tools) {
    const found = await runner.run(['sh', '-c', 'command -v "$0"', tool], { timeoutMs: 10_000 });
    if (found.exitCode !== 0) missing.push(tool);
  }
  if (missing.length) {
    throw new SetupError(`${missing.join(', ')} not found on PATH (install: ${missing.map((t) => `${t}: ${INSTALL_HINT[t] ?? 'see its docs'}`).join('; ')})`);
  }
}

/** Runs a script body: exit 0 on success, 2 with one line for a SetupError, 1 with one line otherwise. */
export function runScript(name: string, body: () => Promise<void>): void {
  body().then(
    () => {
      process.exitCode = 0;
    },
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`${name}: ${redact(message.split('\n')[0])}\n`);
      process.exitCode = err instanceof SetupError ? 2 : 1;
    },
  );
}
