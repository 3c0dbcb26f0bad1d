/**
 * Handlers of a play and the notify names that reach them: a handler's name
 * or one of its `listen` topics. Checked once per play, not per host.
 */
import { UserError, type SourceLocation } from '../errors/index.ts';
import { closest } from '../playbook/suggest.ts';
import type { RoleUse, TaskDef } from '../playbook/types.ts';
import type { HostErrors } from './errors.ts';

/** A role used twice in a play contributes its handlers once. */
export function uniqueRoleHandlers(roles: readonly RoleUse[]): TaskDef[] {
  const seen = new Set<string>();
  const out: TaskDef[] = [];
  for (const use of roles) {
    if (seen.has(use.role.dir)) continue;
    seen.add(use.role.dir);
    out.push(...use.handlers);
  }
  return out;
}

/** Notify name (a handler's name or a `listen` topic) → the handler names it triggers. */
export function handlerTargets(handlers: readonly TaskDef[], errors: HostErrors): Map<string, string[]> {
  const targets = new Map<string, string[]>();
  const named = new Map<string, SourceLocation>();
  for (const handler of handlers) {
    const name = handler.name;
    if (name === undefined) {
      errors.add(new UserError('a handler needs a name', handler.location, 'tasks notify handlers by name'));
      continue;
    }
    const first = named.get(name);
    if (first) {
      errors.add(new UserError(`handler '${name}' is defined twice`, handler.location, `first at ${first.file}:${first.line}:${first.col}; handler names must be unique in a play`));
      continue;
    }
    named.set(name, handler.location);
    for (const topic of [name, ...handler.listen]) {
      const list = targets.get(topic) ?? [];
      if (!list.includes(name)) list.push(name);
      targets.set(topic, list);
    }
  }
  return targets;
}

export function resolveNotify(task: TaskDef, targets: Map<string, string[]>, errors: HostErrors): string[] {
  const out: string[] = [];
  task.notify.forEach((name, i) => {
    const handlers = targets.get(name);
    if (handlers) {
      for (const h of handlers) if (!out.includes(h)) out.push(h);
      return;
    }
    const near = closest(name, targets.keys());
    const raw = Array.isArray(valueAt(task, ['notify'])) ? ['notify', i] : ['notify'];
    errors.add(
      new UserError(`notify: no handler named '${name}' in this play`, task.doc.locate([...task.path, ...raw]), near ? `did you mean '${near}'?` : targets.size > 0 ? `handlers: ${[...targets.keys()].join(', ')}` : 'the play has no handlers'),
    );
  });
  return out;
}

/**
 * Handlers run once each, in the order they are defined, so a handler can
 * notify only handlers defined after it (Ansible would run one defined
 * before it in a second pass, or not at all: a plan must say which).
 * `notify[i]` is handler i's resolved notify list.
 */
export function checkHandlerOrder(handlers: readonly TaskDef[], notify: readonly (readonly string[])[], errors: HostErrors): void {
  const position = new Map(handlers.map((h, i) => [h.name, i]));
  handlers.forEach((handler, i) => {
    for (const name of notify[i] ?? []) {
      const j = position.get(name);
      if (j === undefined || j > i) continue;
      errors.add(
        new UserError(
          j === i ? `handler '${name}' notifies itself` : `handler '${handler.name ?? ''}' notifies '${name}', which is defined before it`,
          handler.doc.locate([...handler.path, 'notify']),
          'handlers run once each, in the order they are defined: a handler can notify only handlers defined after it',
        ),
      );
    }
  });
}

function valueAt(task: TaskDef, path: readonly string[]): unknown {
  let value: unknown = task.doc.value;
  for (const part of [...task.path, ...path]) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

