/**
 * The frr-bgp role compiled by the real compiler (offline), dual-stack: the
 * frr.conf it renders, and FRR's own checker (`vtysh -C -f`, FRR 8.4.4 on
 * this machine; it needs no running daemons) accepting it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/compile/index.ts';
import { UserErrors } from '../../src/errors/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'zonectl-frr-role-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function compileRole(vars: string): { config: string; params: Record<string, unknown> } {
  writeFileSync(join(tmp, 'inventory.yml'), 'all:\n  children:\n    routers:\n      hosts:\n        r-6-VM: {address: 192.0.2.10}\n');
  writeFileSync(join(tmp, 'site.yml'), `- hosts: routers\n  roles:\n    - role: frr-bgp\n      vars:\n${vars}`);
  const result = compilePlan({ inventory: ['inventory.yml'], playbooks: ['site.yml'], cwd: tmp });
  const params = result.plan.hosts['r-6-VM']?.plays[0]?.tasks[0]?.params as Record<string, unknown>;
  return { config: params.config as string, params };
}

const DUAL_STACK = `        frr_bgp_asn: 65053
        frr_bgp_router_id: 10.200.0.101
        frr_bgp_peers:
          - {address: 10.200.0.1, remote_as: 64999, password: password3}
          - {address: "fc00:2024:9:7::1", remote_as: 64999, password: password3}
        frr_bgp_networks: [202.38.80.16/28]
        frr_bgp_networks_v6: ["2a02:1810:248b:3b0a::/64"]
`;

describe('role frr-bgp', () => {
  it('renders CloudStack\'s routed-mode router (the seed\'s r-6-VM) with the default-only / tenants-only policy', () => {
    const { config, params } = compileRole(DUAL_STACK);
    expect(params.daemons).toEqual(['bgpd']);
    expect(config.replace(/@@secret\(inline:[0-9a-f]+\)@@/g, 'SECRET')).toBe(`frr defaults traditional
log syslog informational
service integrated-vtysh-config
!
router bgp 65053
 bgp router-id 10.200.0.101
 neighbor 10.200.0.1 remote-as 64999
 neighbor 10.200.0.1 password SECRET
 neighbor fc00:2024:9:7::1 remote-as 64999
 neighbor fc00:2024:9:7::1 password SECRET
 !
 address-family ipv4 unicast
  network 202.38.80.16/28
  neighbor 10.200.0.1 soft-reconfiguration inbound
  neighbor 10.200.0.1 route-map UPSTREAM-IN in
  neighbor 10.200.0.1 route-map UPSTREAM-OUT out
  no neighbor fc00:2024:9:7::1 activate
 exit-address-family
 !
 address-family ipv6 unicast
  network 2a02:1810:248b:3b0a::/64
  neighbor fc00:2024:9:7::1 activate
  neighbor fc00:2024:9:7::1 soft-reconfiguration inbound
  neighbor fc00:2024:9:7::1 route-map UPSTREAM-IN in
  neighbor fc00:2024:9:7::1 route-map UPSTREAM-OUT out
 exit-address-family
exit
!
ip prefix-list DEFAULT-ONLY seq 5 permit 0.0.0.0/0
ip prefix-list TENANTS seq 5 permit 202.38.80.16/28
!
ipv6 prefix-list DEFAULT-ONLY-V6 seq 5 permit ::/0
ipv6 prefix-list TENANTS-V6 seq 5 permit 2a02:1810:248b:3b0a::/64
!
route-map UPSTREAM-IN permit 10
 description accept only a default route
 match ip address prefix-list DEFAULT-ONLY
exit
!
route-map UPSTREAM-IN permit 20
 match ipv6 address prefix-list DEFAULT-ONLY-V6
exit
!
route-map UPSTREAM-OUT permit 10
 description announce only the tenant networks
 match ip address prefix-list TENANTS
exit
!
route-map UPSTREAM-OUT permit 20
 match ipv6 address prefix-list TENANTS-V6
exit
!
`);
    expect(JSON.stringify(params)).not.toContain('password3');
  });

  const vtysh = existsSync('/usr/bin/vtysh');
  const checkIt = vtysh || process.env.CI === 'true' ? it : it.skip;
  checkIt(`is accepted by FRR's own checker, vtysh -C -f${vtysh ? '' : ' (skipped: vtysh is not installed)'}`, () => {
    for (const vars of [DUAL_STACK, '        frr_bgp_asn: 4200000001\n        frr_bgp_router_id: 10.0.0.1\n']) {
      const file = join(tmp, 'frr.conf');
      writeFileSync(file, compileRole(vars).config.replace(/@@secret\(inline:[0-9a-f]+\)@@/g, 'password3'));
      const r = spawnSync('vtysh', ['-C', '-f', file], { encoding: 'utf8' });
      expect(`${r.status} ${r.stdout}${r.stderr}`).toBe('0 ');
    }
  });

  it('the required variables are errors, located at the role\'s task', () => {
    try {
      compileRole('        frr_bgp_networks: []\n');
      expect.unreachable('compiling without frr_bgp_asn should fail');
    } catch (error) {
      if (!(error instanceof UserErrors)) throw error;
      const text = error.errors.map((e) => e.format()).join('\n');
      expect(text).toMatch(/roles\/frr-bgp\/tasks\/main\.yml:\d+:\d+: .*an AS number is 1-4294967295/);
      expect(text).toMatch(/tasks\/main\.yml:\d+:\d+: frr\.bgp\.router_id: .*is empty \(it must be an IPv4 or IPv6 address\)/);
    }
  });
});
