/** route: diff and commands from recorded state (test/fixtures/netconfig). */
import { describe, expect, it } from 'vitest';
import { routeModule } from '../../src/modules/route/index.ts';
import { fixtureProbe } from '../netconfig/fixture-probe.ts';
import { runContext } from '../netconfig/netns-host.ts';

const params = (p: object) => routeModule.schema.parse({ persist: false, ...p });
const diff = (p: object, ctx = runContext()) => routeModule.diff(params(p), fixtureProbe(), ctx);

describe('route diff', () => {
  it('in sync with recorded routes in main and table 100, IPv4 and IPv6', () => {
    expect(diff({ to: 'default', via: '192.0.2.1', dev: 'br0' })).toEqual([]);
    expect(diff({ to: '203.0.113.0/24', via: '192.0.2.1', metric: 50 })).toEqual([]);
    expect(diff({ to: '10.50.0.0/16', via: '198.51.100.1', table: 100 })).toEqual([]);
    expect(diff({ to: 'default', via: '2001:db8:10::1', table: 100 })).toEqual([]);
    expect(diff({ to: '2001:db8:99::/48', via: '2001:db8:10::1', metric: 10 })).toEqual([]);
  });

  it('adds, replaces and deletes', () => {
    const add = diff({ to: '10.60.0.0/16', via: '192.0.2.1', dev: 'br0', table: 100 });
    expect(add.map((c) => c.summary)).toEqual(['add route 10.60.0.0/16 via 192.0.2.1 dev br0 metric 0 table 100']);
    expect(routeModule.commands(add, params({ to: '10.60.0.0/16', via: '192.0.2.1', dev: 'br0', table: 100 }), runContext())).toBe(
      'ip route replace 10.60.0.0/16 via 192.0.2.1 dev br0 metric 0 table 100',
    );
    expect(diff({ to: '203.0.113.0/24', via: '192.0.2.2', metric: 50 }).map((c) => c.summary)).toEqual([
      'route 203.0.113.0/24 via 192.0.2.1 dev br0 metric 50 → 203.0.113.0/24 via 192.0.2.2 metric 50',
    ]);
    const del = diff({ to: 'default', via: '2001:db8:10::1', table: 100, state: 'absent' });
    expect(routeModule.commands(del, params({ to: 'default', via: '2001:db8:10::1', table: 100, state: 'absent' }), runContext())).toBe(
      `zc_rt=$(LC_ALL=C ip -6 route del default metric 1024 table 100 2>&1) || case $zc_rt in *'No such process'*) ;; *) printf '%s\\n' "$zc_rt" >&2; exit 1 ;; esac`,
    );
    expect(diff({ to: '10.99.0.0/16', via: '192.0.2.1', state: 'absent' })).toEqual([]);
  });

  it('refuses to delete the subnet route of an on-link controller', () => {
    const ctx = runContext({ managementAddress: '192.0.2.10' });
    const probe = fixtureProbe({ ssh: '192.0.2.77 50022 192.0.2.10 22' });
    const p = routeModule.schema.parse({ to: '192.0.2.0/24', dev: 'br0', state: 'absent', persist: false });
    expect(() => routeModule.diff(p, probe, ctx)).toThrow(/refusing to delete route 192.0.2.0\/24 dev br0 metric 0: the controller's connection leaves by it/);
    expect(routeModule.diff(p, probe, { ...ctx, allowManagementChange: true })).toHaveLength(1);
    // Sending the subnet through a gateway would cut it off as well.
    const viaGw = routeModule.schema.parse({ to: '192.0.2.0/24', via: '192.0.2.1', dev: 'br0', persist: false });
    expect(() => routeModule.diff(viaGw, probe, ctx)).toThrow(/refusing to change the gateway/);
  });

  it('protects the route the controller is reached by: no delete, no new gateway; another device with the same gateway is allowed', () => {
    const ctx = runContext({ managementAddress: '192.0.2.10' });
    expect(() => diff({ to: 'default', state: 'absent', via: '192.0.2.1' }, ctx)).toThrow(/refusing to delete route default via 192.0.2.1 dev br0 metric 0/);
    expect(() => diff({ to: 'default', via: '192.0.2.254' }, ctx)).toThrow(/refusing to change the gateway/);
    expect(diff({ to: 'default', via: '192.0.2.1', dev: 'cloudbr0' }, ctx).map((c) => c.summary)).toEqual([
      'route default via 192.0.2.1 dev br0 metric 0 → default via 192.0.2.1 dev cloudbr0 metric 0',
    ]);
    expect(diff({ to: 'default', state: 'absent', via: '192.0.2.1' }, { ...ctx, allowManagementChange: true })).toHaveLength(1);
  });

  it('keeps an IPv4 and an IPv6 default route of one metric on one device in separate blocks', () => {
    // Regression: both were keyed "40-route default table 254 metric 1024" and rewrote each other on every run.
    const path = '/etc/network/interfaces.d/zonectl-br0';
    const keyOf = (raw: object): string | undefined => {
      const changes = routeModule.diff(routeModule.schema.parse(raw), fixtureProbe({}, { files: [path] }), runContext());
      return /# zonectl block: (.*)/.exec(changes.at(-1)?.diff ?? '')?.[1];
    };
    expect(keyOf({ to: 'default', via: '192.0.2.9', dev: 'br0', metric: 1024 })).toBe('40-route default table 254 metric 1024');
    expect(keyOf({ to: '::/0', via: '2001:db8:10::9', dev: 'br0' })).toBe('40-route ::/0 table 254 metric 1024');
    expect(keyOf({ to: 'default', via: '2001:db8:10::9', dev: 'br0' })).toBe('40-route ::/0 table 254 metric 1024');
  });

  it('persists as an up line in the device\'s file', () => {
    const p = routeModule.schema.parse({ to: '10.60.0.0/16', via: '192.0.2.1', dev: 'br0', table: 100 });
    const path = '/etc/network/interfaces.d/zonectl-br0';
    const changes = routeModule.diff(p, fixtureProbe({}, { files: [path] }), runContext());
    expect(changes[1]?.diff).toContain('+# zonectl block: 40-route 10.60.0.0/16 table 100 metric 0\n+iface br0 inet manual\n+    up ip route replace 10.60.0.0/16 via 192.0.2.1 dev br0 metric 0 table 100\n');
  });
});
