/**
 * The sim's event bus: a real `nats-server -js` child process (Debian package) on a random
 * loopback port, its store under the sim's scratch dir, with the `CATALYST` stream capturing
 * `catalyst.>` as the Sovereign's bridge expects (publishing without a stream fails upstream).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect, JSONCodec, type NatsConnection, type PubAck } from 'nats';
import type { SimContext } from '../context.js';

export const NATS_SERVER = '/usr/sbin/nats-server';
export const CATALYST_STREAM = 'CATALYST';

/** The catalyst event envelope (§8): `{id, type, source, timestamp, tenant_id, data, metadata}`. */
export interface CatalystEnvelope {
  id: string;
  type: string;
  source: string;
  timestamp: string;
  tenant_id: string;
  data: Record<string, unknown>;
  metadata: Record<string, string>;
}

export interface SimNats {
  url: string;
  nc: NatsConnection;
  /** Publishes on `catalyst.<envelope.type>` through JetStream with Msg-Id = envelope id, as the bridge does. */
  publishCatalyst(envelope: CatalystEnvelope): Promise<PubAck>;
}

/** The part of the sim context the bus uses. */
export type NatsSimContext = Pick<SimContext, 'dir' | 'targetExtras' | 'onStop'>;

const installed = new WeakMap<NatsSimContext, Promise<SimNats>>();
const LISTENING = /Listening for client connections on [^\s:]+:(\d+)/;
const START_TIMEOUT_MS = 10_000;

/** Starts the bus once per sim (every module that publishes calls this). */
export function installNats(ctx: NatsSimContext): Promise<SimNats> {
  let p = installed.get(ctx);
  if (!p) {
    p = start(ctx);
    installed.set(ctx, p);
  }
  return p;
}

async function start(ctx: NatsSimContext): Promise<SimNats> {
  const storeDir = join(ctx.dir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const child = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', '-1', '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  ctx.onStop(() => stopChild(child));
  const port = await listeningPort(child);
  const url = `nats://127.0.0.1:${port}`;
  const nc = await connect({ servers: url, name: 'sim-catalyst-bridge' });
  ctx.onStop(() => nc.close());
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: CATALYST_STREAM, subjects: ['catalyst.>'] });
  const js = nc.jetstream();
  const codec = JSONCodec<CatalystEnvelope>();
  ctx.targetExtras.nats = { url };
  return {
    url,
    nc,
    publishCatalyst: (envelope) => js.publish(`catalyst.${envelope.type}`, codec.encode(envelope), { msgID: envelope.id }),
  };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    let found = false;
    const timer = setTimeout(() => reject(new Error(`nats-server did not start within ${START_TIMEOUT_MS} ms: ${log.slice(-500)}`)), START_TIMEOUT_MS);
    // The pipe stays drained for the child's lifetime; only the start-up lines are kept.
    child.stderr?.on('data', (chunk: Buffer) => {
      if (found) return;
      log += String(chunk);
      const m = LISTENING.exec(log);
      if (m) {
        found = true;
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${NATS_SERVER}: ${e.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code} before listening: ${log.slice(-500)}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
