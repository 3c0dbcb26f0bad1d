/**
 * The frr module from its own probe output recorded on a real FRR 8.4.4 lab
 * node (test/fixtures/frr/probe-*.json, see test/fixtures/frr/README.md):
 * schema and compile-time checks, parse → diff, commands, and that no
 * password survives into anything printed or planned.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePlan, renderPlanText } from '../../src/compile/index.ts';
import { UserError, UserErrors } from '../../src/errors/index.ts';
import { redactChange } from '../../src/engine/redact.ts';
import { TaskError } from '../../src/modules/contract.ts';
import type { Change, ProbeOutput } from '../../src/modules/contract.ts';
import type { FrrParams } from '../../src/modules/frr/schema.ts';
import { SecretStore } from '../../src/secrets/index.ts';
import { CTX, moduleNamed, summaries } from './fixture.ts';

const frr = moduleNamed<FrrParams>('frr');
const dir = join(import.meta.dirname, '..', 'fixtures', 'frr');

function probeFixture(name: string): { params: FrrParams; output: ProbeOutput } {
  const data = JSON.parse(readFileSync(join(dir, `probe-${name}.json`), 'utf8')) as { params: unknown; output: ProbeOutput };
  return { params: frr.schema.parse(data.params), output: data.output };
}

function diffOf(name: string): { params: FrrParams; changes: Change[] } {
  const f = probeFixture(name);
  return { params: f.params, changes: frr.diff(f.params, frr.parse(f.output, f.params, CTX), CTX) };
}

const messages = (input: unknown): string[] => {
  const r = frr.schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('frr params', () => {
  it('checks AS numbers, addresses, networks and names', () => {
    expect(messages({ bgp: { asn: 0 } })).toEqual(['bgp.asn: an AS number is 1-4294967295 (private: 64512-65534 and 4200000000-4294967294)']);
    expect(messages({ bgp: { asn: 4294967296 } })[0]).toMatch(/^bgp\.asn: an AS number is 1-4294967295/);
    expect(messages({ bgp: { asn: 4200000000, router_id: '2001:db8::1' } })).toEqual(['bgp.router_id: router_id 2001:db8::1 must be an IPv4 address']);
    expect(messages({ bgp: { asn: 65001, neighbors: [{ address: '10.0.0.300', remote_as: 65002 }] } })).toEqual(['bgp.neighbors.0.address: neighbor address 10.0.0.300 is not an IPv4 or IPv6 address']);
    expect(messages({ bgp: { asn: 65001, address_families: { ipv4_unicast: { networks: ['10.0.0.1/24'] } } } })).toEqual([
      'bgp.address_families.ipv4_unicast.networks.0: network 10.0.0.1/24 has host bits set (write the network address)',
    ]);
    expect(messages({ bgp: { asn: 65001, address_families: { ipv4_unicast: { networks: ['2001:db8::/48'] } } } })).toEqual([
      'bgp.address_families.ipv4_unicast.networks.0: network 2001:db8::/48 is not an IPv4 network (it belongs in ipv6_unicast)',
    ]);
    expect(messages({ daemons: ['bgpd', 'nosuchd'] })[0]).toMatch(/^daemons: daemons is a list of daemons that run/);
    expect(messages({ bgp: { asn: 65001, bogus: 1 } })).toEqual(['bgp: unknown parameter bogus (allowed: asn, router_id, ebgp_requires_policy, neighbor_defaults, neighbors, address_families)']);
  });

  it('refuses a route map or prefix list that is used but not defined', () => {
    expect(messages({ bgp: { asn: 65001, neighbors: [{ address: '10.0.0.2', remote_as: 65002, route_map_in: 'IN' }] } })).toEqual([
      'bgp.neighbors.0.route_map_in: route map IN is not defined in route_maps (defined: none)',
    ]);
    expect(messages({ route_maps: { IN: [{ action: 'permit', match: { prefix_list: 'PL' } }] } })).toEqual(['route_maps.IN.0.match.prefix_list: prefix list PL is not defined in prefix_lists (defined: none)']);
    expect(messages({ prefix_lists: { PL: [{ action: 'permit', prefix: '10.0.0.0/8', le: 8 }, { action: 'permit', prefix: '2001:db8::/32' }] } })).toEqual([
      'prefix_lists.PL.0.le: le 8 must be longer than the prefix length 8 and at most 32',
      'prefix_lists.PL.1.prefix: prefix 2001:db8::/32 is not IPv4 like the rest of prefix list PL',
    ]);
  });

  it('takes the configuration one way only', () => {
    expect(messages({ config: 'x', bgp: { asn: 1 } })).toEqual([': give the configuration one way: config (text), src (a template) or structured (bgp, prefix_lists, route_maps, static_routes)']);
    expect(messages({})).toEqual([': frr needs daemons, config, src or bgp']);
  });
});

describe('frr at compile time', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'zonectl-frr-compile-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const compile = (play: string) => {
    writeFileSync(join(tmp, 'inventory.yml'), 'all:\n  hosts:\n    r1: {address: 192.0.2.10}\n');
    writeFileSync(join(tmp, 'site.yml'), play);
    return compilePlan({ inventory: ['inventory.yml'], playbooks: ['site.yml'], cwd: tmp });
  };
  const errors = (play: string): string[] => {
    try {
      compile(play);
    } catch (error) {
      if (error instanceof UserErrors) return error.errors.map((e) => e.format());
      if (error instanceof UserError) return [error.format()];
      throw error;
    }
    return [];
  };

  it('renders the structured configuration into the plan, the password as a placeholder', () => {
    const result = compile(`- hosts: r1
  tasks:
    - name: bgp
      frr:
        bgp:
          asn: 65001
          neighbors: [{address: 10.0.0.2, remote_as: 65002, password: pl41n-text-pw}]
`);
    const params = result.plan.hosts.r1?.plays[0]?.tasks[0]?.params as { config: string };
    expect(params.config).toMatch(/^router bgp 65001\n neighbor 10\.0\.0\.2 remote-as 65002\n neighbor 10\.0\.0\.2 password @@secret\(inline:1\)@@\nexit$/m);
    expect(JSON.stringify(result.plan)).not.toContain('pl41n-text-pw');
    expect(renderPlanText(result.plan)).not.toContain('pl41n-text-pw');
    expect([...result.inlineSecrets.values()]).toEqual(['pl41n-text-pw']);
  });

  it('renders src (a template beside the playbook) into the plan; a !secret stays a placeholder', () => {
    writeFileSync(join(tmp, 'frr.conf.hbs'), 'frr defaults traditional\nrouter bgp {{ asn }}\n neighbor {{ peer }} remote-as external\n neighbor {{ peer }} password {{ pw }}\nexit\n');
    const result = compile(`- hosts: r1
  vars:
    asn: 65010
    peer: 10.0.0.1
    pw: !secret bgp_r1
  tasks:
    - frr: {src: frr.conf.hbs, daemons: [bgpd]}
`);
    const params = result.plan.hosts.r1?.plays[0]?.tasks[0]?.params as { config: string };
    expect(params.config).toBe('frr defaults traditional\nrouter bgp 65010\n neighbor 10.0.0.1 remote-as external\n neighbor 10.0.0.1 password @@secret(bgp_r1)@@\nexit\n');
  });

  it('locates a route map referenced but not defined in config text', () => {
    expect(errors(`- hosts: r1
  tasks:
    - name: bgp
      frr:
        config: |
          router bgp 65001
           neighbor 10.0.0.2 remote-as 65002
           neighbor 10.0.0.2 route-map NOPE in
          exit
`)).toEqual(['site.yml:5:17: frr.config: route-map NOPE is used but not defined (line 3 of the configuration) on host r1 (define it with route-map NOPE ...)']);
  });

  it('locates a bad AS number', () => {
    expect(errors(`- hosts: r1
  tasks:
    - frr:
        bgp: {asn: 70000000000}
`)[0]).toMatch(/^site\.yml:4:\d+: .*AS number is 1-4294967295/);
  });
});

describe('frr from recorded probes', () => {
  it('in sync: no change', () => {
    expect(diffOf('sync').changes).toEqual([]);
  });

  it('a network added, the password changed, bfdd enabled: daemons, file and running lines, passwords masked', () => {
    const { changes } = diffOf('add');
    expect(summaries(changes)).toEqual([
      '/etc/frr/daemons: bfdd no → yes',
      'content of /etc/frr/frr.conf',
      'running configuration (FRR restarts (daemons changed)): delete 1 line, add 2',
    ]);
    expect(changes[1]?.diff).toContain('+  network 198.51.100.128/25');
    expect(changes[1]?.diff).toContain('- neighbor 10.99.0.2 password <secret>');
    expect(changes[2]?.diff).toBe(
      ['  router bgp 65001', '-  no neighbor 10.99.0.2 password <secret>', '  router bgp 65001', '+  neighbor 10.99.0.2 password <secret>', '   address-family ipv4 unicast', '+   network 198.51.100.128/25'].join('\n'),
    );
    const everything = JSON.stringify(changes);
    expect(everything).not.toContain('s3cret-pw');
    expect(everything).not.toContain('n3w-secret');
  });

  it('a configuration FRR rejects fails the dry run with vtysh\'s own words', () => {
    const f = probeFixture('bad');
    expect(() => frr.parse(f.output, f.params, CTX)).toThrow(TaskError);
    expect(() => frr.parse(f.output, f.params, CTX)).toThrow(
      'FRR rejects the new configuration (vtysh -C -f, exit 2): line 4: % Unknown command[25]:  bogus-command here | line 6: % Unknown command[4]: ip prefix-list X seq 5 permit 300.0.0.0/8; nothing was installed',
    );
  });

  it('the engine\'s redaction hides the revealed password everywhere, too', () => {
    const secrets = new SecretStore({});
    secrets.set('bgp_r1', 'n3w-secret');
    const { changes } = diffOf('add');
    const reported = changes.map((c) => redactChange(secrets, c));
    expect(JSON.stringify(reported)).not.toMatch(/n3w-secret|s3cret-pw/);
    const f = probeFixture('add');
    expect(secrets.redact(f.output.stdout)).not.toContain('n3w-secret');
  });
});

describe('frr commands', () => {
  const { params, changes } = diffOf('add');

  it('daemons changed: edit daemons, install frr.conf checked by vtysh -C, restart (no reload)', () => {
    const text = frr.commands(changes, params, CTX);
    expect(text).toContain("awk -v sets=bfdd=yes '");
    expect(text).toContain('/etc/frr/.frr.conf.zonectl.XXXXXX');
    // Owner first (chown clears setuid/setgid bits), then the mode: the validator may make files of its own.
    expect(text).toContain('chown frr:frr "$zc_new"\nchmod 0640 "$zc_new"');
    expect(text).toContain('if ! ( vtysh -C -f "$zc_new"\n); then');
    expect(text).toContain('/usr/lib/frr/frrinit.sh restart');
    expect(text).not.toContain('frr-reload.py --reload');
  });

  it('only the configuration changed: reload, keep the kernel\'s forwarding, wait for the neighbours', () => {
    const onlyConfig = changes.filter((c) => !(c.data as { kind: string }).kind.startsWith('daemons'));
    const text = frr.commands(onlyConfig, { ...params, wait_for: { bgp_established: true, timeout: 30 } }, CTX);
    expect(text).not.toContain('restart');
    expect(text).toContain("/usr/lib/frr/frr-reload.py --reload /etc/frr/frr.conf");
    expect(text).toContain('zc_f4=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || true)');
    expect(text).toContain("python3 -c 'import json, sys");
    expect(text).toContain(' 10.99.0.2); then break; fi');
    expect(text).toContain('BGP neighbours not Established after 30s');
  });
});
