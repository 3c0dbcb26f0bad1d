/**
 * The frr module and the frr-bgp role through the real CLI (`zonectl
 * apply/check/plan` over SSH) on a lab of two FRR 8.4.4 routers joined by a
 * veth pair: r1 is a routed-mode router (role frr-bgp, AS 65001) announcing
 * its tenant network; r2 is its upstream (AS 65002, structured params)
 * announcing a default route and a network r1's policy must refuse. The
 * session uses an MD5 password given as `!secret`, whose value must appear in
 * no output and no saved plan.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.ts';
import { labSuite, startLab, stopLab, type LabState, sshOk } from '../support/lab.ts';
import { runZonectl, type CliRun } from '../support/cli.ts';

const TOPOLOGY = {
  nodes: {
    r1: { kind: 'router', services: [{ frr: { daemons: ['bgpd'] } }] },
    r2: { kind: 'router', services: [{ frr: { daemons: ['bgpd'] } }] },
  },
  links: [['r1:eth1', 'r2:eth1']],
};

// A fresh value per run: it must never come back in anything zonectl prints or saves.
const PASSWORD = `lab-${Math.random().toString(36).slice(2, 10)}-md5`;

function playbook(r1Networks: string[]): string {
  // The upstream first: plays run in order, and r1's play waits for its session.
  return `
- hosts: r2
  tasks:
    - name: upstream router
      frr:
        daemons: [bgpd]
        hostname: r2
        bgp:
          asn: 65002
          router_id: 10.99.0.2
          ebgp_requires_policy: false
          neighbors:
            - {address: 10.99.0.1, remote_as: 65001, password: !secret bgp_lab, description: tenant router r1}
          address_families:
            ipv4_unicast: {networks: [0.0.0.0/0, 203.0.113.0/24]}
        static_routes:
          - {to: 0.0.0.0/0, blackhole: true}
          - {to: 203.0.113.0/24, blackhole: true}

- hosts: r1
  roles:
    - role: frr-bgp
      vars:
        frr_bgp_asn: 65001
        frr_bgp_router_id: 10.99.0.1
        frr_bgp_peers:
          - {address: 10.99.0.2, remote_as: 65002, password: !secret bgp_lab, description: upstream r2}
        frr_bgp_networks: ${JSON.stringify(r1Networks)}
        frr_bgp_static_routes: ${JSON.stringify(r1Networks.map((n) => ({ to: n, blackhole: true })))}
        frr_bgp_wait_timeout: 60
`;
}

const REJECTED = `
- hosts: r1
  tasks:
    - name: a configuration FRR rejects
      frr:
        config: |
          frr defaults traditional
          router bgp 65001
           neighbor 10.99.0.2 remote-as 65002
           bgp no-such-option
          exit
`;

type CliResult = CliRun;

const outputs: string[] = [];

/** Each step runs the CLI against two routers and waits for BGP: minutes on a busy machine. */
const SLOW = 240_000;

async function zonectl(args: string[]): Promise<CliResult> {
  const r = await runZonectl(args, { env: { ZONECTL_SECRET_BGP_LAB: PASSWORD } });
  outputs.push(r.stdout, r.stderr);
  return r;
}

/** host → change summaries, from `--json`. */
function changes(result: CliResult): Record<string, string[]> {
  let doc: JsonReport;
  try {
    doc = JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`zonectl printed no JSON (exit ${result.code}): ${result.stderr}${result.stdout}`);
  }
  const out: Record<string, string[]> = {};
  for (const [name, host] of Object.entries(doc.hosts)) {
    expect(host.error, `${name}: ${host.error}`).toBeUndefined();
    for (const change of host.changes) (out[name] ??= []).push(change.summary);
  }
  return out;
}

interface Peer {
  state: string;
  connectionsEstablished: number;
  connectionsDropped: number;
  peerUptimeMsec: number;
}

labSuite('frr: BGP between two lab routers through the CLI', () => {
  let lab: LabState | undefined;
  let dir = '';
  const get = (): LabState => lab as LabState;

  const ok = (node: string, command: string): Promise<string> => sshOk(get(), node, command);

  async function peer(node: string, address: string): Promise<Peer> {
    const summary = JSON.parse(await ok(node, "vtysh -c 'show bgp summary json'")) as { ipv4Unicast?: { peers?: Record<string, Peer> } };
    const p = summary.ipv4Unicast?.peers?.[address];
    if (!p) throw new Error(`${node} has no BGP peer ${address}`);
    return p;
  }

  /** Polls the kernel's table until a route appears (BGP updates take a moment after a reload). */
  async function routeAppears(node: string, prefix: string): Promise<string> {
    for (let i = 0; i < 60; i++) {
      const line = (await ok(node, 'ip route')).split('\n').find((l) => l.startsWith(`${prefix} `));
      if (line) return line;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${node}: no route to ${prefix}`);
  }

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zonectl-frr-lab-'));
    lab = await startLab('frrl', TOPOLOGY);
    await ok('r1', 'ip addr add 10.99.0.1/30 dev eth1 && ip link set eth1 up');
    await ok('r2', 'ip addr add 10.99.0.2/30 dev eth1 && ip link set eth1 up');
  });
  afterAll(() => stopLab(lab, dir), SLOW);

  it('peers over eBGP with an MD5 password; each router learns what the other may send', async () => {
    // Forwarding belongs to sysctl: FRR's reload would switch it on (`no ip forwarding` is not in the file).
    const forwarding = 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding';
    const forwardingBefore = await ok('r1', forwarding);
    const result = await zonectl(['apply', '--json', '-i', get().inventoryFile, file('site.yml', playbook(['198.51.100.0/24']))]);
    expect(result.code, `${result.stderr}${result.stdout.slice(0, 3000)}`).toBe(0);
    const made = changes(result);
    expect(made.r1).toContain('content of /etc/frr/frr.conf');
    expect(made.r1?.some((s) => s.startsWith('running configuration (frr-reload.py, sessions stay up)'))).toBe(true);
    // wait_for returned only once the sessions were up.
    expect((await peer('r1', '10.99.0.2')).state).toBe('Established');
    expect(await routeAppears('r2', '198.51.100.0/24')).toMatch(/via 10\.99\.0\.1 dev eth1 proto bgp/);
    expect(await routeAppears('r1', 'default')).toMatch(/via 10\.99\.0\.2 dev eth1 proto bgp/);
    // r1 accepts only the default route from upstream.
    expect(await ok('r1', 'ip route')).not.toContain('203.0.113.0/24');
    // The password is in FRR's configuration (where it belongs), installed frr:frr 0640.
    expect(await ok('r1', "vtysh -c 'show running-config' | grep password")).toBe(` neighbor 10.99.0.2 password ${PASSWORD}\n`);
    expect(await ok('r1', 'stat -c "%U:%G %a" /etc/frr/frr.conf')).toBe('frr:frr 640\n');
    expect(await ok('r1', forwarding)).toBe(forwardingBefore);
  }, SLOW);

  it('reports zero changes on the second run', async () => {
    const result = await zonectl(['check', '--json', '-i', get().inventoryFile, join(dir, 'site.yml')]);
    expect(result.code, result.stderr).toBe(0);
    expect(changes(result)).toEqual({});
  }, SLOW);

  it('adds a network by reload: the existing session is not reset', async () => {
    const before = await peer('r2', '10.99.0.1');
    expect(before.state).toBe('Established');
    const site = file('site-added.yml', playbook(['198.51.100.0/24', '198.51.100.128/25']));
    const plan = await zonectl(['plan', '--json', '-o', join(dir, 'added.plan.json'), '-i', get().inventoryFile, site]);
    expect(plan.code, plan.stderr).toBe(2);
    const planned = changes(plan);
    expect(planned.r2).toBeUndefined();
    expect(planned.r1).toEqual(['content of /etc/frr/frr.conf', 'running configuration (frr-reload.py, sessions stay up): delete 0 lines, add 3']);
    const apply = await zonectl(['apply', '--json', join(dir, 'added.plan.json')]);
    expect(apply.code, `${apply.stderr}${apply.stdout.slice(0, 2000)}`).toBe(0);
    expect(await routeAppears('r2', '198.51.100.128/25')).toMatch(/proto bgp/);
    const after = await peer('r2', '10.99.0.1');
    expect(after.state).toBe('Established');
    expect(after.connectionsEstablished).toBe(before.connectionsEstablished);
    expect(after.connectionsDropped).toBe(before.connectionsDropped);
    // Uptime kept counting from the same start (FRR derives the epoch from it, so compare the uptime itself).
    expect(after.peerUptimeMsec).toBeGreaterThanOrEqual(before.peerUptimeMsec);
    const again = await zonectl(['check', '--json', '-i', get().inventoryFile, site]);
    expect(again.code, again.stderr).toBe(0);
    expect(changes(again)).toEqual({});
  }, SLOW);

  it('a configuration FRR rejects fails the dry run and the apply; the running router stays untouched', async () => {
    const running = await ok('r1', "vtysh -c 'show running-config'");
    const installed = await ok('r1', 'cat /etc/frr/frr.conf');
    const site = file('rejected.yml', REJECTED);
    for (const command of ['check', 'apply']) {
      const result = await zonectl([command, '--json', '-i', get().inventoryFile, site]);
      expect(result.code).toBe(1);
      const doc = JSON.parse(result.stdout) as JsonReport;
      expect(doc.hosts.r1?.error).toMatch(/FRR rejects the new configuration \(vtysh -C -f, exit \d+\): line 4: % Unknown command.*bgp no-such-option.*nothing was installed/);
    }
    expect(await ok('r1', "vtysh -c 'show running-config'")).toBe(running);
    expect(await ok('r1', 'cat /etc/frr/frr.conf')).toBe(installed);
    expect((await peer('r1', '10.99.0.2')).state).toBe('Established');
  }, SLOW);

  it('a daemons change restarts FRR; a stopped FRR is started', async () => {
    const site = file('daemons.yml', '- hosts: r2\n  tasks:\n    - name: bfd too\n      frr: {daemons: {bfdd: true}}\n');
    const before = await ok('r2', 'cat /var/run/frr/bgpd.pid');
    const apply = await zonectl(['apply', '--json', '-i', get().inventoryFile, site]);
    expect(apply.code, `${apply.stderr}${apply.stdout.slice(0, 2000)}`).toBe(0);
    expect(changes(apply)).toEqual({ r2: ['/etc/frr/daemons: bfdd no → yes'] });
    expect(await ok('r2', 'grep -E "^(bgpd|bfdd|ospfd)=" /etc/frr/daemons')).toBe('bgpd=yes\nospfd=no\nbfdd=yes\n');
    await ok('r2', 'kill -0 "$(cat /var/run/frr/bfdd.pid)"');
    // A restart: bgpd is a new process.
    expect(await ok('r2', 'cat /var/run/frr/bgpd.pid')).not.toBe(before);
    await ok('r2', '/usr/lib/frr/frrinit.sh stop >/dev/null 2>&1');
    const check = await zonectl(['check', '--json', '-i', get().inventoryFile, join(dir, 'site-added.yml')]);
    expect(check.code, check.stderr).toBe(2);
    // site-added.yml lists r2's daemons as exactly [bgpd]: bfdd goes off again, and FRR is started.
    expect(changes(check)).toEqual({ r2: ['/etc/frr/daemons: bfdd yes → no', 'FRR is not running: start it'] });
    const start = await zonectl(['apply', '--json', '-i', get().inventoryFile, join(dir, 'site-added.yml')]);
    expect(start.code, `${start.stderr}${start.stdout.slice(0, 2000)}`).toBe(0);
    expect(await routeAppears('r2', '198.51.100.128/25')).toMatch(/proto bgp/);
    expect(await ok('r2', 'grep -E "^bfdd=" /etc/frr/daemons; pgrep -x bfdd || echo none')).toBe('bfdd=no\nnone\n');
    const again = await zonectl(['check', '--json', '-i', get().inventoryFile, join(dir, 'site-added.yml')]);
    expect(again.code, again.stderr).toBe(0);
    expect(changes(again)).toEqual({});
  }, SLOW);

  it('the password appears in no output and no saved plan', async () => {
    const text = await zonectl(['check', '-i', get().inventoryFile, join(dir, 'site-added.yml')]);
    expect(text.code, text.stderr).toBe(0);
    const plan = readFileSync(join(dir, 'added.plan.json'), 'utf8');
    expect(plan).toContain('@@secret(bgp_lab)@@');
    for (const out of [...outputs, plan]) expect(out).not.toContain(PASSWORD);
  }, SLOW);
});
