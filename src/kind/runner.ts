/**
 * Runs external commands (docker, kind, kubectl, openssl) through zx. Everything that shells out
 * takes a CommandRunner, so tests substitute a recorder and assert on what would be executed.
 */
import { $ } from 'zx';

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Extra environment variables (added to this process's environment). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface RunResult {
  /** The exit status; -1 when the command was killed (timeout) or could not start. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  run(argv: string[], opts?: RunOptions): Promise<RunResult>;
}

export const zxRunner: CommandRunner = {
  async run(argv, opts = {}) {
    const out = await $({
      nothrow: true,
      quiet: true,
      input: opts.input,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      timeout: opts.timeoutMs,
    })`${argv}`;
    const timedOut = out.exitCode === null;
    return {
      exitCode: out.exitCode ?? -1,
      stdout: out.stdout,
      stderr: timedOut ? `${out.stderr}${argv[0]} did not finish within ${opts.timeoutMs} ms (${out.signal ?? 'killed'})` : out.stderr,
    };
  },
};

/** The first non-empty line of a command's stderr (or stdout), for one-line messages. */
export function firstLine(result: RunResult): string {
  const line = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim()).find((l) => l !== '');
  return line ?? `exit status ${result.exitCode}`;
}

/** The last lines of stderr, for a failed step's report. */
export function tail(text: string, lines = 5): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
