/** The complete small example in docs/inventory.md, in YAML and in INI form, loads as the document says. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.ts';

describe('docs/inventory.md example', () => {
  const yaml = loadInventory(['test/fixtures/inventory/docs-example'], { localUser: 'tester' });
  const ini = loadInventory(['test/fixtures/inventory/docs-example-ini/hosts'], { localUser: 'tester' });

  it('has the same hosts and groups in both forms', () => {
    expect([...yaml.hosts.keys()]).toEqual(['kvm01', 'kvm02', 'kvm03', 'rtr-a', 'tor1']);
    expect(new Set(ini.hosts.keys())).toEqual(new Set(yaml.hosts.keys()));
    for (const host of yaml.hosts.values()) {
      expect(ini.hosts.get(host.name)?.groups, host.name).toEqual(host.groups);
      expect(ini.hosts.get(host.name)?.platform, host.name).toBe(host.platform);
    }
  });

  it('connects as the document says', () => {
    expect(yaml.hosts.get('kvm01')?.connection).toEqual({
      address: '192.0.2.11',
      port: 22,
      user: 'ops',
      identity_file: resolve('test/fixtures/inventory/docs-example/host_vars/keys/kvm01_ed25519'),
      known_hosts: null,
      jump: ['ops@bastion.example.net:22'],
      become: false,
    });
    for (const inv of [yaml, ini]) {
      expect(inv.hosts.get('rtr-a')?.connection).toMatchObject({ address: '192.0.2.1', become: true, user: 'ops' });
      expect(inv.hosts.get('tor1')?.connection.address).toBe('192.0.2.250');
      expect(inv.hosts.get('tor1')?.platform).toBe('cumulus');
    }
  });

  it('takes group_vars files and directories as the document says', () => {
    expect(yaml.hosts.get('kvm02')?.vars).toMatchObject({ bridge: 'cloudbr0', mtu: 9000, agent_properties: { 'guest.network.device': 'cloudbr1' } });
    expect(yaml.hosts.get('rtr-a')?.vars.bgp_password).toBe('@@secret(bgp.rtr-a)@@');
  });
});
