/**
 * The host modules through the real CLI against a lab hypervisor with real
 * sshd: template (from a role's templates/), file (from files/, validated),
 * sysctl, command (guarded), package (apt/dpkg on the node), service (an LSB
 * init script on the node, started and enabled with update-rc.d), and
 * kernel_module (this kernel cannot load 8021q: a clear error). check → apply
 * → check is empty; predicted = applied; hand changes found and repaired;
 * other files left alone.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labSuite, startLab, stopLab, type LabState, sshOk } from '../support/lab.ts';
import { runZonectl, type CliRun } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-h6-hostmods-'));
let lab: LabState | undefined;

type Run = CliRun;

const zonectl = (...args: string[]): Promise<Run> => runZonectl(args, { cwd: dir });

const on = (command: string): Promise<string> => sshOk(lab, 'kvm01', command);

interface JsonRun {
  hosts: Record<string, { status: string; changes: { module: string; summary: string; diff?: string }[]; error?: string }>;
}
const changesOf = (run: Run): string[] => ((JSON.parse(run.stdout) as JsonRun).hosts.kvm01?.changes ?? []).map((c) => `${c.module}: ${c.summary}`);

const TASKS = `
- name: motd from a template
  template:
    src: motd.hbs
    dest: /etc/motd
    mode: '0644'
- name: defaults from files
  file:
    path: /etc/default/zc-demo
    src: zc-demo.default
    mode: '0640'
    validate: grep -q '^DEMO_OPTS=' %s
- name: forward IPv4
  sysctl:
    name: net.ipv4.ip_forward
    value: 1
- name: first-boot marker
  command:
    run: echo initialised > /root/initialised
    creates: /root/initialised
- name: ssh is installed
  package:
    name: [openssh-server, nftables]
- name: demo service runs and starts at boot
  service:
    name: zc-demo
    state: started
    enabled: true
`;

const INIT = [
  '#!/bin/sh',
  '### BEGIN INIT INFO',
  '# Provides: zc-demo',
  '# Required-Start:',
  '# Required-Stop:',
  '# Default-Start: 2 3 4 5',
  '# Default-Stop: 0 1 6',
  '# Short-Description: zonectl demo service',
  '### END INIT INFO',
  'case "$1" in',
  '  start) touch /root/zc-demo.running ;;',
  '  stop) rm -f /root/zc-demo.running ;;',
  '  restart|force-reload) touch /root/zc-demo.running ;;',
  '  status) [ -f /root/zc-demo.running ] && exit 0; exit 3 ;;',
  'esac',
  '',
].join('\n');

labSuite('host modules in the lab, through the CLI', () => {
  let args: string[] = [];

  beforeAll(async () => {
    lab = await startLab('h6m', { nodes: { kvm01: { kind: 'hypervisors' } } });
    mkdirSync(join(dir, 'roles', 'demo', 'tasks'), { recursive: true });
    mkdirSync(join(dir, 'roles', 'demo', 'templates'), { recursive: true });
    mkdirSync(join(dir, 'roles', 'demo', 'files'), { recursive: true });
    writeFileSync(join(dir, 'roles', 'demo', 'tasks', 'main.yml'), TASKS);
    writeFileSync(join(dir, 'roles', 'demo', 'templates', 'motd.hbs'), 'Welcome to {{ inventory_hostname }}, managed by zonectl.\n');
    writeFileSync(join(dir, 'roles', 'demo', 'files', 'zc-demo.default'), 'DEMO_OPTS="--verbose"\n');
    writeFileSync(join(dir, 'site.yml'), '- hosts: hypervisors\n  roles: [demo]\n');
    writeFileSync(join(dir, 'kmod.yml'), '- hosts: hypervisors\n  tasks:\n    - name: VLANs need 8021q\n      kernel_module: {name: 8021q}\n');
    args = ['-i', lab.inventoryFile, 'site.yml'];
    await on(`printf '%s' '${INIT}' > /etc/init.d/zc-demo && chmod 0755 /etc/init.d/zc-demo`);
    await on('echo 0 > /proc/sys/net/ipv4/ip_forward');
  }, 300_000);

  afterAll(() => stopLab(lab, dir), 300_000);

  let predicted: string[] = [];

  it('check shows each change, the template as a unified diff', async () => {
    const text = await zonectl('check', ...args);
    expect(text.stderr).toBe('');
    expect(text.code, text.stdout).toBe(2);
    expect(text.stdout).toContain('+Welcome to kvm01, managed by zonectl.');
    const json = await zonectl('check', '--json', ...args);
    predicted = changesOf(json);
    expect(predicted).toEqual([
      'template: content of /etc/motd',
      'file: create /etc/default/zc-demo (mode 0640)',
      'sysctl: net.ipv4.ip_forward: 0 → 1',
      'sysctl: net.ipv4.ip_forward in /etc/sysctl.d/60-zonectl.conf: (not set) → 1',
      'command: will run: echo initialised > /root/initialised (/root/initialised does not exist)',
      'service: start zc-demo',
      'service: enable zc-demo at boot',
    ]);
  });

  it('apply makes exactly those changes; check is then empty', async () => {
    const apply = await zonectl('apply', '--json', ...args);
    expect(apply.stderr).toBe('');
    expect(apply.code, apply.stdout).toBe(0);
    expect(changesOf(apply)).toEqual(predicted);
    expect(await on('cat /etc/motd')).toBe('Welcome to kvm01, managed by zonectl.\n');
    expect(await on('stat -c %a /etc/default/zc-demo')).toBe('640\n');
    expect(await on('cat /root/initialised')).toBe('initialised\n');
    expect(await on('ls /etc/rc2.d')).toMatch(/S\d\dzc-demo/);
    const again = await zonectl('check', ...args);
    expect(again.code, again.stdout).toBe(0);
  });

  it('hand changes are found and repaired; nothing else is touched', async () => {
    await on("echo 'edited by hand' >> /etc/motd && /etc/init.d/zc-demo stop && chmod 0644 /etc/default/zc-demo");
    const before = await on('md5sum /etc/default/zc-demo /etc/init.d/zc-demo');
    const check = await zonectl('check', '--json', ...args);
    expect(check.code).toBe(2);
    expect(changesOf(check)).toEqual([
      'template: content of /etc/motd',
      'file: mode of /etc/default/zc-demo: 0644 → 0640',
      'service: start zc-demo',
    ]);
    const apply = await zonectl('apply', ...args);
    expect(apply.code, apply.stdout).toBe(0);
    expect(await on('md5sum /etc/default/zc-demo /etc/init.d/zc-demo')).toBe(before);
    expect((await zonectl('check', ...args)).code).toBe(0);
  });

  it('a kernel module this kernel cannot load fails the check with modprobe\'s words', async () => {
    if (!lab) throw new Error('no lab');
    const run = await zonectl('check', '-i', lab.inventoryFile, 'kmod.yml');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('kernel module 8021q cannot be loaded on this host: modprobe: FATAL: Module 8021q not found');
  });
});
