/**
 * Desired keys vs the probed properties file → changes. Pure.
 * One line per managed key that changes; no unified diff, so the values of
 * keys zonectl does not manage never appear in a dry run.
 */
import type { Change } from '../contract.ts';
import { diffFile, parentDirectoryChanges } from '../file/diff.ts';
import type { KeyLine } from './key-lines.ts';
import { DEFAULT_PROPERTIES_MODE } from './schema.ts';
import type { PropertiesParams } from './schema.ts';
import type { KeyFileState } from './state.ts';

export type PropertiesChangeData =
  | { op: 'edit'; key: string }
  | { op: 'create' }
  | { op: 'attributes'; file: unknown }
  /** The file's directory is missing: made first, as the file module does (0755 levels). */
  | { op: 'parent'; dir: string };

/**
 * Keys whose values are not printed: an old password in the file is not a
 * secret zonectl knows, so the engine could not redact it.
 */
const SENSITIVE = /pass(word|phrase|wd)?|secret|token|credential/i;

/** The change line of one managed key, or null when it is in sync. */
export function keyChangeSummary(key: string, wanted: string, lines: readonly KeyLine[]): string | null {
  const show = (value: string): string => (SENSITIVE.test(key) ? '<hidden>' : value);
  const found = lines.filter((l) => l.key === key);
  if (found.length === 0) return `${key}: (not set) → ${show(wanted)}`;
  const last = found[found.length - 1] as KeyLine;
  if (last.value !== wanted) return `${key}: ${show(last.value)} → ${show(wanted)}`;
  const stale = found.find((l) => l.value !== wanted);
  // The effective (last) value is right, but an earlier duplicate line says otherwise.
  if (stale) return `${key}: duplicate line ${stale.line + 1} has ${show(stale.value)} → ${show(wanted)}`;
  return null;
}

export function diffProperties(desired: PropertiesParams, actual: KeyFileState): Change[] {
  const changes: Change[] = [];
  const attributesGiven = desired.mode !== undefined || desired.owner !== undefined || desired.group !== undefined;
  if (actual.file.kind === 'missing' && (Object.keys(desired.set).length > 0 || attributesGiven)) {
    const mode = desired.mode ?? DEFAULT_PROPERTIES_MODE;
    changes.push(...parentDirectoryChanges(desired.path, actual.file));
    changes.push({ summary: `create ${desired.path} (mode ${mode})`, data: { op: 'create' } satisfies PropertiesChangeData });
  }
  for (const [key, value] of Object.entries(desired.set)) {
    const summary = keyChangeSummary(key, value, actual.lines);
    if (summary) changes.push({ summary, data: { op: 'edit', key } satisfies PropertiesChangeData });
  }
  for (const key of desired.remove) {
    const found = actual.lines.filter((l) => l.key === key);
    const last = found[found.length - 1];
    if (last) changes.push({ summary: `${key}: ${SENSITIVE.test(key) ? '<hidden>' : last.value} → (removed)`, data: { op: 'edit', key } });
  }
  if (actual.file.kind === 'regular') {
    // Mode, owner and group: exactly the file module's lines.
    const attrs = diffFile({ path: desired.path, state: 'present', mode: desired.mode, owner: desired.owner, group: desired.group }, actual.file);
    for (const c of attrs) changes.push({ summary: c.summary, data: { op: 'attributes', file: c.data } satisfies PropertiesChangeData });
  }
  return changes;
}
