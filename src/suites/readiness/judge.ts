/** Runs the sweep on the primary region and turns every slot's result into a Gate. */
import type { Harness } from '../../run/harness.js';
import type { Kit } from '../../kit/types.js';
import type { Gate } from '../../gates/types.js';
import type { SlotProbe } from '../../../probes/catalog.js';
import { ReadinessSweep } from './sweep.js';
import { slotGate } from './gate.js';

export async function judgeReadiness(h: Harness, kit: Kit, catalog: SlotProbe[]): Promise<Gate[]> {
  const sweep = new ReadinessSweep(
    { region: h.primary, http: h.http, sovereign: h.sovereign, placeholder: kit.sovPlaceholder ?? '<sov>' },
    catalog,
    { deadlineMs: h.ctx.options.slotDeadlineMs, settleMs: h.ctx.options.settleMs },
  );
  await sweep.start();
  try {
    const results = await sweep.all();
    return catalog.map((p) => slotGate(results.get(p.id)!, h.primary.name, h.evidence));
  } finally {
    sweep.stop();
  }
}
