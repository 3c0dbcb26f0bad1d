/**
 * sysctl from recorded probe output (test/fixtures/modules/sysctl, recorded in
 * a scratch network namespace by test/fixtures/modules/record.ts).
 */
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import { canonicalKey, interfaceOf, isValidKey, normaliseValue, procPath } from '../../src/modules/sysctl/keys.ts';
import type { SysctlParams } from '../../src/modules/sysctl/schema.ts';
import type { SysctlState } from '../../src/modules/sysctl/state.ts';
import { CTX, diffOf, loadFixture, moduleNamed, summaries } from './fixture.ts';

const sysctl = moduleNamed<SysctlParams>('sysctl');

describe('sysctl keys', () => {
  it('turns the path form into the dotted form sysctl -a prints', () => {
    expect(canonicalKey('net/ipv4/conf/eth1.100/proxy_arp')).toBe('net.ipv4.conf.eth1/100.proxy_arp');
    expect(canonicalKey('net.ipv4.conf.eth1/100.proxy_arp')).toBe('net.ipv4.conf.eth1/100.proxy_arp');
    expect(procPath('net.ipv4.conf.eth1/100.proxy_arp')).toBe('net/ipv4/conf/eth1.100/proxy_arp');
    expect(procPath('net.bridge.bridge-nf-call-iptables')).toBe('net/bridge/bridge-nf-call-iptables');
  });
  it('refuses names that are not keys', () => {
    for (const bad of ['net', 'net..ipv4', 'net.ipv4.', '.net.ipv4', 'net.ipv4.*', 'net ipv4', 'net.ipv4.conf.$(reboot).x', "a.b'c", 'net/../etc']) {
      expect(isValidKey(bad), bad).toBe(false);
    }
  });
  it('knows which keys belong to an interface', () => {
    expect(interfaceOf('net.ipv4.conf.eth1/100.proxy_arp')).toBe('eth1.100');
    expect(interfaceOf('net.ipv6.neigh.cloudbr0.proxy_delay')).toBe('cloudbr0');
    expect(interfaceOf('net.ipv4.conf.all.proxy_arp')).toBeNull();
    expect(interfaceOf('net.ipv4.conf.default.rp_filter')).toBeNull();
    expect(interfaceOf('net.ipv4.ip_forward')).toBeNull();
  });
  it('compares values as the kernel prints them', () => {
    expect(normaliseValue('4096\t131072\t33554432 ')).toBe('4096 131072 33554432');
  });
});

describe('sysctl schema', () => {
  it('folds name + value into set, with canonical keys and text values', () => {
    expect(sysctl.schema.parse({ name: 'net/ipv4/ip_forward', value: 1 })).toEqual({
      set: { 'net.ipv4.ip_forward': '1' },
      persist: true,
      file: '/etc/sysctl.d/60-zonectl.conf',
      ignore_missing: false,
    });
  });
  it('accepts its own output again (plans can be validated twice)', () => {
    const once = sysctl.schema.parse({ set: { 'net.ipv4.tcp_rmem': '4096\t87380  6291456' }, persist: false });
    expect(sysctl.schema.parse(once)).toEqual(once);
    expect(once.set['net.ipv4.tcp_rmem']).toBe('4096 87380 6291456');
  });
  it('names what is allowed', () => {
    const messages = (input: unknown): string[] => {
      const r = sysctl.schema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messages({ name: 'net.ipv4.ip_forward' })).toEqual(['value: name and value go together']);
    expect(messages({ set: { 'net.ipv4.x y': 1 } })[0]).toMatch(/^set\.net\.ipv4\.x y: key must be a sysctl key like net\.ipv4\.ip_forward/);
    expect(messages({ name: 'a.b', value: 1, set: { 'c.d': 1 } })).toEqual(['set: give name + value or set, not both']);
    expect(messages({ name: 'a.b', value: 1, bogus: 1 })[0]).toMatch(/unknown parameter bogus \(allowed: name, value, set, persist, file, ignore_missing, module\)/);
    expect(messages({ set: { 'net/ipv4/ip_forward': 1, 'net.ipv4.ip_forward': 1 } })[0]).toMatch(/names the same sysctl/);
    expect(messages({ name: 'a.b', value: 'x\ny' })).toEqual(['value: value must be one line (no line breaks)']);
    expect(messages({ name: 'a.b', value: 1, file: 'sysctl.d/x.conf' })).toEqual(['file: must be an absolute path (starting with /)']);
  });
});

describe('sysctl from a fresh network namespace', () => {
  it('a key the kernel lacks is an error naming it', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'netns-fresh');
    expect(() => diffOf(f)).toThrow(TaskError);
    expect(() => diffOf(f)).toThrow(/sysctl net\.core\.netdev_max_backlog does not exist on this host \(no \/proc\/sys\/net\/core\/netdev_max_backlog\).*ignore_missing: true/);
  });

  it('reads tab-separated values and missing keys', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'netns-fresh');
    const state = sysctl.parse(f.output, f.params, CTX) as SysctlState;
    expect(state.runtime).toEqual({
      'net.ipv4.ip_forward': { status: 'value', value: '0' },
      'net.ipv4.tcp_rmem': { status: 'value', value: '4096 131072 33554432' },
      'net.core.netdev_max_backlog': { status: 'missing' },
      'net.bridge.bridge-nf-call-iptables': { status: 'value', value: '1' },
      'net.ipv4.conf.all.proxy_arp': { status: 'value', value: '0' },
    });
    expect(state.persisted?.file).toEqual({ kind: 'missing', dirExists: true });
  });

  it('with ignore_missing, skips the missing key and lists only what differs', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'netns-fresh');
    f.params = { ...f.params, ignore_missing: true };
    const file = f.params.file;
    expect(summaries(diffOf(f))).toEqual([
      'net.ipv4.ip_forward: 0 → 1',
      'net.ipv4.conf.all.proxy_arp: 0 → 1',
      `net.ipv4.ip_forward in ${file}: (not set) → 1`,
      `net.ipv4.tcp_rmem in ${file}: (not set) → 4096 131072 33554432`,
      `net.bridge.bridge-nf-call-iptables in ${file}: (not set) → 1`,
      `net.ipv4.conf.all.proxy_arp in ${file}: (not set) → 1`,
    ]);
  });

  it('without persist, only the running values', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'netns-fresh');
    f.params = { ...f.params, ignore_missing: true, persist: false };
    expect(summaries(diffOf(f))).toEqual(['net.ipv4.ip_forward: 0 → 1', 'net.ipv4.conf.all.proxy_arp: 0 → 1']);
  });
});

describe('sysctl with a persisted file', () => {
  it('matches path-form keys, ignores a - prefix and tabs, and catches a stale duplicate', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'netns-persisted');
    const file = f.params.file;
    // ip_forward: running 1 (in sync) but the file says 0 on line 2 and 1 on line 6 (last wins at boot).
    expect(summaries(diffOf(f))).toEqual([
      'net.ipv4.conf.all.proxy_arp: 0 → 1',
      `net.ipv4.ip_forward in ${file}: duplicate line 2 has 0 → 1`,
    ]);
  });

  it('the commands write /proc/sys and edit only the changed keys of the file', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'netns-persisted');
    const changes = diffOf(f);
    const script = sysctl.commands(changes, f.params, CTX);
    expect(script).toContain("printf '%s\\n' 1 > /proc/sys/net/ipv4/conf/all/proxy_arp");
    expect(script).toContain("ZC_SET=net.ipv4.ip_forward=1 ZC_REMOVE=''");
    expect(script).not.toContain('tcp_rmem');
  });
});

describe('sysctl keys provided by a kernel module', () => {
  it('a module the kernel cannot load is an error in modprobe\'s words', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'missing-key-with-module');
    expect(() => diffOf(f)).toThrow(
      'sysctl net.core.netdev_max_backlog does not exist on this host (no /proc/sys/net/core/netdev_max_backlog) and kernel module br_netfilter cannot be loaded: modprobe: FATAL: Module br_netfilter not found in directory /lib/modules/6.18.44-fc-v595',
    );
  });
  it('a loadable module is loaded first, and the dry run says so', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'missing-key-with-module');
    // Derived from the recording: the same output as on a kernel where modprobe -n succeeds.
    f.output = { ...f.output, stdout: f.output.stdout.replace(/^sysctl\.module unloadable .*$/m, 'sysctl.module loadable') };
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual([
      'load kernel module br_netfilter (provides net.core.netdev_max_backlog)',
      'net.core.netdev_max_backlog: (not in the kernel until br_netfilter is loaded) → 5000',
      'net.ipv4.ip_forward: 0 → 1',
    ]);
    expect(sysctl.commands(changes, f.params, CTX).split('\n')[0]).toBe('modprobe br_netfilter');
  });
  it('a loaded module that still lacks the key is an error', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'missing-key-with-module');
    f.output = { ...f.output, stdout: f.output.stdout.replace(/^sysctl\.module unloadable .*$/m, 'sysctl.module loaded') };
    expect(() => diffOf(f)).toThrow(/does not exist on this host .*, although kernel module br_netfilter is loaded/);
  });
});

describe('sysctl keys of an interface', () => {
  it('a key whose interface does not exist yet will be set once it does; a key an existing interface lacks is an error', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'interface-not-yet');
    const state = sysctl.parse(f.output, f.params, CTX) as SysctlState;
    expect(state.runtime['net.ipv4.conf.eth1/1234.proxy_arp']).toEqual({ status: 'missing', interface: 'eth1.1234' });
    expect(state.runtime['net.ipv4.conf.lo.zc_no_such_key']).toEqual({ status: 'missing' });
    expect(() => diffOf(f)).toThrow(/sysctl net\.ipv4\.conf\.lo\.zc_no_such_key does not exist on this host/);
    f.params = sysctl.schema.parse({ name: 'net.ipv4.conf.eth1/1234.proxy_arp', value: 1, persist: false });
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual(['net.ipv4.conf.eth1/1234.proxy_arp: (interface eth1.1234 does not exist yet) → 1']);
    expect(sysctl.commands(changes, f.params, CTX)).toContain("echo 'zonectl: sysctl net.ipv4.conf.eth1/1234.proxy_arp does not exist on this host (is there an interface eth1.1234?)'");
  });
});

describe('sysctl that cannot be read', () => {
  it('a write-only key is a clear error', () => {
    const f = loadFixture<SysctlParams>('sysctl', 'write-only-key');
    expect(() => diffOf(f)).toThrow(/sysctl net\.ipv4\.route\.flush cannot be read/);
  });
});
