/**
 * The inventory: Ansible-shaped YAML and INI files (and directories of them),
 * with group_vars/ and host_vars/, loaded into hosts, groups and each host's
 * merged variables with where every value came from. See docs/inventory.md.
 */
import { userInfo } from 'node:os';
import { ErrorCollector, UserError, type SourceLocation } from '../errors/index.ts';
import { InventoryBuilder } from './builder.ts';
import { readIniInventory } from './ini-inventory.ts';
import { createMatcher } from './patterns.ts';
import { readText, readYaml } from './read.ts';
import { resolveInventory } from './resolve.ts';
import { findInventorySource, type InventorySource } from './sources.ts';
import type { Inventory } from './types.ts';
import { readYamlInventory } from './yaml-inventory.ts';
import { expandHostDeclaration, HostRangeError } from './ranges.ts';

export type { Inventory, InventoryGroup, InventoryHost, VarOrigin } from './types.ts';
export { renderInventory } from './render.ts';
export { splitHostPattern } from './patterns.ts';

export interface LoadInventoryOptions {
  /** Directory relative -i paths are read from (default: the process's). */
  cwd?: string;
  /**
   * Renders `{{ ... }}` in connection variables with the host's variables; given
   * by compile. Without it, templated connection values are kept as text (even
   * `port`/`become`, so a listing shows what is written).
   */
  render?: (text: string, vars: Record<string, unknown>, where: SourceLocation) => unknown;
  /** The user to connect as when the inventory names none (default: the local user, as Ansible). */
  localUser?: string;
}

/**
 * Loads inventories given with -i (files, directories, or `a,b,` host lists).
 * Throws UserError/UserErrors with every problem found; warnings are on the result.
 */
export function loadInventory(sources: string[], options: LoadInventoryOptions = {}): Inventory {
  const cwd = options.cwd ?? process.cwd();
  const errors = new ErrorCollector();
  const builder = new InventoryBuilder();
  const found: InventorySource[] = [];
  const files: string[] = [];

  if (sources.length === 0) throw new UserError('no inventory given', undefined, 'use -i FILE or -i DIRECTORY');
  for (const given of sources) {
    const source = findInventorySource(given, cwd, errors);
    found.push(source);
    for (const host of source.hostList) {
      try {
        for (const name of expandHostDeclaration(host).names) builder.addHost(name, undefined, { file: given, line: 1, col: 1 });
      } catch (error) {
        if (!(error instanceof HostRangeError)) throw error;
        errors.add(`${error.message} in host list ${JSON.stringify(given)}`);
      }
    }
    for (const file of source.files) {
      files.push(file.path);
      if (file.format === 'yaml') {
        const doc = readYaml(file.path, file.abs, errors);
        if (doc) readYamlInventory(doc, builder, errors);
      } else {
        const text = readText(file.path, file.abs, errors);
        if (text !== null) readIniInventory(text, file.path, builder, errors);
      }
    }
  }
  sortByLocation(errors, files);
  errors.throwIfAny();

  const resolved = resolveInventory(builder, found, { cwd, localUser: options.localUser ?? localUserName(), render: options.render, errors, files });
  sortByLocation(errors, files);
  errors.throwIfAny();
  if (!resolved) throw new Error('internal: inventory resolution failed without an error');

  const hostOrder = [...resolved.hosts.keys()];
  const groupHosts = new Map([...resolved.groups].map(([name, g]) => [name, g.hosts]));
  const match = createMatcher({ hosts: hostOrder, groupHosts });
  return {
    hosts: resolved.hosts,
    groups: resolved.groups,
    files,
    warnings: errors.warnings.map((w) => w.format()),
    match,
  };
}

/** Errors in file order (as read), then line and column: the order an operator fixes them in. */
function sortByLocation(errors: ErrorCollector, files: string[]): void {
  const fileOrder = new Map(files.map((f, i) => [f, i]));
  const key = (e: UserError): [number, number, number] => {
    const loc = e.location;
    if (!loc) return [-1, 0, 0];
    return [fileOrder.get(loc.file) ?? files.length, loc.line, loc.col];
  };
  const sorted = errors.errors
    .map((e, i) => ({ e, i, k: key(e) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2] || a.i - b.i)
    .map((x) => x.e);
  errors.errors.splice(0, errors.errors.length, ...sorted);
}

/** The local user, as Ansible's default remote user. */
function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'root';
  }
}
