/**
 * Real execution in a scratch network namespace (with /etc/network on a
 * private tmpfs): link, bridge, address and route converge, a second run has
 * nothing to do, the ifupdown file holds every task's stanza, and changes
 * made by hand (live and in the file) are detected and repaired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressModule } from '../../src/modules/address/index.ts';
import { bridgeModule } from '../../src/modules/bridge/index.ts';
import { linkModule } from '../../src/modules/link/index.ts';
import { routeModule } from '../../src/modules/route/index.ts';
import type { ModuleDefinition } from '../../src/modules/contract.ts';
import { NetnsHost, runContext, runTask, skipNetns } from '../netconfig/netns-host.ts';

const skip = skipNetns();
const host = new NetnsHost('zc-h7-br');

const tasks: [ModuleDefinition, object][] = [
  [linkModule, { name: 'h7up0', mtu: 9000, state: 'up' }],
  [bridgeModule, { name: 'h7br0', ports: ['h7up0'], mtu: 9000 }],
  [addressModule, { dev: 'h7br0', addresses: ['10.77.0.1/24', 'fd00:77::1/64'] }],
  [routeModule, { to: '10.78.0.0/16', via: '10.77.0.254', dev: 'h7br0', table: 100, metric: 5 }],
  [routeModule, { to: 'fd00:78::/48', via: 'fd00:77::fe', dev: 'h7br0' }],
];

function converge(): string[] {
  const summaries: string[] = [];
  for (const [module, params] of tasks) {
    const r = runTask(host, module, params);
    if (r.apply) expect(r.apply.stderr, r.script).toBe('');
    if (r.apply) expect(r.apply.exitCode, r.script).toBe(0);
    summaries.push(...r.changes.map((c) => c.summary));
  }
  return summaries;
}

const pending = () => tasks.flatMap(([module, params]) => runTask(host, module, params, runContext(), true).changes.map((c) => c.summary));

describe.skipIf(skip)('link, bridge, address, route in a namespace', () => {
  beforeAll(async () => {
    await host.start();
    host.must('ip link add h7up0 type veth peer name h7up0p && ip link add h7p1 type veth peer name h7p1p && ip link set h7p1 up');
  });
  afterAll(() => host.close());

  it('applies everything, then has nothing to do', () => {
    const first = converge();
    expect(first).toContain('h7up0: mtu 1500 → 9000');
    expect(first).toContain('create bridge h7br0 (stp off, forward delay 0s)');
    expect(first).toContain('add route 10.78.0.0/16 via 10.77.0.254 dev h7br0 metric 5 table 100');
    expect(pending()).toEqual([]);

    expect(host.json('ip -j -d link show h7br0')[0]).toMatchObject({ mtu: 9000, linkinfo: { info_kind: 'bridge' } });
    expect(host.json('ip -j link show h7up0')[0]).toMatchObject({ mtu: 9000, master: 'h7br0' });
    expect(host.must('ip -4 route show table 100')).toContain('10.78.0.0/16 via 10.77.0.254 dev h7br0 metric 5');
  });

  it('writes one ifupdown file per interface, composed of every task\'s stanza', () => {
    expect(host.must('ls /etc/network/interfaces.d').split('\n').filter(Boolean)).toEqual(['zonectl-h7br0', 'zonectl-h7up0']);
    expect(host.must('cat /etc/network/interfaces.d/zonectl-h7br0')).toBe(
      [
        '# Written by zonectl: each "# zonectl block:" section below belongs to one task and is rewritten by it.',
        '# zonectl block: 10-bridge',
        'auto h7br0',
        'iface h7br0 inet manual',
        '    bridge-ports h7up0',
        '    bridge-stp off',
        '    bridge-fd 0',
        '    mtu 9000',
        '# zonectl block: 30-address',
        'auto h7br0',
        'iface h7br0 inet static',
        '    address 10.77.0.1/24',
        'iface h7br0 inet6 static',
        '    address fd00:77::1/64',
        '# zonectl block: 40-route 10.78.0.0/16 table 100 metric 5',
        'iface h7br0 inet manual',
        '    up ip route replace 10.78.0.0/16 via 10.77.0.254 dev h7br0 metric 5 table 100',
        '# zonectl block: 40-route fd00:78::/48 table 254 metric 1024',
        'iface h7br0 inet6 manual',
        '    up ip -6 route replace fd00:78::/48 via fd00:77::fe dev h7br0 metric 1024',
        '',
      ].join('\n'),
    );
    expect(host.must('stat -c %a /etc/network/interfaces.d/zonectl-h7br0').trim()).toBe('644');
  });

  it('detects and repairs changes made by hand, live and in the file', () => {
    host.must(
      [
        'ip link set h7up0 mtu 1500',
        // Deleting the address also flushes the table 100 route through its gateway.
        'ip addr del 10.77.0.1/24 dev h7br0',
        "sed -i 's/bridge-stp off/bridge-stp on/' /etc/network/interfaces.d/zonectl-h7br0",
      ].join(' && '),
    );
    const found = pending();
    expect(found).toEqual([
      'h7up0: mtu 1500 → 9000',
      // The bridge's MTU follows its only port down to 1500 when the port shrinks.
      'h7br0: mtu 1500 → 9000',
      'update the bridge stanza in /etc/network/interfaces.d/zonectl-h7br0 (ifupdown)',
      'h7br0: add 10.77.0.1/24',
      'add route 10.78.0.0/16 via 10.77.0.254 dev h7br0 metric 5 table 100',
    ]);
    converge();
    expect(pending()).toEqual([]);
  });

  it('exclusive removes unlisted ports; an absent route goes away live and from the file', () => {
    host.must('ip link set h7p1 mtu 9000 && ip link set h7p1 master h7br0');
    expect(runTask(host, bridgeModule, { name: 'h7br0', ports: ['h7up0'], mtu: 9000 }, runContext(), true).changes).toEqual([]);
    const r = runTask(host, bridgeModule, { name: 'h7br0', ports: ['h7up0'], mtu: 9000, exclusive: true });
    expect(r.changes.map((c) => c.summary)).toEqual(['h7br0: remove port h7p1 (not listed, exclusive)']);
    expect(host.json('ip -j link show h7p1')[0]).not.toHaveProperty('master');

    const gone = runTask(host, routeModule, { to: '10.78.0.0/16', via: '10.77.0.254', dev: 'h7br0', table: 100, metric: 5, state: 'absent' });
    expect(gone.changes.map((c) => c.summary)).toEqual([
      'delete route 10.78.0.0/16 via 10.77.0.254 dev h7br0 metric 5 table 100',
      'remove the route 10.78.0.0/16 table 100 metric 5 stanza from /etc/network/interfaces.d/zonectl-h7br0 (ifupdown)',
    ]);
    expect(host.must('ip route show table 100')).toBe('');
    expect(host.must('cat /etc/network/interfaces.d/zonectl-h7br0')).not.toContain('10.78.0.0/16');
  });

  it('refuses to cut the management address, device or route unless allowed', () => {
    const ctx = runContext({ managementAddress: '10.77.0.1' });
    expect(() => runTask(host, addressModule, { dev: 'h7br0', addresses: ['fd00:77::1/64'], exclusive: true }, ctx, true)).toThrow(
      /refusing to remove 10.77.0.1\/24 from h7br0: it is the management address/,
    );
    expect(() => runTask(host, linkModule, { name: 'h7up0', state: 'down' }, ctx, true)).toThrow(/it is a port of h7br0, which carries the management address/);
    const allowed = runTask(host, linkModule, { name: 'h7br0', state: 'down', persist: false }, { ...ctx, allowManagementChange: true }, true);
    expect(allowed.changes.map((c) => c.summary)).toEqual(['h7br0: up → down']);
  });
});
