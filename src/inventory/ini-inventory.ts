/**
 * Reads an INI inventory as Ansible does (plugins/inventory/ini.py):
 * - lines before any section are ungrouped hosts; `[g]` hosts, `[g:vars]`
 *   variables, `[g:children]` child groups; `#` and `;` start comment lines;
 * - a host line is split like a shell line (quotes group, `#` starts a comment)
 *   and each `key=value` after the host is read as a Python literal;
 * - a `[g:vars]` line is `key=value` with everything after the first `=` read
 *   as a Python literal (so `port=22` is a number there too, as Ansible really
 *   does, whatever its docs say) — text that is no literal stays text;
 * - `[g:vars]` and `[g:children]` may name a group declared later in the file
 *   or in an inventory read before, but it must be declared.
 */
import type { ErrorCollector, SourceLocation } from '../errors/index.ts';
import type { InventoryBuilder } from './builder.ts';
import { UNGROUPED } from './builder.ts';
import { parsePythonLiteral } from './python-literal.ts';
import { expandHostDeclaration, HostRangeError } from './ranges.ts';
import { shlexSplit, ShlexError } from './shlex.ts';
import { validGroupName } from './yaml-inventory.ts';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_LINE = /^([^:\]\s]+)\s*(?:#.*)?$/;

export function readIniInventory(text: string, file: string, builder: InventoryBuilder, errors: ErrorCollector): void {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let group = UNGROUPED;
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  /** Groups named by [g:vars]/[g:children] but not (yet) declared in this file. */
  const pending = new Map<string, { location: SourceLocation; message: string }>();

  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const col = raw.length - raw.trimStart().length + 1;
    const at = (offset = 0): SourceLocation => ({ file, line: index + 1, col: col + offset });

    const section = SECTION.exec(line);
    if (section) {
      group = section[1] as string;
      const kind = section[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        errors.add(`section [${group}:${kind}] has an unknown type ${JSON.stringify(kind)}`, at(), 'allowed: [group], [group:vars], [group:children]');
        state = 'vars';
        group = '';
        return;
      }
      state = kind;
      const known = builder.groups.has(group);
      builder.addGroup(group, at(1));
      if (state === 'vars') {
        if (!known && !pending.has(group)) pending.set(group, { location: at(1), message: `[${group}:vars] is for group ${group}, which is not declared` });
      } else pending.delete(group);
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      errors.add(`invalid section header ${line}`, at(), 'no spaces: [group], [group:vars] or [group:children]');
      group = '';
      return;
    }
    if (!group) return; // inside a section already reported as wrong

    if (state === 'hosts') readHostLine(raw, at, group, builder, errors);
    else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq === -1) {
        errors.add(`expected key=value in [${group}:vars], got ${JSON.stringify(line)}`, at());
        return;
      }
      const key = line.slice(0, eq).trim();
      const valueText = line.slice(eq + 1).trim();
      const valueCol = line.indexOf(valueText, eq + 1);
      builder.setGroupVar(group, key, parsePythonLiteral(valueText), at(valueText ? valueCol : eq + 1));
    } else {
      const child = GROUP_LINE.exec(line)?.[1];
      if (!child || !validGroupName(child)) {
        errors.add(`expected a group name in [${group}:children], got ${JSON.stringify(line)}`, at());
        return;
      }
      if (!builder.groups.has(child) && !pending.has(child)) pending.set(child, { location: at(), message: `[${group}:children] names group ${child}, which is not declared` });
      builder.addChild(group, child, at());
    }
  });

  for (const { location, message } of pending.values()) errors.add(message, location, 'declare it with [name] or [name:children]');
}

function readHostLine(raw: string, at: (offset?: number) => SourceLocation, group: string, builder: InventoryBuilder, errors: ErrorCollector): void {
  const indent = raw.length - raw.trimStart().length;
  let words;
  try {
    words = shlexSplit(raw);
  } catch (error) {
    if (error instanceof ShlexError) {
      errors.add(`cannot read host line: ${error.message}`, at());
      return;
    }
    throw error;
  }
  const [first, ...rest] = words;
  if (!first) return; // only a comment after all
  const here = (offset: number): SourceLocation => at(offset - indent);
  if (first.text === '---') {
    errors.add('this looks like a YAML file', here(first.start), 'name YAML inventories .yml or .yaml');
    return;
  }
  let declared;
  try {
    declared = expandHostDeclaration(first.text);
  } catch (error) {
    if (error instanceof HostRangeError) {
      errors.add(error.message, here(first.start));
      return;
    }
    throw error;
  }
  const vars: { key: string; value: unknown; location: SourceLocation }[] = [];
  for (const word of rest) {
    const eq = word.text.indexOf('=');
    if (eq <= 0) {
      errors.add(`expected key=value after the host name, got ${JSON.stringify(word.text)}`, here(word.start), 'quote values with spaces: key="a b"');
      return;
    }
    vars.push({ key: word.text.slice(0, eq), value: parsePythonLiteral(word.text.slice(eq + 1)), location: here(word.start + eq + 1) });
  }
  for (const name of declared.names) {
    builder.addHost(name, group, here(first.start));
    if (declared.port !== undefined) builder.setHostVar(name, 'ansible_port', declared.port, here(first.start));
    for (const v of vars) builder.setHostVar(name, v.key, v.value, v.location);
  }
}
