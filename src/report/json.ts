/**
 * The `--json` document (schema in docs/engine.md). One document per run;
 * input is already redacted.
 */
import { totalsOf } from '../engine/outcome.ts';
import type { HostRecap, HostStatus, RunOutcome } from '../engine/types.ts';

export const REPORT_FORMAT_VERSION = 1;

export interface JsonChange {
  task: string;
  id: string;
  module: string;
  summary: string;
  diff?: string;
  handler?: true;
  action?: true;
  /** apply only: false when the task's commands did not run (an earlier task failed). */
  applied?: boolean;
  /** apply only: the task's step found on the host it had nothing to do after all, and why. */
  skipped?: string;
}

export interface JsonHost {
  status: HostStatus;
  changes: JsonChange[];
  error?: string;
  recap: HostRecap;
  execRequests: number;
}

export interface JsonReport {
  formatVersion: typeof REPORT_FORMAT_VERSION;
  command: string;
  hosts: Record<string, JsonHost>;
  totals: HostRecap;
  aborted?: string;
  elapsedSeconds: number;
}

export function toJsonReport(result: RunOutcome, command: string): JsonReport {
  const hosts: Record<string, JsonHost> = {};
  for (const h of result.hosts) {
    const changes: JsonChange[] = [];
    for (const task of h.plays.flatMap((p) => p.tasks)) {
      for (const c of task.changes) {
        const entry: JsonChange = { task: task.name, id: task.id, module: task.module, summary: c.summary };
        if (c.diff !== undefined) entry.diff = c.diff;
        if (task.handler) entry.handler = true;
        if (c.action) entry.action = true;
        if (result.mode === 'apply') entry.applied = task.applied;
        if (task.skipped !== undefined) entry.skipped = task.skipped;
        changes.push(entry);
      }
    }
    const host: JsonHost = { status: h.status, changes, recap: h.recap, execRequests: h.execCount };
    if (h.error !== undefined) host.error = h.error;
    hosts[h.host] = host;
  }
  const report: JsonReport = {
    formatVersion: REPORT_FORMAT_VERSION,
    command,
    hosts,
    totals: totalsOf(result),
    elapsedSeconds: Math.round(result.elapsedSeconds * 1000) / 1000,
  };
  if (result.aborted) report.aborted = result.aborted;
  return report;
}
