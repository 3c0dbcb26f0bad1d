/**
 * The OVS modules against real Open vSwitch instances, through the real engine
 * (one probe, one apply, one verify round trip per host): each "hypervisor"
 * is its own ovsdb-server + ovs-vswitchd (userspace datapath) in its own
 * network namespace (test/ovs/sandbox.ts). Tasks are compiled here the way the
 * compiler does it (schema, then prepare with the inventory's groups and
 * hostvars). Needs root; under CI=true it never skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { UserError } from '../../src/errors/index.ts';
import { runPlan } from '../../src/engine/index.ts';
import type { RunMode, RunOutcome } from '../../src/engine/index.ts';
import type { PrepareContext } from '../../src/modules/contract.ts';
import { findModule } from '../../src/modules/registry.ts';
import type { CompiledPlan, CompiledPlay } from '../../src/plan/types.ts';
import { SecretStore } from '../../src/secrets/index.ts';
import type { Connector, HostConnection } from '../../src/transport/types.ts';
import { ovsUnavailable, startOvs, type OvsSandbox } from '../ovs/sandbox.ts';

const why = ovsUnavailable();
const skip = why !== undefined && process.env.CI !== 'true';
if (skip) console.warn(`skipping OVS live tests: ${why}`);

const ALL_HOSTS: Record<string, Record<string, unknown>> = {
  kvm01: { address: '192.0.2.1' },
  kvm02: { ansible_host: '192.0.2.2' },
  kvm03: { address: '192.0.2.3', tunnel_ip: '198.51.100.3' },
  kvm04: { address: '192.0.2.4' },
};

const OWN_COOKIE = '0x5a430001';
const FLOWS = ['priority=2000,udp,in_port=vnet0,tp_src=67,actions=drop', 'priority=1500,in_port=eth1,dl_vlan=100,actions=NORMAL'];

function tasks(flows: string[], failMode: string): { name: string; module: string; params: Record<string, unknown> }[] {
  return [
    { name: 'guest bridge', module: 'ovs_bridge', params: { name: 'cloudbr1', datapath_type: 'netdev', fail_mode: failMode, external_ids: { zone: 'z1' } } },
    // eth1 is a real device (a veth made in each namespace): a system port, as a NIC would be.
    { name: 'uplink trunk', module: 'ovs_port', params: { bridge: 'cloudbr1', name: 'eth1', trunks: [100, 200], vlan_mode: 'trunk' } },
    { name: 'access port', module: 'ovs_port', params: { bridge: 'cloudbr1', name: 'vnet0', type: 'internal', tag: 100 } },
    { name: 'gre mesh', module: 'ovs_tunnel_mesh', params: { bridge: 'cloudbr1', type: 'gre', key: 103, peers: 'hypervisors' } },
    { name: 'guest flows', module: 'ovs_flows', params: { bridge: 'cloudbr1', cookie: OWN_COOKIE, flows } },
  ];
}

/** What compile does per task: validate, then prepare with the inventory. */
function compile(members: string[], flows = FLOWS, failMode = 'standalone'): CompiledPlan {
  const hostvars = Object.fromEntries(members.map((h) => [h, ALL_HOSTS[h] ?? {}]));
  const groups = { all: members, hypervisors: members };
  const hosts: CompiledPlan['hosts'] = {};
  for (const host of members) {
    const ctx: PrepareContext = {
      host,
      vars: hostvars[host] ?? {},
      hostvars,
      groups,
      readFile: () => '',
      render: (t) => t,
      fail: (message) => {
        throw new UserError(message);
      },
    };
    const play: CompiledPlay = {
      index: 0,
      name: 'ovs',
      serial: null,
      max_fail_percentage: null,
      handlers: [],
      skipped: [],
      tasks: tasks(flows, failMode).map((t, i) => {
        const module = findModule(t.module);
        if (!module) throw new Error(`module ${t.module} is not registered`);
        const params: unknown = module.schema.parse(t.params);
        const prepared: unknown = module.prepare ? module.prepare(params, ctx) : params;
        return { id: `0.${i}`, name: t.name, module: t.module, params: prepared as Record<string, unknown>, notify: [], tags: [], source: `live.yml:${i + 1}` };
      }),
    };
    hosts[host] = {
      connection: { address: typeof ALL_HOSTS[host]?.address === 'string' ? ALL_HOSTS[host].address : '127.0.0.1', port: 22, user: 'root', identity_file: null, known_hosts: null, jump: [], become: false },
      platform: 'linux',
      plays: [play],
    };
  }
  return { formatVersion: 1, tool: { name: 'zonectl', version: 'test' }, inputHash: 'sha256:test', inputs: [], hosts, warnings: [] };
}

const sandboxes = new Map<string, OvsSandbox>();

const connector: Connector = {
  connect(host): Promise<HostConnection> {
    const sandbox = sandboxes.get(host);
    if (!sandbox) return Promise.reject(new Error(`no sandbox for ${host}`));
    let count = 0;
    return Promise.resolve({
      get execCount() {
        return count;
      },
      runScript: (script) => {
        count += 1;
        return sandbox.run(script);
      },
      close: () => Promise.resolve(),
    });
  },
};

function run(mode: RunMode, plan: CompiledPlan): Promise<RunOutcome> {
  return runPlan(plan, {
    mode,
    connector,
    findModule,
    secrets: new SecretStore({}),
    lockFile: (host) => join(sandboxes.get(host)?.dir ?? '/nonexistent', 'zonectl.lock'),
  });
}

/** host → task name → change summaries (only tasks with changes). */
function changesOf(outcome: RunOutcome): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const host of outcome.hosts) {
    expect(host.error, `${host.host}: ${host.error}`).toBeUndefined();
    for (const task of host.plays.flatMap((p) => p.tasks)) {
      expect(task.error, `${host.host} ${task.name}: ${task.error}`).toBeUndefined();
      if (task.changes.length > 0) (out[host.host] ??= {})[task.name] = task.changes.map((c) => c.summary);
    }
  }
  return out;
}

async function sh(host: string, script: string): Promise<string> {
  const r = await (sandboxes.get(host) as OvsSandbox).run(script);
  if (r.exitCode !== 0) throw new Error(`${host}: ${script}: ${r.stderr}`);
  return r.stdout.trim();
}

async function tunnelsOn(host: string): Promise<Record<string, string>> {
  const names = (await sh(host, 'ovs-vsctl list-ports cloudbr1')).split('\n').filter((n) => n.startsWith('t103-'));
  const out: Record<string, string> = {};
  for (const name of names) out[name] = await sh(host, `ovs-vsctl get interface ${name} type options`);
  return out;
}

async function dropFlowPorts(host: string, cookie: string): Promise<string[]> {
  const dump = await sh(host, `ovs-ofctl --names dump-flows cloudbr1 cookie=${cookie}/-1`);
  return [...dump.matchAll(/in_port=("?)([\w.-]+)\1/g)].map((m) => m[2] as string).sort();
}

const MESH_COOKIE = '0x7a6d000100000067';
/** The hypervisor's uplink NIC, as a veth inside its namespace. */
const UPLINK = 'ip link add eth1 type veth peer name eth1-sw && ip link set eth1 up && ip link set eth1-sw up';

describe.skipIf(skip)('OVS modules on real Open vSwitch, through the engine', () => {
  beforeAll(async () => {
    for (const host of ['kvm01', 'kvm02', 'kvm03']) {
      sandboxes.set(host, startOvs(`live-${host}`));
      await sh(host, UPLINK);
    }
  });
  afterAll(() => {
    for (const sandbox of sandboxes.values()) sandbox.stop();
  });

  it('builds bridge, trunk and access ports, a three-node GRE mesh with drop flows, and owned flows', async () => {
    const plan = compile(['kvm01', 'kvm02', 'kvm03']);
    const check = await run('check', plan);
    const predicted = changesOf(check);
    expect(predicted.kvm01?.['gre mesh']).toEqual([
      'create tunnel t103-1-2 → kvm02 on cloudbr1 (gre key=103 remote_ip=192.0.2.2)',
      'create tunnel t103-1-3 → kvm03 on cloudbr1 (gre key=103 remote_ip=198.51.100.3)',
      'drop flow on cloudbr1: + priority=1000,in_port=t103-1-2,dl_dst=ff:ff:ff:ff:ff:ff,actions=drop',
      'drop flow on cloudbr1: + priority=1000,in_port=t103-1-2,ip,nw_dst=224.0.0.0/24,actions=drop',
      'drop flow on cloudbr1: + priority=1000,in_port=t103-1-3,dl_dst=ff:ff:ff:ff:ff:ff,actions=drop',
      'drop flow on cloudbr1: + priority=1000,in_port=t103-1-3,ip,nw_dst=224.0.0.0/24,actions=drop',
    ]);
    const applied = await run('apply', plan);
    // The dry run told the truth: apply made exactly the predicted changes.
    expect(changesOf(applied)).toEqual(predicted);
    for (const host of applied.hosts) {
      expect(host.status).toBe('changed');
      expect(host.execCount).toBe(3); // probe, apply, verify
    }
    expect(await tunnelsOn('kvm01')).toEqual({
      't103-1-2': 'gre\n{key="103", remote_ip="192.0.2.2"}',
      't103-1-3': 'gre\n{key="103", remote_ip="198.51.100.3"}',
    });
    expect(await tunnelsOn('kvm02')).toEqual({
      't103-2-1': 'gre\n{key="103", remote_ip="192.0.2.1"}',
      't103-2-3': 'gre\n{key="103", remote_ip="198.51.100.3"}',
    });
    expect(await tunnelsOn('kvm03')).toEqual({
      't103-3-1': 'gre\n{key="103", remote_ip="192.0.2.1"}',
      't103-3-2': 'gre\n{key="103", remote_ip="192.0.2.2"}',
    });
    expect(await dropFlowPorts('kvm03', MESH_COOKIE)).toEqual(['t103-3-1', 't103-3-1', 't103-3-2', 't103-3-2']);
    expect(await sh('kvm01', 'ovs-vsctl get port eth1 trunks vlan_mode; ovs-vsctl get interface eth1 type error; ovs-vsctl get port vnet0 tag; ovs-vsctl get bridge cloudbr1 datapath_type fail_mode external_ids:zone')).toBe(
      '[100, 200]\ntrunk\n""\n[]\n100\nnetdev\nstandalone\nz1',
    );
    expect(await dropFlowPorts('kvm01', OWN_COOKIE)).toEqual(['eth1', 'vnet0']);
  });

  it('reports zero changes on a second run', async () => {
    const outcome = await run('check', compile(['kvm01', 'kvm02', 'kvm03']));
    expect(changesOf(outcome)).toEqual({});
    for (const host of outcome.hosts) expect(host.status).toBe('ok');
  });

  it('detects a key changed by hand on one tunnel and repairs it, leaving foreign flows and ports alone', async () => {
    await sh('kvm02', 'ovs-vsctl set interface t103-2-1 options:key=999');
    await sh('kvm02', "ovs-vsctl -- add-port cloudbr1 byhand -- set interface byhand type=internal && ovs-ofctl add-flow cloudbr1 'cookie=0x99,priority=500,ip,nw_src=10.9.0.0/16,actions=NORMAL'");
    const plan = compile(['kvm01', 'kvm02', 'kvm03'], [...FLOWS, 'priority=1400,arp,actions=NORMAL']);
    const check = changesOf(await run('check', plan));
    expect(check.kvm02?.['gre mesh']).toEqual(['tunnel t103-2-1 → kvm01: options:key 999 → 103']);
    expect(check.kvm02?.['guest flows']).toEqual([`flow on cloudbr1 cookie ${OWN_COOKIE}: + priority=1400,arp,actions=NORMAL`]);
    await run('apply', plan);
    expect((await tunnelsOn('kvm02'))['t103-2-1']).toBe('gre\n{key="103", remote_ip="192.0.2.1"}');
    // The owned flows were rewritten in a bundle; the flow under cookie 0x99 and the hand-made port survived.
    expect(await sh('kvm02', 'ovs-ofctl dump-flows cloudbr1 cookie=0x99/-1')).toContain('priority=500,ip,nw_src=10.9.0.0/16 actions=NORMAL');
    expect(await sh('kvm02', 'ovs-vsctl list-ports cloudbr1')).toContain('byhand');
    expect(changesOf(await run('check', plan))).toEqual({});
  });

  it('changes fail_mode without losing flows (Open vSwitch flushes them on that change), and back', async () => {
    // Regression: the owned, mesh and foreign flows were gone after apply, and the next check wanted them back.
    const before = await sh('kvm02', 'ovs-ofctl --names --no-stats dump-flows cloudbr1 | grep -v "^ *priority=0 actions=NORMAL$" | sort');
    expect(before).toContain('cookie=0x99');
    const flows = [...FLOWS, 'priority=1400,arp,actions=NORMAL']; // as the test before left them
    const secure = compile(['kvm01', 'kvm02', 'kvm03'], flows, 'secure');
    expect(changesOf(await run('check', secure)).kvm02).toEqual({
      'guest bridge': ['bridge cloudbr1: fail_mode standalone → secure (Open vSwitch flushes the flows on this change: zonectl saves and restores them)'],
    });
    await run('apply', secure);
    expect(await sh('kvm02', 'ovs-vsctl get bridge cloudbr1 fail_mode')).toBe('secure');
    // Every flow is back, and OVS's own standalone NORMAL flow was not restored onto the secure bridge.
    expect(await sh('kvm02', 'ovs-ofctl --names --no-stats dump-flows cloudbr1 | sort')).toBe(before);
    expect(changesOf(await run('check', secure))).toEqual({});
    await run('apply', compile(['kvm01', 'kvm02', 'kvm03'], flows));
    expect(await sh('kvm02', 'ovs-ofctl --names --no-stats dump-flows cloudbr1')).toContain(' priority=0 actions=NORMAL');
    expect(changesOf(await run('check', compile(['kvm01', 'kvm02', 'kvm03'], flows)))).toEqual({});
  });

  it('gives a fourth host its tunnels and every other host its tunnel to it, in one run', async () => {
    sandboxes.set('kvm04', startOvs('live-kvm04'));
    await sh('kvm04', UPLINK);
    const outcome = await run('apply', compile(['kvm01', 'kvm02', 'kvm03', 'kvm04']));
    const changes = changesOf(outcome);
    for (const [host, id] of [['kvm01', '1'], ['kvm02', '2'], ['kvm03', '3']] as const) {
      expect(changes[host]?.['gre mesh']?.[0]).toBe(`create tunnel t103-${id}-4 → kvm04 on cloudbr1 (gre key=103 remote_ip=192.0.2.4)`);
      expect(Object.keys(await tunnelsOn(host))).toContain(`t103-${id}-4`);
      expect(await dropFlowPorts(host, MESH_COOKIE)).toContain(`t103-${id}-4`);
    }
    expect(await tunnelsOn('kvm04')).toEqual({
      't103-4-1': 'gre\n{key="103", remote_ip="192.0.2.1"}',
      't103-4-2': 'gre\n{key="103", remote_ip="192.0.2.2"}',
      't103-4-3': 'gre\n{key="103", remote_ip="198.51.100.3"}',
    });
    expect(changesOf(await run('check', compile(['kvm01', 'kvm02', 'kvm03', 'kvm04'])))).toEqual({});
  });

  it('removes the tunnels to a host that left the group, and only those', async () => {
    const outcome = changesOf(await run('apply', compile(['kvm01', 'kvm02', 'kvm03'])));
    expect(outcome.kvm01?.['gre mesh']).toEqual([
      'remove tunnel t103-1-4 → kvm04 (no longer a peer)',
      'drop flow on cloudbr1: - priority=1000,in_port=t103-1-4,dl_dst=ff:ff:ff:ff:ff:ff actions=drop',
      'drop flow on cloudbr1: - priority=1000,ip,in_port=t103-1-4,nw_dst=224.0.0.0/24 actions=drop',
    ]);
    expect(Object.keys(await tunnelsOn('kvm01')).sort()).toEqual(['t103-1-2', 't103-1-3']);
    expect(await dropFlowPorts('kvm01', MESH_COOKIE)).toEqual(['t103-1-2', 't103-1-2', 't103-1-3', 't103-1-3']);
  });
});

/** A plan of one task for one host, compiled as the compiler does (schema only: no prepare needed). */
function oneTask(host: string, module: string, raw: Record<string, unknown>): CompiledPlan {
  const params = findModule(module)?.schema.parse(raw) as Record<string, unknown>;
  return {
    formatVersion: 1,
    tool: { name: 'zonectl', version: 'test' },
    inputHash: 'sha256:test',
    inputs: [],
    warnings: [],
    hosts: {
      [host]: {
        connection: { address: '127.0.0.1', port: 22, user: 'root', identity_file: null, known_hosts: null, jump: [], become: false },
        platform: 'linux',
        plays: [{ index: 0, name: 'ovs', serial: null, max_fail_percentage: null, handlers: [], skipped: [], tasks: [{ id: '0.0', name: 'port', module, params, notify: [], tags: [], source: 'live.yml:1' }] }],
      },
    },
  };
}

describe.skipIf(skip)('a port moved to another bridge', () => {
  afterAll(() => {
    sandboxes.get('kvm08')?.stop();
    sandboxes.delete('kvm08');
  });

  it('works on the new bridge (delete and add in one transaction left it unusable: "File exists")', async () => {
    sandboxes.set('kvm08', startOvs('live-kvm08'));
    await sh('kvm08', 'ovs-vsctl add-br bra -- set bridge bra datapath_type=netdev -- add-br brb -- set bridge brb datapath_type=netdev');
    await sh('kvm08', 'ovs-vsctl add-port bra mv0 -- set interface mv0 type=gre options:key=7 options:remote_ip=192.0.2.77');
    const plan = oneTask('kvm08', 'ovs_port', { bridge: 'brb', name: 'mv0', type: 'gre', options: { key: '7', remote_ip: '192.0.2.77' } });
    expect(changesOf(await run('check', plan))).toEqual({ kvm08: { port: ['move port mv0 from bridge bra to brb (type=gre, key=7, remote_ip=192.0.2.77)'] } });
    await run('apply', plan);
    expect(await sh('kvm08', 'ovs-vsctl port-to-br mv0; ovs-vsctl get interface mv0 error')).toBe('brb\n[]');
    expect(Number(await sh('kvm08', 'ovs-vsctl get interface mv0 ofport'))).toBeGreaterThan(0);
    expect(changesOf(await run('check', plan))).toEqual({});
  });
});

describe.skipIf(skip)('a host whose Open vSwitch is not running', () => {
  afterAll(() => {
    sandboxes.get('kvm09')?.stop();
    sandboxes.delete('kvm09');
  });

  it('fails the task with a message that says what to do', async () => {
    const sandbox = startOvs('live-kvm09');
    sandboxes.set('kvm09', sandbox);
    await sandbox.run('ovs-appctl -t ovs-vswitchd exit; ovs-appctl -t ovsdb-server exit');
    const params = findModule('ovs_bridge')?.schema.parse({ name: 'cloudbr0' }) as Record<string, unknown>;
    const plan: CompiledPlan = {
      formatVersion: 1,
      tool: { name: 'zonectl', version: 'test' },
      inputHash: 'sha256:test',
      inputs: [],
      warnings: [],
      hosts: {
        kvm09: {
          connection: { address: '127.0.0.1', port: 22, user: 'root', identity_file: null, known_hosts: null, jump: [], become: false },
          platform: 'linux',
          plays: [{ index: 0, name: 'ovs', serial: null, max_fail_percentage: null, handlers: [], skipped: [], tasks: [{ id: '0.0', name: 'bridge', module: 'ovs_bridge', params, notify: [], tags: [], source: 'live.yml:1' }] }],
        },
      },
    };
    const outcome = await run('check', plan);
    const task = outcome.hosts[0]?.plays[0]?.tasks[0];
    expect(outcome.hosts[0]?.status).toBe('failed');
    expect(task?.error).toMatch(/^Open vSwitch is not running on kvm09: start openvswitch-switch \(service module\) — ovs-vsctl: unix:.*db\.sock: database connection failed/);
  });
});
