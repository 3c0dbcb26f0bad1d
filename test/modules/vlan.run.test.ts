/**
 * vlan against the real kernel of this machine, which has no 802.1Q support
 * (no 8021q module): the probe finds that out and the diff refuses with a
 * clear error; and should the kernel still refuse at apply time, the
 * command's own "Unknown device type" is turned into the same clear cause.
 * Where a kernel has 8021q, the same test checks that a VLAN is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import { vlanModule } from '../../src/modules/vlan/index.ts';
import { NetnsHost, runContext, runTask, skipNetns } from '../netconfig/netns-host.ts';

const skip = skipNetns();
const host = new NetnsHost('zc-h7-vlan');

describe.skipIf(skip)('vlan on this kernel', () => {
  let kernelHasVlan = false;
  beforeAll(async () => {
    await host.start();
    host.must('ip link add h7trunk type veth peer name h7trunkp && ip link set h7trunk up');
    kernelHasVlan = host.sh('ip link add link h7trunk name h7trunk.9 type vlan id 9 && ip link del h7trunk.9').exitCode === 0;
  });
  afterAll(() => host.close());

  it('refuses with a clear error when the kernel lacks 8021q, or creates the VLAN when it has it', () => {
    const params = { parent: 'h7trunk', id: 100, persist: false };
    if (kernelHasVlan) {
      runTask(host, vlanModule, params);
      expect(host.json('ip -j -d link show h7trunk.100')[0]).toMatchObject({ linkinfo: { info_kind: 'vlan', info_data: { id: 100 } } });
      return;
    }
    expect(() => runTask(host, vlanModule, params, runContext(), true)).toThrow(TaskError);
    expect(() => runTask(host, vlanModule, params, runContext(), true)).toThrow(
      /^the kernel has no 802.1Q support \(module 8021q is neither loaded, built in, nor available for kernel .+\), so VLAN interface h7trunk.100 cannot be created/,
    );
  });

  it('the create command names the cause when ip says "Unknown device type"', () => {
    if (kernelHasVlan) return;
    const params = vlanModule.schema.parse({ parent: 'h7trunk', id: 100, persist: false });
    const changes = [{ summary: 'create', data: { op: 'create', name: 'h7trunk.100', parent: 'h7trunk', id: 100, protocol: '802.1Q' } }];
    const r = host.sh(`( set -e; ${vlanModule.commands(changes, params, runContext())} )`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      'vlan: cannot create h7trunk.100: the kernel has no 802.1Q support (module 8021q) — ip said: Error: Unknown device type.',
    );
  });
});
