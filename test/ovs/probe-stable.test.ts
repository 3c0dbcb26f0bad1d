/**
 * Saved plans compare a fingerprint of each host's probe output, so a probe
 * of an unchanged host must print the same bytes every time. Against a real
 * Open vSwitch (test/ovs/sandbox.ts): flows with packets counted between the
 * two probes, and more than a second apart (ages and durations would move).
 * Needs root; under CI=true it never skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsKey, ovsProbeScript, parseOvsProbe } from '../../src/ovs/probe.ts';
import { ovsUnavailable, startOvs, type OvsSandbox } from './sandbox.ts';

const why = ovsUnavailable();
const skip = why !== undefined && process.env.CI !== 'true';
if (skip) console.warn(`skipping the OVS probe stability test: ${why}`);

describe.skipIf(skip)('the OVS probe of an unchanged host', () => {
  let ovs: OvsSandbox | undefined;
  beforeAll(async () => {
    ovs = startOvs('stable');
    const setup = await ovs.run(
      [
        'ovs-vsctl --timeout=10 add-br zcst0 -- set bridge zcst0 datapath_type=netdev',
        'ovs-vsctl --timeout=10 add-port zcst0 p1 -- set interface p1 type=internal',
        "printf '%s\\n' 'add cookie=0x7a0001,priority=1000,in_port=p1,actions=drop' 'add cookie=0x7a0001,idle_timeout=300,priority=10,arp,actions=NORMAL' | ovs-ofctl --bundle add-flows zcst0 -",
      ].join(' && '),
    );
    if (setup.exitCode !== 0) throw new Error(`setup failed: ${setup.stderr}`);
  });
  afterAll(() => ovs?.stop());

  it('prints the same output twice, counters and ages left out', async () => {
    const sandbox = ovs as OvsSandbox;
    const probe = ovsProbeScript({ flowsOf: [{ bridge: 'zcst0', cookie: '0x7a0001' }] });
    const first = await sandbox.run(probe);
    // Traffic in between: a packet injected on p1 hits the drop flow (n_packets moves).
    await sandbox.run("ovs-ofctl packet-out zcst0 'in_port=1 packet=ffffffffffff0000000000010806000108000604000100000000000100000000000000000000000000000000 actions=table'; sleep 1.2");
    const second = await sandbox.run(probe);
    expect(first.exitCode).toBe(0);
    expect(second).toEqual(first);
    const dumped = parseOvsProbe(first, 'kvm01').flows.get(flowsKey('zcst0', '0x7a0001'));
    expect(dumped).toMatch(/priority=1000,in_port=1 actions=drop/);
    expect(dumped).not.toMatch(/duration|n_packets|idle_age/);
  });
});
