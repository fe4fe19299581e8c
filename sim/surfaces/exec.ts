/** What exec into a slot's workload answers for the command its surface check runs. */
import type { ExecResult } from '../kube/exec.js';
import type { ExecCheck } from '../../src/kit/types.js';

export function execAnswer(check: ExecCheck, component: string, healthy: boolean): ExecResult {
  if (!healthy) return { stdout: '', stderr: `error: ${component} is not serving: connection refused\n`, exitCode: 1 };
  return { stdout: `${check.expectStdout ?? 'OK'}\n`, stderr: '', exitCode: 0 };
}

export function sameCommand(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}
