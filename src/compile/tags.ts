/**
 * `--tags` / `--skip-tags` exactly as Ansible decides them: `always` runs
 * unless skipped by name, `never` runs only when asked for by one of its tags,
 * `all`, `tagged` and `untagged` are special selectors.
 */
import { closest } from '../playbook/suggest.ts';

/** Why a task with these tags does not run, or undefined when it runs. */
export function tagSkipReason(taskTags: readonly string[], only: readonly string[], skip: readonly string[]): string | undefined {
  const tags = new Set(taskTags.length > 0 ? taskTags : ['untagged']);
  const untagged = taskTags.length === 0;
  const selected = only.length > 0 ? only : ['all'];
  const intersects = (list: readonly string[]): boolean => list.some((t) => tags.has(t));

  let runs: boolean;
  if (tags.has('always')) runs = true;
  else if (selected.includes('all') && !tags.has('never')) runs = true;
  else if (intersects(selected)) runs = true;
  else runs = selected.includes('tagged') && !untagged && !tags.has('never');
  if (!runs) {
    return tags.has('never') && only.length === 0 ? "tagged 'never' (run it with --tags naming one of its tags)" : `not selected by --tags ${only.join(',')}`;
  }
  if (skip.length > 0) {
    if (skip.includes('all')) {
      if (!tags.has('always') || skip.includes('always')) return 'skipped by --skip-tags all';
    } else if (intersects(skip)) {
      return `skipped by --skip-tags ${skip.filter((t) => tags.has(t)).join(',')}`;
    } else if (skip.includes('tagged') && !untagged) {
      return 'skipped by --skip-tags tagged';
    }
  }
  return undefined;
}

const SELECTORS = new Set(['all', 'tagged', 'untagged']);

/**
 * `--tags` / `--skip-tags` names that no task has. Ansible says nothing; we
 * warn, because a typo silently runs nothing (--tags) or skips nothing
 * (--skip-tags, worse against production). Special selectors are not tags.
 */
export function unknownTagWarnings(only: readonly string[], skip: readonly string[], taskTags: ReadonlySet<string>): { message: string; hint: string }[] {
  const known = [...taskTags].sort();
  const out: { message: string; hint: string }[] = [];
  for (const [option, list] of [['--tags', only], ['--skip-tags', skip]] as const) {
    for (const tag of new Set(list)) {
      if (SELECTORS.has(tag) || taskTags.has(tag)) continue;
      const near = closest(tag, known);
      const hint = near ? `did you mean '${near}'?` : known.length > 0 ? `tags in use: ${known.join(', ')}` : 'no task has any tag';
      out.push({ message: `${option}: no task has tag '${tag}'`, hint });
    }
  }
  return out;
}
