/**
 * Runs the judge of a judged-once suite (src/suites/judges.ts) in the walk's own process, bounded by the
 * suite's timeout and by a stop signal. A judge cannot be cancelled from outside: after a stop or
 * a timeout the walk reverts this process's active faults and walks no further suite, and the
 * abandoned judge ends with the process. Faults a judge left active (a suite bug) are reverted
 * before the next suite.
 */
import { revertActiveFaults } from '../chaos/active.js';
import { formatDuration } from '../report/format.js';

export type JudgeOutcome<T> = { ok: true; judged: T } | { ok: false; reason: string; stopWalk: boolean };

export async function judgeInWalk<T>(suite: string, judge: () => Promise<T>, o: { timeoutMs: number; stopped: Promise<NodeJS.Signals> }): Promise<JudgeOutcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), o.timeoutMs)));
  const judged = judge().then(
    (value) => ({ value }),
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  const first = await Promise.race([judged, timedOut, o.stopped]);
  clearTimeout(timer);
  const { failed } = await revertActiveFaults();
  const unreverted = failed.length ? `; could NOT revert ${failed.map((f) => `${f.id} (${f.error})`).join(', ')}` : '';
  if (first === 'timeout') return { ok: false, reason: `${suite} did not finish within ${formatDuration(o.timeoutMs)}; the walk stopped${unreverted}`, stopWalk: true };
  if (first instanceof Error) return { ok: false, reason: `${suite} could not be judged: ${first.message.split('\n')[0]}${unreverted}`, stopWalk: Boolean(unreverted) };
  if (typeof first === 'object') return unreverted ? { ok: false, reason: `${suite} left faults active${unreverted}`, stopWalk: true } : { ok: true, judged: first.value };
  return { ok: false, reason: `stopped by ${first}${unreverted}`, stopWalk: true };
}
