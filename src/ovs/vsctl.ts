/**
 * Building ONE `ovs-vsctl` transaction from steps. ovs-vsctl runs every
 * `-- command` of one invocation as a single OVSDB transaction: all or nothing.
 * Values are written in OVSDB's own syntax (double-quoted strings), then each
 * word goes through `quote()` for the shell.
 */
import { command } from '../shell/quote.ts';

/** How long an apply waits for ovs-vswitchd to take a change (seconds). */
export const APPLY_TIMEOUT = 30;

/** A string in OVSDB syntax: always double-quoted, so `,` `=` `:` and spaces stay literal. */
export function ovsdbString(value: string): string {
  return JSON.stringify(value);
}

/** `column:"key"="value"` for `set TABLE RECORD …`. */
export function mapEntry(column: string, key: string, value: string): string {
  return `${column}:${ovsdbString(key)}=${ovsdbString(value)}`;
}

/** A set of integers (`trunks=[100,200]`; `[]` is empty). */
export function integerSet(values: readonly number[]): string {
  return `[${values.join(',')}]`;
}

function oneTransaction(steps: readonly (readonly string[])[]): string {
  const words: string[] = ['ovs-vsctl', `--timeout=${APPLY_TIMEOUT}`];
  for (const step of steps) words.push('--', ...step);
  return command(...words);
}

/** The port a `del-port`/`add-port` step names (its last word), or undefined for other steps. */
function portOf(step: readonly string[], verb: 'add-port' | 'del-port'): string | undefined {
  return step.includes(verb) ? step[step.length - 1] : undefined;
}

/**
 * One shell line: every step joined by `--` into a single ovs-vsctl transaction ('' when none).
 * Except a port that is deleted and added again (moved to another bridge): ovs-vswitchd
 * fails to add it when both happen in one transaction ("could not add network device
 * … to ofproto (File exists)", seen with Open vSwitch 3.1), so its deletion goes first,
 * in a transaction of its own.
 */
export function vsctlTransaction(steps: readonly (readonly string[])[]): string {
  if (steps.length === 0) return '';
  const added = new Set(steps.map((s) => portOf(s, 'add-port')).filter((p) => p !== undefined));
  const moved = (s: readonly string[]): boolean => {
    const port = portOf(s, 'del-port');
    return port !== undefined && added.has(port);
  };
  const first = steps.filter(moved);
  if (first.length === 0) return oneTransaction(steps);
  return `${oneTransaction(first)} && ${oneTransaction(steps.filter((s) => !moved(s)))}`;
}

/** Desired keys of a map column vs the actual map: keys to set and keys to remove (others are left alone). */
export function diffOwnedMap(
  desired: Readonly<Record<string, string | null>> | undefined,
  actual: Readonly<Record<string, string>>,
): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const [key, value] of Object.entries(desired ?? {})) {
    if (value === null) {
      if (key in actual) remove.push(key);
    } else if (actual[key] !== value) set[key] = value;
  }
  return { set, remove };
}

/** `set`/`remove` steps for one map column from diffOwnedMap's result. */
export function mapSteps(table: string, record: string, column: string, change: { set: Record<string, string>; remove: string[] }): string[][] {
  const steps: string[][] = [];
  const entries = Object.entries(change.set).map(([k, v]) => mapEntry(column, k, v));
  if (entries.length > 0) steps.push(['set', table, record, ...entries]);
  for (const key of change.remove) steps.push(['remove', table, record, column, ovsdbString(key)]);
  return steps;
}
