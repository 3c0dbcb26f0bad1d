/**
 * The kvm-network role through the real CLI in the lab: real sshd in a
 * namespace node, the node's management address moved from its uplink
 * (`mgmt0`, which carries the SSH session zonectl runs over) onto cloudbr0,
 * the guest uplink bridged into cloudbr1 with MTU 9000, all persisted as
 * ifupdown files. check → apply → check is empty → a hand change is found.
 * And the linux-router role on this kernel, which has no 802.1Q support.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labSuite, startLab, stopLab, type LabState, sshOk } from '../support/lab.ts';
import { runZonectl, type CliRun } from '../support/cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'zc-h7-lab-'));
let lab: LabState | undefined;

type Run = CliRun;

const zonectl = (...args: string[]): Promise<Run> => runZonectl(args, { cwd: dir });

const onNode = (command: string): Promise<string> => sshOk(lab, 'kvm01', command);

const PLAYBOOK = `
- name: hypervisor network
  hosts: hypervisors
  roles:
    - role: kvm-network
      vars:
        kvm_network_mgmt_uplink: mgmt0
        kvm_network_guest_uplink: eth1
`;

const ROUTER_PLAYBOOK = `
- name: router
  hosts: routers
  roles:
    - role: linux-router
      vars:
        linux_router_inside_address: 192.168.100.1/24
`;

labSuite('kvm-network role in the lab, through the CLI', () => {
  let args: string[] = [];

  beforeAll(async () => {
    lab = await startLab('h7n', { nodes: { kvm01: { kind: 'hypervisors' }, r01: { kind: 'routers' } }, links: [['kvm01:eth1', 'r01:eth1']] });
    const address = lab.nodes.find((n) => n.name === 'kvm01')?.address ?? '';
    const gateway = address.replace(/\.\d+$/, '.1');
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(join(dir, 'router.yml'), ROUTER_PLAYBOOK);
    // What Debian installs: ifupdown reading interfaces.d (the lab's nodes start without the file).
    await onNode("printf 'source /etc/network/interfaces.d/*\\n' > /etc/network/interfaces");
    args = ['-i', lab.inventoryFile, '--roles-path', join(ROOT, 'roles'), '-e', `kvm_network_mgmt_address=${address}/24`, '-e', `kvm_network_mgmt_gateway=${gateway}`, 'site.yml'];
  }, 300_000);

  afterAll(() => stopLab(lab, dir), 300_000);

  it('check shows the bridges, the address move and the persisted files', async () => {
    const run = await zonectl('check', ...args);
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(2);
    expect(run.stdout).toContain('create bridge cloudbr0 (stp off, forward delay 0s)');
    expect(run.stdout).toMatch(/cloudbr0: add port mgmt0, moving \d+\.\d+\.\d+\.\d+\/24 from mgmt0 to cloudbr0/);
    expect(run.stdout).toContain('eth1: mtu 1500 → 9000');
    expect(run.stdout).toContain('+    bridge-ports mgmt0');
  });

  it('apply moves the management address under its own SSH session, then check is empty', async () => {
    const apply = await zonectl('apply', ...args);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(await onNode('ip -4 -o addr show dev mgmt0')).toBe('');
    expect(await onNode('ip -o link show mgmt0')).toContain('master cloudbr0');
    expect(await onNode('ip route show default')).toMatch(/^default via \S+ dev cloudbr0/);
    expect(await onNode('ip -o link show cloudbr1')).toContain('mtu 9000');
    const file = await onNode('cat /etc/network/interfaces.d/zonectl-cloudbr0');
    expect(file).toContain('# zonectl block: 10-bridge\nauto cloudbr0\niface cloudbr0 inet manual\n    bridge-ports mgmt0\n');
    expect(file).toContain('# zonectl block: 30-address\n');
    expect(file).toContain('# zonectl block: 40-route default table 254 metric 0\n');

    const check = await zonectl('check', ...args);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });

  it('a change made by hand is detected', async () => {
    await onNode('ip link set eth1 mtu 1500');
    const run = await zonectl('check', ...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('eth1: mtu 1500 → 9000');
  });

  it('linux-router on this kernel (no 8021q): check fails naming the cause', async () => {
    if (!lab) throw new Error('no lab');
    const run = await zonectl('check', '-i', lab.inventoryFile, '--roles-path', join(ROOT, 'roles'), 'router.yml');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('the kernel has no 802.1Q support (module 8021q');
    expect(run.stdout).toContain('VLAN interface eth1.1234 cannot be created');
  });
});
