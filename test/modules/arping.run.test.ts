/**
 * arping for real: a neighbour that still has a stale MAC for the address
 * learns the right one from the gratuitous ARP.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arpingModule } from '../../src/modules/arping/index.ts';
import { NetnsHost, runTask, skipNetns } from '../netconfig/netns-host.ts';

const skip = skipNetns() || spawnSync('sh', ['-c', 'command -v arping']).status !== 0;
const host = new NetnsHost('zc-h7-arp');
const peer = new NetnsHost('zc-h7-arpp');

describe.skipIf(skip)('arping', () => {
  beforeAll(async () => {
    await host.start();
    await peer.start();
    host.must(`ip link add h7a0 type veth peer name h7a0p netns ${peer.nsPid} && ip link set h7a0 up && ip addr add 10.66.0.5/24 dev h7a0`);
    peer.must('ip link set h7a0p up && ip addr add 10.66.0.1/24 dev h7a0p && ip neigh replace 10.66.0.5 lladdr 02:00:00:00:00:99 dev h7a0p nud stale');
    // The kernel ignores updates within arp locktime (1 s) of the last one.
    spawnSync('sleep', ['1.2']);
  });
  afterAll(async () => {
    await host.close();
    await peer.close();
  });

  it('updates the gateway\'s stale neighbour entry', () => {
    const mac = host.json('ip -j link show h7a0')[0]?.address;
    const r = runTask(host, arpingModule, { address: '10.66.0.5/24', dev: 'h7a0', gateway: '10.66.0.1' });
    expect(r.apply?.exitCode).toBe(0);
    expect(r.changes).toEqual([{ summary: 'send gratuitous ARP for 10.66.0.5 on h7a0 to 10.66.0.1', action: true }]);
    expect(typeof mac).toBe('string');
    expect(peer.json('ip -j neigh show 10.66.0.5 dev h7a0p')[0]).toMatchObject({ lladdr: mac });
  });
});
