/** bridge: diff and commands from recorded state (test/fixtures/netconfig). */
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import { bridgeModule } from '../../src/modules/bridge/index.ts';
import { fixtureProbe } from '../netconfig/fixture-probe.ts';
import { runContext } from '../netconfig/netns-host.ts';

const params = (p: object) => bridgeModule.schema.parse({ persist: false, ...p });
const summaries = (p: object, ctx = runContext(), host = {}) => bridgeModule.diff(params(p), fixtureProbe(host), ctx).map((c) => c.summary);

describe('bridge diff', () => {
  it('in sync with the recorded br0 (port veth0, stp off, forward delay 0)', () => {
    expect(summaries({ name: 'br0', ports: ['veth0'] })).toEqual([]);
  });

  it('adds ports, changes STP in a safe order, MTU', () => {
    expect(summaries({ name: 'br0', ports: ['veth0', 'veth3'], stp: true, forward_delay: 4, mtu: 9000 })).toEqual([
      'br0: forward delay 0s → 4s',
      'br0: stp off → on',
      'br0: add port veth3',
      'br0: mtu 1500 → 9000',
    ]);
  });

  it('removes unlisted ports only with exclusive', () => {
    expect(summaries({ name: 'br0', ports: [] })).toEqual([]);
    expect(summaries({ name: 'br0', ports: [], exclusive: true })).toEqual(['br0: remove port veth0 (not listed, exclusive)']);
  });

  it('creates a missing bridge', () => {
    const p = params({ name: 'cloudbr1', ports: ['veth3'], mtu: 9000 });
    const changes = bridgeModule.diff(p, fixtureProbe(), runContext());
    expect(changes.map((c) => c.summary)).toEqual(['create bridge cloudbr1 (stp off, forward delay 0s)', 'cloudbr1: add port veth3', 'cloudbr1: mtu 9000']);
    expect(bridgeModule.commands(changes, p, runContext()).split('\n')).toEqual([
      'ip link add name cloudbr1 type bridge stp_state 0 forward_delay 0',
      'ip link set dev cloudbr1 up',
      "ip link show dev veth3 >/dev/null 2>&1 || { echo 'bridge: port veth3 does not exist' >&2; exit 1; }",
      'ip link set dev veth3 master cloudbr1',
      'ip link set dev veth3 up',
      'ip link set dev cloudbr1 mtu 9000',
    ]);
  });

  it('refuses a name taken by another kind of device', () => {
    expect(() => summaries({ name: 'veth2' })).toThrow(/veth2 exists and is a veth device/);
  });

  it('enslaving a port with addresses warns that they stop working', () => {
    expect(summaries({ name: 'cloudbr1', ports: ['veth2'] })[1]).toBe(
      'cloudbr1: add port veth2 (its addresses 198.51.100.5/24 stay on veth2 and stop working; move_addresses: true moves them)',
    );
  });

  it('refuses to enslave the management port without move_addresses', () => {
    const ctx = runContext({ managementAddress: '198.51.100.5' });
    expect(() => summaries({ name: 'cloudbr0', ports: ['veth2'] }, ctx)).toThrow(TaskError);
    expect(() => summaries({ name: 'cloudbr0', ports: ['veth2'] }, ctx)).toThrow(/carries the management address 198.51.100.5.*move_addresses: true/);
  });

  it('moves the port\'s addresses and routes onto the bridge in one detached sequence', () => {
    const ctx = runContext({ managementAddress: '198.51.100.5' });
    const p = params({ name: 'cloudbr0', ports: ['veth2'], move_addresses: true });
    const changes = bridgeModule.diff(p, fixtureProbe(), ctx);
    expect(changes.map((c) => c.summary)).toEqual([
      'create bridge cloudbr0 (stp off, forward delay 0s)',
      'cloudbr0: add port veth2, moving 198.51.100.5/24, route 10.50.0.0/16 table 100 from veth2 to cloudbr0',
    ]);
    const script = bridgeModule.commands(changes, p, ctx);
    expect(script).toMatch(/^zc_log=\$\(mktemp\)/);
    expect(script).toContain('$zc_detach sh -c ');
    const inner = script.slice(script.indexOf("sh -c '"), script.indexOf("' </dev/null"));
    const order = ['master cloudbr0', 'ip addr replace 198.51.100.5/24 dev cloudbr0', 'ip route replace 10.50.0.0/16 via 198.51.100.1 dev cloudbr0 metric 0 table 100', 'ip addr del 198.51.100.5/24 dev veth2'];
    const positions = order.map((s) => inner.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('refuses to remove ports from the bridge that carries the management address', () => {
    expect(() => summaries({ name: 'br0', ports: [], exclusive: true }, runContext({ managementAddress: '192.0.2.10' }))).toThrow(/refusing to remove port veth0 from br0/);
  });
});
