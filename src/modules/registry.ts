/**
 * Every module zonectl knows, by the name a task uses.
 * One line per module folder; keep the list sorted.
 */
import type { ModuleDefinition } from './contract.ts';
// modules: imports (one per line, sorted)

const all: ModuleDefinition[] = [
  // modules: list (one per line, sorted)
];

export const modules: ReadonlyMap<string, ModuleDefinition> = new Map(all.map((m) => [m.name, m]));

export function findModule(name: string): ModuleDefinition | undefined {
  return modules.get(name);
}

export function moduleNames(): string[] {
  return [...modules.keys()].sort();
}
