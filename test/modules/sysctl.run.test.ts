/**
 * sysctl for real: probe → diff → commands → probe again, through /bin/sh
 * inside a scratch network namespace (its net.* sysctls are its own), with the
 * persisted files under a temp dir. Needs root and `ip netns`: under CI=true
 * it always runs; elsewhere it skips saying why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SysctlParams } from '../../src/modules/sysctl/schema.ts';
import { CTX, moduleNamed, summaries } from './fixture.ts';
import { applyChanges, canUseNetns, check, converge, runSh } from './local-run.ts';

const sysctl = moduleNamed<SysctlParams>('sysctl');
const can = canUseNetns();
const runs = can.ok || process.env.CI === 'true';
const NS = `zc-h6-sysctl-${process.pid}`;

describe.runIf(runs)('sysctl in a network namespace', () => {
  let dir = '';
  let file = '';
  let other = '';
  const read = (path: string): string => readFileSync(path, 'utf8');
  const kernel = (path: string): string => runSh(`cat /proc/sys/${path}`, NS).stdout.trim();
  const params = (input: Record<string, unknown>): SysctlParams => sysctl.schema.parse({ file, ...input });

  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    dir = mkdtempSync(join(tmpdir(), 'zc-h6-sysctl-'));
    file = join(dir, '60-zonectl.conf');
    other = join(dir, '10-other.conf');
    writeFileSync(file, '# zonectl keeps this file\n; and a comment in the old style\nkernel.panic = 10\n');
    writeFileSync(other, 'net.ipv4.ip_forward = 0\n');
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('converges, and a second check finds nothing', () => {
    const p = params({ set: { 'net.ipv4.ip_forward': 1, 'net/ipv4/conf/all/proxy_arp': 1, 'net.ipv4.tcp_rmem': '4096 87380 6291456' } });
    const { first, second } = converge(sysctl, p, NS);
    expect(summaries(first)).toContain('net.ipv4.ip_forward: 0 → 1');
    expect(second).toEqual([]);
    expect(kernel('net/ipv4/ip_forward')).toBe('1');
    expect(kernel('net/ipv4/tcp_rmem')).toBe('4096\t87380\t6291456');
    expect(read(file)).toBe(
      '# zonectl keeps this file\n; and a comment in the old style\nkernel.panic = 10\n' +
        'net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.proxy_arp = 1\nnet.ipv4.tcp_rmem = 4096 87380 6291456\n',
    );
    expect(read(other)).toBe('net.ipv4.ip_forward = 0\n');
  });

  it('detects and repairs a value changed by hand, in the kernel and in the file', () => {
    runSh('echo 0 > /proc/sys/net/ipv4/ip_forward', NS);
    writeFileSync(file, read(file).replace('net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward = 0'));
    const p = params({ name: 'net.ipv4.ip_forward', value: 1 });
    const { first, second } = converge(sysctl, p, NS);
    expect(summaries(first)).toEqual(['net.ipv4.ip_forward: 0 → 1', `net.ipv4.ip_forward in ${file}: 0 → 1`]);
    expect(second).toEqual([]);
    // Updated where it stood; the rest of the file as it was.
    expect(read(file).split('\n')[3]).toBe('net.ipv4.ip_forward = 1');
    expect(read(file)).toContain('kernel.panic = 10\n');
  });

  it('two tasks sharing the file in one apply do not undo each other', () => {
    const a = params({ name: 'net.ipv4.conf.all.forwarding', value: 1 });
    const b = params({ name: 'net.ipv6.conf.all.forwarding', value: 1 });
    // One probe round trip for both, then both applies in order (as the engine does).
    const changesA = check(sysctl, a, NS);
    const changesB = check(sysctl, b, NS);
    expect(applyChanges(sysctl, a, changesA, NS).exitCode).toBe(0);
    expect(applyChanges(sysctl, b, changesB, NS).exitCode).toBe(0);
    expect(check(sysctl, a, NS)).toEqual([]);
    expect(check(sysctl, b, NS)).toEqual([]);
    expect(read(file)).toMatch(/net\.ipv4\.conf\.all\.forwarding = 1\nnet\.ipv6\.conf\.all\.forwarding = 1\n$/);
  });

  it('a key the namespace lacks fails the task, or is skipped with ignore_missing', () => {
    const p = params({ set: { 'net.core.netdev_max_backlog': 5000, 'net.ipv4.ip_forward': 1 } });
    expect(() => check(sysctl, p, NS)).toThrow(/sysctl net\.core\.netdev_max_backlog does not exist on this host/);
    expect(check(sysctl, { ...p, ignore_missing: true }, NS)).toEqual([]);
    expect(read(file)).not.toContain('netdev_max_backlog');
  });

  it('a key of an interface made later in the same run: planned, then set once the interface exists', () => {
    const p = params({ name: 'net.ipv4.conf.zch6/5.proxy_arp', value: 1, persist: false });
    const changes = check(sysctl, p, NS);
    expect(summaries(changes)).toEqual(['net.ipv4.conf.zch6/5.proxy_arp: (interface zch6.5 does not exist yet) → 1']);
    // Without the interface the apply fails, saying so.
    const early = applyChanges(sysctl, p, changes, NS);
    expect(early.exitCode).not.toBe(0);
    expect(early.stderr).toContain('zonectl: sysctl net.ipv4.conf.zch6/5.proxy_arp does not exist on this host (is there an interface zch6.5?)');
    // An earlier task of the run (here: by hand) makes it; the planned change then applies.
    runSh('ip link add zch6.5 type veth peer name zch6p', NS);
    expect(applyChanges(sysctl, p, changes, NS).exitCode).toBe(0);
    expect(check(sysctl, p, NS)).toEqual([]);
  });

  it('probing an unchanged host twice gives the same output (saved plans stay valid), with one process for all keys', () => {
    const p = params({ set: { 'net.ipv4.ip_forward': 1, 'net.ipv4.tcp_rmem': '4096 87380 6291456', 'net.ipv4.tcp_keepalive_time': 600 } });
    expect(converge(sysctl, p, NS).second).toEqual([]);
    const once = runSh(sysctl.probe(p, CTX), NS);
    expect(once.exitCode).toBe(0);
    expect(runSh(sysctl.probe(p, CTX), NS)).toEqual(once);
    expect(sysctl.probe(p, CTX).match(/LC_ALL=C grep /g)).toHaveLength(1);
    // Read whole: `read` in dash would get only "6" of a /proc/sys file holding 600.
    expect(once.stdout).toMatch(/^\/proc\/sys\/net\/ipv4\/tcp_keepalive_time:1:600$/m);
  });

  it('the persisted file: CRLF, no final newline, a commented line and a longer key alike', () => {
    writeFileSync(other, 'net.ipv4.ip_forward_use_pmtu = 0\r\n# net.ipv4.ip_forward = 0\r\nnet.ipv4.ip_forward = 0');
    runSh('echo 1 > /proc/sys/net/ipv4/ip_forward', NS);
    const p = sysctl.schema.parse({ name: 'net.ipv4.ip_forward', value: 1, file: other });
    expect(summaries(check(sysctl, p, NS))).toEqual([`net.ipv4.ip_forward in ${other}: 0 → 1`]);
    const { second } = converge(sysctl, p, NS);
    expect(second).toEqual([]);
    expect(read(other)).toBe('net.ipv4.ip_forward_use_pmtu = 0\r\n# net.ipv4.ip_forward = 0\r\nnet.ipv4.ip_forward = 1\r\n');
  });

  it('a persisted file whose directory is missing: the directory is created first (0755 levels), as the dry run says', () => {
    // Regression: apply failed with "mktemp: failed to create file via template …: No such file or directory".
    runSh('echo 1 > /proc/sys/net/ipv4/ip_forward', NS);
    const nested = join(dir, 'etc', 'sysctl.d');
    const persisted = join(nested, '60-zonectl.conf');
    const p = sysctl.schema.parse({ name: 'net.ipv4.ip_forward', value: 1, file: persisted });
    const { first, second } = converge(sysctl, p, NS);
    expect(summaries(first)).toEqual([`create directory ${nested}`, `net.ipv4.ip_forward in ${persisted}: (not set) → 1`]);
    expect(second).toEqual([]);
    expect(read(persisted)).toBe('net.ipv4.ip_forward = 1\n');
    for (const d of [join(dir, 'etc'), nested]) expect((statSync(d).mode & 0o7777).toString(8)).toBe('755');
  });

  it('a value the kernel refuses fails the apply with a message naming it', () => {
    const p = params({ name: 'net.ipv4.ip_forward', value: 'yes' });
    const changes = check(sysctl, p, NS);
    const out = applyChanges(sysctl, p, changes, NS);
    expect(out.exitCode).not.toBe(0);
    expect(out.stderr).toContain('zonectl: the kernel refused net.ipv4.ip_forward = yes');
    expect(kernel('net/ipv4/ip_forward')).toBe('1');
  });
});

if (!runs) {
  describe('sysctl in a network namespace', () => {
    it.skip(`skipped: needs root and ip netns (${can.ok ? '' : can.why})`, () => {});
  });
}
