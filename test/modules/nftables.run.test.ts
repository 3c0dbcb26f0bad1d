/**
 * nftables for real: the module's own probe and commands through /bin/sh
 * inside a scratch network namespace (its nftables are its own), with the
 * persisted files under a temp dir (persist_dir / include_from). Tables that
 * other software keeps (libvirt-, Docker- and agent-like) sit beside the
 * owned one and must come out of every step byte for byte the same.
 * Needs root and `ip netns`: under CI=true it always runs; elsewhere it skips
 * saying why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NftablesParams } from '../../src/modules/nftables/schema.ts';
import { quote } from '../../src/shell/quote.ts';
import { moduleNamed, summaries } from './fixture.ts';
import { applyChanges, canUseNetns, check, converge, runSh } from './local-run.ts';

const nft = moduleNamed<NftablesParams>('nftables');
const can = canUseNetns();
const runs = can.ok || process.env.CI === 'true';
const NS = `zc-h9-nft-${process.pid}`;
const BOOT = `zc-h9-boot-${process.pid}`;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'nftables');
const ROUTER = readFileSync(join(FIXTURES, 'router.body.nft'), 'utf8');
const REFORMATTED = readFileSync(join(FIXTURES, 'router.reformatted.body.nft'), 'utf8');

/** Tables other software keeps: zonectl must never touch them. */
const OTHERS = `
table ip libvirt_network {
  chain guest_output { type filter hook forward priority 0; policy accept; ip saddr 192.168.122.0/24 iifname "virbr0" counter accept; }
}
table ip nat {
  chain POSTROUTING { type nat hook postrouting priority srcnat; policy accept; oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade; }
}
table inet cloudstack_agent {
  set vms { type ipv4_addr; elements = { 10.1.1.10 } }
  chain input { type filter hook input priority -10; policy accept; }
}
`;

describe.runIf(runs)('nftables in a network namespace', () => {
  let dir = '';
  const nftIn = (args: string, ns = NS): string => runSh(`nft ${args}`, ns).stdout;
  const others = (): string => ['ip libvirt_network', 'ip nat', 'inet cloudstack_agent'].map((t) => nftIn(`list table ${t}`)).join('');
  let othersBefore = '';
  const params = (input: Record<string, unknown>): NftablesParams =>
    nft.schema.parse({ family: 'ip', table: 'ip4_firewall', persist_dir: `${dir}/nftables.d`, include_from: `${dir}/nftables.conf`, ...input });
  const owned = (): string => nftIn('-s list table ip ip4_firewall');

  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    dir = mkdtempSync(join(tmpdir(), 'zc-h9-nft-'));
    // Debian's default file, as the operator's own: zonectl adds one line to it.
    writeFileSync(`${dir}/nftables.conf`, readFileSync(join(FIXTURES, 'debian-nftables.conf'), 'utf8'));
    const r = runSh(`printf '%s' ${quote(OTHERS)} | nft -f -`, NS);
    if (r.exitCode !== 0) throw new Error(r.stderr);
    othersBefore = others();
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    spawnSync('ip', ['netns', 'del', BOOT]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the table, and a second check finds nothing', () => {
    const { first, second } = converge(nft, params({ content: ROUTER }), NS);
    expect(summaries(first)).toEqual([
      'create table ip ip4_firewall (3 chains, 9 rules, 1 set)',
      `persist table ip ip4_firewall in ${dir}/nftables.d/zonectl-ip-ip4_firewall.nft (creating ${dir}/nftables.d)`,
      `add include "${dir}/nftables.d/zonectl-*.nft" to ${dir}/nftables.conf`,
    ]);
    expect(second).toEqual([]);
    expect(owned()).toContain('\t\tiifname "eth1.1234" ip saddr != 10.1.1.0/24 counter drop\n');
    expect(others()).toBe(othersBefore);
    // The operator's file keeps every line; the include is appended once.
    const conf = readFileSync(`${dir}/nftables.conf`, 'utf8');
    expect(conf.startsWith(readFileSync(join(FIXTURES, 'debian-nftables.conf'), 'utf8'))).toBe(true);
    expect(conf.split('\n').filter((l) => l.startsWith('include'))).toEqual([`include "${dir}/nftables.d/zonectl-*.nft"`]);
  });

  it('a reformatted but equivalent body (whitespace, comments, priority filter, element order) is no change', () => {
    expect(check(nft, params({ content: REFORMATTED }), NS)).toEqual([]);
  });

  it('what is persisted loads at boot: the include file rebuilds the same table in a fresh namespace', () => {
    execFileSync('ip', ['netns', 'add', BOOT]);
    // Debian's nftables service runs `nft -f /etc/nftables.conf`.
    const boot = runSh(`nft -f ${quote(`${dir}/nftables.conf`)} && nft -s list table ip ip4_firewall`, BOOT);
    expect(boot.stderr).toBe('');
    expect(boot.stdout).toBe(owned());
    // Loading it again (a reload) replaces the table, it does not add to it.
    expect(runSh(`nft -f ${quote(`${dir}/nftables.conf`)} && nft -s list table ip ip4_firewall`, BOOT).stdout).toBe(owned());
    spawnSync('ip', ['netns', 'del', BOOT]);
  });

  it('a rule deleted by hand is detected and restored', () => {
    const handle = /icmp type echo-request accept # handle (\d+)/.exec(nftIn('-a list chain ip ip4_firewall fw_chain_ingress'))?.[1];
    expect(handle).toBeDefined();
    runSh(`nft delete rule ip ip4_firewall fw_chain_ingress handle ${handle}`, NS);
    const { first, second } = converge(nft, params({ content: ROUTER }), NS);
    expect(summaries(first)).toEqual(['table ip ip4_firewall: chain fw_chain_ingress: 1 rule added']);
    expect(first[0]?.diff).toContain('+\t\tip daddr 10.1.1.0/24 icmp type echo-request accept\n');
    expect(second).toEqual([]);
    expect(owned()).toContain('icmp type echo-request accept');
    expect(others()).toBe(othersBefore);
  });

  it("a syntax error fails the probe with nft's message and leaves the live table untouched", () => {
    const before = owned();
    const bad = params({ content: ROUTER.replace('ct state invalid drop', 'ct state invalid dorp') });
    expect(() => check(nft, bad, NS)).toThrow(/nft rejects the content of table ip ip4_firewall \(nothing was changed\):\ncontent:5:26-26: Error: syntax error/);
    expect(owned()).toBe(before);
    expect(others()).toBe(othersBefore);
  });

  it('apply checks before it loads: a body nft refuses changes nothing', () => {
    const before = owned();
    const bad = params({ content: 'chain c {\n  jump nowhere\n}\n' });
    const out = applyChanges(nft, bad, [{ summary: 'replace', data: { op: 'replace' } }], NS);
    expect(out.exitCode).not.toBe(0);
    expect(out.stderr).toMatch(/:4:8-14: Error: No such file or directory.*\n {2}jump nowhere\n/);
    expect(out.stderr).toContain('zonectl: nft refused the new table ip ip4_firewall; the live table is untouched');
    expect(owned()).toBe(before);
    expect(others()).toBe(othersBefore);
  });

  it('a body that tries to flush the ruleset is refused before anything runs', () => {
    const escape = params({ content: 'chain c {\n}\n}\nflush ruleset\ntable ip ip4_firewall {\n' });
    expect(() => check(nft, escape, NS)).toThrow(/reaches beyond its own table/);
    expect(others()).toBe(othersBefore);
  });

  it('rules matching a host interface by index (iif) compare and persist like any other', () => {
    runSh('ip tuntap add dev zc-h9-tap0 mode tap', NS);
    const p = params({ family: 'inet', table: 'by_index', content: 'chain input {\n  type filter hook input priority 0; policy accept;\n  iif zc-h9-tap0 tcp dport 22 accept\n}\n' });
    const { first, second } = converge(nft, p, NS);
    expect(summaries(first)[0]).toBe('create table inet by_index (1 chain, 1 rule)');
    expect(second).toEqual([]);
    expect(readFileSync(`${dir}/nftables.d/zonectl-inet-by_index.nft`, 'utf8')).toContain('\t\tiif "zc-h9-tap0" tcp dport 22 accept\n');
    converge(nft, params({ family: 'inet', table: 'by_index', state: 'absent' }), NS);
  });

  it('a second table shares the include line', () => {
    const { first, second } = converge(nft, params({ family: 'inet', table: 'zonectl_host', content: 'chain input {\n  type filter hook input priority 0; policy accept;\n}\n' }), NS);
    expect(summaries(first)).toEqual([
      'create table inet zonectl_host (1 chain, 0 rules)',
      `persist table inet zonectl_host in ${dir}/nftables.d/zonectl-inet-zonectl_host.nft`,
    ]);
    expect(second).toEqual([]);
  });

  it('state: absent removes the table and its file; the others survive', () => {
    const { first, second } = converge(nft, params({ state: 'absent' }), NS);
    expect(summaries(first)).toEqual(['delete table ip ip4_firewall (3 chains, 9 rules, 1 set)', `remove ${dir}/nftables.d/zonectl-ip-ip4_firewall.nft`]);
    expect(second).toEqual([]);
    expect(nftIn('list tables')).not.toContain('ip4_firewall');
    expect(nftIn('list tables')).toContain('table inet zonectl_host');
    expect(others()).toBe(othersBefore);
    expect(spawnSync('test', ['-e', `${dir}/nftables.d/zonectl-ip-ip4_firewall.nft`]).status).toBe(1);
    // The include (a glob) still loads the table that is left.
    expect(runSh(`nft -c -f ${quote(`${dir}/nftables.conf`)}`, NS).exitCode).toBe(0);
  });
});

if (!runs) {
  describe('nftables in a network namespace', () => {
    it.skip(`skipped: needs root and ip netns (${can.ok ? '' : can.why})`, () => {});
  });
}
