/**
 * A whole run: plays in order; within a play, `serial` batches one after
 * another; within a batch, hosts in parallel (p-limit, `forks`). One
 * connection per host for the whole run. A failed, unreachable or stale host
 * leaves the run (later plays skip it) without stopping the others, unless
 * a batch's failures stop the run (max_fail_percentage, as in Ansible).
 */
import pLimit from 'p-limit';
import type { CompiledPlan, CompiledPlay } from '../plan/types.ts';
import { ConnectionError } from '../transport/types.ts';
import { batchStopReason, serialBatches } from './batches.ts';
import { runPlayOnHost, type HostSession } from './host.ts';
import { errorText } from './redact.ts';
import type { EngineOptions, HostOutcome, RunOutcome } from './types.ts';

export const DEFAULT_FORKS = 50;

/** Connection problems that mean the host did something wrong rather than could not be reached. */
const FAILED_KINDS = new Set(['command-timeout', 'become']);

function isOut(outcome: HostOutcome): boolean {
  return outcome.status === 'failed' || outcome.status === 'unreachable' || outcome.status === 'stale';
}

/**
 * The plays of the plan in order, each with the hosts it targets (in plan
 * order). `play` is the first host's copy, for the play-wide settings (name,
 * serial, max_fail_percentage); each host runs its own copy (its own tasks).
 */
export function playsInOrder(plan: CompiledPlan): { play: CompiledPlay; hosts: string[] }[] {
  const byIndex = new Map<number, { play: CompiledPlay; hosts: string[] }>();
  for (const [host, compiled] of Object.entries(plan.hosts)) {
    for (const play of compiled.plays) {
      const entry = byIndex.get(play.index) ?? { play, hosts: [] };
      entry.hosts.push(host);
      byIndex.set(play.index, entry);
    }
  }
  return [...byIndex.values()].sort((a, b) => a.play.index - b.play.index);
}

/** Ansible-style counts, and the host's final status, from its task outcomes. */
export function finishOutcome(outcome: HostOutcome, mode: 'check' | 'apply'): void {
  const recap = outcome.recap;
  recap.ok = 0;
  recap.changed = 0;
  recap.failed = 0;
  for (const play of outcome.plays) {
    for (const task of play.tasks) {
      if (task.status === 'failed') recap.failed += 1;
      else if (task.status === 'ok') recap.ok += 1;
      else if (mode === 'check' || task.applied) {
        recap.ok += 1;
        recap.changed += 1;
      }
    }
  }
  recap.unreachable = outcome.status === 'unreachable' ? 1 : 0;
  if (outcome.status === 'failed' && recap.failed === 0) recap.failed = 1;
  if (outcome.status === 'ok' || outcome.status === 'changed') outcome.status = recap.changed > 0 ? 'changed' : 'ok';
}

export async function runPlan(plan: CompiledPlan, options: EngineOptions): Promise<RunOutcome> {
  const started = performance.now();
  const limit = pLimit(options.forks ?? DEFAULT_FORKS);
  const sessions = new Map<string, HostSession>();
  for (const [host, compiled] of Object.entries(plan.hosts)) {
    sessions.set(host, {
      host,
      settings: compiled.connection,
      platform: compiled.platform,
      appliedSomething: false,
      outcome: {
        host,
        // A host with no plays is simply in sync; the others are skipped until a batch reaches them.
        status: compiled.plays.length === 0 ? 'ok' : 'skipped',
        plays: [],
        recap: { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0 },
        execCount: 0,
      },
    });
  }

  const workOn = async (session: HostSession, play: CompiledPlay): Promise<void> => {
    const outcome = session.outcome;
    // Interrupted: hosts waiting for a fork (or a later play) are not started.
    if (options.signal?.aborted) return;
    if (outcome.status === 'skipped') outcome.status = 'ok';
    try {
      if (!session.connection && play.tasks.length > 0) {
        options.onProgress?.({ host: session.host, phase: 'connect' });
        session.connection = await options.connector.connect(session.host, session.settings, options.connectOptions);
      }
      await runPlayOnHost(session, play, options);
    } catch (error) {
      if (error instanceof ConnectionError) {
        outcome.status = FAILED_KINDS.has(error.kind) ? 'failed' : 'unreachable';
        outcome.error = errorText(options.secrets.redact(error.message));
      } else {
        // A bug, not the host's fault: reported for this host, the others go on.
        outcome.status = 'failed';
        outcome.error = errorText(`internal error: ${options.secrets.redact(error instanceof Error ? error.message : String(error))}`);
        if (process.env.ZONECTL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      }
    }
    if (session.connection) outcome.execCount = session.connection.execCount;
    const last = plan.hosts[session.host]?.plays.at(-1)?.index === play.index;
    if (isOut(outcome)) await closeQuietly(session);
    if (isOut(outcome) || last) {
      const changed = outcome.plays.some((p) => p.tasks.some((t) => t.status === 'changed'));
      const status = isOut(outcome) ? outcome.status : changed ? 'changed' : 'ok';
      options.onProgress?.({ host: session.host, phase: 'done', status });
    }
  };

  let aborted: string | undefined;
  try {
    plays: for (const { play, hosts } of playsInOrder(plan)) {
      const active = hosts.filter((h) => !isOut((sessions.get(h) as HostSession).outcome));
      for (const batch of serialBatches(active, play.serial)) {
        await Promise.all(batch.map((h) => limit(() => workOn(sessions.get(h) as HostSession, ownCopy(plan, h, play.index)))));
        if (options.signal?.aborted) {
          aborted = 'interrupted (Ctrl-C): hosts not yet started were skipped';
          break plays;
        }
        const failed = batch.filter((h) => isOut((sessions.get(h) as HostSession).outcome)).length;
        const stop = batchStopReason(failed, batch.length, play.max_fail_percentage);
        if (stop) {
          aborted = `play "${play.name}" stopped the run: ${stop}`;
          break plays;
        }
      }
    }
  } finally {
    await Promise.all([...sessions.values()].map(closeQuietly));
  }

  const hosts = [...sessions.values()].map((s) => {
    const neverRun = s.outcome.status === 'skipped';
    finishOutcome(s.outcome, options.mode);
    if (neverRun) options.onProgress?.({ host: s.host, phase: 'done', status: 'skipped' });
    return s.outcome;
  });
  const result: RunOutcome = { mode: options.mode, hosts, elapsedSeconds: (performance.now() - started) / 1000 };
  if (aborted) result.aborted = aborted;
  return result;
}

function ownCopy(plan: CompiledPlan, host: string, index: number): CompiledPlay {
  const play = plan.hosts[host]?.plays.find((p) => p.index === index);
  if (!play) throw new Error(`host ${host} has no play ${index}`);
  return play;
}

async function closeQuietly(session: HostSession): Promise<void> {
  const conn = session.connection;
  if (!conn) return;
  session.outcome.execCount = conn.execCount;
  session.connection = undefined;
  try {
    await conn.close();
  } catch {
    // Closing a broken connection can fail; the outcome is already recorded.
  }
}
