/**
 * The kvm-host role (sysctl, file, properties, service handler; kernel_module
 * with an empty list, as on this kernel) through the real CLI against two lab
 * hypervisors with real sshd: check → apply → check is empty; the dry run's
 * changes are the applied ones; unmanaged content survives; a hand change on
 * one node is reported for that node only and repaired; the agent restart
 * handler runs once per change where the agent is installed, and does nothing
 * where it is not.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labSuite, startLab, stopLab, type LabState, sshOk } from '../support/lab.ts';
import { runZonectl, type CliRun } from '../support/cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'zc-h6-kvmhost-'));
let lab: LabState | undefined;

type Run = CliRun;

const zonectl = (...args: string[]): Promise<Run> => runZonectl(args, { cwd: dir });

const on = (node: string, command: string): Promise<string> => sshOk(lab, node, command);

interface JsonChange {
  task: string;
  module: string;
  summary: string;
  handler?: boolean;
  action?: boolean;
}
interface JsonRun {
  hosts: Record<string, { status: string; changes: JsonChange[]; error?: string }>;
}
const parse = (run: Run): JsonRun => JSON.parse(run.stdout) as JsonRun;
const lines = (run: JsonRun, host: string): string[] => (run.hosts[host]?.changes ?? []).map((c) => `${c.module}: ${c.summary}`);

const PLAYBOOK = `
- name: hypervisor settings
  hosts: hypervisors
  roles:
    - role: kvm-host
      vars:
        kvm_host_kernel_modules: []
        kvm_host_netdev_max_backlog_ignore_missing: true
`;

const AGENT = [
  '#Storage',
  'guid=6f1d8c8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
  'keystore.passphrase=s3cr3tPass',
  '# devices',
  'private.network.device=cloudbr0',
  'guest.network.device = cloudbr0',
  'libvirt.vif.driver=com.cloud.hypervisor.kvm.resource.OvsVifDriver',
  'zone=1',
  '',
].join('\n');

/** A stand-in for the agent's init script: LSB status, and a log of what it was asked. */
const AGENT_INIT = [
  '#!/bin/sh',
  'echo "$1" >> /root/agent.log',
  'case "$1" in',
  '  status) [ -f /root/agent.running ] && exit 0; exit 3 ;;',
  '  start|restart|force-reload) touch /root/agent.running ;;',
  '  stop) rm -f /root/agent.running ;;',
  'esac',
  '',
].join('\n');

labSuite('kvm-host role in the lab, through the CLI', () => {
  let args: string[] = [];

  beforeAll(async () => {
    lab = await startLab('h6k', { nodes: { kvm01: { kind: 'hypervisors' }, kvm02: { kind: 'hypervisors' } } });
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    args = ['-i', lab.inventoryFile, '--roles-path', join(ROOT, 'roles'), 'site.yml'];
    // kvm01 has the agent (its config, an init script, a running state) and another sysctl file; kvm02 has neither.
    await on('kvm01', `mkdir -p /etc/cloudstack/agent && printf '%s' '${AGENT}' > /etc/cloudstack/agent/agent.properties && chmod 0644 /etc/cloudstack/agent/agent.properties`);
    await on('kvm01', `printf '%s' '${AGENT_INIT}' > /etc/init.d/cloudstack-agent && chmod 0755 /etc/init.d/cloudstack-agent && touch /root/agent.running && : > /root/agent.log`);
    await on('kvm01', "printf 'net.ipv4.ip_forward = 0\\n' > /etc/sysctl.d/10-other.conf");
    await on('kvm01', 'echo 0 > /proc/sys/net/bridge/bridge-nf-call-arptables');
  }, 300_000);

  afterAll(() => stopLab(lab, dir), 300_000);

  let predicted: JsonRun | undefined;

  it('check lists what would change on each node, and the handler where the agent runs', async () => {
    const run = await zonectl('check', '--json', ...args);
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(2);
    predicted = parse(run);
    const kvm01 = lines(predicted, 'kvm01');
    expect(kvm01).toContain('sysctl: net.bridge.bridge-nf-call-arptables: 0 → 1');
    expect(kvm01).toContain('sysctl: net.bridge.bridge-nf-call-iptables in /etc/sysctl.d/60-zonectl.conf: (not set) → 1');
    expect(kvm01).toContain('properties: public.network.device: (not set) → cloudbr1');
    expect(kvm01).toContain('properties: guest.network.device: cloudbr0 → cloudbr1');
    expect(kvm01).toContain('properties: mode of /etc/cloudstack/agent/agent.properties: 0644 → 0600');
    expect(kvm01).toContain('properties: libvirt.vif.driver: com.cloud.hypervisor.kvm.resource.OvsVifDriver → (removed)');
    expect(kvm01).toContain('service: restart cloudstack-agent');
    expect(kvm01.join('\n')).not.toContain('netdev_max_backlog');
    expect(kvm01.join('\n')).not.toContain('s3cr3tPass');
    const kvm02 = lines(predicted, 'kvm02');
    expect(kvm02).toContain('file: create directory /etc/cloudstack/agent');
    expect(kvm02).toContain('properties: create /etc/cloudstack/agent/agent.properties (mode 0600)');
    // No agent on kvm02: its restart handler has nothing to do.
    expect(kvm02.join('\n')).not.toContain('restart');
  });

  it('apply makes exactly the predicted changes, restarts the agent once, and check is then empty', async () => {
    const apply = await zonectl('apply', '--json', ...args);
    expect(apply.stderr).toBe('');
    expect(apply.code, apply.stdout).toBe(0);
    const applied = parse(apply);
    for (const host of ['kvm01', 'kvm02']) expect(lines(applied, host)).toEqual(lines(predicted as JsonRun, host));
    expect(await on('kvm01', 'grep -c restart /root/agent.log')).toBe('1\n');

    const again = await zonectl('check', ...args);
    expect(again.stderr).toBe('');
    expect(again.code, again.stdout).toBe(0);
  });

  it('left every unmanaged line alone, on the node itself', async () => {
    expect(await on('kvm01', 'cat /etc/cloudstack/agent/agent.properties')).toBe(
      [
        '#Storage',
        'guid=6f1d8c8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
        'keystore.passphrase=s3cr3tPass',
        '# devices',
        'private.network.device=cloudbr0',
        'guest.network.device = cloudbr1',
        'zone=1',
        'public.network.device=cloudbr1',
        'network.bridge.type=native',
        '',
      ].join('\n'),
    );
    expect(await on('kvm01', 'stat -c %a /etc/cloudstack/agent/agent.properties')).toBe('600\n');
    expect(await on('kvm01', 'cat /etc/sysctl.d/10-other.conf')).toBe('net.ipv4.ip_forward = 0\n');
    expect(await on('kvm01', 'cat /etc/sysctl.d/60-zonectl.conf')).toBe(
      'net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-arptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\n',
    );
    expect(await on('kvm01', 'cat /proc/sys/net/bridge/bridge-nf-call-arptables')).toBe('1\n');
    expect(await on('kvm02', 'cat /etc/cloudstack/agent/agent.properties')).toBe(
      'private.network.device=cloudbr0\npublic.network.device=cloudbr1\nguest.network.device=cloudbr1\nnetwork.bridge.type=native\n',
    );
  });

  it('a hand change on one node is reported for that node only, and repaired', async () => {
    await on('kvm01', "sed -i 's/^guest.network.device = cloudbr1$/guest.network.device = cloudbr9/' /etc/cloudstack/agent/agent.properties");
    await on('kvm01', 'echo 0 > /proc/sys/net/bridge/bridge-nf-call-ip6tables');
    const check = parse(await zonectl('check', '--json', ...args));
    expect(lines(check, 'kvm01')).toEqual([
      'sysctl: net.bridge.bridge-nf-call-ip6tables: 0 → 1',
      'properties: guest.network.device: cloudbr9 → cloudbr1',
      'service: restart cloudstack-agent',
    ]);
    expect(check.hosts.kvm02?.status).toBe('ok');
    expect(lines(check, 'kvm02')).toEqual([]);

    const apply = await zonectl('apply', ...args);
    expect(apply.code, apply.stdout).toBe(0);
    expect(await on('kvm01', 'grep -c restart /root/agent.log')).toBe('2\n');
    expect((await zonectl('check', ...args)).code).toBe(0);
  });
});
