/**
 * From a run's outcome to the command's exit code, and the totals the recap
 * and JSON report print.
 */
import type { HostRecap, RunOutcome } from './types.ts';

/** Exit codes: 0 ok / in sync, 1 any host failed, unreachable or stale (or the run stopped), 2 changes pending (check). */
export function exitCodeOf(result: RunOutcome): 0 | 1 | 2 {
  const bad = result.hosts.some((h) => h.status === 'failed' || h.status === 'unreachable' || h.status === 'stale');
  if (bad || result.aborted) return 1;
  if (result.mode === 'check' && result.hosts.some((h) => h.status === 'changed')) return 2;
  return 0;
}

/** Sums of every host's recap (task counts, as Ansible's recap counts them). */
export function totalsOf(result: RunOutcome): HostRecap {
  const totals: HostRecap = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 };
  for (const host of result.hosts) {
    totals.ok += host.recap.ok;
    totals.changed += host.recap.changed;
    totals.failed += host.recap.failed;
    totals.unreachable += host.recap.unreachable;
    totals.skipped += host.recap.skipped;
  }
  return totals;
}
