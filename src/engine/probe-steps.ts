/**
 * The steps of one probe round trip: every unit's probe, in task order, except
 * that units of a module with `probeTogether` (two or more in the round trip)
 * are probed together — one shared step, then one inline step per unit —
 * at the place of the first of them. Probes are read-only, so the order
 * between them does not matter; what does is how many processes the host
 * starts (every task used to cost its own subshell and `stat` or `grep`).
 */
import type { ModuleDefinition, ProbeOutput, RunContext } from '../modules/contract.ts';
import type { ScriptStep } from './script.ts';

export interface ProbeUnit {
  module?: ModuleDefinition | undefined;
  params?: unknown;
  /** Its own probe text; undefined when the unit cannot be probed (it failed already). */
  probe?: string | undefined;
}

export interface ProbeSteps {
  steps: ScriptStep[];
  /** Per step, the index of the unit whose output it is; undefined for a shared step. */
  owners: (number | undefined)[];
  /** Per step of a unit probed together, the index of its group's shared step (its output follows the unit's own). */
  shared: (number | undefined)[];
}

/** The groups that are probed together: module name → unit indexes (two or more). */
function groups(units: readonly ProbeUnit[]): Map<string, number[]> {
  const byModule = new Map<string, number[]>();
  units.forEach((u, i) => {
    if (u.probe === undefined || !u.module?.probeTogether) return;
    const list = byModule.get(u.module.name) ?? [];
    list.push(i);
    byModule.set(u.module.name, list);
  });
  for (const [name, list] of byModule) if (list.length < 2) byModule.delete(name);
  return byModule;
}

export function probeSteps(units: readonly ProbeUnit[], ctx: RunContext): ProbeSteps {
  const steps: ScriptStep[] = [];
  const owners: (number | undefined)[] = [];
  const shared: (number | undefined)[] = [];
  const own = (i: number): void => {
    steps.push({ text: units[i]?.probe as string });
    owners.push(i);
    shared.push(undefined);
  };
  const together = groups(units);
  const placed = new Set<number>();
  units.forEach((unit, i) => {
    if (placed.has(i) || unit.probe === undefined) return;
    const group = unit.module ? together.get(unit.module.name) : undefined;
    if (!group) return own(i);
    for (const j of group) placed.add(j);
    let planned;
    try {
      planned = unit.module?.probeTogether?.(
        group.map((j) => units[j]?.params),
        ctx,
      );
    } catch {
      planned = undefined;
    }
    // A module that cannot plan them together (or answers with the wrong
    // count) costs nothing but speed: each unit gets its own probe.
    if (!planned || planned.items.length !== group.length) return group.forEach(own);
    const sharedStep = steps.length;
    steps.push({ text: planned.shared, inline: true });
    owners.push(undefined);
    shared.push(undefined);
    group.forEach((j, k) => {
      const item = planned.items[k];
      if (item === null || item === undefined) return own(j);
      steps.push({ text: item, inline: true });
      owners.push(j);
      shared.push(sharedStep);
    });
  });
  return { steps, owners, shared };
}

/** A unit's output: its own step's, followed by what its group's shared step printed (probeTogether). */
export function unitOutput(own: ProbeOutput | undefined, shared: ProbeOutput | undefined): ProbeOutput | undefined {
  if (!own || !shared) return own;
  return { stdout: own.stdout + shared.stdout, stderr: own.stderr + shared.stderr, exitCode: own.exitCode };
}
