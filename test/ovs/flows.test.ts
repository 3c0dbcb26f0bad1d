import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffFlows, flowProblem, normaliseCookie, normaliseFlow, parseDumpFlows, replaceCookieFlowsCommand } from '../../src/ovs/flows.ts';
import { flowsKey, parseOvsProbe } from '../../src/ovs/probe.ts';
import { ofportNames } from '../../src/ovs/state.ts';
import { probeFixture } from './fixtures.ts';

// The populated fixture's setup added these flows (as written) with ovs-ofctl; its probe
// dumped them back in ovs-ofctl's canonical form. Both sides must normalise alike.
const written = {
  '0x7a0001': [
    'priority=1000,in_port=t103-1-2,dl_dst=ff:ff:ff:ff:ff:ff,actions=drop',
    'priority=1000,in_port=t103-1-2,ip,nw_dst=224.0.0.0/24,actions=drop',
  ],
  '0x7a0002': [
    'table=0,priority=100,dl_vlan=100,actions=strip_vlan,output:vm1',
    'priority=90,tcp,tp_dst=22,nw_dst=10.1.1.1,actions=mod_vlan_vid:200,NORMAL',
    'idle_timeout=0,arp,actions=NORMAL',
  ],
};

const { state, flows } = parseOvsProbe(probeFixture('probe-populated'), 'kvm01');
const ports = ofportNames(state, 'cloudbr0');

describe('flows as written vs as dump-flows prints them (recorded)', () => {
  it('parses dump-flows output, dropping statistics', () => {
    const dumped = parseDumpFlows(flows.get(flowsKey('cloudbr0', '0x7a0002')) ?? '');
    expect(dumped).toEqual([
      { cookie: '0x7a0002', flow: 'priority=100,dl_vlan=100 actions=strip_vlan,output:2' },
      { cookie: '0x7a0002', flow: 'arp actions=NORMAL' },
      { cookie: '0x7a0002', flow: 'priority=90,tcp,nw_dst=10.1.1.1,tp_dst=22 actions=mod_vlan_vid:200,NORMAL' },
    ]);
  });

  for (const [cookie, list] of Object.entries(written)) {
    it(`finds every flow written under ${cookie} in sync`, () => {
      expect(diffFlows(list, flows.get(flowsKey('cloudbr0', cookie)) ?? null, ports, cookie)).toEqual({ add: [], remove: [] });
    });
  }

  it('keeps non-zero timeouts, which dump-flows prints among the statistics', () => {
    // Recorded from ovs-ofctl 3.1 after add-flow 'cookie=0x5,idle_timeout=60,hard_timeout=120,priority=10,arp,actions=normal'.
    const dump = ' cookie=0x5, duration=0.027s, table=0, n_packets=0, n_bytes=0, idle_timeout=60, hard_timeout=120, idle_age=0, priority=10,arp actions=NORMAL';
    expect(diffFlows(['idle_timeout=60,hard_timeout=120,priority=10,arp,actions=normal'], dump, new Map(), '0x5')).toEqual({ add: [], remove: [] });
    expect(diffFlows(['idle_timeout=30,hard_timeout=120,priority=10,arp,actions=normal'], dump, new Map(), '0x5').add).toHaveLength(1);
  });

  it('normalises field order, defaults, synonyms, case and ports', () => {
    const n = (f: string): string => normaliseFlow(f, new Map([[3, 't103-1-2']]));
    expect(n('in_port=3,priority=1000,dl_dst=FF:FF:FF:FF:FF:FF,actions=drop')).toBe(n('priority=1000,dl_dst=ff:ff:ff:ff:ff:ff,in_port=t103-1-2 actions=drop'));
    expect(n('hard_timeout=0,idle_timeout=0,priority=1000,in_port=3,ip,nw_dst=224.0.0.0/24,actions=drop')).toBe(
      n(' cookie=0x1, duration=2.1s, table=0, n_packets=7, n_bytes=420, idle_age=1, priority=1000,ip,in_port=3,nw_dst=224.0.0.0/24 actions=drop'),
    );
    expect(n('dl_type=0x0800,nw_proto=6,tp_dst=22,actions=normal')).toBe(n('tcp,tp_dst=22 actions=NORMAL'));
    expect(n('priority=32768,ip,ip_dst=10.0.0.1/32,actions=3')).toBe(n('ip,nw_dst=10.0.0.1 actions=output:t103-1-2'));
    expect(n('priority=1,actions=')).toBe(n('priority=1 actions=drop'));
    expect(n('in_port=65534,actions=output:LOCAL')).toBe(n('in_port=local,actions=local'));
    // actions keep their order and their parentheses
    expect(n('actions=learn(table=1,NXM_OF_VLAN_TCI[0..11]),resubmit(,1)')).toBe('priority=32768 actions=learn(table=1,NXM_OF_VLAN_TCI[0..11]),resubmit(,1)');
    expect(n('actions=mod_vlan_vid:200,NORMAL')).not.toBe(n('actions=NORMAL,mod_vlan_vid:200'));
  });

  it('diffs only the owned cookie: adds, removals, never other cookies', () => {
    const dump = flows.get(flowsKey('cloudbr0', '0x7a0002')) ?? null;
    const result = diffFlows(['arp,actions=NORMAL', 'priority=80,udp,tp_dst=53,actions=NORMAL'], dump, ports, '0x7a0002');
    expect(result.add).toEqual(['priority=80,udp,tp_dst=53,actions=NORMAL']);
    expect(result.remove).toEqual(['priority=100,dl_vlan=100 actions=strip_vlan,output:vm1', 'priority=90,tcp,nw_dst=10.1.1.1,tp_dst=22 actions=mod_vlan_vid:200,NORMAL']);
    // A dump that (wrongly) contained another cookie's flow would not make it ours.
    expect(diffFlows([], ' cookie=0x99, duration=1s, table=0, priority=500,ip actions=NORMAL', ports, '0x7a0002')).toEqual({ add: [], remove: [] });
    // A bridge that does not exist yet: every desired flow is an add, duplicates once.
    expect(diffFlows(['ip,actions=drop', 'ip actions=drop'], null, ports, '0x7a0002').add).toEqual(['ip,actions=drop']);
  });
});

describe('flows vs ovs-ofctl parse-flow\'s canonical form (recorded in parse-flow.tsv)', () => {
  const rows = readFileSync(new URL('../fixtures/ovs/parse-flow.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string]);
  it('has recorded rows', () => expect(rows.length).toBeGreaterThan(10));
  for (const [input, canonical] of rows) {
    it(`${input} ≡ ${canonical}`, () => expect(normaliseFlow(input)).toBe(normaliseFlow(canonical)));
  }
});

describe('cookies and flow strings', () => {
  it('normalises cookies as ovs-ofctl prints them', () => {
    expect(normaliseCookie('0x007A0001')).toBe('0x7a0001');
    expect(normaliseCookie(16)).toBe('0x10');
    expect(normaliseCookie('0xffffffffffffffff')).toBe('0xffffffffffffffff');
    expect(normaliseCookie('0x10000000000000000')).toBeUndefined();
    expect(normaliseCookie(0)).toBeUndefined();
    expect(normaliseCookie('zz')).toBeUndefined();
  });

  it('refuses flows that cannot be owned', () => {
    expect(flowProblem('priority=1,actions=drop')).toBeUndefined();
    expect(flowProblem('cookie=0x5,priority=1,actions=drop')).toMatch(/leave cookie= out/);
    expect(flowProblem('priority=1')).toMatch(/actions=/);
    expect(flowProblem('add priority=1,actions=drop')).toMatch(/without add/);
    expect(flowProblem('actions=drop\npriority=2,actions=drop')).toMatch(/one line/);
  });

  it('replaces the owned flows in one bundle, every line quoted', () => {
    expect(replaceCookieFlowsCommand('cloudbr0', '0x7a0002', ['priority=80,udp,tp_dst=53,actions=NORMAL', "actions=note:'x'"])).toBe(
      `printf '%s\\n' 'delete cookie=0x7a0002/-1' 'add cookie=0x7a0002,priority=80,udp,tp_dst=53,actions=NORMAL' 'add cookie=0x7a0002,actions=note:'\\''x'\\''' | ovs-ofctl --bundle add-flows cloudbr0 -`,
    );
  });
});
