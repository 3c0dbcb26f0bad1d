/**
 * The iproute2 JSON parsers, on output recorded on this machine (see
 * test/fixtures/netconfig/README.md for how) and on the VLAN shape taken from
 * iproute2's source.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import { parseAddresses, parseBridgePorts, parseLinks, parseRoutes, parseRouteTables, tableId } from '../../src/netconfig/parse-ip.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/netconfig/${name}`, import.meta.url), 'utf8');

describe('parseLinks (ip -j -d link show)', () => {
  const links = parseLinks(fixture('lab-link.json'));
  const byName = (n: string) => links.find((l) => l.name === n);

  it('reads kind, MTU, admin state and bridge membership', () => {
    expect(links.map((l) => l.name)).toEqual(['lo', 'veth1', 'veth0', 'veth3', 'veth2', 'br0']);
    expect(byName('veth0')).toMatchObject({ kind: 'veth', master: 'br0', up: true, mtu: 1500 });
    expect(byName('veth2')).toMatchObject({ kind: 'veth', master: null, up: true, mtu: 9000, operstate: 'LOWERLAYERDOWN' });
    expect(byName('veth3')).toMatchObject({ up: false, mtu: 1500 });
    expect(byName('lo')).toMatchObject({ kind: null, mtu: 65536 });
  });

  it('reads bridge STP state and forward delay (centiseconds → seconds)', () => {
    expect(byName('br0')).toMatchObject({ kind: 'bridge', bridge: { stp: false, forwardDelay: 0 }, up: true });
  });

  it('reads VLAN id, protocol and parent (shape from iproute2 ip/iplink_vlan.c)', () => {
    const vlans = parseLinks(fixture('vlan-link.json')).filter((l) => l.kind === 'vlan');
    expect(vlans).toEqual([
      expect.objectContaining({ name: 'veth2.100', parent: 'veth2', vlan: { id: 100, protocol: '802.1Q' }, master: 'br0' }),
      expect.objectContaining({ name: 'veth2.200', parent: 'veth2', vlan: { id: 200, protocol: '802.1ad' }, master: null }),
    ]);
  });

  it('names the command when the output is not JSON', () => {
    expect(() => parseLinks('Option "-j" is unknown')).toThrow(TaskError);
    expect(() => parseLinks('Option "-j" is unknown')).toThrow(/ip -j -d link show/);
  });
});

describe('parseAddresses (ip -j addr show)', () => {
  const addrs = parseAddresses(fixture('lab-addr.json'));
  it('reads IPv4 and IPv6 addresses with prefix and scope', () => {
    expect(addrs.filter((a) => a.dev === 'br0').map((a) => [a.cidr, a.scope, a.dynamic])).toEqual([
      ['192.0.2.10/24', 'global', false],
      ['2001:db8:10::10/64', 'global', false],
      [expect.stringMatching(/^fe80::.*\/64$/), 'link', false],
    ]);
    expect(addrs.find((a) => a.dev === 'veth2')).toMatchObject({ cidr: '198.51.100.5/24', family: 4 });
    expect(addrs.find((a) => a.dev === 'lo' && a.family === 6)).toMatchObject({ cidr: '::1/128' });
  });
});

describe('parseRoutes (ip -j route show table all)', () => {
  const routes = parseRoutes(fixture('lab-route.json'));
  const find = (table: string, to: string, family: 4 | 6 = 4) => routes.find((r) => r.table === table && r.to === to && r.family === family);

  it('reads routes of several tables, IPv4 and IPv6, with gateways and metrics', () => {
    expect(find('254', 'default')).toMatchObject({ via: '192.0.2.1', dev: 'br0', metric: 0, type: 'unicast' });
    expect(find('254', '203.0.113.0/24')).toMatchObject({ via: '192.0.2.1', metric: 50 });
    expect(find('100', '10.50.0.0/16')).toMatchObject({ via: '198.51.100.1', dev: 'veth2' });
    expect(find('100', 'default', 6)).toMatchObject({ via: '2001:db8:10::1', metric: 1024 });
    expect(find('254', '2001:db8:99::/48', 6)).toMatchObject({ via: '2001:db8:10::1', metric: 10 });
    expect(find('254', '192.0.2.0/24')).toMatchObject({ via: null, protocol: 'kernel' });
  });

  it('maps the local table and host routes', () => {
    expect(find('255', '192.0.2.10/32')).toMatchObject({ type: 'local', dev: 'br0' });
  });

  it('maps table names from rt_tables', () => {
    const tables = parseRouteTables('# comment\n255\tlocal\n254\tmain\n100 cloud\n');
    expect(tableId('cloud', tables)).toBe('100');
    expect(tableId('main', tables)).toBe('254');
    expect(tableId(100, tables)).toBe('100');
    const named = parseRoutes('[{"dst":"10.0.0.0/8","gateway":"10.1.1.1","dev":"x","table":"cloud","flags":[]}]', tables);
    expect(named[0]?.table).toBe('100');
  });
});

describe('parseBridgePorts (bridge -j link show)', () => {
  it('reads ports and their master', () => {
    expect(parseBridgePorts(fixture('lab-bridge.json'))).toEqual([{ name: 'veth0', master: 'br0', state: 'forwarding' }]);
  });
});
