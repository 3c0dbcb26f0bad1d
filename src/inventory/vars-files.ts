/**
 * `group_vars/` and `host_vars/` beside an inventory, found as Ansible's
 * host_group_vars plugin finds them: for a name, the first of `NAME` (a file, or
 * a directory of files read in name order, into subdirectories), `NAME.yml`,
 * `NAME.yaml`, `NAME.json`. In a directory, hidden files and `*~` backups are
 * skipped, and only files with no extension or a YAML/JSON one are read.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { ErrorCollector } from '../errors/index.ts';
import type { WrittenVar } from './builder.ts';
import { describeType, isMapping } from './describe.ts';
import { readYaml } from './read.ts';
import { YAML_EXTENSIONS } from './sources.ts';

export interface VarsFile {
  /** Path for messages, e.g. `inventory/group_vars/kvm.yml`. */
  path: string;
  vars: Map<string, WrittenVar>;
}

export type VarsKind = 'group_vars' | 'host_vars';

/** One vars directory (`<inventory>/group_vars`), listed once so 2000 hosts cost one readdir. */
export class VarsDirectory {
  private readonly entries: Set<string>;
  private readonly path: string;
  private readonly abs: string;
  private readonly used = new Set<string>();

  constructor(base: { path: string; abs: string }, kind: VarsKind) {
    this.path = join(base.path, kind);
    this.abs = join(base.abs, kind);
    this.entries = new Set(listOrEmpty(this.abs));
  }

  /** The vars files for one group or host, in the order they apply. */
  load(name: string, errors: ErrorCollector): VarsFile[] {
    for (const candidate of ['', ...YAML_EXTENSIONS]) {
      const entry = name + candidate;
      if (!this.entries.has(entry)) continue;
      this.used.add(entry);
      const path = join(this.path, entry);
      const abs = join(this.abs, entry);
      const files = isDirectory(abs) ? listVarsDirectory(path, abs) : [{ path, abs }];
      return files.map((f) => readVarsFile(f.path, f.abs, errors)).filter((f): f is VarsFile => f !== null);
    }
    return [];
  }

  /** Entries no group or host asked for (likely a typo in a name). */
  unused(): string[] {
    return [...this.entries]
      .filter((e) => !this.used.has(e) && !e.startsWith('.') && !e.endsWith('~') && ['', ...YAML_EXTENSIONS].includes(extname(e)))
      .sort()
      .map((e) => join(this.path, e));
  }
}

function listVarsDirectory(path: string, abs: string): { path: string; abs: string }[] {
  const out: { path: string; abs: string }[] = [];
  for (const name of listOrEmpty(abs).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const ext = extname(name);
    const childPath = join(path, name);
    const childAbs = join(abs, name);
    if (!ext && isDirectory(childAbs)) out.push(...listVarsDirectory(childPath, childAbs));
    else if (!ext || YAML_EXTENSIONS.includes(ext)) {
      if (!isDirectory(childAbs)) out.push({ path: childPath, abs: childAbs });
    }
  }
  return out;
}

function readVarsFile(path: string, abs: string, errors: ErrorCollector): VarsFile | null {
  const doc = readYaml(path, abs, errors);
  if (!doc) return null;
  if (doc.value === null) return { path, vars: new Map() };
  if (!isMapping(doc.value)) {
    errors.add(`a vars file must be a mapping of variable names to values, not ${describeType(doc.value)}`, doc.locate([]));
    return null;
  }
  const vars = new Map<string, WrittenVar>();
  for (const [key, value] of Object.entries(doc.value)) vars.set(key, { value, location: doc.locate([key]) });
  return { path, vars };
}

function listOrEmpty(abs: string): string[] {
  try {
    return readdirSync(abs);
  } catch {
    return [];
  }
}

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}
