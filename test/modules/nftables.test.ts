/**
 * nftables from recorded probes (test/fixtures/nftables/probes/*.json, made
 * by test/fixtures/nftables/record.ts with nft 1.0.6 in a scratch network
 * namespace): schema, parse → diff, and the shell text of commands().
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PrepareContext, ProbeOutput } from '../../src/modules/contract.ts';
import type { NftablesParams } from '../../src/modules/nftables/schema.ts';
import { CTX, moduleNamed, summaries } from './fixture.ts';

const nft = moduleNamed<NftablesParams>('nftables');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'nftables');
const ROUTER = readFileSync(join(FIXTURES, 'router.body.nft'), 'utf8');

function probe(name: string): { params: NftablesParams; output: ProbeOutput } {
  const data = JSON.parse(readFileSync(join(FIXTURES, 'probes', `${name}.json`), 'utf8')) as { params: unknown; output: ProbeOutput };
  return { params: nft.schema.parse(data.params), output: data.output };
}

function diffOf(name: string) {
  const { params, output } = probe(name);
  return nft.diff(params, nft.parse(output, params, CTX), CTX);
}

const issues = (input: unknown): string[] => {
  const r = nft.schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('nftables schema', () => {
  it('takes a family, a table and a body, with persistence on by default', () => {
    expect(nft.schema.parse({ family: 'inet', table: 'zonectl_host', content: 'chain input {\n}\n' })).toEqual({
      family: 'inet',
      table: 'zonectl_host',
      state: 'present',
      content: 'chain input {\n}\n',
      persist: true,
      persist_dir: '/etc/nftables.d',
      include_from: '/etc/nftables.conf',
    });
  });

  it('names what is allowed', () => {
    expect(issues({ family: 'ipv4', table: 't', content: '' })).toEqual(['family: family must be one of ip, ip6, inet, bridge, arp, netdev']);
    expect(issues({ family: 'ip', table: "t'; rm -rf /", content: '' })[0]).toMatch(/^table: table must be a letter or _, then letters, digits, _ or -/);
    expect(issues({ family: 'ip', table: 'x'.repeat(65), content: '' })).toHaveLength(1);
    expect(issues({ family: 'ip', table: 't' })).toEqual([': give the table body as content or src (or state: absent)']);
    expect(issues({ family: 'ip', table: 't', content: 'x', src: 'y' })).toEqual(['src: give content or src, not both']);
    expect(issues({ family: 'ip', table: 't', state: 'absent', content: 'x' })).toEqual(['content: content cannot be used with state: absent']);
    expect(issues({ family: 'ip', table: 't', content: '# mine\n\ntable ip t {\n}\n' })[0]).toMatch(/^content: content is the body of table ip t .*leave out the table statement/);
    expect(issues({ family: 'ip', table: 't', content: 'x', persist_dir: '/etc/nft "x"' })[0]).toMatch(/^persist_dir: persist_dir must be a plain path/);
    expect(issues({ family: 'ip', table: 't', content: 'x', colour: 1 })[0]).toMatch(/unknown parameter colour \(allowed: family, table, state/);
    expect(issues({ family: 'netdev', table: 'zonectl_probe_sentinel', content: 'x' })).toEqual(["table: table zonectl_probe_sentinel is reserved for zonectl's probe"]);
  });

  it('renders src at compile time and keeps only the body in the plan', () => {
    const ctx = {
      readFile: (kind: string, path: string) => `chain input { # ${kind}/${path}\n  tcp dport {{port}} accept\n}\n`,
      render: (template: string) => template.replace('{{port}}', '22'),
    } as unknown as PrepareContext;
    const params = nft.schema.parse({ family: 'inet', table: 'h', src: 'fw.nft.hbs' });
    const prepared = nft.prepare?.(params, ctx);
    expect(prepared).toEqual({ ...params, src: undefined, content: 'chain input { # templates/fw.nft.hbs\n  tcp dport 22 accept\n}\n' });
    expect('src' in (prepared ?? {})).toBe(false);
    // The plan's params are valid input again.
    expect(nft.schema.parse(prepared)).toEqual(prepared);
  });
});

describe('nftables probe → diff (recorded)', () => {
  it('a new table: created, persisted, and the include file made', () => {
    const changes = diffOf('fresh');
    expect(summaries(changes)).toEqual([
      'create table ip ip4_firewall (3 chains, 9 rules, 1 set)',
      'persist table ip ip4_firewall in /tmp/zc-h9-rec/nftables.d/zonectl-ip-ip4_firewall.nft (creating /tmp/zc-h9-rec/nftables.d)',
      'create /tmp/zc-h9-rec/nftables.conf with include "/tmp/zc-h9-rec/nftables.d/zonectl-*.nft"',
    ]);
    // The dry run shows the canonical table: nft's own words, `priority filter` for `priority 0`, no comments.
    expect(changes[0]?.diff).toContain('+\t\ttype filter hook forward priority filter; policy drop;\n');
    expect(changes[0]?.diff).not.toContain('anti-spoofing');
    expect(changes[0]?.diff).not.toContain('No newline');
  });

  it('a reformatted body with the same meaning is no change (also the persisted file)', () => {
    expect(diffOf('in-sync-reformatted')).toEqual([]);
  });

  it('a rule deleted by hand is shown', () => {
    const changes = diffOf('rule-deleted');
    expect(summaries(changes)).toEqual(['table ip ip4_firewall: chain fw_chain_ingress: 1 rule added']);
    expect(changes[0]?.diff).toContain('\n+\t\tip daddr 10.1.1.0/24 icmp type echo-request accept\n');
  });

  it('a policy and a rule changed by hand, and the persisted file edited', () => {
    const changes = diffOf('policy-and-rule-edited');
    expect(summaries(changes)).toEqual([
      'table ip ip4_firewall: chain FORWARD: policy accept → drop; chain fw_chain_egress: 1 rule removed',
      'update /tmp/zc-h9-rec/nftables.d/zonectl-ip-ip4_firewall.nft',
    ]);
    expect(changes[0]?.diff).toContain('-\t\ttcp dport 25 accept\n');
    // The table's diff already shows the rules: the file's change is one line, not the same diff twice.
    expect(changes[1]?.diff).toBeUndefined();
  });

  it("a body nft rejects fails the task with nft's own message, line numbers the body's", () => {
    expect(() => diffOf('syntax-error')).toThrow(
      'nft rejects the content of table ip ip4_firewall (nothing was changed):\ncontent:5:26-26: Error: syntax error, unexpected newline\n    ct state invalid dorp\n',
    );
    expect(ROUTER.split('\n')[4]).toBe('    ct state invalid drop');
  });

  it('a body that closes its table and reaches beyond it is refused', () => {
    expect(() => diffOf('escape')).toThrow(/the content of table ip ip4_firewall reaches beyond its own table \(after loading it, nft lists: table ip ip4_firewall\)/);
  });

  it('a rule that needs its device at load time (iif, by index) loads: host interfaces named in the body are mirrored', () => {
    const changes = diffOf('iif-mirrored');
    expect(summaries(changes)[0]).toBe('create table inet by_index (1 chain, 1 rule)');
    expect(changes[0]?.diff).toContain('+\t\tiif "tenant0" tcp dport 22 accept\n');
  });

  it("the operator's own nftables.conf gets the include line added", () => {
    expect(summaries(diffOf('operator-conf')).at(-1)).toBe('add include "/tmp/zc-h9-rec/nftables.d/zonectl-*.nft" to /tmp/zc-h9-rec/nftables.conf');
  });

  it('state: absent deletes the table and its file, and is quiet when both are gone', () => {
    const changes = diffOf('absent-present');
    expect(summaries(changes)).toEqual(['delete table ip ip4_firewall (3 chains, 9 rules, 1 set)', 'remove /tmp/zc-h9-rec/nftables.d/zonectl-ip-ip4_firewall.nft']);
    expect(changes[0]?.diff).toContain('-\tchain FORWARD {\n');
    expect(diffOf('absent-absent')).toEqual([]);
  });

  it('fails clearly when nft is missing, tables cannot be listed, or no private namespace can be made', () => {
    const { params, output } = probe('fresh');
    const run = (stdout: string) => nft.diff(params, nft.parse({ ...output, stdout }, params, CTX), CTX);
    const files = output.stdout.slice(output.stdout.indexOf('zc.nft.section persisted'));
    expect(() => run(`zc.nft.tool missing\n${files}`)).toThrow('nft is not installed on this host (install the nftables package) — table ip ip4_firewall cannot be managed');
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    expect(() => run(`zc.nft.tables 1\n${b64('Error: Operation not permitted\n')}\nzc.nft.end\n${files}`)).toThrow('cannot list nftables tables: Error: Operation not permitted');
    expect(() => run(`zc.nft.tables 0\n\nzc.nft.end\nzc.nft.private 1\n${b64('unshare: unshare failed: Operation not permitted')}\nzc.nft.end\n${files}`)).toThrow(
      /cannot compare table ip ip4_firewall by meaning: a private network namespace could not be made \(unshare --net: unshare: unshare failed: Operation not permitted\); zonectl needs root/,
    );
    expect(() => nft.parse({ stdout: '', stderr: 'sh: 1: syntax error', exitCode: 2 }, params, CTX)).toThrow('cannot read nftables table ip ip4_firewall: sh: 1: syntax error');
  });
});

describe('nftables commands', () => {
  const params = nft.schema.parse({ family: 'inet', table: 'zonectl_host', content: `chain input {\n  tcp dport 22 accept comment "it's ssh"\n}\n` });
  const cmds = (ops: unknown[], p: NftablesParams = params) => nft.commands(ops.map((data) => ({ summary: '', data })), p, CTX);

  it('checks the one-file transaction first, then loads that same file', () => {
    const text = cmds([{ op: 'replace' }]);
    const check = text.indexOf('nft -c -f "$zc_tx"');
    const load = text.indexOf('\nnft -f "$zc_tx"');
    expect(check).toBeGreaterThan(-1);
    expect(load).toBeGreaterThan(check);
    expect(text).toContain("zonectl: nft refused the new table inet zonectl_host; the live table is untouched");
    // Every value through quote(): the body's own single quote survives as '\''.
    expect(text).toContain(`printf '%s' 'table inet zonectl_host {}\ndelete table inet zonectl_host\ntable inet zonectl_host { chain input {\n  tcp dport 22 accept comment "it'\\''s ssh"\n}\n\n}\n' > "$zc_tx"`);
  });

  it('deletes without failing when the table is already gone, and removes the persisted file', () => {
    expect(cmds([{ op: 'delete' }, { op: 'unpersist' }])).toBe(
      "printf '%s' 'table inet zonectl_host {}\ndelete table inet zonectl_host\n' | nft -f -\nrm -f /etc/nftables.d/zonectl-inet-zonectl_host.nft",
    );
  });

  it('persists atomically, canonicalised in a private namespace, never flushing the ruleset', () => {
    const text = cmds([{ op: 'persist' }, { op: 'include', create: true }]);
    expect(text).toContain('mkdir -p /etc/nftables.d');
    expect(text).toMatch(/printf '%s' "\$zc_desired" \| \(set -f; unshare --net sh -c '.*nft -f - && nft -s list table inet zonectl_host' zonectl \$zc_ifs\)/);
    expect(text).toContain('mv -f "$zc_new" /etc/nftables.d/zonectl-inet-zonectl_host.nft');
    expect(text).toContain(`if [ ! -e /etc/nftables.conf ]; then`);
    // Made by an earlier task of the same run with another persist_dir: the line is still appended.
    expect(text).toContain(`if ! grep -qxF 'include "/etc/nftables.d/zonectl-*.nft"' /etc/nftables.conf; then`);
    expect(text).not.toContain('flush ruleset');
  });

  it('appends the include once, keeping the operator’s file', () => {
    const text = cmds([{ op: 'include', create: false }]);
    expect(text.startsWith(`if ! grep -qxF 'include "/etc/nftables.d/zonectl-*.nft"' /etc/nftables.conf; then`)).toBe(true);
    expect(text).toContain('cat /etc/nftables.conf');
  });
});
