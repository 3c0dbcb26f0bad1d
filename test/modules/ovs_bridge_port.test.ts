/**
 * ovs_bridge and ovs_port from the state recorded on a real Open vSwitch
 * (test/fixtures/ovs/probe-*.json): params → diff → the one ovs-vsctl transaction.
 */
import { describe, expect, it } from 'vitest';
import { ovsBridge } from '../../src/modules/ovs_bridge/index.ts';
import { ovsPort } from '../../src/modules/ovs_port/index.ts';
import { ctx, probeFixture } from '../ovs/fixtures.ts';

const populated = probeFixture('probe-populated');
const empty = probeFixture('probe-empty');

function plan<P>(module: typeof ovsBridge | typeof ovsPort, raw: unknown, output = populated) {
  const params = module.schema.parse(raw) as P;
  const state = module.parse(output, params as never, ctx);
  const changes = module.diff(params as never, state, ctx);
  return { changes, summaries: changes.map((c) => c.summary), commands: module.commands(changes, params as never, ctx) };
}

describe('ovs_bridge', () => {
  it('creates a missing bridge in one transaction', () => {
    const r = plan(ovsBridge, { name: 'cloudbr0', datapath_type: 'netdev', fail_mode: 'standalone', stp: false, external_ids: { zone: 'z1' } }, empty);
    expect(r.summaries).toEqual(['create bridge cloudbr0 (datapath_type=netdev, fail_mode=standalone, stp_enable=false, external_ids: zone=z1)']);
    expect(r.commands).toBe(
      `ovs-vsctl --timeout=30 -- --may-exist add-br cloudbr0 -- set bridge cloudbr0 datapath_type=netdev fail_mode=standalone stp_enable=false -- set bridge cloudbr0 'external_ids:"zone"="z1"'`,
    );
  });

  it('is in sync with what the recorded bridge has', () => {
    const r = plan(ovsBridge, { name: 'cloudbr0', datapath_type: 'netdev', fail_mode: 'standalone', stp: false, other_config: { hwaddr: '02:00:00:00:00:01' }, external_ids: { owner: 'ops' } });
    expect(r.changes).toEqual([]);
    expect(r.commands).toBe('');
  });

  it('changes only the columns and keys it is given, leaving other keys alone', () => {
    const r = plan(ovsBridge, { name: 'cloudbr0', fail_mode: 'secure', stp: true, external_ids: { zone: 'z1', owner: null } });
    expect(r.summaries).toEqual([
      'bridge cloudbr0: fail_mode standalone → secure (Open vSwitch flushes the flows on this change: zonectl saves and restores them)',
      'bridge cloudbr0: stp false → true',
      'bridge cloudbr0: external_ids:zone (unset) → z1',
      'bridge cloudbr0: remove external_ids:owner (was ops)',
    ]);
    expect(r.commands).toContain(
      `if ovs-vsctl --timeout=30 -- set bridge cloudbr0 fail_mode=secure -- set bridge cloudbr0 stp_enable=true -- set bridge cloudbr0 'external_ids:"zone"="z1"' -- remove bridge cloudbr0 external_ids '"owner"'; then`,
    );
  });

  it('saves and restores the flows around a fail_mode or datapath_type change (Open vSwitch flushes them)', () => {
    const r = plan(ovsBridge, { name: 'cloudbr0', fail_mode: 'secure', datapath_type: 'system' });
    expect(r.summaries).toEqual([
      'bridge cloudbr0: datapath_type netdev → system (Open vSwitch flushes the flows on this change: zonectl saves and restores them)',
      'bridge cloudbr0: fail_mode standalone → secure (Open vSwitch flushes the flows on this change: zonectl saves and restores them)',
    ]);
    expect(r.commands.split('\n')).toEqual([
      'zc_flows=$(mktemp)',
      'ovs-ofctl --names --no-stats dump-flows cloudbr0 >"$zc_flows" || { rm -f "$zc_flows"; exit 1; }',
      `sed -i '/^ *priority=0 actions=NORMAL$/d' "$zc_flows"`,
      'if ovs-vsctl --timeout=30 -- set bridge cloudbr0 datapath_type=system -- set bridge cloudbr0 fail_mode=secure; then zc_vsctl=0; else zc_vsctl=$?; fi',
      'ovs-ofctl --names --bundle add-flows cloudbr0 "$zc_flows" || { rm -f "$zc_flows"; exit 1; }',
      'rm -f "$zc_flows"',
      '[ "$zc_vsctl" -eq 0 ] || exit "$zc_vsctl"',
    ]);
    // Other columns need no such care.
    expect(plan(ovsBridge, { name: 'cloudbr0', stp: true }).commands).toBe('ovs-vsctl --timeout=30 -- set bridge cloudbr0 stp_enable=true');
  });

  it('deletes a bridge with state absent, and nothing when it is gone', () => {
    expect(plan(ovsBridge, { name: 'cloudbr1', state: 'absent' }).summaries).toEqual(['delete bridge cloudbr1 and its ports p1']);
    expect(plan(ovsBridge, { name: 'cloudbr1', state: 'absent' }).commands).toBe('ovs-vsctl --timeout=30 -- --if-exists del-br cloudbr1');
    expect(plan(ovsBridge, { name: 'cloudbr9', state: 'absent' }).changes).toEqual([]);
  });

  it('refuses names that are too long or could be read as options', () => {
    expect(() => ovsBridge.schema.parse({ name: 'a-very-long-bridge' })).toThrow(/at most 15 characters/);
    expect(() => ovsBridge.schema.parse({ name: '--help' })).toThrow(/starting with a letter or digit/);
    expect(() => ovsBridge.schema.parse({ name: 'br0', fail_mode: 'open' })).toThrow(/standalone/);
    expect(() => ovsBridge.schema.parse({ name: 'br0', bogus: 1 })).toThrow(/bogus/);
  });
});

describe('ovs_port', () => {
  it('says in the dry run every column a new port gets, external_ids too', () => {
    // Regression: external_ids were set on a new port but missing from its summary.
    const r = plan(ovsPort, { bridge: 'cloudbr0', name: 'eth7', external_ids: { role: 'uplink', gone: null } });
    expect(r.summaries).toEqual(['create port eth7 on bridge cloudbr0 (type=system, external_ids: role=uplink)']);
    expect(r.commands).toContain(`set port eth7 'external_ids:"role"="uplink"'`);
  });

  it('is in sync with the recorded trunk, access and tunnel ports', () => {
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'eth1', type: 'internal', trunks: [200, 100], vlan_mode: 'trunk' }).changes).toEqual([]);
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'eth1', type: 'internal', trunks: '100,200' }).changes).toEqual([]);
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'vm1', type: 'internal', tag: 100, mtu_request: 1450, external_ids: { zonectl: 'yes' } }).changes).toEqual([]);
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 't103-1-2', type: 'gre', options: { key: 103, remote_ip: '192.0.2.2' } }).changes).toEqual([]);
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'vx1', type: 'vxlan', options: { key: 5000, remote_ip: '192.0.2.9', dst_port: 4789 } }).changes).toEqual([]);
    // Without type, an existing port keeps its type; with one, it is enforced.
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'vm1', tag: 100 }).changes).toEqual([]);
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'vm1', type: 'system' }).summaries).toEqual(['port vm1: type internal → system']);
  });

  it('creates a port with add-port and its columns in the same transaction', () => {
    const r = plan(ovsPort, { bridge: 'cloudbr0', name: 'eth2', trunks: [100, 200], vlan_mode: 'trunk' });
    expect(r.summaries).toEqual(['create port eth2 on bridge cloudbr0 (type=system, trunks=100,200, vlan_mode=trunk)']);
    expect(r.commands).toBe(
      "ovs-vsctl --timeout=30 -- --may-exist add-port cloudbr0 eth2 -- set port eth2 'trunks=[100,200]' vlan_mode=trunk",
    );
    const gre = plan(ovsPort, { bridge: 'cloudbr0', name: 'gre9', type: 'gre', options: { key: 7, remote_ip: '192.0.2.7' } });
    expect(gre.commands).toBe(
      `ovs-vsctl --timeout=30 -- --may-exist add-port cloudbr0 gre9 -- set interface gre9 type=gre -- set interface gre9 'options:"key"="7"' 'options:"remote_ip"="192.0.2.7"'`,
    );
  });

  it('corrects an existing port with set/clear/remove, never add-port', () => {
    const r = plan(ovsPort, { bridge: 'cloudbr0', name: 'vm1', type: 'internal', tag: 200, mtu_request: null, trunks: [], external_ids: { zonectl: null } });
    expect(r.summaries).toEqual([
      'port vm1: clear mtu_request (was 1450)',
      'port vm1: tag 100 → 200',
      'port vm1: remove external_ids:zonectl (was yes)',
    ]);
    expect(r.commands).toBe("ovs-vsctl --timeout=30 -- clear interface vm1 mtu_request -- set port vm1 tag=200 -- remove port vm1 external_ids '\"zonectl\"'");
    const t = plan(ovsPort, { bridge: 'cloudbr0', name: 't103-1-2', type: 'gre', options: { key: 104, remote_ip: '192.0.2.2' } });
    expect(t.commands).toBe(`ovs-vsctl --timeout=30 -- set interface t103-1-2 'options:"key"="104"'`);
    const trunks = plan(ovsPort, { bridge: 'cloudbr0', name: 'eth1', type: 'internal', trunks: '100-102' });
    // Runs of three or more read as ranges (kvm-ovs's default "100-199" was a line of a hundred numbers).
    expect(trunks.summaries).toEqual(['port eth1: trunks 100,200 → 100-102']);
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'eth8', trunks: '100-199,300,301' }, empty).summaries).toEqual([
      'create port eth8 on bridge cloudbr0 (type=system, trunks=100-199,300,301)',
    ]);
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'eth1', type: 'internal', trunks: null }).commands).toBe('ovs-vsctl --timeout=30 -- clear port eth1 trunks');
  });

  it('moves a port found on another bridge: deleted first, then added (one transaction fails in ovs-vswitchd)', () => {
    const r = plan(ovsPort, { bridge: 'cloudbr1', name: 'vm1', type: 'internal', tag: 100 });
    expect(r.summaries).toEqual(['move port vm1 from bridge cloudbr0 to cloudbr1 (type=internal, tag=100)']);
    expect(r.commands).toBe('ovs-vsctl --timeout=30 -- --if-exists del-port vm1 && ovs-vsctl --timeout=30 -- --may-exist add-port cloudbr1 vm1 -- set interface vm1 type=internal -- set port vm1 tag=100');
  });

  it('deletes with state absent', () => {
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'vx1', state: 'absent' }).commands).toBe('ovs-vsctl --timeout=30 -- --if-exists del-port vx1');
    expect(plan(ovsPort, { bridge: 'cloudbr0', name: 'nope', state: 'absent' }).changes).toEqual([]);
  });

  it('validates params with messages that say what is allowed', () => {
    expect(() => ovsPort.schema.parse({ bridge: 'b', name: 'g', type: 'gre' })).toThrow(/needs options.remote_ip/);
    expect(() => ovsPort.schema.parse({ bridge: 'b', name: 'p', type: 'patch' })).toThrow(/needs options.peer/);
    expect(() => ovsPort.schema.parse({ bridge: 'b', name: 'p', tag: 5000 })).toThrow(/0-4095/);
    expect(() => ovsPort.schema.parse({ bridge: 'b', name: 'p', trunks: '100,abc' })).toThrow(/bad VLAN list item/);
    expect(() => ovsPort.schema.parse({ bridge: 'b', name: 'p', options: { csum: true } })).toThrow(/csum/);
    expect(() => ovsPort.schema.parse({ bridge: 'b', name: 'p', tag: 1, trunks: [2] })).toThrow(/native-tagged/);
  });
});

describe('never cutting the controller off (recorded: 10.0.0.1 on OVS internal port mgmt0, 10.0.1.1 on NIC eth0)', () => {
  const managed = probeFixture('probe-management');
  const at = (address: string, allow = false) => ({ ...ctx, managementAddress: address, allowManagementChange: allow });
  const diff = (module: typeof ovsBridge | typeof ovsPort, raw: unknown, c: ReturnType<typeof at>) => {
    const params = module.schema.parse(raw);
    return module.diff(params as never, module.parse(managed, params as never, c), c).map((x) => x.summary);
  };

  it('refuses to delete the bridge or the port that carries the management address', () => {
    expect(() => diff(ovsBridge, { name: 'cloudbr0', state: 'absent' }, at('10.0.0.1'))).toThrow(
      'refusing to delete bridge cloudbr0: mgmt0 carries the management address 10.0.0.1 (run with --allow-management-change if you are sure the controller stays reachable)',
    );
    expect(() => diff(ovsPort, { bridge: 'cloudbr0', name: 'mgmt0', state: 'absent' }, at('10.0.0.1'))).toThrow(/refusing to delete port mgmt0/);
    expect(() => diff(ovsPort, { bridge: 'cloudbr1', name: 'mgmt0', type: 'internal' }, at('10.0.0.1'))).toThrow(/refusing to move port mgmt0 to bridge cloudbr1/);
  });

  it('refuses to make the management NIC a bridge port', () => {
    expect(() => diff(ovsPort, { bridge: 'cloudbr0', name: 'eth0' }, at('10.0.1.1'))).toThrow(/refusing to add eth0 to bridge cloudbr0: eth0 carries the management address 10\.0\.1\.1/);
  });

  it('goes ahead when the management address is elsewhere, or with --allow-management-change', () => {
    expect(diff(ovsBridge, { name: 'cloudbr0', state: 'absent' }, at('10.0.1.1'))).toEqual(['delete bridge cloudbr0 and its ports mgmt0']);
    expect(diff(ovsBridge, { name: 'cloudbr0', state: 'absent' }, at('10.0.0.1', true))).toEqual(['delete bridge cloudbr0 and its ports mgmt0']);
    expect(diff(ovsPort, { bridge: 'cloudbr0', name: 'eth0' }, at('10.0.0.1'))).toEqual(['create port eth0 on bridge cloudbr0 (type=system)']);
    // Changing a column that does not move traffic is fine on the management port.
    expect(diff(ovsPort, { bridge: 'cloudbr0', name: 'mgmt0', external_ids: { role: 'mgmt' } }, at('10.0.0.1'))).toEqual(['port mgmt0: external_ids:role (unset) → mgmt']);
  });
});
