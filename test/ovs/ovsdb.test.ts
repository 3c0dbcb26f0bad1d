import { describe, expect, it } from 'vitest';
import { numbers, optional, parseListDocument, setOf, stringMap, uuids, OvsdbFormatError } from '../../src/ovs/ovsdb.ts';
import { parseOvsProbe } from '../../src/ovs/probe.ts';
import { ofportNames } from '../../src/ovs/state.ts';
import { TaskError } from '../../src/modules/contract.ts';
import { probeFixture } from './fixtures.ts';

describe('OVSDB JSON cells (shapes from RFC 7047 as ovs-vsctl 3.1 prints them)', () => {
  it('reads sets, one-element sets printed bare, maps and empty cells', () => {
    expect(setOf(['set', []])).toEqual([]);
    expect(numbers(['set', [100, 200]])).toEqual([100, 200]);
    expect(uuids(['uuid', 'a'])).toEqual(['a']);
    expect(optional(['set', []])).toBeUndefined();
    expect(optional(100)).toBe(100);
    expect(stringMap(['map', [['key', '103'], ['remote_ip', '192.0.2.2']]])).toEqual({ key: '103', remote_ip: '192.0.2.2' });
    expect(stringMap(['map', []])).toEqual({});
  });

  it('refuses shapes that are not OVSDB', () => {
    expect(() => stringMap(['set', []])).toThrow(OvsdbFormatError);
    expect(() => optional(['set', [1, 2]])).toThrow(OvsdbFormatError);
    expect(() => parseListDocument('{"data": 1}')).toThrow(/headings/);
    expect(() => parseListDocument('not json')).toThrow(/not JSON/);
  });
});

describe('probe output → OVS state (recorded from a real Open vSwitch 3.1)', () => {
  it('joins bridges, ports and interfaces', () => {
    const { state, flows } = parseOvsProbe(probeFixture('probe-populated'), 'kvm01');
    expect(Object.keys(state.bridges).sort()).toEqual(['cloudbr0', 'cloudbr1']);
    expect(state.bridges.cloudbr0).toMatchObject({
      datapathType: 'netdev',
      failMode: 'standalone',
      stp: false,
      otherConfig: { hwaddr: '02:00:00:00:00:01' },
      externalIds: { owner: 'ops' },
      ports: ['cloudbr0', 'eth1', 't103-1-2', 'vm1', 'vx1'],
    });
    expect(state.bridges.cloudbr1).toMatchObject({ failMode: undefined, stp: true, ports: ['cloudbr1', 'p1'] });
    expect(state.ports.eth1).toMatchObject({ bridge: 'cloudbr0', tag: undefined, trunks: [100, 200], vlanMode: 'trunk' });
    expect(state.ports.vm1).toMatchObject({ tag: 100, trunks: [], externalIds: { zonectl: 'yes' } });
    expect(state.ports.vm1?.interfaces[0]).toMatchObject({ name: 'vm1', type: 'internal', mtuRequest: 1450, ofport: 2 });
    expect(state.ports['t103-1-2']?.interfaces[0]).toMatchObject({ type: 'gre', options: { key: '103', remote_ip: '192.0.2.2' }, ofport: 3 });
    expect(state.ports.p1?.interfaces[0]?.error).toBe("No usable peer 'p0' exists in 'netdev' datapath.");
    expect(ofportNames(state, 'cloudbr0')).toEqual(new Map([[1, 'eth1'], [2, 'vm1'], [3, 't103-1-2'], [4, 'vx1']]));
    expect(flows.get('cloudbr0 0x7a0001')).toContain('in_port=3,dl_dst=ff:ff:ff:ff:ff:ff actions=drop');
    // dump-flows on a bridge that does not exist: no flows yet, not an error.
    expect(flows.get('nosuchbr 0x7a0001')).toBeNull();
  });

  it('reads an Open vSwitch with no bridges', () => {
    const { state, flows } = parseOvsProbe(probeFixture('probe-empty'), 'kvm01');
    expect(state).toEqual({ bridges: {}, ports: {} });
    expect(flows.get('cloudbr0 0x7a0001')).toBeNull();
  });

  it('says clearly when Open vSwitch is not running or not installed', () => {
    expect(() => parseOvsProbe(probeFixture('probe-not-running'), 'kvm01')).toThrow(TaskError);
    expect(() => parseOvsProbe(probeFixture('probe-not-running'), 'kvm01')).toThrow(/^Open vSwitch is not running on kvm01: start openvswitch-switch \(service module\)/);
    expect(() => parseOvsProbe(probeFixture('probe-not-installed'), 'kvm01')).toThrow(/Open vSwitch is not installed on kvm01/);
  });

  it('reports a probe that stopped early', () => {
    expect(() => parseOvsProbe({ stdout: '', stderr: 'sh: killed', exitCode: 137 }, 'kvm01')).toThrow(/did not complete: sh: killed/);
  });
});
