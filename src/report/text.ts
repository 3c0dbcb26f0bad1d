/**
 * Line-oriented rendering of a run: only what changes (or would), per host
 * and task, with file diffs indented under their task; one line per failed
 * or unreachable host; then the recap. Input is already redacted.
 */
import type { HostOutcome, RunOutcome, TaskOutcome } from '../engine/types.ts';

export interface TextOptions {
  /** List in-sync tasks too (-v). */
  verbose?: boolean;
}

function indent(text: string, prefix: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function taskLines(task: TaskOutcome, mode: RunOutcome['mode']): string[] {
  const where = `[${task.module}] ${task.source}`;
  if (task.handler) {
    const verb = mode === 'check' ? 'would run handler' : task.applied ? 'ran handler' : 'handler not run';
    const lines = [`  ! ${verb}: ${task.name}  ${where}`];
    for (const change of task.changes.filter((c) => !c.action)) lines.push(`      ${change.summary}`);
    return lines;
  }
  const mark = mode === 'apply' && !task.applied ? '  ~ (not applied) ' : '  ~ ';
  const lines = [`${mark}${task.name}  ${where}`];
  for (const change of task.changes) {
    lines.push(`      ${change.summary}`);
    if (change.diff) lines.push(indent(change.diff, '        '));
  }
  return lines;
}

/** The block printed for one host; empty when it is in sync and not verbose. */
export function renderHost(host: HostOutcome, mode: RunOutcome['mode'], options: TextOptions = {}): string {
  const lines: string[] = [];
  const tasks = host.plays.flatMap((p) => p.tasks);
  const changed = tasks.filter((t) => t.status === 'changed' || (t.status === 'failed' && t.changes.length > 0));
  // Apply: a task whose step found on the host it had nothing to do after all is said, not counted as changed.
  const skippedAtApply = (t: TaskOutcome): boolean => t.skipped !== undefined;
  const listed = options.verbose ? tasks : tasks.filter((t) => changed.includes(t) || skippedAtApply(t));
  for (const task of listed) {
    if (task.skipped !== undefined) lines.push(`  - ${task.name}  [${task.module}] ${task.source}`, `      skipped: ${task.skipped}`);
    else if (task.status === 'ok') lines.push(`  = ${task.name}  [${task.module}] ${task.source}: in sync`);
    else if (task.changes.length > 0) lines.push(...taskLines(task, mode));
  }
  let head: string;
  // A multi-line error (several failed tasks, nft's `^` column marker) keeps its lines, indented under the host.
  const error = host.error === undefined ? undefined : host.error.replace(/\n/g, '\n    ');
  switch (host.status) {
    case 'failed':
      head = `${host.host}: FAILED: ${error ?? 'failed'}`;
      break;
    case 'unreachable':
      head = `${host.host}: UNREACHABLE: ${error ?? 'unreachable'}`;
      break;
    case 'stale':
      head = `${host.host}: REFUSED: ${error ?? 'plan is stale'}`;
      break;
    case 'skipped':
      head = `${host.host}: skipped (the run stopped before it)`;
      break;
    default: {
      const count = changed.filter((t) => !t.handler).length;
      const skips = tasks.filter(skippedAtApply).length;
      if (count === 0 && skips === 0 && !options.verbose) return '';
      const what = mode === 'check' ? 'would change' : 'changed';
      head = count === 0 ? `${host.host}: ${skips > 0 ? 'nothing changed' : 'in sync'}` : `${host.host}: ${count} task${count === 1 ? '' : 's'} ${what}`;
    }
  }
  return [head, ...lines].join('\n');
}

export function renderChanges(result: RunOutcome, options: TextOptions = {}): string {
  if (result.hosts.length === 0) return 'no hosts: no play matched any host, nothing to do\n';
  const blocks = result.hosts.map((h) => renderHost(h, result.mode, options)).filter((b) => b !== '');
  if (blocks.length === 0) return result.mode === 'check' ? 'no changes: every host is in sync\n' : 'nothing to change: every host is in sync\n';
  return `${blocks.join('\n\n')}\n`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text + ' '.repeat(width - text.length);
}

/** Ansible's PLAY RECAP, and the elapsed time. */
export function renderRecap(result: RunOutcome): string {
  const width = Math.max(20, ...result.hosts.map((h) => h.host.length + 2));
  const lines = ['', `PLAY RECAP ${'*'.repeat(60)}`];
  for (const h of result.hosts) {
    const r = h.recap;
    // Ansible's spacing: each count left-aligned in 4 columns
    const cells = (
      [
        ['ok', r.ok],
        ['changed', r.changed],
        ['unreachable', r.unreachable],
        ['failed', r.failed],
        ['skipped', r.skipped],
      ] as const
    ).map(([label, n]) => `${label}=${String(n).padEnd(4)}`);
    lines.push(`${pad(h.host, width)}: ${cells.join(' ').trimEnd()}${h.status === 'stale' ? '  (stale plan refused)' : ''}`);
  }
  if (result.aborted) lines.push('', `run stopped: ${result.aborted}`);
  const counts = new Map<string, number>();
  for (const h of result.hosts) counts.set(h.status, (counts.get(h.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  lines.push('', `${result.hosts.length} host${result.hosts.length === 1 ? '' : 's'} (${summary || 'none'}) in ${result.elapsedSeconds.toFixed(2)}s`);
  return `${lines.join('\n')}\n`;
}
