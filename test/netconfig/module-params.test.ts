/**
 * Compile-time validation of the network modules' params: bad names and
 * values are refused with messages that say what is allowed.
 */
import { describe, expect, it } from 'vitest';
import type { ModuleDefinition } from '../../src/modules/contract.ts';
import { addressModule } from '../../src/modules/address/index.ts';
import { arpingModule } from '../../src/modules/arping/index.ts';
import { bridgeModule } from '../../src/modules/bridge/index.ts';
import { linkModule } from '../../src/modules/link/index.ts';
import { routeModule } from '../../src/modules/route/index.ts';
import { vlanModule } from '../../src/modules/vlan/index.ts';

function errors(module: ModuleDefinition, params: unknown): string[] {
  const r = module.schema.safeParse(params);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('interface names', () => {
  it.each([
    ['a-name-of-16char', /16 characters; Linux allows 15/],
    ['eth0/1', /contains '\/' or ':'/],
    ['eth0:1', /contains '\/' or ':'/],
    ['eth 0', /space, control or non-ASCII/],
    ['.', /not allowed/],
    ['..', /not allowed/],
    ['', /empty/],
  ])('refuses %j', (name, message) => {
    expect(errors(linkModule, { name, mtu: 9000 }).join('\n')).toMatch(message);
  });

  it('accepts the usual names', () => {
    for (const name of ['eth0', 'cloudbr0', 'eth1.100', 'bond0', 'enp3s0f1', 't123-1-2']) expect(errors(linkModule, { name, mtu: 9000 })).toEqual([]);
  });
});

describe('link', () => {
  it('needs mtu or state; mtu within 68-65535', () => {
    expect(errors(linkModule, { name: 'eth0' })).toEqual([': give mtu, state, or both']);
    expect(errors(linkModule, { name: 'eth0', mtu: 10 })[0]).toMatch(/at least 68/);
    expect(errors(linkModule, { name: 'eth0', state: 'sideways' })[0]).toMatch(/up or down/);
    expect(errors(linkModule, { name: 'eth0', mtu: 9000, colour: 'red' })[0]).toMatch(/unknown parameter/);
  });
});

describe('bridge', () => {
  it('checks ports and STP timing', () => {
    expect(errors(bridgeModule, { name: 'br0', ports: ['br0'] })[0]).toMatch(/its own port/);
    expect(errors(bridgeModule, { name: 'br0', ports: ['eth0', 'eth0'] })[0]).toMatch(/listed twice/);
    expect(errors(bridgeModule, { name: 'br0', stp: true })[0]).toMatch(/forward_delay must be 2-30/);
    expect(bridgeModule.schema.parse({ name: 'br0' })).toEqual({
      name: 'br0', ports: [], stp: false, forward_delay: 0, exclusive: false, move_addresses: false, persist: true,
    });
  });
});

describe('vlan', () => {
  it('expands ids and ranges to PARENT.ID names', () => {
    expect(vlanModule.schema.parse({ parent: 'eth1', ids: '100-102,200' }).vlans).toEqual([
      { id: 100, name: 'eth1.100' }, { id: 101, name: 'eth1.101' }, { id: 102, name: 'eth1.102' }, { id: 200, name: 'eth1.200' },
    ]);
    expect(vlanModule.schema.parse({ parent: 'eth1', ids: [300, '301-302'] }).vlans.map((v: { id: number }) => v.id)).toEqual([300, 301, 302]);
    expect(vlanModule.schema.parse({ parent: 'eth1', id: 5, protocol: '802.1AD' }).protocol).toBe('802.1ad');
  });

  it('refuses bad ids, too-long default names and contradictions', () => {
    expect(errors(vlanModule, { parent: 'eth1', id: 4095 })[0]).toMatch(/1-4094/);
    expect(errors(vlanModule, { parent: 'eth1', ids: '10-5' })[0]).toMatch(/low-high/);
    expect(errors(vlanModule, { parent: 'eth1', ids: 'ten' })[0]).toMatch(/not a VLAN id or range/);
    expect(errors(vlanModule, { parent: 'enp129s0f1np1', id: 1234 })[0]).toMatch(/enp129s0f1np1\.1234 is 18 characters; Linux allows 15.*give a shorter name/);
    expect(errors(vlanModule, { parent: 'eth1', id: 1, ids: '2' })[0]).toMatch(/not both/);
    expect(errors(vlanModule, { parent: 'eth1', ids: '1-2', name: 'v' })[0]).toMatch(/single id/);
    expect(errors(vlanModule, { parent: 'eth1', id: 1, protocol: 'qinq' })[0]).toMatch(/802.1Q or 802.1ad/);
  });
});

describe('address', () => {
  it('canonicalises addresses and refuses what is not address/prefix', () => {
    expect(addressModule.schema.parse({ dev: 'br0', addresses: ['10.0.0.5/24', '2001:DB8:0::5/64'] }).addresses).toEqual(['10.0.0.5/24', '2001:db8::5/64']);
    expect(addressModule.schema.parse({ dev: 'br0', addresses: '10.0.0.5/24' }).addresses).toEqual(['10.0.0.5/24']);
    expect(errors(addressModule, { dev: 'br0', addresses: ['10.0.0.5'] }).join()).toMatch(/not an address with a prefix length/);
    expect(errors(addressModule, { dev: 'br0', addresses: ['10.0.0.5/33'] }).join()).toMatch(/not an address with a prefix length/);
    expect(errors(addressModule, { dev: 'br0', addresses: ['10.0.0.5/24', '10.0.0.5/16'] }).join()).toMatch(/listed twice/);
  });
});

describe('route', () => {
  it('normalises destinations, families and default metrics', () => {
    expect(routeModule.schema.parse({ to: 'default', via: '10.0.0.1', dev: 'br0' })).toMatchObject({ to: 'default', family: 4, metric: 0, table: 'main' });
    expect(routeModule.schema.parse({ to: '::/0', via: 'fe80::1', dev: 'br0' })).toMatchObject({ to: 'default', family: 6, metric: 1024 });
    expect(routeModule.schema.parse({ to: '192.0.2.7', dev: 'br0' })).toMatchObject({ to: '192.0.2.7/32' });
    expect(routeModule.schema.parse({ to: '10.20.0.0/16', via: '10.0.0.1', persist: false, table: 100 })).toMatchObject({ table: '100', dev: undefined });
  });

  it('refuses host bits, mixed families, a route to nowhere, and persisting without dev', () => {
    expect(errors(routeModule, { to: '10.20.1.0/16', via: '10.0.0.1', dev: 'x' })[0]).toMatch(/host bits set/);
    expect(errors(routeModule, { to: '10.20.0.0/16', via: '2001:db8::1', dev: 'x' })[0]).toMatch(/same address family/);
    expect(errors(routeModule, { to: '10.20.0.0/16', persist: false })[0]).toMatch(/needs via/);
    expect(errors(routeModule, { to: '10.20.0.0/16', via: '10.0.0.1' })[0]).toMatch(/persisted route needs dev/);
    expect(errors(routeModule, { to: '10.20.0.0/16', via: '10.0.0.1', dev: 'x', table: 'a b' })[0]).toMatch(/table must be/);
  });

  it('names the right network for host bits, and says nothing more about a destination already refused', () => {
    // Regression: the hint said "like 10.20.1.0/16" and a second error said "not in the same address family as undefined".
    expect(errors(routeModule, { to: '10.20.1.0/16', via: '10.0.0.1', dev: 'x' })).toEqual([
      'to: 10.20.1.0/16 has host bits set (a route goes to a network address, like 10.20.0.0/16)',
    ]);
    expect(errors(routeModule, { to: '2001:db8:1:2::5/48', via: '2001:db8::1', dev: 'x' })).toEqual([
      'to: 2001:db8:1:2::5/48 has host bits set (a route goes to a network address, like 2001:db8:1::/48)',
    ]);
  });
});

describe('arping', () => {
  it('takes IPv4 only (a CIDR is accepted)', () => {
    expect(arpingModule.schema.parse({ address: '10.0.0.5/24', dev: 'br0' })).toEqual({ address: '10.0.0.5', dev: 'br0', count: 1 });
    expect(errors(arpingModule, { address: '2001:db8::5', dev: 'br0' })[0]).toMatch(/ARP is IPv4 only/);
  });
});
