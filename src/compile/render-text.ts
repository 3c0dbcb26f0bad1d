/**
 * The readable plan: per host, per play, each task as `id name [module]
 * params` on one line. Long values are summarised, secrets show as labels.
 */
import type { CompiledPlan, CompiledTask } from '../plan/types.ts';
import { redactTokens } from '../secrets/index.ts';

const MAX_VALUE = 160;

export function renderPlanText(plan: CompiledPlan): string {
  const lines: string[] = [];
  for (const [name, host] of Object.entries(plan.hosts)) {
    const c = host.connection;
    const via = c.jump.length > 0 ? ` via ${c.jump.join(',')}` : '';
    lines.push(`${name} (${host.platform}, ${c.user}@${c.address}:${c.port}${via})`);
    for (const play of host.plays) {
      const serial = play.serial === null ? '' : ` [serial ${Array.isArray(play.serial) ? play.serial.join(',') : play.serial}]`;
      lines.push(`  play ${play.index + 1}: ${play.name}${serial}`);
      const entries = [
        ...play.tasks.map((t) => ({ id: t.id, line: taskLine(t) })),
        ...play.skipped.filter((s) => !isHandler(s.id)).map((s) => ({ id: s.id, line: `${s.id} ${s.name} -- skipped: ${s.reason}` })),
      ].sort((a, b) => compareIds(a.id, b.id));
      for (const entry of entries) lines.push(`    ${entry.line}`);
      const handlers = [
        ...play.handlers.map((t) => ({ id: t.id, line: taskLine(t) })),
        ...play.skipped.filter((s) => isHandler(s.id)).map((s) => ({ id: s.id, line: `${s.id} ${s.name} -- skipped: ${s.reason}` })),
      ].sort((a, b) => compareIds(a.id, b.id));
      if (handlers.length > 0) {
        lines.push('    handlers:');
        for (const entry of handlers) lines.push(`    ${entry.line}`);
      }
    }
  }
  const warnings = plan.warnings.map((w) => `warning: ${w}`);
  if (lines.length === 0) lines.push('no host has any task');
  return redactTokens([...lines, ...warnings].join('\n')) + '\n';
}

const isHandler = (id: string): boolean => /^\d+\.h/.test(id);

/** Task order from ids `<play>.<n>[<item>]` / `<play>.h<n>[<item>]`. */
function compareIds(a: string, b: string): number {
  const key = (id: string): [number, number] => {
    const m = /^\d+\.h?(\d+)(?:\[(\d+)\])?$/.exec(id);
    return m ? [Number(m[1]), m[2] === undefined ? -1 : Number(m[2])] : [0, 0];
  };
  const [x, y] = [key(a), key(b)];
  return x[0] - y[0] || x[1] - y[1];
}

function taskLine(task: CompiledTask): string {
  const params = Object.entries(task.params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${compact(v)}`)
    .join(' ');
  const notify = task.notify.length > 0 ? ` -> notify ${task.notify.map((n) => `'${n}'`).join(', ')}` : '';
  return `${task.id} ${task.name} [${task.module}]${params ? ` ${params}` : ''}${notify}`;
}

function compact(raw: unknown): string {
  const text = inline(raw);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** A value on one line: bare words stay bare, mappings as {k=v, …}, file contents summarised. */
function inline(value: unknown): string {
  if (typeof value === 'string') {
    // Labels first, so shortening never cuts a placeholder in half.
    const text = redactTokens(value);
    if (text.includes('\n')) {
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      return `<${lines} line${lines === 1 ? '' : 's'}, ${Buffer.byteLength(value)} bytes>`;
    }
    return /^[^\s"'{}[\],=]+$/.test(text) ? text : JSON.stringify(text);
  }
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${inline(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}
