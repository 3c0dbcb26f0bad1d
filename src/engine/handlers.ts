/**
 * Which handlers run: those notified by tasks that change something, once
 * each, in the order the handlers are defined (as Ansible does), whatever
 * order the notifications came in.
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

/** Indexes (into `handlers`) of the handlers to run, in definition order. */
export function notifiedHandlers(tasks: readonly NotifyingTask[], handlers: readonly Pick<CompiledTask, 'name'>[]): number[] {
  const notified = new Set<string>();
  for (const task of tasks) if (task.changed) for (const n of task.notify) notified.add(n);
  const out: number[] = [];
  handlers.forEach((h, i) => {
    if (notified.has(h.name)) out.push(i);
  });
  return out;
}
