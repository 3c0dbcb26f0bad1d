/**
 * The engine: probe, diff, apply, verify, handlers, batches. Pure pieces
 * (scripts, frames, batches, handlers, outcomes) are exported for reuse and
 * tests; `runPlan` is the one entry that talks to hosts, through the
 * injected Connector.
 */
export { runPlan, playsInOrder, DEFAULT_FORKS } from './run.ts';
export { DEFAULT_LOCK_FILE } from './host.ts';
export { exitCodeOf, totalsOf } from './outcome.ts';
export { serialBatches, batchStopReason } from './batches.ts';
export { notifiedHandlers } from './handlers.ts';
export { buildProbeScript, buildApplyScript, parseFrames, newMarker } from './script.ts';
export { fingerprintOutputs } from './fingerprint.ts';
export { redactDeep } from './redact.ts';
export type * from './types.ts';
