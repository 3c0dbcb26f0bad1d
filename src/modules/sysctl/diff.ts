/**
 * Desired sysctl values vs the running kernel and the persisted file → changes. Pure.
 */
import { TaskError } from '../contract.ts';
import type { Change } from '../contract.ts';
import { parentDirectoryChanges } from '../file/diff.ts';
import type { KeyLine } from '../properties/key-lines.ts';
import { normaliseValue, procPath } from './keys.ts';
import type { SysctlParams } from './schema.ts';
import type { SysctlState } from './state.ts';

export type SysctlChangeData =
  | { op: 'runtime'; key: string }
  | { op: 'persist'; key: string }
  | { op: 'module' }
  /** The persisted file's directory is missing: made first, as the file module does (0755 levels). */
  | { op: 'parent'; dir: string };

/**
 * The keys this task acts on: all of them, minus those the kernel lacks when
 * ignore_missing is set. A missing key whose `module` can be loaded counts: the
 * module is loaded first (see diffSysctl).
 */
export function presentKeys(desired: SysctlParams, actual: SysctlState): string[] {
  const keys: string[] = [];
  for (const key of Object.keys(desired.set)) {
    const now = actual.runtime[key];
    if (now?.status === 'missing') {
      if (desired.ignore_missing) continue;
      // An interface made by an earlier task of this run (a VLAN, a bridge) brings its keys with it.
      if (now.interface !== undefined) {
        keys.push(key);
        continue;
      }
      const where = `sysctl ${key} does not exist on this host (no /proc/sys/${procPath(key)})`;
      if (desired.module !== undefined && actual.module) {
        if (actual.module.status === 'loadable') {
          keys.push(key);
          continue;
        }
        if (actual.module.status === 'loaded') throw new TaskError(`${where}, although kernel module ${desired.module} is loaded`);
        const why = actual.module.status === 'unloadable' ? actual.module.why : '';
        throw new TaskError(`${where} and kernel module ${desired.module} cannot be loaded: ${why || 'modprobe -n failed'}`);
      }
      throw new TaskError(
        `${where}; is its kernel module loaded? name it with module: to load it first, or set ignore_missing: true to skip keys the kernel lacks`,
      );
    }
    if (now?.status === 'unreadable') throw new TaskError(`sysctl ${key} cannot be read (/proc/sys/${procPath(key)} is write-only or not permitted)`);
    keys.push(key);
  }
  return keys;
}

function persistedSummary(key: string, wanted: string, lines: readonly KeyLine[], file: string): string | null {
  const found = lines.filter((l) => l.key === key);
  if (found.length === 0) return `${key} in ${file}: (not set) → ${wanted}`;
  const last = found[found.length - 1] as KeyLine;
  if (normaliseValue(last.value) !== wanted) return `${key} in ${file}: ${normaliseValue(last.value)} → ${wanted}`;
  const stale = found.find((l) => normaliseValue(l.value) !== wanted);
  if (stale) return `${key} in ${file}: duplicate line ${stale.line + 1} has ${normaliseValue(stale.value)} → ${wanted}`;
  return null;
}

export function diffSysctl(desired: SysctlParams, actual: SysctlState): Change[] {
  const changes: Change[] = [];
  const keys = presentKeys(desired, actual);
  const waiting = keys.filter((k) => {
    const now = actual.runtime[k];
    return now?.status === 'missing' && now.interface === undefined;
  });
  if (waiting.length > 0) {
    changes.push({ summary: `load kernel module ${desired.module} (provides ${waiting.join(', ')})`, data: { op: 'module' } satisfies SysctlChangeData });
  }
  for (const key of keys) {
    const wanted = desired.set[key] as string;
    const now = actual.runtime[key];
    if (now?.status === 'value' && now.value !== wanted) {
      changes.push({ summary: `${key}: ${now.value} → ${wanted}`, data: { op: 'runtime', key } satisfies SysctlChangeData });
    } else if (now?.status === 'missing') {
      const why = now.interface !== undefined ? `interface ${now.interface} does not exist yet` : `not in the kernel until ${desired.module} is loaded`;
      changes.push({ summary: `${key}: (${why}) → ${wanted}`, data: { op: 'runtime', key } satisfies SysctlChangeData });
    }
  }
  if (actual.persisted) {
    const persist: Change[] = [];
    for (const key of keys) {
      const summary = persistedSummary(key, desired.set[key] as string, actual.persisted.lines, desired.file);
      if (summary) persist.push({ summary, data: { op: 'persist', key } satisfies SysctlChangeData });
    }
    const file = actual.persisted.file;
    if (persist.length > 0 && file.kind === 'missing') changes.push(...parentDirectoryChanges(desired.file, file));
    changes.push(...persist);
  }
  return changes;
}
