/** The cutover suite's gate ids (declared by the spec before anything is judged). */
import { TETHERS, tetherGateId } from './tethers.js';
import { HOLD_GATES, holdGateId } from './hold-gates.js';

export const CUTOVER_GATE_IDS: readonly string[] = [...TETHERS.map(tetherGateId), ...HOLD_GATES.map(holdGateId)];
