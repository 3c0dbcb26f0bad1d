/**
 * The canonical-listing reader, from listings recorded with nft 1.0.6 by
 * test/fixtures/nftables/record.ts (`nft -s list table`, `nft list table`,
 * `nft -j list table` of the same tables). The JSON listing is nft's own
 * structured view: the text reader must find the same objects and rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDifferences, describeListing, parseListing } from '../../src/nft/listing.ts';
import { deleteTableText, persistedText, replaceTableText, tableText } from '../../src/nft/transaction.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'nftables', 'listings');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');

type JsonItem = Record<string, Record<string, unknown>>;
function jsonItems(name: string): JsonItem[] {
  return (JSON.parse(read(name)) as { nftables: JsonItem[] }).nftables;
}

describe('parseListing', () => {
  it('reads the router table as nft -s prints it, agreeing with nft -j', () => {
    const listing = parseListing(read('router.list-s.nft'));
    expect(listing.family).toBe('ip');
    expect(listing.table).toBe('ip4_firewall');
    expect(listing.objects.map((o) => `${o.kind} ${o.name}`)).toEqual(['set blocked', 'chain FORWARD', 'chain fw_chain_ingress', 'chain fw_chain_egress']);
    const forward = listing.objects.find((o) => o.name === 'FORWARD');
    expect(forward?.header).toBe('type filter hook forward priority filter; policy drop;');
    expect(forward?.lines[2]).toBe('iifname "eth1.1234" ip saddr != 10.1.1.0/24 counter drop');

    const items = jsonItems('router.json');
    for (const chain of listing.objects.filter((o) => o.kind === 'chain')) {
      const rules = items.filter((i) => i.rule && i.rule.chain === chain.name);
      expect(chain.lines, chain.name).toHaveLength(rules.length);
      const base = items.find((i) => i.chain?.name === chain.name)?.chain;
      expect(chain.header !== '', chain.name).toBe(base?.hook !== undefined);
    }
    expect(items.filter((i) => i.set).map((i) => i.set?.name)).toEqual(['blocked']);
    expect(describeListing(listing)).toBe('3 chains, 9 rules, 1 set');
  });

  it('nft list without -s prints counter values: why both sides are listed with -s', () => {
    const plain = parseListing(read('router.list.nft'));
    const stateless = parseListing(read('router.list-s.nft'));
    expect(read('router.list.nft')).toContain('counter packets 0 bytes 0 drop');
    expect(read('router.list-s.nft')).not.toContain('packets');
    expect(describeDifferences(plain, stateless)).toEqual(['chain FORWARD: 1 rule added, 1 rule removed']);
  });

  it('joins set elements that nft wraps over several lines', () => {
    const listing = parseListing(read('wrapped-set.list-s.nft'));
    const set = listing.objects.find((o) => o.kind === 'set');
    expect(set?.lines).toHaveLength(2);
    const elements = /^elements = \{ (.*) \}$/.exec(set?.lines[1] ?? '')?.[1]?.split(', ');
    const json = jsonItems('wrapped-set.json').find((i) => i.set)?.set?.elem as string[];
    expect(elements).toEqual(json);
    expect(listing.objects.map((o) => `${o.kind} ${o.name}`)).toEqual(['counter seen', 'set many', 'chain input']);
    expect(describeListing(listing)).toBe('1 chain, 1 rule, 1 counter, 1 set');
  });

  it('refuses text that is not one table listing', () => {
    expect(() => parseListing(read('absent.stderr'))).toThrow(/not an nft table listing/);
    expect(() => parseListing('table ip t {\n\tchain c {\n\t\taccept\n}\n')).toThrow(/ends inside chain c/);
    expect(() => parseListing('table ip t {\n\t\tstray\n}\n')).toThrow(/unexpected line 2/);
  });
});

describe('describeDifferences', () => {
  const router = read('router.list-s.nft');
  const base = parseListing(router);

  it('says nothing for equal listings', () => {
    expect(describeDifferences(base, parseListing(router))).toEqual([]);
  });

  it('names rules added, removed, reordered, policies and whole objects', () => {
    const edited = router
      .replace('\t\tct state invalid drop\n', '')
      .replace('policy drop;', 'policy accept;')
      .replace('\t\tip saddr 10.1.1.0/24 accept\n', '\t\tip saddr 10.1.1.0/24 accept\n\t\ttcp dport 25 accept\n')
      .replace('198.51.100.7', '198.51.100.8');
    expect(describeDifferences(parseListing(edited), base)).toEqual([
      'set blocked: changed',
      'chain FORWARD: policy accept → drop, 1 rule added',
      'chain fw_chain_egress: 1 rule removed',
    ]);
    const lines = router.split('\n');
    const i = lines.indexOf('\t\tct state invalid drop');
    [lines[i - 1], lines[i]] = [lines[i] as string, lines[i - 1] as string];
    expect(describeDifferences(parseListing(lines.join('\n')), base)).toEqual(['chain FORWARD: rules reordered']);
    const without = router.replace(/\n\tchain fw_chain_egress \{\n[^}]*\}\n/, '\n');
    expect(describeDifferences(parseListing(without), base)).toEqual(['chain fw_chain_egress added (1 rule)']);
    expect(describeDifferences(base, parseListing(without))).toEqual(['chain fw_chain_egress removed']);
  });
});

describe('transaction texts', () => {
  it('keeps the body on the line after `{`, so nft line numbers are the body’s own', () => {
    expect(tableText('inet', 't', 'chain c {\n}')).toBe('table inet t { chain c {\n}\n}\n');
    expect(replaceTableText('ip', 'fw', 'chain c {\n}')).toBe('table ip fw {}\ndelete table ip fw\ntable ip fw { chain c {\n}\n}\n');
    expect(deleteTableText('ip6', 'x')).toBe('table ip6 x {}\ndelete table ip6 x\n');
  });

  it('the persisted file is the replace transaction with the canonical listing', () => {
    const text = persistedText('ip', 'ip4_firewall', read('router.list-s.nft'));
    expect(text.split('\n').slice(1, 4)).toEqual(['table ip ip4_firewall {}', 'delete table ip ip4_firewall', 'table ip ip4_firewall {']);
    expect(text.startsWith('# zonectl: table ip ip4_firewall')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('flush ruleset');
  });
});
