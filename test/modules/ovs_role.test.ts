/**
 * roles/kvm-ovs compiled by the real compiler (offline): what every hypervisor
 * gets, and that adding a host to the group gives every other host its tunnel
 * in the same compile.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/compile/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'zonectl-ovs-role-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'site.yml'),
  `- hosts: hypervisors
  roles:
    - role: kvm-ovs
      vars:
        kvm_ovs_mesh_key: 103
        kvm_ovs_uplink: bond0
        kvm_ovs_uplink_trunks: "100-102,300"
`,
);

function compile(hosts: string[]) {
  const lines = hosts.map((h, i) => `        ${h}: { address: 10.0.0.${i + 11}${h === 'kvm03' ? ', tunnel_ip: 172.16.0.13' : ''} }`);
  const file = join(dir, `inventory-${hosts.length}.yml`);
  writeFileSync(file, `all:\n  children:\n    hypervisors:\n      hosts:\n${lines.join('\n')}\n`);
  return compilePlan({ inventory: [file], playbooks: [join(dir, 'site.yml')], cwd: dir }).plan;
}

function tasksOf(plan: ReturnType<typeof compile>, host: string) {
  return plan.hosts[host]?.plays[0]?.tasks.map((t) => ({ module: t.module, params: t.params })) ?? [];
}

describe('roles/kvm-ovs', () => {
  it('compiles bridges, the uplink trunk, the agent keys and the mesh with role defaults and overrides', () => {
    const tasks = tasksOf(compile(['kvm01', 'kvm02', 'kvm03']), 'kvm01');
    expect(tasks.map((t) => t.module)).toEqual(['ovs_bridge', 'ovs_bridge', 'ovs_port', 'properties', 'ovs_tunnel_mesh']);
    expect(tasks.slice(0, 2).map((t) => t.params)).toEqual([
      { name: 'cloudbr0', state: 'present', datapath_type: 'system', fail_mode: 'standalone' },
      { name: 'cloudbr1', state: 'present', datapath_type: 'system', fail_mode: 'standalone' },
    ]);
    expect(tasks[2]?.params).toMatchObject({ bridge: 'cloudbr1', name: 'bond0', type: 'system', trunks: [100, 101, 102, 300], vlan_mode: 'trunk' });
    expect(tasks[3]?.params).toMatchObject({
      path: '/etc/cloudstack/agent/agent.properties',
      set: { 'network.bridge.type': 'openvswitch', 'libvirt.vif.driver': 'com.cloud.hypervisor.kvm.resource.OvsVifDriver' },
      mode: '0600',
    });
    expect(tasks[4]?.params).toMatchObject({
      bridge: 'cloudbr1',
      type: 'gre',
      key: 103,
      tunnels: [
        { name: 't103-1-2', peer: 'kvm02', remote_ip: '10.0.0.12' },
        { name: 't103-1-3', peer: 'kvm03', remote_ip: '172.16.0.13' },
      ],
    });
  });

  it('gives every hypervisor its tunnel to a new one, in the same compile', () => {
    const plan = compile(['kvm01', 'kvm02', 'kvm03', 'kvm04']);
    for (const [host, id] of [['kvm01', '1'], ['kvm02', '2'], ['kvm03', '3']]) {
      const mesh = tasksOf(plan, host as string).find((t) => t.module === 'ovs_tunnel_mesh');
      expect(mesh?.params.tunnels).toContainEqual({ name: `t103-${id}-4`, peer: 'kvm04', remote_ip: '10.0.0.14' });
    }
    const own = tasksOf(plan, 'kvm04').find((t) => t.module === 'ovs_tunnel_mesh');
    expect((own?.params.tunnels as { name: string }[]).map((t) => t.name)).toEqual(['t103-4-1', 't103-4-2', 't103-4-3']);
  });
});
