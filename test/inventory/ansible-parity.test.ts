/**
 * "An existing Ansible inventory must load unchanged": each inventory under
 * test/fixtures/inventory/ansible/ is loaded by zonectl and compared with what
 * ansible-inventory 2.14 printed for it (recorded by record.sh there): every
 * host's merged variables, and every group's hosts and children.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.ts';

const DIR = 'test/fixtures/inventory/ansible';

interface AnsibleList {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  [group: string]: { hosts?: string[]; children?: string[] } | AnsibleList['_meta'];
}

function groupsOf(list: AnsibleList): Map<string, { hosts: string[]; children: string[] }> {
  const out = new Map<string, { hosts: string[]; children: string[] }>();
  for (const [name, g] of Object.entries(list)) {
    if (name === '_meta') continue;
    const group = g as { hosts?: string[]; children?: string[] };
    out.set(name, { hosts: group.hosts ?? [], children: group.children ?? [] });
  }
  return out;
}

/** Hosts of a group with its descendants, from ansible-inventory's direct-members form. */
function allHosts(groups: Map<string, { hosts: string[]; children: string[] }>, name: string): string[] {
  const g = groups.get(name);
  if (!g) return [];
  return [...new Set([...g.hosts, ...g.children.flatMap((c) => allHosts(groups, c))])].sort();
}

describe.each([
  ['zone-yaml', 'zone-yaml/hosts.yml'],
  ['zone-ini', 'zone-ini/hosts'],
  ['inventory-dir', 'inventory-dir'],
  ['precedence', 'precedence/hosts.yml'],
])('%s loads as Ansible loads it', (name, source) => {
  const expected = JSON.parse(readFileSync(join(DIR, `${name}.ansible-inventory.json`), 'utf8')) as AnsibleList;
  const inventory = loadInventory([join(DIR, source)], { localUser: 'tester' });
  const ansibleGroups = groupsOf(expected);

  it('has the same hosts with the same merged variables', () => {
    const ours = Object.fromEntries([...inventory.hosts.values()].map((h) => [h.name, h.vars]));
    expect(ours).toEqual(expected._meta.hostvars);
  });

  it('has the same groups, children and (transitive) hosts', () => {
    // ansible-inventory --list leaves out groups with neither hosts nor children.
    const ours = [...inventory.groups.values()].filter((g) => g.hosts.length > 0 || g.children.length > 0);
    expect(ours.map((g) => g.name).sort()).toEqual([...ansibleGroups.keys()].sort());
    for (const g of ours) {
      expect([...g.hosts].sort(), `hosts of ${g.name}`).toEqual(allHosts(ansibleGroups, g.name));
      expect([...g.children].sort(), `children of ${g.name}`).toEqual([...(ansibleGroups.get(g.name)?.children ?? [])].sort());
    }
  });
});
