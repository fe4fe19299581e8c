/** Runs the sweep over every region walked and turns every slot's result into a Gate. */
import type { Harness } from '../../run/harness.js';
import type { Kit } from '../../kit/types.js';
import type { Gate } from '../../gates/types.js';
import type { SlotProbe } from '../../../probes/catalog.js';
import { ReadinessSweep } from './sweep.js';
import { slotGate } from './gate.js';

export async function judgeReadiness(h: Harness, kit: Kit, catalog: SlotProbe[]): Promise<Gate[]> {
  const envs = h.regions.map((region) => ({ region, http: h.http, sovereign: h.sovereign, placeholder: kit.sovPlaceholder ?? '<sov>' }));
  const sweep = new ReadinessSweep(envs, catalog, { deadlineMs: h.ctx.options.slotDeadlineMs, settleMs: h.ctx.options.settleMs });
  await sweep.start();
  try {
    const results = await sweep.all();
    const regions = h.regions.map((r) => r.name);
    return catalog.map((p) => slotGate(results.get(p.id)!, regions, h.evidence));
  } finally {
    sweep.stop();
  }
}
