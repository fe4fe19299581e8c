/** The chaos toolkit every chaos suite shares: fault ledger, applyFault, janitor, interlock. */
export type { FaultOwner, FaultSpec, LedgerEntry, LedgerState, RevertStep } from './types.js';
export { FaultLedger, LedgerError, STATE_DIR_ENV, stateDir, toFaultRecord } from './ledger.js';
export { applyFault, newFaultId, currentOwner, type AppliedFault } from './fault.js';
export { executeRevert, describeStep, RevertError, type RevertDeps } from './revert.js';
export { runJanitor, walkJanitor, holderAlive, describeJanitorRecord, type JanitorOptions, type JanitorResult } from './janitor.js';
export { activeFaults, revertActiveFaults } from './active.js';
export { installChaosSignalHandlers } from './signals.js';
export { assertChaosAllowed, chaosLevel, isTestSovereign, TEST_SOVEREIGN_PATTERNS, type ChaosLevel } from './interlock.js';
