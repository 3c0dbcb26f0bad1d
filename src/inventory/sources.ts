/**
 * Turns `-i` arguments into the files to read, as Ansible does: a file is read
 * by its extension (`.yml`/`.yaml`/`.json` as YAML, anything else as INI); a
 * directory is read file by file in name order, into subdirectories, skipping
 * what Ansible skips (hidden files, `group_vars`, `host_vars`, `vars_plugins`,
 * backups and notes such as `*~`, `.bak`, `.orig`, `.retry`, `.md`, `.txt`,
 * `.cfg`). `.ini` files in a directory are read, as ansible-core ≥ 2.19 does.
 * A name that is not a path but has a comma is a host list (`-i kvm01,kvm02,`).
 */
import { closeSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { ErrorCollector } from '../errors/index.ts';

export interface InventoryFile {
  /** Path for messages: the -i argument joined with names found under it. */
  path: string;
  /** Path to read. */
  abs: string;
  format: 'yaml' | 'ini';
}

export interface InventorySource {
  given: string;
  /** Where this source's group_vars/ and host_vars/ live (the directory, or the file's directory); null for a host list. */
  varsDir: { path: string; abs: string } | null;
  files: InventoryFile[];
  /** Host names of a comma-separated host list. */
  hostList: string[];
}

export const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];
const SKIPPED_NAMES = /^(?:\.|group_vars$|host_vars$|vars_plugins$)/;
const SKIPPED_ENDINGS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry'];

export function findInventorySource(given: string, cwd: string, errors: ErrorCollector): InventorySource {
  const abs = resolve(cwd, given);
  const stats = statOrNull(abs);
  if (!stats) {
    if (given.includes(',')) {
      const hostList = given.split(',').map((h) => h.trim()).filter(Boolean);
      return { given, varsDir: null, files: [], hostList };
    }
    errors.add(`inventory ${given} does not exist`, undefined, 'give an inventory file or directory with -i, or a host list like kvm01,kvm02,');
    return { given, varsDir: null, files: [], hostList: [] };
  }
  if (stats.isDirectory()) {
    const files: InventoryFile[] = [];
    walkDirectory(given, abs, files, errors);
    return { given, varsDir: { path: given, abs }, files, hostList: [] };
  }
  const file = classify(given, abs, errors, true);
  const dir = join(given, '..');
  return { given, varsDir: { path: dir, abs: resolve(cwd, dir) }, files: file ? [file] : [], hostList: [] };
}

function walkDirectory(path: string, abs: string, out: InventoryFile[], errors: ErrorCollector): void {
  for (const name of readdirSync(abs).sort()) {
    if (SKIPPED_NAMES.test(name) || SKIPPED_ENDINGS.some((end) => name.endsWith(end))) continue;
    const childPath = join(path, name);
    const childAbs = join(abs, name);
    const stats = statOrNull(childAbs);
    if (!stats) continue;
    if (stats.isDirectory()) walkDirectory(childPath, childAbs, out, errors);
    else {
      const file = classify(childPath, childAbs, errors, false);
      if (file) out.push(file);
    }
  }
}

function classify(path: string, abs: string, errors: ErrorCollector, explicit: boolean): InventoryFile | null {
  const ext = extname(path).toLowerCase();
  if (YAML_EXTENSIONS.includes(ext)) return { path, abs, format: 'yaml' };
  if (!explicit && ext !== '' && ext !== '.ini') {
    errors.warn(`skipped ${path}: not an inventory file`, undefined, 'inventory files end in .yml, .yaml, .json, .ini or have no extension');
    return null;
  }
  if (startsWithShebang(abs)) {
    errors.add(`${path} is an inventory script; dynamic inventories are not supported`, { file: path, line: 1, col: 1 }, 'write its output to a YAML inventory file');
    return null;
  }
  return { path, abs, format: 'ini' };
}

function startsWithShebang(abs: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    const buffer = Buffer.alloc(2);
    return readSync(fd, buffer, 0, 2, 0) === 2 && buffer.toString('latin1') === '#!';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function statOrNull(abs: string): Stats | null {
  try {
    return statSync(abs);
  } catch {
    return null;
  }
}
