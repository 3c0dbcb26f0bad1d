/**
 * The reference zone (examples/cloudstack-zone/) and the shipped defaults
 * (inventory/, playbooks/): offline, `zonectl validate` accepts them and the
 * bootstrap inventory gives every hypervisor its tunnel to kvm04; in the lab
 * (the example's own topology under a unique name), site.yml applies,
 * converges, and bootstraps kvm04 in one run — what `npm run demo` does.
 * The benchmark's two playbooks are checked to describe one desired state.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.ts';
import { labSuite, sshRun, startLab, stopLab, type LabState } from '../support/lab.ts';
import { runZonectl, type CliRun } from '../support/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EX = join(ROOT, 'examples/cloudstack-zone');
const ZONE = join(EX, 'inventory.yml');
const BOOTSTRAP = join(EX, 'inventory-bootstrap.yml');
const SITE = join(EX, 'site.yml');
// The BGP password (`!secret bgp_cszone`): a fresh value per run, which must appear in no output.
const BGP_SECRET = `csz-${Math.random().toString(36).slice(2, 10)}`;
const outputs: string[] = [];

type CliResult = CliRun;

async function zonectl(args: string[]): Promise<CliResult> {
  const r = await runZonectl(args, { cwd: ROOT, env: { ZONECTL_SECRET_BGP_CSZONE: BGP_SECRET } });
  outputs.push(r.stdout, r.stderr);
  return r;
}

interface PlanTask {
  module: string;
  params: { tunnels?: { name: string; peer: string; remote_ip: string }[] };
}
type Plan = { hosts: Record<string, { plays: { tasks: PlanTask[] }[] }> };

function tunnelsOf(plan: Plan, host: string): string[] {
  const tasks = plan.hosts[host]?.plays.flatMap((p) => p.tasks) ?? [];
  return tasks.filter((t) => t.module === 'ovs_tunnel_mesh').flatMap((t) => (t.params.tunnels ?? []).map((x) => `${x.name} ${x.peer} ${x.remote_ip}`));
}

describe('the reference zone, offline', () => {
  it('zonectl validate accepts the zone inventory and site.yml', async () => {
    const r = await zonectl(['validate', '-i', ZONE, SITE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^valid: 1 playbook, 5 hosts, \d+ tasks/);
  });

  it('zonectl validate accepts it with the bootstrap inventory (kvm04 added)', async () => {
    const r = await zonectl(['validate', '-i', ZONE, '-i', BOOTSTRAP, SITE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^valid: 1 playbook, 6 hosts, /);
  });

  it('the bootstrap inventory gives every hypervisor its GRE tunnel to kvm04, over the underlay', async () => {
    const before = await zonectl(['compile', '--json', '-i', ZONE, SITE]);
    expect(before.code, before.stderr).toBe(0);
    expect(tunnelsOf(JSON.parse(before.stdout) as Plan, 'kvm01')).toEqual(['t103-1-2 kvm02 172.16.0.12', 't103-1-3 kvm03 172.16.0.13']);
    const after = await zonectl(['compile', '--json', '-i', ZONE, '-i', BOOTSTRAP, SITE]);
    expect(after.code, after.stderr).toBe(0);
    const plan = JSON.parse(after.stdout) as Plan;
    for (const [host, id] of [['kvm01', 1], ['kvm02', 2], ['kvm03', 3]] as const) {
      expect(tunnelsOf(plan, host)).toContain(`t103-${id}-4 kvm04 172.16.0.14`);
    }
    expect(tunnelsOf(plan, 'kvm04')).toEqual(['t103-4-1 kvm01 172.16.0.11', 't103-4-2 kvm02 172.16.0.12', 't103-4-3 kvm03 172.16.0.13']);
  });

  it('the shipped inventory/ and playbooks/ validate', async () => {
    const r = await zonectl(['validate', '-i', join(ROOT, 'inventory'), join(ROOT, 'playbooks/hypervisors.yml'), join(ROOT, 'playbooks/routers.yml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('the lab topology is valid and every zone host is a lab node', () => {
    const topology = yaml.load(readFileSync(join(EX, 'topology.yml'), 'utf8')) as { nodes: Record<string, unknown> };
    const zone = yaml.load(readFileSync(ZONE, 'utf8')) as { all: { children: Record<string, { hosts: Record<string, unknown> }> } };
    const boot = yaml.load(readFileSync(BOOTSTRAP, 'utf8')) as typeof zone;
    const hosts = [...Object.values(zone.all.children), ...Object.values(boot.all.children)].flatMap((g) => Object.keys(g.hosts));
    expect(hosts.filter((h) => !(h in topology.nodes))).toEqual([]);
  });
});

describe('the benchmark playbooks', () => {
  // bench/hypervisor.yml (zonectl) and bench/ansible/site.yml (Ansible) must ask for the same state,
  // or the benchmark compares different work.
  interface ZTask {
    file?: { path: string; content: string; mode: string };
    sysctl?: { name: string; value: string; file: string };
  }
  interface ATask {
    'ansible.builtin.copy'?: { dest: string; content: string; mode: string };
    'ansible.posix.sysctl'?: { name: string; value: string; sysctl_file: string; sysctl_set: boolean };
  }
  const load = <T>(path: string) => (yaml.load(readFileSync(join(ROOT, path), 'utf8')) as { tasks: T[] }[]).flatMap((p) => p.tasks);

  it('describe the same 20 files and 20 sysctls', () => {
    const z = load<ZTask>('bench/hypervisor.yml');
    const a = load<ATask>('bench/ansible/site.yml');
    const zFiles = z.flatMap((t) => (t.file ? [[t.file.path, t.file.content, t.file.mode]] : []));
    const aFiles = a.flatMap((t) => {
      const c = t['ansible.builtin.copy'];
      return c ? [[c.dest, c.content, c.mode]] : [];
    });
    const zSysctls = z.flatMap((t) => (t.sysctl ? [[t.sysctl.name, t.sysctl.value, t.sysctl.file]] : []));
    const aSysctls = a.flatMap((t) => {
      const s = t['ansible.posix.sysctl'];
      return s?.sysctl_set ? [[s.name, s.value, s.sysctl_file]] : [];
    });
    expect(zFiles).toHaveLength(20);
    expect(zSysctls).toHaveLength(20);
    expect(z).toHaveLength(40);
    expect(a).toHaveLength(40);
    expect(aFiles).toEqual(zFiles);
    expect(aSysctls).toEqual(zSysctls);
  });
});

labSuite('the reference zone in the lab (what npm run demo does)', () => {
  let lab: LabState | undefined;
  let dir = '';
  const get = (): LabState => lab as LabState;
  const zone = () => ['-i', get().inventoryFile, '-i', ZONE];
  const withKvm04 = () => [...zone(), '-i', BOOTSTRAP];

  function report(r: CliResult): JsonReport {
    try {
      return JSON.parse(r.stdout) as JsonReport;
    } catch {
      throw new Error(`zonectl printed no JSON (exit ${r.code}): ${r.stderr}${r.stdout.slice(0, 2000)}`);
    }
  }

  async function tunnels(node: string): Promise<string[]> {
    const r = await sshRun(get(), node, 'ovs-vsctl list-ports cloudbr1');
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.split('\n').filter((p) => p.startsWith('t103-'));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zonectl-example-'));
    // The example's own topology, under a unique lab name (startLab sets it).
    const topology = yaml.load(readFileSync(join(EX, 'topology.yml'), 'utf8')) as Record<string, unknown>;
    delete topology.name;
    lab = await startLab('csz', topology);
  }, 120_000);
  afterAll(() => stopLab(lab, dir));

  it('check shows changes (exit 2), apply applies and verifies them, check again is clean', async () => {
    const check = await zonectl(['check', '--json', ...zone(), SITE]);
    expect(check.code, check.stderr).toBe(2);
    const pending = report(check);
    expect(Object.keys(pending.hosts).sort()).toEqual(['kvm01', 'kvm02', 'kvm03', 'r01', 'up01']);
    for (const host of Object.values(pending.hosts)) expect(host.error).toBeUndefined();

    const apply = await zonectl(['apply', '--json', ...zone(), SITE]);
    expect(apply.code, `${apply.stderr}${apply.stdout.slice(0, 3000)}`).toBe(0);
    for (const [name, host] of Object.entries(report(apply).hosts)) {
      expect(host.status, `${name}: ${host.error}`).toBe('changed');
      expect(host.execRequests, `${name}: round trips`).toBeLessThanOrEqual(3 * 4); // 3 per play, at most 4 plays per host
    }
    expect((await tunnels('kvm01')).sort()).toEqual(['t103-1-2', 't103-1-3']);
    const route = await sshRun(get(), 'r01', 'ip -br addr show dev eth1; ip route show 10.20.0.0/16; cat /proc/sys/net/ipv4/ip_forward');
    expect(route.stdout).toContain('192.168.100.1/24');
    expect(route.stdout).toContain('10.20.0.0/16 via 192.168.100.2 dev eth1');
    expect(route.stdout.trim().endsWith('1')).toBe(true);
    // The transit link between r01 and up01 answers (no ping here; arping is installed).
    const ping = await sshRun(get(), 'r01', 'arping -c1 -w2 -I eth2 100.64.0.1');
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    // BGP: the session is up (frr-bgp waited for it), up01 learnt the tenant subnets, r01 the default route.
    const summary = await sshRun(get(), 'r01', "vtysh -c 'show bgp summary json'");
    const peers = (JSON.parse(summary.stdout) as { ipv4Unicast: { peers: Record<string, { state: string }> } }).ipv4Unicast.peers;
    expect(peers['100.64.0.1']?.state).toBe('Established');
    const upRoutes = await sshRun(get(), 'up01', 'ip route show proto bgp');
    expect(upRoutes.stdout).toMatch(/^10\.20\.0\.0\/16 (nhid \d+ )?via 100\.64\.0\.0 dev eth1/m);
    expect(upRoutes.stdout).toMatch(/^10\.21\.0\.0\/16 (nhid \d+ )?via 100\.64\.0\.0 dev eth1/m);
    const firewall = await sshRun(get(), 'r01', 'nft list table ip ip4_firewall');
    expect(firewall.stdout).toContain('iifname "eth1" ip saddr != 10.20.0.0/15 drop');
    const hostFirewall = await sshRun(get(), 'kvm01', 'nft list table inet zonectl_host');
    expect(hostFirewall.code, hostFirewall.stderr).toBe(0);

    const again = await zonectl(['check', '--json', ...zone(), SITE]);
    expect(again.code, again.stderr + again.stdout.slice(0, 2000)).toBe(0);
    for (const host of Object.values(report(again).hosts)) expect(host.changes).toEqual([]);
  }, 120_000);

  it('the bootstrap inventory adds kvm04: it and every peer get their tunnels in one run', async () => {
    const apply = await zonectl(['apply', '--json', ...withKvm04(), SITE]);
    expect(apply.code, `${apply.stderr}${apply.stdout.slice(0, 3000)}`).toBe(0);
    const hosts = report(apply).hosts;
    for (const peer of ['kvm01', 'kvm02', 'kvm03']) {
      expect(hosts[peer]?.changes.map((c) => c.task)).toEqual(expect.arrayContaining(['tunnel mesh between hypervisors']));
    }
    for (const [node, id] of [['kvm01', 1], ['kvm02', 2], ['kvm03', 3]] as const) expect(await tunnels(node)).toContain(`t103-${id}-4`);
    expect((await tunnels('kvm04')).sort()).toEqual(['t103-4-1', 't103-4-2', 't103-4-3']);
    const again = await zonectl(['check', '--json', ...withKvm04(), SITE]);
    expect(again.code, again.stderr + again.stdout.slice(0, 2000)).toBe(0);
  }, 120_000);

  it('never printed the BGP password', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(output).not.toContain(BGP_SECRET);
  });
});
