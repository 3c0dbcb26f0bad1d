/**
 * Which handlers run: those notified by tasks (or by handlers before them)
 * that change something, once each, in the order the handlers are defined
 * (as Ansible does), whatever order the notifications came in.
 */
import type { CompiledTask } from '../plan/types.ts';

export interface NotifyingTask {
  notify: readonly string[];
  changed: boolean;
}

/** Handler names that nobody defines (reported as a task error by the caller). */
export function unknownNotifications(tasks: readonly CompiledTask[], handlers: readonly CompiledTask[]): string[] {
  const names = new Set(handlers.map((h) => h.name));
  const missing = new Set<string>();
  for (const task of tasks) for (const n of task.notify) if (!names.has(n)) missing.add(n);
  return [...missing];
}

/**
 * Indexes (into `handlers`) of the handlers to run, in definition order. A
 * handler that runs and changes something (`changes(i)`, asked only of the
 * handlers that run) notifies its own handlers in turn; compile allows a
 * handler to notify only handlers defined after it, so one pass in order
 * finds them all.
 */
export function notifiedHandlers(
  tasks: readonly NotifyingTask[],
  handlers: readonly (Pick<CompiledTask, 'name'> & { notify?: readonly string[] })[],
  changes: (index: number) => boolean = () => false,
): number[] {
  const notified = new Set<string>();
  for (const task of tasks) if (task.changed) for (const n of task.notify) notified.add(n);
  const out: number[] = [];
  handlers.forEach((h, i) => {
    if (!notified.has(h.name)) return;
    out.push(i);
    if (changes(i)) for (const n of h.notify ?? []) notified.add(n);
  });
  return out;
}
