/**
 * vlan: diff and commands from the VLAN link shapes of iproute2's source
 * (test/fixtures/netconfig/vlan-link.json, see its README), and the real
 * "no 8021q" error of this kernel.
 */
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import { vlanModule } from '../../src/modules/vlan/index.ts';
import { fixtureProbe } from '../netconfig/fixture-probe.ts';
import { runContext } from '../netconfig/netns-host.ts';

const params = (p: object) => vlanModule.schema.parse({ persist: false, ...p });
const request = { files: [], vlanSupport: true };
const diff = (p: object, support: 'loaded' | 'missing' = 'loaded') =>
  vlanModule.diff(params(p), fixtureProbe({ links: 'vlan-link.json', vlanSupport: support }, request), runContext());

describe('vlan diff', () => {
  it('in sync: veth2.100 is VLAN 100 (802.1Q) on veth2 in br0; veth2.200 is 802.1ad', () => {
    expect(diff({ parent: 'veth2', id: 100, bridge: 'br0' })).toEqual([]);
    expect(diff({ parent: 'veth2', id: 200, protocol: '802.1ad' })).toEqual([]);
  });

  it('creates missing VLANs of a list, sets MTU and bridge', () => {
    const p = params({ parent: 'veth2', ids: '100-101', mtu: 9000, bridge: 'br0' });
    const changes = vlanModule.diff(p, fixtureProbe({ links: 'vlan-link.json' }, request), runContext());
    expect(changes.map((c) => c.summary)).toEqual([
      'veth2.100: mtu 1500 → 9000',
      'create veth2.101 (VLAN 101 on veth2, 802.1Q)',
      'veth2.101: mtu 9000',
      'veth2.101: port of bridge br0',
    ]);
    const script = vlanModule.commands(changes, p, runContext());
    expect(script).toContain('zc_out=$(ip link add link veth2 name veth2.101 type vlan id 101 protocol 802.1Q 2>&1)');
    expect(script).toContain('ip link set dev veth2.101 master br0');
  });

  it('does not renumber or retype in place', () => {
    expect(() => diff({ parent: 'veth2', id: 101, name: 'veth2.100' })).toThrow(/veth2.100 is VLAN 100 \(802.1Q\) on veth2, not VLAN 101/);
    expect(() => diff({ parent: 'veth2', id: 200 })).toThrow(/not VLAN 200 \(802.1Q\)/);
    expect(() => diff({ parent: 'veth0', id: 7, name: 'br0' })).toThrow(/br0 exists and is a bridge device/);
  });

  it('a kernel without 8021q is a clear error before anything changes', () => {
    expect(() => diff({ parent: 'veth2', id: 300 }, 'missing')).toThrow(TaskError);
    expect(() => diff({ parent: 'veth2', id: 300 }, 'missing')).toThrow(/the kernel has no 802.1Q support \(module 8021q/);
    // Existing VLAN interfaces need no module load.
    expect(diff({ parent: 'veth2', id: 100 }, 'missing')).toEqual([]);
  });
});
