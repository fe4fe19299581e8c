import ms from 'ms';
import { SetupError } from '../target/errors.js';

/** `30s`, `10m`, `500ms`, or a plain number of milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : ms(value as ms.StringValue);
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new SetupError(`${flag} ${JSON.stringify(value)} is not a duration (e.g. 30s, 10m, 500ms)`);
  return n;
}

export function parseCount(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new SetupError(`${flag} ${JSON.stringify(value)} is not a whole number`);
  return n;
}
