/**
 * Reads a YAML inventory in Ansible's shape: top-level keys are groups; each
 * group may have `hosts`, `vars` and `children` (groups again, to any depth).
 * A section written as a single string means a mapping with that one key, as
 * Ansible allows.
 */
import type { ErrorCollector } from '../errors/index.ts';
import type { YamlDocument, YamlPath } from '../yaml/index.ts';
import type { InventoryBuilder } from './builder.ts';
import { describeType, isMapping } from './describe.ts';
import { expandHostDeclaration, HostRangeError } from './ranges.ts';

const SECTIONS = ['hosts', 'vars', 'children'] as const;

export function readYamlInventory(doc: YamlDocument, builder: InventoryBuilder, errors: ErrorCollector): void {
  const data = doc.value;
  if (data === null) {
    errors.warn('inventory file is empty', doc.locate([]));
    return;
  }
  if (!isMapping(data)) {
    errors.add(`a YAML inventory must be a mapping of group names, not ${describeType(data)}`, doc.locate([]), 'e.g. all: {hosts: {kvm01: {}}, children: {...}}');
    return;
  }
  if ('plugin' in data) {
    errors.add('inventory plugin configuration is not supported', doc.locateKey(['plugin']), 'list hosts and groups in YAML or INI');
    return;
  }
  for (const name of Object.keys(data)) readGroup(doc, [name], name, builder, errors);
}

function readGroup(doc: YamlDocument, path: YamlPath, name: string, builder: InventoryBuilder, errors: ErrorCollector): boolean {
  const where = doc.locateKey(path);
  if (!validGroupName(name)) {
    errors.add(`invalid group name ${JSON.stringify(name)}`, where, 'no spaces, commas or colons');
    return false;
  }
  const body = valueAt(doc.value, path);
  if (body !== null && !isMapping(body)) {
    errors.add(`group ${name} must be a mapping with hosts, vars or children, not ${describeType(body)}`, doc.locate(path));
    return false;
  }
  builder.addGroup(name, where);
  if (body === null) return true;

  for (const key of Object.keys(body)) {
    if (!(SECTIONS as readonly string[]).includes(key)) {
      errors.add(`unknown key ${JSON.stringify(key)} in group ${name}`, doc.locateKey([...path, key]), 'allowed: hosts, vars, children');
    }
  }
  for (const section of SECTIONS) {
    if (!(section in body)) continue;
    const sectionPath = [...path, section];
    let entries = body[section];
    // `hosts: kvm01` is Ansible shorthand for `hosts: {kvm01: null}`.
    if (typeof entries === 'string') entries = { [entries]: null };
    if (entries === null) continue;
    if (!isMapping(entries)) {
      const example = section === 'hosts' ? 'hosts: {kvm01: {}, kvm02: {}}' : section === 'vars' ? 'vars: {name: value}' : 'children: {group: {}}';
      errors.add(`${section} of group ${name} must be a mapping, not ${describeType(entries)}`, doc.locate(sectionPath), example);
      continue;
    }
    for (const key of Object.keys(entries)) {
      const keyPath = [...sectionPath, key];
      if (section === 'vars') builder.setGroupVar(name, key, entries[key], doc.locate(keyPath));
      else if (section === 'children') {
        if (readGroup(doc, keyPath, key, builder, errors)) builder.addChild(name, key, doc.locateKey(keyPath));
      } else readHost(doc, keyPath, key, entries[key], name, builder, errors);
    }
  }
  return true;
}

function readHost(doc: YamlDocument, path: YamlPath, written: string, vars: unknown, group: string, builder: InventoryBuilder, errors: ErrorCollector): void {
  const where = doc.locateKey(path);
  let declared: { names: string[]; port: number | undefined };
  try {
    declared = expandHostDeclaration(written);
  } catch (error) {
    if (error instanceof HostRangeError) {
      errors.add(error.message, where);
      return;
    }
    throw error;
  }
  if (vars !== null && !isMapping(vars)) {
    errors.add(`variables of host ${written} must be a mapping, not ${describeType(vars)}`, doc.locate(path), `e.g. ${written}: {address: 192.0.2.10}`);
    return;
  }
  for (const host of declared.names) {
    builder.addHost(host, group, where);
    if (declared.port !== undefined) builder.setHostVar(host, 'ansible_port', declared.port, where);
    for (const [key, value] of Object.entries(vars ?? {})) builder.setHostVar(host, key, value, doc.locate([...path, key]));
  }
}

export function validGroupName(name: string): boolean {
  return name.length > 0 && !/[\s,:]/.test(name);
}

function valueAt(value: unknown, path: YamlPath): unknown {
  let current = value;
  for (const segment of path) current = (current as Record<string, unknown>)[segment as string];
  return current;
}
