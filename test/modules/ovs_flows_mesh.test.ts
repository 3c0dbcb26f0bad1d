/**
 * ovs_flows and ovs_tunnel_mesh: compile-time peer resolution (pure) and
 * diff/commands against state recorded on a real Open vSwitch
 * (test/fixtures/ovs/probe-populated.json).
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/index.ts';
import type { PrepareContext } from '../../src/modules/contract.ts';
import { ovsFlows } from '../../src/modules/ovs_flows/index.ts';
import { hostIds, idBudget } from '../../src/modules/ovs_tunnel_mesh/naming.ts';
import { meshCookie, ovsTunnelMesh, type MeshParams } from '../../src/modules/ovs_tunnel_mesh/index.ts';
import { ctx, probeFixture } from '../ovs/fixtures.ts';

const populated = probeFixture('probe-populated');

function inventory(hosts: Record<string, Record<string, unknown>>, groups: Record<string, string[]>) {
  return (host: string): PrepareContext => ({
    host,
    vars: hosts[host] ?? {},
    hostvars: hosts,
    groups,
    readFile: () => '',
    render: (t) => t,
    fail: (message, path) => {
      throw new UserError(`${path ? `${path.join('.')}: ` : ''}${message}`);
    },
  });
}

const three = {
  kvm01: { address: '192.0.2.1' },
  kvm02: { address: '192.0.2.2' },
  kvm03: { ansible_host: '192.0.2.3', tunnel_ip: '198.51.100.3' },
};

function compile(raw: Record<string, unknown>, at: PrepareContext): MeshParams {
  const params = ovsTunnelMesh.schema.parse(raw);
  return ovsTunnelMesh.prepare?.(params, at) ?? params;
}

describe('ovs_tunnel_mesh at compile time', () => {
  it('resolves one tunnel per other member, remote IP from tunnel_ip else address', () => {
    const ctxOf = inventory(three, { hypervisors: ['kvm01', 'kvm02', 'kvm03'] });
    expect(compile({ bridge: 'cloudbr1', key: 103, peers: 'hypervisors' }, ctxOf('kvm01')).tunnels).toEqual([
      { name: 't103-1-2', peer: 'kvm02', remote_ip: '192.0.2.2' },
      { name: 't103-1-3', peer: 'kvm03', remote_ip: '198.51.100.3' },
    ]);
    expect(compile({ bridge: 'cloudbr1', key: 103, peers: 'hypervisors' }, ctxOf('kvm03')).tunnels?.map((t) => t.name)).toEqual(['t103-3-1', 't103-3-2']);
    expect(compile({ bridge: 'cloudbr1', key: 103, peers: ['kvm02'], remote_ip_var: 'nothing' }, ctxOf('kvm01')).tunnels).toEqual([
      { name: 't103-1-2', peer: 'kvm02', remote_ip: '192.0.2.2' },
    ]);
  });

  it('gives every existing host a tunnel to a host added to the group, in the same compile', () => {
    const hosts = { ...three, kvm04: { address: '192.0.2.4' } };
    const ctxOf = inventory(hosts, { hypervisors: ['kvm01', 'kvm02', 'kvm03', 'kvm04'] });
    for (const host of ['kvm01', 'kvm02', 'kvm03']) {
      const id = host.slice(-1);
      expect(compile({ bridge: 'cloudbr1', key: 103, peers: 'hypervisors' }, ctxOf(host)).tunnels).toContainEqual({ name: `t103-${id}-4`, peer: 'kvm04', remote_ip: '192.0.2.4' });
    }
    expect(compile({ bridge: 'cloudbr1', key: 103, peers: 'hypervisors' }, ctxOf('kvm04')).tunnels?.map((t) => t.name)).toEqual(['t103-4-1', 't103-4-2', 't103-4-3']);
  });

  it('names tunnels of long or clashing host names with short hashes, within 15 characters', () => {
    expect(idBudget(103)).toBe(4);
    expect(idBudget(4294967295)).toBe(1);
    const ids = hostIds(['rack1-hypervisor-a', 'rack1-hypervisor-b', 'rack2-kvm1'], 103);
    expect(new Set(ids.values()).size).toBe(3);
    for (const id of ids.values()) expect(id).toMatch(/^[0-9a-z]{4}$/);
    // Deterministic: the same members give the same ids, whatever their order.
    expect(hostIds(['rack2-kvm1', 'rack1-hypervisor-b', 'rack1-hypervisor-a'], 103)).toEqual(ids);
    // Trailing numbers that clash (kvm1 in two racks) fall back to hashes for everyone.
    expect([...hostIds(['r1-kvm1', 'r2-kvm1'], 103).values()].every((id) => /^[0-9a-z]{4}$/.test(id))).toBe(true);
    // Numbers that do not fit the room the key leaves fall back too.
    expect(hostIds(['kvm123456'], 103).get('kvm123456')).toMatch(/^[0-9a-z]{4}$/);
    expect(hostIds(['kvm01', 'kvm10'], 103)).toEqual(new Map([['kvm01', '1'], ['kvm10', '10']]));
    const hosts = { 'rack1-hypervisor-a': { address: '10.0.0.1' }, 'rack1-hypervisor-b': { address: '10.0.0.2' } };
    const tunnels = compile({ bridge: 'cloudbr1', key: 99999, peers: 'hv' }, inventory(hosts, { hv: Object.keys(hosts) })('rack1-hypervisor-a')).tunnels ?? [];
    expect(tunnels).toHaveLength(1);
    expect(tunnels[0]?.name.length).toBeLessThanOrEqual(15);
    expect(tunnels[0]?.name).toMatch(/^t99999-[0-9a-z]{3}-[0-9a-z]{3}$/);
  });

  it('fails clearly on unknown peers, missing or non-IP addresses and overlong keys', () => {
    const ctxOf = inventory({ ...three, kvm05: { address: 'kvm05.example.net' }, kvm06: {} }, { hv: ['kvm01', 'kvm05'], bare: ['kvm01', 'kvm06'] });
    expect(() => compile({ bridge: 'cloudbr1', key: 1, peers: 'nogroup' }, ctxOf('kvm01'))).toThrow(/peers: unknown group "nogroup"/);
    expect(() => compile({ bridge: 'cloudbr1', key: 1, peers: ['kvm01', 'kvm99'] }, ctxOf('kvm01'))).toThrow(/peers.1: unknown host "kvm99"/);
    expect(() => compile({ bridge: 'cloudbr1', key: 1, peers: 'hv' }, ctxOf('kvm01'))).toThrow(/peer kvm05: address is "kvm05.example.net", not an IP address/);
    expect(() => compile({ bridge: 'cloudbr1', key: 1, peers: 'bare' }, ctxOf('kvm01'))).toThrow(/peer kvm06 has no IP address/);
    // The longest GRE key still leaves room: t4294967295-1-2 is exactly 15 characters.
    expect(compile({ bridge: 'cloudbr1', key: 4294967295, peers: ['kvm01', 'kvm02'] }, ctxOf('kvm01')).tunnels?.[0]?.name).toBe('t4294967295-1-2');
    expect(() => ovsTunnelMesh.schema.parse({ bridge: 'cloudbr1', type: 'vxlan', key: 2 ** 24, peers: 'hv' })).toThrow(/0-16777215/);
    expect(() => compile({ bridge: 'cloudbr1', key: 1, peers: [], tunnels: [] }, ctxOf('kvm01'))).toThrow(/tunnels is computed/);
  });
});

describe('ovs_tunnel_mesh against recorded state', () => {
  // The recorded bridge holds t103-1-2 (tagged zonectl-mesh=gre-103) and its two drop flows under 0x7a0001.
  const ctxOf = inventory(three, { pair: ['kvm01', 'kvm02'], all3: ['kvm01', 'kvm02', 'kvm03'] });
  const run = (raw: Record<string, unknown>) => {
    const params = compile(raw, ctxOf('kvm01'));
    const changes = ovsTunnelMesh.diff(params, ovsTunnelMesh.parse(populated, params, ctx), ctx);
    return { summaries: changes.map((c) => c.summary), commands: ovsTunnelMesh.commands(changes, params, ctx) };
  };

  it('is in sync when the tunnel and its drop flows are there', () => {
    expect(run({ bridge: 'cloudbr0', key: 103, peers: 'pair', cookie: '0x7a0001' })).toEqual({ summaries: [], commands: '' });
  });

  it('adds the new peer\'s tunnel and flows: one transaction, then one bundle', () => {
    const r = run({ bridge: 'cloudbr0', key: 103, peers: 'all3', cookie: '0x7a0001' });
    expect(r.summaries).toEqual([
      'create tunnel t103-1-3 → kvm03 on cloudbr0 (gre key=103 remote_ip=198.51.100.3)',
      'drop flow on cloudbr0: + priority=1000,in_port=t103-1-3,dl_dst=ff:ff:ff:ff:ff:ff,actions=drop',
      'drop flow on cloudbr0: + priority=1000,in_port=t103-1-3,ip,nw_dst=224.0.0.0/24,actions=drop',
    ]);
    expect(r.commands).toBe(
      `ovs-vsctl --timeout=30 -- --may-exist add-port cloudbr0 t103-1-3 -- set interface t103-1-3 type=gre 'options:"key"="103"' 'options:"remote_ip"="198.51.100.3"' -- set port t103-1-3 'external_ids:"zonectl-mesh"="gre-103"' 'external_ids:"zonectl-peer"="kvm03"'` +
        ` && printf '%s\\n' 'delete cookie=0x7a0001/-1' 'add cookie=0x7a0001,priority=1000,in_port=t103-1-2,dl_dst=ff:ff:ff:ff:ff:ff,actions=drop' 'add cookie=0x7a0001,priority=1000,in_port=t103-1-2,ip,nw_dst=224.0.0.0/24,actions=drop' 'add cookie=0x7a0001,priority=1000,in_port=t103-1-3,dl_dst=ff:ff:ff:ff:ff:ff,actions=drop' 'add cookie=0x7a0001,priority=1000,in_port=t103-1-3,ip,nw_dst=224.0.0.0/24,actions=drop' | ovs-ofctl --bundle add-flows cloudbr0 -`,
    );
  });

  it('removes tunnels (and their flows) to hosts that left, and repairs a changed key', () => {
    expect(run({ bridge: 'cloudbr0', key: 103, peers: [], cookie: '0x7a0001' }).summaries).toEqual([
      'remove tunnel t103-1-2 → kvm02 (no longer a peer)',
      'drop flow on cloudbr0: - priority=1000,in_port=t103-1-2,dl_dst=ff:ff:ff:ff:ff:ff actions=drop',
      'drop flow on cloudbr0: - priority=1000,ip,in_port=t103-1-2,nw_dst=224.0.0.0/24 actions=drop',
    ]);
    const moved = run({ bridge: 'cloudbr0', key: 103, peers: 'pair', cookie: '0x7a0001', local_ip: '192.0.2.1' });
    expect(moved.summaries).toEqual(['tunnel t103-1-2 → kvm02: options:local_ip (unset) → 192.0.2.1']);
  });

  it('never claims ports it does not own: an untagged vxlan port stays', () => {
    const r = run({ bridge: 'cloudbr0', type: 'vxlan', key: 5000, peers: [], drop_flows: false });
    expect(r.summaries).toEqual([]);
  });

  it('derives a default cookie per type and key', () => {
    expect(meshCookie({ type: 'gre', key: 103, cookie: undefined })).toBe('0x7a6d000100000067');
    expect(meshCookie({ type: 'vxlan', key: 5000, cookie: undefined })).toBe('0x7a6d000200001388');
  });
});

describe('ovs_flows against recorded state', () => {
  const run = (raw: Record<string, unknown>) => {
    const params = ovsFlows.schema.parse(raw);
    const changes = ovsFlows.diff(params, ovsFlows.parse(populated, params, ctx), ctx);
    return { summaries: changes.map((c) => c.summary), commands: ovsFlows.commands(changes, params, ctx) };
  };
  const owned = [
    'priority=100,dl_vlan=100,actions=strip_vlan,output:vm1',
    'priority=90,tcp,nw_dst=10.1.1.1,tp_dst=22,actions=mod_vlan_vid:200,normal',
    'arp,actions=NORMAL',
  ];

  it('is in sync with the recorded flows, written in another order and case', () => {
    expect(run({ bridge: 'cloudbr0', cookie: '0x7a0002', flows: owned })).toEqual({ summaries: [], commands: '' });
  });

  it('replaces only the owned cookie\'s flows, atomically', () => {
    const r = run({ bridge: 'cloudbr0', cookie: 0x7a0002, flows: [...owned.slice(1), 'priority=80,udp,tp_dst=53,actions=NORMAL'] });
    expect(r.summaries).toEqual([
      'flow on cloudbr0 cookie 0x7a0002: + priority=80,udp,tp_dst=53,actions=NORMAL',
      'flow on cloudbr0 cookie 0x7a0002: - priority=100,dl_vlan=100 actions=strip_vlan,output:vm1',
    ]);
    expect(r.commands).toMatch(/^printf '%s\\n' 'delete cookie=0x7a0002\/-1' .* \| ovs-ofctl --bundle add-flows cloudbr0 -$/);
    expect(r.commands).not.toContain('0x99');
  });

  it('plans every flow on a bridge that does not exist yet', () => {
    expect(run({ bridge: 'nosuchbr', cookie: '0x7a0001', flows: ['ip,actions=drop'] }).summaries).toEqual(['flow on nosuchbr cookie 0x7a0001: + ip,actions=drop']);
  });

  it('validates cookie and flows', () => {
    expect(() => ovsFlows.schema.parse({ bridge: 'b', cookie: 0, flows: [] })).toThrow(/non-zero 64-bit cookie/);
    expect(() => ovsFlows.schema.parse({ bridge: 'b', cookie: 1, flows: ['cookie=1,actions=drop'] })).toThrow(/leave cookie= out/);
  });
});
