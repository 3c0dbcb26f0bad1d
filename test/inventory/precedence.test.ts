/**
 * Variable precedence inside the inventory, as Ansible applies it (the same
 * fixture is checked against ansible-inventory in ansible-parity.test.ts):
 * all inline < other groups inline (depth, ansible_group_priority, name)
 * < group_vars/all < other group_vars (same order) < host inline < host_vars.
 */
import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/errors/index.ts';
import { loadInventory } from '../../src/inventory/index.ts';

const DIR = 'test/fixtures/inventory/ansible/precedence';
const inv = loadInventory([`${DIR}/hosts.yml`], { localUser: 'tester' });
const where = (host: string, key: string): string => {
  const o = inv.hosts.get(host)?.origins[key];
  return `${o?.level} @ ${formatLocation(o?.location)}`;
};

describe('inventory precedence', () => {
  it('sorts a host groups by depth, then ansible_group_priority, then name', () => {
    // a_parent has priority 10, c_top the default 1: c_top sorts first at depth 1.
    expect(inv.hosts.get('h1')?.groups).toEqual(['all', 'c_top', 'a_parent', 'b_child', 'z_child']);
  });

  it('lets the deepest group win among inline group vars, the later name at equal depth', () => {
    expect(inv.hosts.get('h1')?.vars.v).toBe('z_child-inline');
    expect(where('h1', 'v')).toBe(`group z_child @ ${DIR}/hosts.yml:14:16`);
    expect(inv.hosts.get('h1')?.vars.u).toBe('b_child-inline');
    expect(inv.hosts.get('h1')?.vars.only_all).toBe(1);
    expect(where('h1', 'only_all')).toBe(`group all @ ${DIR}/hosts.yml:5:15`);
  });

  it('lets group_vars files beat every inline group var, and sorts them the same way', () => {
    expect(inv.hosts.get('h1')?.vars.w).toBe('a_parent-file');
    expect(where('h1', 'w')).toBe(`group_vars/a_parent.yml @ ${DIR}/group_vars/a_parent.yml:1:4`);
    expect(inv.hosts.get('h1')?.vars.y).toBe('c_top-file');
    expect(inv.hosts.get('h2')?.vars.y).toBe('all-file');
  });

  it('lets host vars beat group vars, and host_vars files beat inline host vars', () => {
    expect(inv.hosts.get('h2')?.vars.v).toBe('h2-inline');
    expect(where('h2', 'v')).toBe(`host h2 @ ${DIR}/hosts.yml:24:18`);
    expect(inv.hosts.get('h2')?.vars.x).toBe('h2-file');
    expect(where('h2', 'x')).toBe(`host_vars/h2.yml @ ${DIR}/host_vars/h2.yml:1:4`);
  });

  it('does not treat ansible_group_priority as a variable', () => {
    expect(inv.hosts.get('h1')?.vars).not.toHaveProperty('ansible_group_priority');
  });

  it('keeps each group own variables, files over inline', () => {
    expect(inv.groups.get('c_top')?.vars).toEqual({ u: 'c_top-inline', v: 'c_top-inline', w: 'c_top-file', y: 'c_top-file' });
  });
});
