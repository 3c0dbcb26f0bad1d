/**
 * The kvm-network and linux-router roles compile (offline, through the real
 * CLI) into the tasks their READMEs describe, and a missing required variable
 * is a located error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'zc-h7-roles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'site.yml'),
  `- hosts: hypervisors\n  roles: [kvm-network]\n- hosts: routers\n  roles: [linux-router]\n`,
);

function compile(inventory: string): { code: number; stdout: string; stderr: string } {
  writeFileSync(join(dir, 'inventory.yml'), inventory);
  const r = spawnSync(join(ROOT, 'bin', 'zonectl.js'), ['compile', '--json', '-i', 'inventory.yml', '--roles-path', join(ROOT, 'roles'), 'site.yml'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: r.status ?? 255, stdout: r.stdout, stderr: r.stderr };
}

interface Task {
  module: string;
  params: Record<string, unknown>;
  notify: string[];
}
type Plan = { hosts: Record<string, { plays: { tasks: Task[]; handlers: Task[] }[] }> };

describe('network roles', () => {
  it('compile into bridges, addresses, routes, VLAN, sysctls', () => {
    const run = compile(`all:
  children:
    hypervisors:
      hosts:
        kvm01: {address: 10.0.0.11, kvm_network_mgmt_address: 10.0.0.11/24, kvm_network_mgmt_gateway: 10.0.0.1}
    routers:
      hosts:
        r1:
          address: 10.0.0.2
          linux_router_inside_address: 192.168.100.1/24
          linux_router_routes: [{to: 10.20.0.0/16, via: 192.168.100.2}]
`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as Plan;
    const kvm = plan.hosts.kvm01?.plays[0];
    expect(kvm?.tasks.map((t) => t.module)).toEqual(['link', 'bridge', 'address', 'route', 'link', 'bridge']);
    expect(kvm?.tasks[1]?.params).toMatchObject({ name: 'cloudbr0', ports: ['eth0'], move_addresses: true });
    expect(kvm?.tasks[2]).toMatchObject({ params: { dev: 'cloudbr0', addresses: ['10.0.0.11/24'] }, notify: ['announce management address'] });
    expect(kvm?.tasks[5]?.params).toMatchObject({ name: 'cloudbr1', ports: ['eth1'], mtu: 9000 });
    expect(kvm?.handlers[0]).toMatchObject({ module: 'arping', params: { address: '10.0.0.11', dev: 'cloudbr0', gateway: '10.0.0.1' } });

    const router = plan.hosts.r1?.plays[0];
    expect(router?.tasks.map((t) => t.module)).toEqual(['vlan', 'address', 'sysctl', 'sysctl', 'sysctl', 'route']);
    expect(router?.tasks[0]?.params).toMatchObject({ parent: 'eth1', vlans: [{ id: 1234, name: 'eth1.1234' }] });
    expect(router?.tasks[4]?.params).toMatchObject({ set: { 'net.ipv4.conf.eth1/1234.proxy_arp': '1' } });
    expect(router?.tasks[5]?.params).toMatchObject({ to: '10.20.0.0/16', via: '192.168.100.2', dev: 'eth1.1234' });
  });

  it('linux-router with linux_router_inside_vlan: false puts the inside on the parent interface itself', () => {
    const run = compile(`all:
  children:
    routers:
      hosts:
        r1:
          address: 10.0.0.2
          linux_router_inside_parent: eth3
          linux_router_inside_vlan: false
          linux_router_inside_address: 192.168.100.1/24
          linux_router_routes: [{to: 10.20.0.0/16, via: 192.168.100.2}]
`);
    expect(run.stderr).toBe("warning: site.yml:1:10: play 'hypervisors' matches no hosts\n");
    expect(run.code).toBe(0);
    const router = (JSON.parse(run.stdout) as Plan).hosts.r1?.plays[0];
    // No vlan task: the address, forwarding, proxy ARP and routes are on eth3.
    expect(router?.tasks.map((t) => t.module)).toEqual(['address', 'sysctl', 'sysctl', 'sysctl', 'route']);
    expect(router?.tasks[0]?.params).toMatchObject({ dev: 'eth3', addresses: ['192.168.100.1/24'] });
    expect(router?.tasks[3]?.params).toMatchObject({ set: { 'net.ipv4.conf.eth3.proxy_arp': '1' } });
    expect(router?.tasks[4]?.params).toMatchObject({ to: '10.20.0.0/16', via: '192.168.100.2', dev: 'eth3' });
  });

  it('names a missing required variable where it is used', () => {
    const run = compile('all:\n  children:\n    hypervisors:\n      hosts:\n        kvm01: {address: 10.0.0.11}\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/roles\/kvm-network\/tasks\/main.yml:\d+:\d+: address.addresses\[0\]: undefined variable 'kvm_network_mgmt_address' on host kvm01/);
  });
});
