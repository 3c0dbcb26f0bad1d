/**
 * Topology files: what a valid one becomes, and the exact `file:line:col` of
 * every kind of mistake. Pure: no root needed. Fixtures are in test/fixtures/lab/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError, UserErrors } from '../../src/errors/index.ts';
import { loadTopology, parseTopology } from '../../src/lab/topology.ts';

const fixture = (name: string) => new URL(`../fixtures/lab/${name}`, import.meta.url).pathname;

/** Every error line a topology text produces, as the CLI prints them. */
function errorsOf(text: string, file = 'topo.yml'): string[] {
  try {
    parseTopology(text, file);
  } catch (error) {
    if (error instanceof UserErrors) return error.errors.map((e) => e.format());
    if (error instanceof UserError) return [error.format()];
    throw error;
  }
  throw new Error('expected the topology to be refused');
}

describe('a valid topology', () => {
  const topo = loadTopology(fixture('zone.yml'));

  it('keeps nodes in file order with kind first among their groups, without repeats', () => {
    expect(topo.name).toBe('zone1');
    expect(topo.subnet?.cidr).toBe('10.213.250.0/24');
    expect(topo.nodes.map((n) => [n.name, n.groups])).toEqual([
      ['kvm01', ['hypervisor', 'cloudstack']],
      ['kvm02', ['hypervisor', 'cloudstack']],
      ['sw01', ['switch']],
      ['rtr01', []],
    ]);
    expect(topo.nodes[0]?.vars).toEqual({ guest_bridge: 'cloudbr1' });
  });

  it('reads services in both spellings', () => {
    expect(topo.nodes[0]?.services).toEqual([{ name: 'openvswitch', daemons: [] }]);
    expect(topo.nodes[3]?.services).toEqual([
      { name: 'frr', daemons: ['bgpd', 'bfdd'] },
      { name: 'nftables', daemons: [] },
    ]);
  });

  it('reads links in the list and the mapping form, and segments', () => {
    expect(topo.links).toEqual([
      { a: { node: 'kvm01', iface: 'eth1' }, b: { node: 'sw01', iface: 'swp1' }, mtu: undefined },
      { a: { node: 'kvm02', iface: 'eth1' }, b: { node: 'sw01', iface: 'swp2' }, mtu: 9000 },
      { a: { node: 'sw01', iface: 'swp48' }, b: { node: 'rtr01', iface: 'eth1' }, mtu: undefined },
    ]);
    expect(topo.segments).toEqual([
      { name: 'guest', mtu: 1450, endpoints: [{ node: 'kvm01', iface: 'eth2' }, { node: 'kvm02', iface: 'eth2' }, { node: 'rtr01', iface: 'eth2' }] },
    ]);
  });

  it('the example in docs/lab.md is valid', () => {
    const doc = readFileSync(new URL('../../docs/lab.md', import.meta.url), 'utf8');
    const example = /```yaml\n(name: [\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const t = parseTopology(example as string, 'docs/lab.md');
    expect([t.nodes.length, t.links.length, t.segments.length]).toEqual([4, 2, 1]);
  });

  it('leaves the subnet to `lab up` when the file has none', () => {
    const t = parseTopology('name: a1\nnodes: {n1: }\n');
    expect(t.subnet).toBeUndefined();
    expect(t.nodes).toEqual([{ name: 'n1', kind: undefined, groups: [], services: [], vars: {} }]);
  });
});

describe('topology errors point at the mistake', () => {
  it('reports an unknown key at the key, and every semantic mistake of a file at once', () => {
    expect(errorsOf('name: zone1\nnodes:\n  kvm01: {kind: hypervisor, bogus: 1}\n', 'f.yml')).toEqual([
      "f.yml:3:29: unknown key 'bogus' (allowed: kind, groups, services, vars)",
    ]);
    const semantic = `name: zone1
nodes:
  kvm01: {kind: hypervisor}
  sw01: {}
links:
  - ["kvm01:eth1", "sw01:swp1"]
  - ["kvm01:eth1", "sw02:swp1"]
  - ["sw01:averyveryverylong0", "kvm01:eth3"]
  - ["sw01:swp9"]
  - ["sw01:swp7", "sw01:swp8"]
segments:
  - {name: guest, endpoints: ["kvm01:mgmt0", "sw01:eth2"]}
  - {name: guest, endpoints: ["kvm01:eth5", "sw01:eth5"]}
`;
    expect(errorsOf(semantic, 'f.yml')).toEqual([
      "f.yml:7:6: endpoint 'kvm01:eth1' is used twice (first at 6:6)",
      "f.yml:7:20: unknown node 'sw02' in endpoint 'sw02:swp1' (nodes: kvm01, sw01)",
      "f.yml:8:6: bad interface name 'averyveryverylong0' in 'sw01:averyveryverylong0' (1-15 characters A-Z, a-z, 0-9, _, . and -)",
      'f.yml:9:5: a link joins exactly 2 endpoints, not 1',
      'f.yml:10:5: a link joins two different nodes, not sw01 with itself',
      "f.yml:12:31: interface name 'mgmt0' is reserved (mgmt0 is the management link, lo the loopback; the kernel refuses all and default)",
      "f.yml:13:12: segment 'guest' is defined twice",
    ]);
  });

  it('names the allowed values of a bad service and a bad FRR daemon', () => {
    expect(errorsOf('name: a1\nnodes:\n  r1:\n    services: [dhcpd, {frr: {daemons: [bgpx]}}]\n')).toEqual([
      'topo.yml:4:16: a service is openvswitch, frr, nftables or {frr: {daemons: [bgpd, ...]}}',
      'topo.yml:4:40: unknown FRR daemon (allowed: bgpd, ospfd, ospf6d, ripd, ripngd, isisd, pimd, pim6d, ldpd, nhrpd, eigrpd, babeld, sharpd, pbrd, bfdd, fabricd, vrrpd, pathd)',
    ]);
  });

  it('refuses bad lab and node names, and a subnet that is not a /24', () => {
    expect(errorsOf('name: Zone-1\nnodes: {n1: }\n')).toEqual(['topo.yml:1:7: bad lab name (1-8 characters a-z, 0-9 and -, starting with a letter)']);
    expect(errorsOf('name: averylongname\nnodes: {n1: }\n')).toEqual(['topo.yml:1:7: bad lab name (1-8 characters a-z, 0-9 and -, starting with a letter)']);
    expect(errorsOf('name: a1\nmgmt: {subnet: 10.1.0.0/16}\nnodes:\n  n.1: {}\n')).toEqual([
      "topo.yml:2:16: bad management subnet '10.1.0.0/16' (a /24 written a.b.c.0/24)",
      "topo.yml:4:3: bad node name 'n.1' (1-40 characters a-z, 0-9, _ and -, starting with a letter)",
    ]);
  });

  it('refuses variables the lab writes itself', () => {
    expect(errorsOf('name: a1\nnodes:\n  n1:\n    vars:\n      zone: z1\n      ansible_host: 1.2.3.4\n')).toEqual([
      "topo.yml:6:7: vars cannot set 'ansible_host': the lab writes it (lab-generated: address, port, user, identity_file, known_hosts, ansible_host, ansible_user, ansible_port, ansible_ssh_private_key_file, ansible_ssh_common_args)",
    ]);
  });

  it('refuses a segment whose controller interface names would exceed 15 characters', () => {
    // z + 8-char lab + '-' + s0e100 = 16 characters
    const members = Array.from({ length: 101 }, (_, i) => `"n${i}:eth1"`).join(', ');
    const nodes = Array.from({ length: 101 }, (_, i) => `  n${i}: {}`).join('\n');
    expect(errorsOf(`name: abcdefgh\nnodes:\n${nodes}\nsegments:\n  - {name: s, endpoints: [${members}]}\n`)).toEqual([
      'topo.yml:105:5: segment s needs controller interface names like zabcdefgh-s0e100, longer than 15 characters (use a shorter lab name, fewer segments or fewer members)',
    ]);
  });

  it('reports YAML syntax errors and a missing file with a location', () => {
    expect(errorsOf('name: a1\nnodes: {n1: [}\n')[0]).toMatch(/^topo\.yml:2:\d+: /);
    expect(() => loadTopology('/nonexistent/zonectl-topology.yml')).toThrow('cannot read /nonexistent/zonectl-topology.yml: no such file');
  });

  it('a file with schema errors reports them all with its real path', () => {
    expect(() => loadTopology(fixture('errors.yml'))).toThrow(UserErrors);
    try {
      loadTopology(fixture('errors.yml'));
    } catch (error) {
      expect((error as UserErrors).errors.map((e) => e.format())).toEqual([
        `${fixture('errors.yml')}:3:29: unknown key 'bogus' (allowed: kind, groups, services, vars)`,
        `${fixture('errors.yml')}:5:29: a service is openvswitch, frr, nftables or {frr: {daemons: [bgpd, ...]}}`,
      ]);
    }
  });
});
