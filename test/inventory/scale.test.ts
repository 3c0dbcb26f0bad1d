/**
 * A zone-sized inventory (2000 hosts, 40 groups, group_vars for each group,
 * host_vars for 500 hosts) loads completely and correctly. Speed is measured
 * by hand, not asserted here (tests never assert wall-clock times).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.ts';

const HOSTS = 2000;
const name = (h: number): string => `kvm${String(h).padStart(4, '0')}`;

describe('a zone-sized inventory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zonectl-inventory-scale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads 2000 hosts in 40 groups with their group_vars and host_vars', () => {
    mkdirSync(join(dir, 'group_vars'));
    mkdirSync(join(dir, 'host_vars'));
    const lines = ['all:', '  vars:', '    ansible_user: ops', '  children:'];
    for (let zone = 0; zone < 4; zone++) {
      lines.push(`    zone${zone}:`, '      children:');
      for (let pod = 0; pod < 9; pod++) {
        lines.push(`        pod${zone}_${pod}:`, '          hosts:');
        for (let h = zone * 9 + pod; h < HOSTS; h += 36) lines.push(`            ${name(h)}:`, `              ansible_host: 10.${h >> 8}.${h & 255}.1`);
        writeFileSync(join(dir, 'group_vars', `pod${zone}_${pod}.yml`), Array.from({ length: 20 }, (_, i) => `k${i}: pod${zone}_${pod}`).join('\n'));
      }
    }
    lines.push('    racks:', '      children:');
    for (let rack = 0; rack < 2; rack++) {
      lines.push(`        rack${rack}:`, '          hosts:');
      for (let h = rack; h < HOSTS; h += 2) lines.push(`            ${name(h)}:`);
    }
    writeFileSync(join(dir, 'hosts.yml'), `${lines.join('\n')}\n`);
    for (let h = 0; h < HOSTS; h += 4) writeFileSync(join(dir, 'host_vars', `${name(h)}.yml`), `k0: own-${h}\n`);

    const inv = loadInventory([dir], { localUser: 'tester' });
    expect(inv.hosts.size).toBe(HOSTS);
    expect(inv.groups.size).toBe(4 + 36 + 1 + 2 + 2); // zones, pods, racks, rack0/1, all, ungrouped
    expect(inv.hosts.get(name(37))?.groups).toEqual(['all', 'racks', 'zone0', 'pod0_1', 'rack1']);
    expect(inv.hosts.get(name(37))?.vars).toMatchObject({ ansible_host: '10.0.37.1', k0: 'pod0_1', k19: 'pod0_1' });
    expect(inv.hosts.get(name(36))?.vars.k0).toBe('own-36');
    expect(inv.hosts.get(name(1999))?.connection).toMatchObject({ address: '10.7.207.1', user: 'ops' });
    expect(inv.match('zone1:&rack0:!pod1_2')).toHaveLength(inv.match('zone1:&rack0').length - inv.match('pod1_2:&rack0').length);
    expect(inv.files).toHaveLength(1 + 36 + HOSTS / 4);
  });
});
