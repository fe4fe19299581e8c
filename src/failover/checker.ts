/**
 * The failover verdict: a pure function of what the client saw (history) and what the surviving
 * database holds (final). Loss is judged by client-unique key, never by id, because PostgreSQL
 * sequences skip values after a crash or promotion.
 */
import type { FinalState, History, WriteRecord } from './history.js';

export interface Thresholds {
  /** Maximum time from the kill to the first acknowledgement that proves recovery (see isRecoveryAck). */
  rtoMs: number;
  /** Maximum number of lost acknowledged writes (normally 0). */
  rpo: number;
}

export interface IdMismatch {
  key: string;
  ackedId: number;
  finalIds: number[];
}

export interface Verdict {
  acknowledged: number;
  /** Acknowledged keys absent from the final state. */
  lost: string[];
  /** Keys in the final state that were never acknowledged (indeterminate writes that committed). */
  unexpected: string[];
  /** Keys present more than once in the final state. */
  duplicated: string[];
  /** Server ids acknowledged for more than one key. */
  reissuedIds: number[];
  /** Gaps between consecutive final ids that hide no acknowledged id. */
  harmlessGaps: number;
  /** First recovery ack (see isRecoveryAck) minus the kill; null without a kill or without such an ack. */
  rtoMs: number | null;
  /** Last ack at-or-before the kill → first recovery ack. */
  unavailableMs: number | null;
  ackedAfterKill: number;
  errors: number;
  /** Acknowledged keys present in the final state under a different id. */
  idMismatches: IdMismatch[];
  verdict: 'pass' | 'fail';
  reasons: string[];
  thresholds: Thresholds;
}

const LISTED_IN_REASON = 20;

interface KeyOrder {
  writer: string;
  seq: number;
}

function keyOrder(key: string, byKey: ReadonlyMap<string, WriteRecord>): KeyOrder {
  const write = byKey.get(key);
  if (write !== undefined) return { writer: write.writer, seq: write.seq };
  const match = /^(.*)-(\d+)$/.exec(key);
  return match === null ? { writer: key, seq: -1 } : { writer: match[1], seq: Number(match[2]) };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(keys: Iterable<string>, byKey: ReadonlyMap<string, WriteRecord>): string[] {
  return [...keys]
    .map((key) => ({ key, ...keyOrder(key, byKey) }))
    .sort((a, b) => compareStrings(a.writer, b.writer) || a.seq - b.seq || compareStrings(a.key, b.key))
    .map(({ key }) => key);
}

function numeric(a: number, b: number): number {
  return a - b;
}

function listForReason(items: ReadonlyArray<string | number>): string {
  const shown = items.slice(0, LISTED_IN_REASON).join(', ');
  return items.length > LISTED_IN_REASON ? `${shown}, … (+${items.length - LISTED_IN_REASON} more)` : shown;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Counts gaps in the sorted distinct final ids that contain no acknowledged id. */
function countHarmlessGaps(finalIds: number[], ackedIds: number[]): number {
  let gaps = 0;
  let a = 0;
  for (let i = 1; i < finalIds.length; i++) {
    const low = finalIds[i - 1];
    const high = finalIds[i];
    if (high - low <= 1) continue;
    while (a < ackedIds.length && ackedIds[a] <= low) a++;
    if (a >= ackedIds.length || ackedIds[a] >= high) gaps++;
  }
  return gaps;
}

/**
 * Whether an acknowledgement after the kill proves the service recovered: the write was sent after
 * the kill, or a backend that served nothing before the kill answered it; never one the killed
 * region answered. A write in flight at the kill that the dying primary still acknowledged proves
 * nothing about recovery, and counting it would report an RTO of a few milliseconds.
 */
export function isRecoveryAck(w: WriteRecord, killAt: number, endpointsBeforeKill: ReadonlySet<string>, killedRegions: ReadonlySet<string>): boolean {
  if (w.ackAt === null || w.ackAt <= killAt || killedRegions.has(w.endpoint)) return false;
  return w.sentAt >= killAt || !endpointsBeforeKill.has(w.endpoint);
}

export function checkHistory(history: History, final: FinalState, thresholds: Thresholds): Verdict {
  const byKey = new Map(history.writes.map((w) => [w.key, w]));
  const acked = history.writes.filter((w) => w.ackAt !== null);

  const finalIdsByKey = new Map<string, number[]>();
  for (const row of final.rows) {
    const ids = finalIdsByKey.get(row.key);
    if (ids === undefined) finalIdsByKey.set(row.key, [row.id]);
    else ids.push(row.id);
  }

  const lost = sortKeys(acked.filter((w) => !finalIdsByKey.has(w.key)).map((w) => w.key), byKey);
  const ackedKeys = new Set(acked.map((w) => w.key));
  const unexpected = sortKeys([...finalIdsByKey.keys()].filter((key) => !ackedKeys.has(key)), byKey);
  const duplicated = sortKeys(
    [...finalIdsByKey].filter(([, ids]) => ids.length > 1).map(([key]) => key),
    byKey,
  );

  const keysByAckedId = new Map<number, Set<string>>();
  for (const w of acked) {
    if (w.id === null) continue;
    const keys = keysByAckedId.get(w.id) ?? new Set<string>();
    keys.add(w.key);
    keysByAckedId.set(w.id, keys);
  }
  const reissuedIds = [...keysByAckedId].filter(([, keys]) => keys.size > 1).map(([id]) => id).sort(numeric);

  const idMismatches: IdMismatch[] = [];
  for (const key of sortKeys(ackedKeys, byKey)) {
    const ackedId = byKey.get(key)?.id ?? null;
    const finalIds = finalIdsByKey.get(key);
    if (ackedId === null || finalIds === undefined || finalIds.includes(ackedId)) continue;
    idMismatches.push({ key, ackedId, finalIds: [...finalIds].sort(numeric) });
  }

  const distinctFinalIds = [...new Set(final.rows.map((r) => r.id))].sort(numeric);
  const ackedIds = [...keysByAckedId.keys()].sort(numeric);
  const harmlessGaps = countHarmlessGaps(distinctFinalIds, ackedIds);

  const kills = history.events.filter((e) => e.event === 'kill');
  const killAt = kills.length === 0 ? null : Math.min(...kills.map((e) => e.at));
  let rtoMs: number | null = null;
  let unavailableMs: number | null = null;
  let ackedAfterKill = 0;
  if (killAt !== null) {
    const killedRegions = new Set(kills.map((e) => e.region).filter((r): r is string => typeof r === 'string'));
    const before = new Set(acked.filter((w) => (w.ackAt as number) <= killAt).map((w) => w.endpoint));
    let lastAckBefore: number | null = null;
    let firstRecovery: number | null = null;
    for (const w of acked) {
      const ackAt = w.ackAt as number;
      if (ackAt <= killAt) {
        lastAckBefore = lastAckBefore === null ? ackAt : Math.max(lastAckBefore, ackAt);
        continue;
      }
      ackedAfterKill++;
      if (isRecoveryAck(w, killAt, before, killedRegions)) firstRecovery = firstRecovery === null ? ackAt : Math.min(firstRecovery, ackAt);
    }
    if (firstRecovery !== null) {
      rtoMs = firstRecovery - killAt;
      if (lastAckBefore !== null) unavailableMs = firstRecovery - lastAckBefore;
    }
  }

  const reasons: string[] = [];
  if (lost.length > thresholds.rpo) {
    reasons.push(
      `${plural(lost.length, 'acknowledged write', 'acknowledged writes')} lost (rpo ${thresholds.rpo}): ${listForReason(lost)}`,
    );
  }
  if (killAt !== null && rtoMs === null) {
    reasons.push(ackedAfterKill === 0 ? 'no write was acknowledged after the kill' : `no write sent after the kill was acknowledged (only ${plural(ackedAfterKill, 'write', 'writes')} in flight at the kill, which proves no recovery)`);
  }
  if (rtoMs !== null && rtoMs > thresholds.rtoMs) {
    reasons.push(`rto ${rtoMs}ms exceeds ${thresholds.rtoMs}ms`);
  }
  if (duplicated.length > 0) {
    reasons.push(`${plural(duplicated.length, 'key', 'keys')} present more than once: ${listForReason(duplicated)}`);
  }
  if (reissuedIds.length > 0) {
    reasons.push(
      `${plural(reissuedIds.length, 'id', 'ids')} acknowledged for more than one key: ${listForReason(reissuedIds)}`,
    );
  }
  if (idMismatches.length > 0) {
    const shown = idMismatches.map((m) => `${m.key} (acked ${m.ackedId}, final ${m.finalIds.join('/')})`);
    reasons.push(
      `${plural(idMismatches.length, 'acknowledged write', 'acknowledged writes')} changed id: ${listForReason(shown)}`,
    );
  }

  return {
    acknowledged: acked.length,
    lost,
    unexpected,
    duplicated,
    reissuedIds,
    harmlessGaps,
    rtoMs,
    unavailableMs,
    ackedAfterKill,
    errors: history.writes.filter((w) => w.error !== null).length,
    idMismatches,
    verdict: reasons.length === 0 ? 'pass' : 'fail',
    reasons,
    thresholds: { rtoMs: thresholds.rtoMs, rpo: thresholds.rpo },
  };
}
