/**
 * One embedded Sovereign for a journeys test file: the smallest kit that carries the journeys'
 * chain (the Gateway and catalyst-platform: console, catalyst-api, storefront and their
 * HTTPRoutes), only the journeys module, and the faults given at start. It returns once the
 * chain answers as a browser reaches it: the front door routes `console.<sov>` and
 * `marketplace.<sov>` by their HTTPRoutes to the pods (nginx's `/healthz`, which no module
 * route serves) and the console's `/api/` reaches catalyst-api's pods (`/api/v1/version`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimFaults, startSim, type RunningSim } from '../sim/index.js';
import { Harness } from '../src/run/harness.js';
import type { RunContext, WalkOptions } from '../src/run/context.js';
import { HttpClient } from '../src/target/http.js';
import { JOURNEY_SLOTS, kitOf } from './helpers/kits.js';

export interface JourneyWorld {
  sim: RunningSim;
  h: Harness;
  runDir: string;
  /** Stops the harness and the sim and removes the run folder; safe to call twice and after a failed start. */
  stop(): Promise<void>;
}

export const JOURNEY_KIT = kitOf(JOURNEY_SLOTS);

const OPTIONS = { operatorSession: false, operatorEmail: 'operator@sovereign-walk.test', customerEmail: 'customer@sovereign-walk.test', redeemLinkForm: 'slash' } as WalkOptions;

/** Until the chain answers through the front door (or `timeoutMs`, then an Error naming what did not). */
async function chainAnswers(sim: RunningSim, timeoutMs: number): Promise<void> {
  const http = new HttpClient(sim.target);
  const sov = sim.target.sovereign;
  const checks: [string, (status: number, body: string) => boolean][] = [
    [`https://console.${sov}/healthz`, (s, b) => s === 200 && b.trim() === 'ok'],
    [`https://marketplace.${sov}/healthz`, (s, b) => s === 200 && b.trim() === 'ok'],
    [`https://console.${sov}/api/v1/version`, (s, b) => s === 200 && b.includes('"service":"catalyst-api"')],
  ];
  const deadline = Date.now() + timeoutMs;
  try {
    for (const [url, ok] of checks) {
      for (;;) {
        const x = await http.request(url, { timeoutMs: 5_000 });
        if (x.response && ok(x.response.status, HttpClient.fullBody(x))) break;
        if (Date.now() > deadline) throw new Error(`the journeys' chain did not come up within ${timeoutMs} ms: ${url} → ${x.response ? `${x.response.status} ${x.response.body.slice(0, 120)}` : x.error}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await http.close();
  }
}

/** `faults`: `--sim-fault` specs, validated as the walk validates them. */
export async function startJourneyWorld(name: string, faults: readonly string[] = [], readyTimeoutMs = 180_000): Promise<JourneyWorld> {
  const runDir = mkdtempSync(join(tmpdir(), `sw-${name}-`));
  let sim: RunningSim | undefined;
  let h: Harness | undefined;
  const stop = async () => {
    await h?.close();
    h = undefined;
    await sim?.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    sim = await startSim({ kit: JOURNEY_KIT, faults: parseSimFaults(faults, JOURNEY_KIT), modules: ['journeys'] });
    await chainAnswers(sim, readyTimeoutMs);
    const ctx: RunContext = { runId: name, runDir, target: sim.target, options: OPTIONS, startedAt: new Date().toISOString() };
    h = new Harness(ctx);
    return { sim, h, runDir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
