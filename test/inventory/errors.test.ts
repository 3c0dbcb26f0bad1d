/** Every inventory error an operator can cause: one line each, `file:line:col: what (what is allowed)`, all at once. */
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.ts';
import { userErrorLines } from './helpers.ts';

const E = 'test/fixtures/inventory/errors';
const errorsOf = (...sources: string[]): string[] => userErrorLines(() => loadInventory(sources, { localUser: 'tester' }));

describe('inventory errors', () => {
  it('YAML structure: wrong types, unknown keys, bad ranges and names, several at once', () => {
    expect(errorsOf(`${E}/structure.yml`)).toEqual([
      `${E}/structure.yml:5:9: hosts of group kvm must be a mapping, not a list (hosts: {kvm01: {}, kvm02: {}})`,
      `${E}/structure.yml:8:7: unknown key "host" in group routers (allowed: hosts, vars, children)`,
      `${E}/structure.yml:10:15: group switches must be a mapping with hosts, vars or children, not a string`,
      `${E}/structure.yml:13:13: variables of host e1 must be a mapping, not a string (e.g. e1: {address: 192.0.2.10})`,
      `${E}/structure.yml:14:9: host range must have an end value`,
      `${E}/structure.yml:15:9: host range must have begin <= end, not [3:1]`,
      `${E}/structure.yml:16:13: vars of group edge must be a mapping, not a list (vars: {name: value})`,
      `${E}/structure.yml:17:5: invalid group name "bad group" (no spaces, commas or colons)`,
    ]);
  });

  it('a YAML inventory that is not a mapping of groups, or is a plugin configuration', () => {
    expect(errorsOf(`${E}/list.yml`)).toEqual([`${E}/list.yml:1:1: a YAML inventory must be a mapping of group names, not a list (e.g. all: {hosts: {kvm01: {}}, children: {...}})`]);
    expect(errorsOf(`${E}/plugin.yml`)).toEqual([`${E}/plugin.yml:1:1: inventory plugin configuration is not supported (list hosts and groups in YAML or INI)`]);
  });

  it('YAML syntax errors and duplicate keys', () => {
    expect(errorsOf(`${E}/syntax.yml`)).toEqual([`${E}/syntax.yml:3:27: invalid YAML: missed comma between flow collection entries`]);
    expect(errorsOf(`${E}/duplicate.yml`)).toEqual([`${E}/duplicate.yml:5:5: duplicate key "kvm01" (a key may appear only once in a mapping)`]);
  });

  it('cycles in children, naming the cycle where it closes', () => {
    expect(errorsOf(`${E}/cycle.yml`)).toEqual([
      `${E}/cycle.yml:9:17: groups form a cycle: a → b → c → a (a group cannot be its own child or descendant)`,
      `${E}/cycle.yml:12:9: groups form a cycle: self → self (a group cannot be its own child or descendant)`,
    ]);
    expect(errorsOf(`${E}/cycle.ini`)).toEqual([`${E}/cycle.ini:8:1: groups form a cycle: a → b → a (a group cannot be its own child or descendant)`]);
  });

  it('all as a child group', () => {
    expect(errorsOf(`${E}/all-child.yml`)).toEqual([`${E}/all-child.yml:5:5: group all cannot be a child of kvm (all is the top of every inventory)`]);
  });

  it('INI: every kind of bad line, in line order', () => {
    expect(errorsOf(`${E}/bad.ini`)).toEqual([
      `${E}/bad.ini:2:30: expected key=value after the host name, got "oops" (quote values with spaces: key="a b")`,
      `${E}/bad.ini:3:1: cannot read host line: no closing quotation`,
      `${E}/bad.ini:4:1: host range with leading zeros needs begin and end of equal length, not [05:1]`,
      `${E}/bad.ini:6:1: section [kvm:things] has an unknown type "things" (allowed: [group], [group:vars], [group:children])`,
      `${E}/bad.ini:9:1: invalid section header [bad name] (no spaces: [group], [group:vars] or [group:children])`,
      `${E}/bad.ini:11:2: [routers:vars] is for group routers, which is not declared (declare it with [name] or [name:children])`,
      `${E}/bad.ini:12:1: expected key=value in [routers:vars], got "asn"`,
      `${E}/bad.ini:16:1: [zone:children] names group ghosts, which is not declared (declare it with [name] or [name:children])`,
      `${E}/bad.ini:17:1: expected a group name in [zone:children], got "not a group"`,
      `${E}/bad.ini:19:2: [later:vars] is for group later, which is not declared (declare it with [name] or [name:children])`,
    ]);
  });

  it('a vars file that is not a mapping', () => {
    expect(errorsOf(`${E}/vars-not-mapping/hosts.yml`)).toEqual([`${E}/vars-not-mapping/group_vars/all.yml:1:1: a vars file must be a mapping of variable names to values, not a list`]);
  });

  it('an inventory that does not exist, or none at all', () => {
    expect(errorsOf(`${E}/nope.yml`)).toEqual([`inventory ${E}/nope.yml does not exist (give an inventory file or directory with -i, or a host list like kvm01,kvm02,)`]);
    expect(errorsOf()).toEqual(['no inventory given (use -i FILE or -i DIRECTORY)']);
  });

  it('collects errors from several files before stopping', () => {
    expect(errorsOf(`${E}/duplicate.yml`, `${E}/plugin.yml`)).toHaveLength(2);
  });
});
