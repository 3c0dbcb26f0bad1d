/**
 * End to end in the lab: real sshd in network namespaces, the real CLI
 * (`./bin/zonectl.js`) against the lab's generated inventory, the real sysctl
 * and file modules. One lab (`h5eng`, three nodes) for the whole file, torn
 * down in afterAll also when a test fails.
 *
 * Needs root, network namespaces and overlayfs (the lab's own preflight).
 * Under CI=true it always runs; elsewhere it skips, saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, machineProblems, sshArgv, type LabState } from '../../src/lab/index.ts';
import { runZonectl, type CliRun } from '../support/cli.ts';

const LAB = 'h5eng';
const problems = machineProblems();
const why = problems.join('; ');
if (problems.length > 0 && process.env.CI === 'true') throw new Error(`the lab e2e tests must run under CI but cannot: ${why}`);
if (problems.length > 0) console.warn(`skipping engine e2e tests: ${why}`);

const dir = mkdtempSync(join(tmpdir(), 'zc-e2e-engine-'));
let lab: LabState;

type Run = CliRun;

const zonectl = (...args: string[]): Promise<Run> => runZonectl(args, { cwd: dir });

/** A command on a node, as an operator would type it by hand. */
function onNode(node: string, command: string): string {
  // ssh hands the one string to the node's login shell, as typed by hand
  const argv = sshArgv({ lab: LAB, node, address: addressOf(node) }, [command]);
  const run = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${node}: ${command}: ${run.stderr}`);
  return run.stdout;
}

function addressOf(node: string): string {
  const found = lab.nodes.find((n) => n.name === node);
  if (!found) throw new Error(`no node ${node}`);
  return found.address;
}

const PLAYBOOK = `
- name: hypervisor basics
  hosts: hypervisors
  tasks:
    - name: forward IPv4
      sysctl:
        name: net.ipv4.ip_forward
        value: 1
    - name: agent settings
      file:
        path: /etc/zonectl-e2e-agent.properties
        content: |
          guest.network.device=cloudbr1
          private.network.device=cloudbr0
        mode: "0600"
`;

describe.skipIf(problems.length > 0)('engine end to end in the lab', () => {
  beforeAll(async () => {
    const topology = join(dir, 'lab.yml');
    writeFileSync(
      topology,
      `name: ${LAB}\nnodes:\n  kvm01: {kind: hypervisors}\n  kvm02: {kind: hypervisors}\n  kvm03: {kind: hypervisors}\n`,
    );
    lab = await labUp(topology);
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  }, 300_000);

  afterAll(async () => {
    try {
      await labDown(LAB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  const inv = () => ['-i', lab.inventoryFile];

  it('check on fresh nodes exits 2 and lists the changes', async () => {
    const run = await zonectl('check', ...inv(), 'site.yml');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    for (const node of ['kvm01', 'kvm02', 'kvm03']) expect(run.stdout).toContain(`${node}: 2 tasks would change`);
    expect(run.stdout).toContain('net.ipv4.ip_forward: 0 → 1');
    expect(run.stdout).toContain('+guest.network.device=cloudbr1');
    expect(run.stdout).toMatch(/^kvm01\s+: ok=2\s+changed=2\s+unreachable=0\s+failed=0/m);
  });

  it('apply exits 0, then check exits 0 and prints no changes', async () => {
    const apply = await zonectl('apply', ...inv(), 'site.yml', '--json');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    const applied = JSON.parse(apply.stdout) as { hosts: Record<string, { status: string; changes: { applied: boolean }[]; execRequests: number }> };
    for (const node of ['kvm01', 'kvm02', 'kvm03']) {
      // probe + apply + verify: three exec requests on one connection
      expect(applied.hosts[node]).toMatchObject({ status: 'changed', execRequests: 3 });
      expect(applied.hosts[node]?.changes.every((c) => c.applied)).toBe(true);
    }
    expect(onNode('kvm02', 'cat /proc/sys/net/ipv4/ip_forward; stat -c %a /etc/zonectl-e2e-agent.properties')).toBe('1\n600\n');

    const check = await zonectl('check', ...inv(), 'site.yml', '--json');
    expect(check.code).toBe(0);
    const doc = JSON.parse(check.stdout) as { hosts: Record<string, { status: string; changes: unknown[]; execRequests: number }> };
    for (const node of ['kvm01', 'kvm02', 'kvm03']) {
      expect(doc.hosts[node]).toMatchObject({ status: 'ok', changes: [] });
      expect(doc.hosts[node]?.execRequests).toBe(1);
    }
    const text = await zonectl('check', ...inv(), 'site.yml');
    expect(text.stdout.startsWith('no changes: every host is in sync\n')).toBe(true);
  });

  it('a value changed by hand on one node is reported for that node only', async () => {
    onNode('kvm02', 'sysctl -qw net.ipv4.ip_forward=0');
    const run = await zonectl('check', ...inv(), 'site.yml');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('kvm02: 1 task would change');
    expect(run.stdout).toContain('net.ipv4.ip_forward: 0 → 1');
    expect(run.stdout).not.toContain('kvm01:');
    expect(run.stdout).not.toContain('kvm03:');
  });

  it('a saved plan applied after another change is refused as stale for that node only', async () => {
    const planFile = join(dir, 'reviewed.plan.json');
    const plan = await zonectl('plan', ...inv(), 'site.yml', '-o', planFile);
    expect(plan.code).toBe(2);
    onNode('kvm03', "printf 'edited=by hand\\n' > /etc/zonectl-e2e-agent.properties");
    const apply = await zonectl('apply', planFile);
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain('kvm03: REFUSED: plan is stale for kvm03: its state changed since the plan was made (re-run zonectl plan)');
    // the fresh node got exactly the reviewed change, the stale one nothing
    expect(onNode('kvm02', 'cat /proc/sys/net/ipv4/ip_forward')).toBe('1\n');
    expect(onNode('kvm03', 'cat /etc/zonectl-e2e-agent.properties')).toBe('edited=by hand\n');
  });

  it('a second apply to a node while another holds its lock fails at once with a clear message', async () => {
    writeFileSync(
      join(dir, 'slow.yml'),
      [
        '- name: slow change',
        '  hosts: kvm01',
        '  tasks:',
        '    - name: hold the lock until released',
        '      command: "touch /run/h5-held; while [ ! -e /run/h5-release ]; do sleep 0.1; done; rm -f /run/h5-held /run/h5-release"',
        '',
      ].join('\n'),
    );
    const first = zonectl('apply', ...inv(), 'slow.yml');
    try {
      // wait (without timing assumptions) until the first apply is inside its locked script
      for (let i = 0; i < 600 && onNode('kvm01', 'test -e /run/h5-held && echo held || true') !== 'held\n'; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // both nodes need a change, so the second apply must take each node's lock
      onNode('kvm01', 'sysctl -qw net.ipv4.ip_forward=0');
      onNode('kvm02', 'sysctl -qw net.ipv4.ip_forward=0');
      const second = await zonectl('apply', ...inv(), 'site.yml', '--limit', 'kvm01:kvm02');
      expect(second.code).toBe(1);
      expect(second.stdout).toMatch(/^kvm01: FAILED: another zonectl apply holds the lock on kvm01; try again when it has finished \(\/run\/zonectl\.lock\)$/m);
      expect(second.stdout).toMatch(/^kvm02: [12] tasks? changed$/m);
    } finally {
      onNode('kvm01', 'touch /run/h5-release');
    }
    expect((await first).code).toBe(0);
  });

  it('a changed host key is refused, showing its fingerprint; the others run', async () => {
    const keyDir = mkdtempSync(join(dir, 'key-'));
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keyDir, 'k')]);
    const otherKey = readFileSync(join(keyDir, 'k.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const knownHosts = readFileSync(lab.knownHostsFile, 'utf8')
      .split('\n')
      .map((line) => (line.startsWith(`${addressOf('kvm01')} `) ? `${addressOf('kvm01')} ${otherKey}` : line))
      .join('\n');
    const tampered = join(dir, 'known_hosts.tampered');
    writeFileSync(tampered, knownHosts);
    const inventory = join(dir, 'inventory-tampered.yml');
    writeFileSync(inventory, readFileSync(lab.inventoryFile, 'utf8').split(lab.knownHostsFile).join(tampered));
    const run = await zonectl('check', '-i', inventory, 'site.yml');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^kvm01: UNREACHABLE: .*SHA256:[A-Za-z0-9+/]{43}/m);
    expect(run.stdout).toMatch(/^kvm02\s+: ok=2/m);
  });

  it('an unreachable node is reported while the others converge', async () => {
    onNode('kvm01', 'sysctl -qw net.ipv4.ip_forward=0');
    onNode('kvm02', 'sysctl -qw net.ipv4.ip_forward=0');
    stopSshd(`${LAB}`, 'kvm03');
    const run = await zonectl('apply', ...inv(), 'site.yml', '--connect-timeout', '5');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^kvm03: UNREACHABLE: /m);
    expect(run.stdout).toMatch(/^kvm03\s+: ok=0\s+changed=0\s+unreachable=1/m);
    expect(run.stdout).toMatch(/^kvm01\s+: ok=2\s+changed=1\s+unreachable=0\s+failed=0/m);
    expect(onNode('kvm01', 'cat /proc/sys/net/ipv4/ip_forward')).toBe('1\n');
  });
});

/** Stops a node's sshd (only processes inside that node's namespace). */
function stopSshd(labName: string, node: string): void {
  const netns = lab.nodes.find((n) => n.name === node)?.netns;
  if (!netns) throw new Error(`no node ${node} in lab ${labName}`);
  const pids = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const pid of pids) {
    let comm = '';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'sshd') process.kill(Number(pid), 'SIGTERM');
  }
}
