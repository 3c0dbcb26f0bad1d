/**
 * The kvm-ovs role through the real CLI (`zonectl apply/check` over SSH) on a
 * lab of four hypervisors, each running Open vSwitch (userspace datapath) and
 * sharing an `eth1` segment as the guest uplink. The mesh group holds three of
 * them first; the fourth joins later and every node gets its tunnels in one run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.ts';
import { labSuite, startLab, stopLab, type LabState, sshOk } from '../support/lab.ts';
import { runZonectl, type CliRun } from '../support/cli.ts';

const NODES = ['kvm01', 'kvm02', 'kvm03', 'kvm04'];
const TOPOLOGY = {
  nodes: Object.fromEntries(NODES.map((n) => [n, { kind: 'hypervisor', services: ['openvswitch'] }])),
  segments: [{ name: 'uplink', endpoints: NODES.map((n) => `${n}:eth1`) }],
};

const PLAYBOOK = `
- hosts: mesh
  roles:
    - role: kvm-ovs
      vars:
        kvm_ovs_datapath_type: netdev
        kvm_ovs_mesh_key: 103
        kvm_ovs_mesh_peers: mesh
        kvm_ovs_uplink_trunks: "100,200"
`;

type CliResult = CliRun;

const zonectl = (args: string[]): Promise<CliResult> => runZonectl(args);

/** host → task name → change summaries, from `--json` (src/report/json.ts). */
function changes(result: CliResult): Record<string, Record<string, string[]>> {
  let doc: JsonReport;
  try {
    doc = JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`zonectl printed no JSON (exit ${result.code}): ${result.stderr}${result.stdout}`);
  }
  const out: Record<string, Record<string, string[]>> = {};
  for (const [name, host] of Object.entries(doc.hosts)) {
    expect(host.error, `${name}: ${host.error}`).toBeUndefined();
    expect(host.execRequests, `${name}: round trips`).toBeLessThanOrEqual(3);
    for (const change of host.changes) ((out[name] ??= {})[change.task] ??= []).push(change.summary);
  }
  return out;
}

labSuite('kvm-ovs role on a lab of OVS hypervisors, through the CLI', () => {
  let lab: LabState | undefined;
  let dir = '';
  const get = (): LabState => lab as LabState;
  const address = (node: string): string => get().nodes.find((n) => n.name === node)?.address as string;

  /** The lab's inventory plus a `mesh` group of `members`. */
  function inventory(members: string[]): string {
    const inv = yaml.load(readFileSync(get().inventoryFile, 'utf8')) as { all: { children: Record<string, { hosts: Record<string, unknown> }> } };
    const hosts = inv.all.children.hypervisor?.hosts ?? {};
    inv.all.children.mesh = { hosts: Object.fromEntries(members.map((m) => [m, hosts[m]])) };
    const file = join(dir, `inventory-${members.length}.yml`);
    writeFileSync(file, yaml.dump(inv));
    return file;
  }

  const ok = async (node: string, command: string): Promise<string> => (await sshOk(get(), node, command)).trim();

  async function tunnels(node: string): Promise<string[]> {
    const ports = (await ok(node, 'ovs-vsctl list-ports cloudbr1')).split('\n').filter((p) => p.startsWith('t103-'));
    return Promise.all(ports.map(async (p) => `${p} ${(await ok(node, `ovs-vsctl get interface ${p} options:key options:remote_ip`)).replace(/\n/g, ' ')}`));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zonectl-ovs-lab-'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    lab = await startLab('ovsl', TOPOLOGY);
    // What the cloudstack-agent package leaves on a hypervisor: its config directory and a file with other keys.
    for (const node of NODES) await ok(node, "mkdir -p /etc/cloudstack/agent && printf 'host=10.0.0.5\\nguest.network.device=cloudbr1\\n' > /etc/cloudstack/agent/agent.properties");
  });
  afterAll(() => stopLab(lab, dir));

  it('builds bridges, the uplink trunk, agent keys and a three-node GRE mesh with drop flows', async () => {
    const result = await zonectl(['apply', '--json', '-i', inventory(['kvm01', 'kvm02', 'kvm03']), join(dir, 'site.yml')]);
    expect(result.code, `${result.stderr}${result.stdout.slice(0, 3000)}`).toBe(0);
    const made = changes(result);
    expect(Object.keys(made).sort()).toEqual(['kvm01', 'kvm02', 'kvm03']);
    for (const [node, id] of [['kvm01', '1'], ['kvm02', '2'], ['kvm03', '3']] as const) {
      const others = ['1', '2', '3'].filter((x) => x !== id);
      expect((await tunnels(node)).sort()).toEqual(others.map((o) => `t103-${id}-${o} "103" "${address(`kvm0${o}`)}"`));
      // --names prints names with '-' in double quotes: in_port="t103-1-2".
      const flows = (await ok(node, 'ovs-ofctl --names dump-flows cloudbr1 cookie=0x7a6d000100000067/-1')).replace(/"/g, '');
      for (const o of others) {
        expect(flows).toContain(`priority=1000,in_port=t103-${id}-${o},dl_dst=ff:ff:ff:ff:ff:ff actions=drop`);
        expect(flows).toContain(`priority=1000,ip,in_port=t103-${id}-${o},nw_dst=224.0.0.0/24 actions=drop`);
      }
      expect(await ok(node, 'ovs-vsctl get port eth1 trunks vlan_mode; ovs-vsctl get bridge cloudbr0 datapath_type')).toBe('[100, 200]\ntrunk\nnetdev');
      const props = await ok(node, 'cat /etc/cloudstack/agent/agent.properties; stat -c %a /etc/cloudstack/agent/agent.properties');
      expect(props).toBe('host=10.0.0.5\nguest.network.device=cloudbr1\nnetwork.bridge.type=openvswitch\nlibvirt.vif.driver=com.cloud.hypervisor.kvm.resource.OvsVifDriver\n600');
    }
    // kvm04 is not in the mesh group yet: untouched.
    expect(await ok('kvm04', 'ovs-vsctl list-br')).toBe('');
  });

  it('reports zero changes on the second run', async () => {
    const result = await zonectl(['check', '--json', '-i', inventory(['kvm01', 'kvm02', 'kvm03']), join(dir, 'site.yml')]);
    expect(result.code, result.stderr).toBe(0);
    expect(changes(result)).toEqual({});
  });

  it('detects a tunnel key changed by hand and repairs it', async () => {
    await ok('kvm02', 'ovs-vsctl set interface t103-2-1 options:key=999');
    const inv = inventory(['kvm01', 'kvm02', 'kvm03']);
    const check = await zonectl(['check', '--json', '-i', inv, join(dir, 'site.yml')]);
    expect(check.code).toBe(2);
    expect(changes(check)).toEqual({ kvm02: { 'tunnel mesh between hypervisors': ['tunnel t103-2-1 → kvm01: options:key 999 → 103'] } });
    const apply = await zonectl(['apply', '--json', '-i', inv, join(dir, 'site.yml')]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(await ok('kvm02', 'ovs-vsctl get interface t103-2-1 options:key')).toBe('"103"');
  });

  it('gives a fourth hypervisor its tunnels and the three others theirs to it, in one run', async () => {
    const inv = inventory(NODES);
    const result = await zonectl(['apply', '--json', '-i', inv, join(dir, 'site.yml')]);
    expect(result.code, result.stderr).toBe(0);
    const made = changes(result);
    for (const [node, id] of [['kvm01', '1'], ['kvm02', '2'], ['kvm03', '3']] as const) {
      expect(made[node]).toEqual({
        'tunnel mesh between hypervisors': [
          `create tunnel t103-${id}-4 → kvm04 on cloudbr1 (gre key=103 remote_ip=${address('kvm04')})`,
          `drop flow on cloudbr1: + priority=1000,in_port=t103-${id}-4,dl_dst=ff:ff:ff:ff:ff:ff,actions=drop`,
          `drop flow on cloudbr1: + priority=1000,in_port=t103-${id}-4,ip,nw_dst=224.0.0.0/24,actions=drop`,
        ],
      });
      expect(await tunnels(node)).toContain(`t103-${id}-4 "103" "${address('kvm04')}"`);
    }
    expect((await tunnels('kvm04')).sort()).toEqual(['1', '2', '3'].map((o) => `t103-4-${o} "103" "${address(`kvm0${o}`)}"`));
    const again = await zonectl(['check', '--json', '-i', inv, join(dir, 'site.yml')]);
    expect(again.code, again.stderr).toBe(0);
    expect(changes(again)).toEqual({});
  });
});
