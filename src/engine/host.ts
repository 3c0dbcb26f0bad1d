/**
 * One play on one host: probe (one round trip) → parse → diff, then for an
 * apply: the changed tasks' commands and the notified handlers (one round
 * trip, under the host's lock), then verify (one round trip). The number of
 * round trips never depends on the number of tasks.
 */
import type { Change, ModuleDefinition, ProbeOutput, RunContext } from '../modules/contract.ts';
import { TaskError } from '../modules/contract.ts';
import type { CompiledPlay, CompiledTask, ConnectionSettings } from '../plan/types.ts';
import { isUserError } from '../errors/index.ts';
import type { HostConnection } from '../transport/types.ts';
import { fingerprintOutputs } from './fingerprint.ts';
import { notifiedHandlers, unknownNotifications } from './handlers.ts';
import { errorText, indentContinuation, redactChange, tail } from './redact.ts';
import { probeSteps, unitOutput } from './probe-steps.ts';
import { buildApplyScript, buildProbeScript, LOCK_BUSY_EXIT, newMarker, parseFrames, withoutFrames } from './script.ts';
import type { EngineOptions, HostOutcome, PlayRecord, ReportedChange, SavedPlay, TaskOutcome } from './types.ts';

export const DEFAULT_LOCK_FILE = '/run/zonectl.lock';

/** A host's state across the plays of one run (one connection for all of them). */
export interface HostSession {
  host: string;
  settings: ConnectionSettings;
  platform: string;
  connection?: HostConnection;
  /** Something was applied to it earlier in this run (saved plans compare changes then). */
  appliedSomething: boolean;
  outcome: HostOutcome;
}

/** A task (or handler) being worked on: what its module needs and what it became. */
interface Unit {
  task: CompiledTask;
  module?: ModuleDefinition;
  params?: unknown;
  ctx: RunContext;
  probe?: string;
  /** Changes as the module returned them (with secret values, for commands only). */
  raw: Change[];
  outcome: TaskOutcome;
}

/** A failure that ends this host's play; its message may span lines. */
class HostFailure extends Error {}

/** `task "NAME" (SOURCE): ERROR`, the error's continuation lines indented under it. */
function taskFailure(unit: Unit): string {
  return `task "${unit.task.name}" (${unit.task.source}): ${indentContinuation(unit.outcome.error ?? 'failed', '  ')}`;
}

/** Every failed task is reported, not only the first: one block per task. */
function failureOf(units: readonly Unit[]): HostFailure {
  if (units.length === 1) return new HostFailure(taskFailure(units[0] as Unit));
  return new HostFailure([`${units.length} tasks failed:`, ...units.map((u) => `  ${indentContinuation(taskFailure(u), '  ')}`)].join('\n'));
}

function messageOf(error: unknown, module: string): string {
  if (error instanceof TaskError) return error.message;
  if (isUserError(error)) return error.message + ('hint' in error && error.hint ? ` (${error.hint})` : '');
  const text = error instanceof Error ? error.message : String(error);
  return `module ${module} failed unexpectedly: ${text}`;
}

function fail(unit: Unit, message: string): void {
  unit.outcome.status = 'failed';
  unit.outcome.error = errorText(message);
}

export async function runPlayOnHost(session: HostSession, play: CompiledPlay, options: EngineOptions): Promise<void> {
  const record: PlayRecord = { index: play.index, name: play.name, tasks: [] };
  session.outcome.plays.push(record);
  session.outcome.recap.skipped += play.skipped.length;
  const { secrets } = options;
  const redact = (text: string): string => secrets.redact(text);
  if (play.tasks.length === 0) {
    // Nothing to probe (every task skipped): no round trip at all.
    record.fingerprint = fingerprintOutputs([]);
    if (options.saved) checkSavedOrStale(session, record, options.saved);
    return;
  }
  const conn = session.connection;
  if (!conn) throw new Error('runPlayOnHost needs a connection');
  const marker = (options.newMarker ?? newMarker)();
  const run = async (script: string) => conn.runScript(script, options.commandTimeoutMs ? { timeoutMs: options.commandTimeoutMs } : undefined);
  const progress = (phase: 'probe' | 'apply' | 'verify'): void =>
    options.onProgress?.({ host: session.host, phase, play: { index: play.index, name: play.name } });

  const ctx: RunContext = {
    host: session.host,
    platform: session.platform,
    managementAddress: session.settings.address,
    allowManagementChange: options.allowManagementChange ?? false,
    vars: options.hostVars?.(session.host) ?? {},
  };

  const prepare = (task: CompiledTask, handler: boolean): Unit => {
    const unit: Unit = {
      task,
      ctx,
      raw: [],
      outcome: {
        play: play.index,
        id: task.id,
        name: task.name,
        module: task.module,
        source: task.source,
        handler,
        status: 'ok',
        changes: [],
        applied: false,
      },
    };
    const module = options.findModule(task.module);
    if (!module) {
      fail(unit, `unknown module ${task.module}`);
      return unit;
    }
    const platforms = module.platforms ?? ['linux'];
    if (!platforms.includes(session.platform)) {
      fail(unit, `module ${task.module} does not drive platform ${session.platform} (it drives ${platforms.join(', ')})`);
      return unit;
    }
    unit.module = module;
    try {
      // Modules work with real values so that quote() sees them; what comes out is redacted.
      unit.params = secrets.revealDeep(task.params);
      unit.probe = module.probe(unit.params, ctx);
    } catch (error) {
      fail(unit, redact(messageOf(error, task.module)));
    }
    return unit;
  };

  const tasks = play.tasks.map((t) => prepare(t, false));
  const handlers = play.handlers.map((t) => prepare(t, true));
  const all = [...tasks, ...handlers];
  for (const unit of tasks) {
    const unknown = unknownNotifications([unit.task], play.handlers);
    if (unknown.length > 0 && unit.outcome.status !== 'failed') {
      fail(unit, `notifies ${unknown.map((n) => `"${n}"`).join(', ')}, which no handler of the play is named`);
    }
  }

  /** Runs the probes of `units` in one round trip; returns each one's output (redacted for the fingerprint). */
  const probeAll = async (units: Unit[]): Promise<(ProbeOutput | undefined)[]> => {
    const probing = units.filter((u) => u.probe !== undefined);
    const { steps, owners, shared } = probeSteps(probing, ctx);
    const result = await run(buildProbeScript(steps, marker));
    const frames = parseFrames(result.stdout, marker, steps.length, result.stderr);
    const byUnit = new Map<Unit, ProbeOutput | undefined>();
    owners.forEach((owner, step) => {
      const from = shared[step];
      if (owner !== undefined) byUnit.set(probing[owner] as Unit, unitOutput(frames.steps[step], from === undefined ? undefined : frames.steps[from]));
    });
    const missing = probing.filter((u) => !byUnit.get(u));
    if (missing.length > 0) {
      const why = tail(redact(withoutFrames(result.stderr, marker))) || `exit status ${result.exitCode}`;
      for (const u of missing) fail(u, `its probe did not report (the probe script stopped early: ${why})`);
    }
    return units.map((u) => byUnit.get(u));
  };

  /** parse → diff for one unit; failures belong to the unit. */
  const diffUnit = (unit: Unit, output: ProbeOutput | undefined): Change[] | undefined => {
    if (!unit.module || !output || unit.outcome.status === 'failed') return undefined;
    try {
      const state: unknown = unit.module.parse(output, unit.params, ctx);
      return unit.module.diff(unit.params, state, ctx);
    } catch (error) {
      fail(unit, redact(messageOf(error, unit.task.module)));
      return undefined;
    }
  };

  try {
    // ── probe: one round trip for every task and handler of the play
    progress('probe');
    const outputs = await probeAll(all);
    record.fingerprint = fingerprintOutputs(
      outputs.map((o) => (o ? { stdout: redact(o.stdout), stderr: redact(o.stderr), exitCode: o.exitCode } : undefined)),
    );
    tasks.forEach((unit, i) => {
      const changes = diffUnit(unit, outputs[i]);
      if (!changes) return;
      unit.raw = changes;
      unit.outcome.changes = changes.map((c) => redactChange(secrets, c, unit.task.params));
      if (changes.length > 0) unit.outcome.status = 'changed';
    });
    // A handler that runs is diffed as it is reached: its changes decide whether it notifies further handlers.
    const notified = notifiedHandlers(
      tasks.map((u) => ({ notify: u.task.notify, changed: u.outcome.status === 'changed' })),
      play.handlers,
      (i) => {
        const unit = handlers[i] as Unit;
        const changes = diffUnit(unit, outputs[tasks.length + i]);
        if (!changes) return false;
        unit.raw = changes;
        unit.outcome.changes = changes.map((c) => redactChange(secrets, c, unit.task.params));
        if (changes.length > 0) unit.outcome.status = 'changed';
        return changes.length > 0;
      },
    );
    const running = notified.map((i) => handlers[i] as Unit);
    // Handlers that were not notified are not part of the outcome (their probe failures do not matter).
    const reported = [...tasks, ...running];
    record.tasks = reported.map((u) => u.outcome);
    const failed = reported.filter((u) => u.outcome.status === 'failed');
    if (failed.length > 0) throw failureOf(failed);

    if (options.saved) checkSaved(session, record, options.saved.get(session.host)?.get(play.index));
    if (options.mode === 'check') return;
    if (options.signal?.aborted) throw new HostFailure('interrupted before its changes were applied (nothing was changed)');

    // ── apply: one round trip, changed tasks in order, then handlers, under the lock
    const changed = reported.filter((u) => u.raw.length > 0);
    if (changed.length === 0) return;
    const steps: { unit: Unit; text: string }[] = [];
    for (const unit of changed) {
      try {
        steps.push({ unit, text: (unit.module as ModuleDefinition).commands(unit.raw, unit.params, ctx) });
      } catch (error) {
        fail(unit, redact(messageOf(error, unit.task.module)));
        throw failureOf([unit]);
      }
    }
    progress('apply');
    // A handler runs only if a task (or an earlier handler) that notifies it still changed something at apply time.
    const notifiers = (handler: Unit): number[] => steps.flatMap((s, i) => (s.unit !== handler && s.unit.task.notify.includes(handler.task.name) ? [i] : []));
    const script = buildApplyScript(
      steps.map((s) => (s.unit.outcome.handler ? { text: s.text, onlyIfChanged: notifiers(s.unit) } : { text: s.text })),
      marker,
      {
        host: session.host,
        lockFile: typeof options.lockFile === 'function' ? options.lockFile(session.host) : (options.lockFile ?? DEFAULT_LOCK_FILE),
      },
    );
    const result = await run(script);
    const frames = parseFrames(result.stdout, marker, steps.length);
    if (!frames.locked) {
      const why = tail(redact(result.stderr)) || `exit status ${result.exitCode}`;
      throw new HostFailure(result.exitCode === LOCK_BUSY_EXIT ? why : `the apply script did not start: ${why}`);
    }
    session.appliedSomething = true;
    for (const [i, step] of steps.entries()) {
      const out = frames.steps[i];
      if (out && out.exitCode === 0) {
        step.unit.outcome.applied = true;
        const skipped = frames.skipped[i];
        if (skipped !== undefined) {
          step.unit.outcome.skipped = errorText(redact(skipped));
          step.unit.outcome.status = 'ok';
        }
        continue;
      }
      const detail = out
        ? tail(redact(out.stderr)) || tail(redact(out.stdout)) || 'no error output'
        : tail(redact(result.stderr)) || 'the apply script stopped';
      const status = out ? `exit status ${out.exitCode}` : 'did not finish';
      fail(step.unit, `its commands failed (${status}): ${detail}`);
      throw failureOf([step.unit]);
    }

    // ── verify: one round trip; every state change must now be in sync
    const verifying = changed.filter((u) => u.outcome.skipped === undefined && u.raw.some((c) => !c.action));
    if (verifying.length === 0) return;
    progress('verify');
    const again = await probeAll(verifying);
    const differs: string[] = [];
    verifying.forEach((unit, i) => {
      const changes = diffUnit(unit, again[i]);
      if (!changes) {
        differs.push(`task "${unit.task.name}": ${unit.outcome.error}`);
        return;
      }
      const left = changes.filter((c) => !c.action).map((c) => redact(c.summary));
      if (left.length > 0) {
        fail(unit, `${unit.task.name} still differs after apply: ${left.join('; ')}`);
        differs.push(unit.outcome.error as string);
      }
    });
    if (differs.length > 0) throw new HostFailure(differs.map((d) => indentContinuation(d, '  ')).join('\n'));
  } catch (error) {
    if (!(error instanceof HostFailure)) throw error;
    session.outcome.error = error.message;
    if (session.outcome.status !== 'stale') session.outcome.status = 'failed';
  }
}

/** checkSaved outside the probe's try: a refusal ends the host's play the same way. */
function checkSavedOrStale(session: HostSession, record: PlayRecord, saved: NonNullable<EngineOptions['saved']>): void {
  try {
    checkSaved(session, record, saved.get(session.host)?.get(record.index));
  } catch (error) {
    if (!(error instanceof HostFailure)) throw error;
    session.outcome.error = error.message;
  }
}

function sameChanges(a: readonly ReportedChange[] | undefined, b: readonly ReportedChange[]): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b);
}

/**
 * `apply FILE`: the host must still be as it was when the plan was made. On
 * a host nothing was applied to yet in this run, the fingerprints must match;
 * after an earlier play changed it, its fingerprint legitimately moved, so the
 * freshly computed changes must equal the reviewed ones.
 */
function checkSaved(session: HostSession, record: PlayRecord, saved: SavedPlay | undefined): void {
  const stale = (why: string): never => {
    session.outcome.status = 'stale';
    throw new HostFailure(`plan is stale for ${session.host}: ${why} (re-run zonectl plan)`);
  };
  if (!saved) return stale('it was not probed when the plan was made (it failed or was unreachable then)');
  if (!session.appliedSomething && saved.fingerprint !== record.fingerprint) {
    return stale('its state changed since the plan was made');
  }
  for (const task of record.tasks) {
    if (!sameChanges(saved.changes[task.id], task.changes)) {
      return stale(`the changes of task "${task.name}" differ from the reviewed plan`);
    }
  }
  const savedIds = Object.keys(saved.changes).filter((id) => (saved.changes[id] ?? []).length > 0);
  const now = new Set(record.tasks.filter((t) => t.changes.length > 0).map((t) => t.id));
  if (savedIds.some((id) => !now.has(id))) stale('a reviewed change is no longer needed');
}
