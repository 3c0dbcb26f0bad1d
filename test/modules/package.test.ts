/**
 * package from recorded dpkg-query output (test/fixtures/modules/package,
 * recorded by test/fixtures/modules/record.ts on this Debian machine), and the
 * probe run for real. Installing is not exercised here: the test machine has
 * no package mirror to install from.
 */
import { describe, expect, it } from 'vitest';
import type { PackageParams } from '../../src/modules/package/schema.ts';
import type { PackageState } from '../../src/modules/package/index.ts';
import { CTX, diffOf, loadFixture, moduleNamed, summaries } from './fixture.ts';
import { check } from './local-run.ts';

const pkg = moduleNamed<PackageParams>('package');

describe('package schema', () => {
  it('takes one name or a list, without duplicates', () => {
    expect(pkg.schema.parse({ name: 'frr' }).name).toEqual(['frr']);
    expect(pkg.schema.parse({ name: ['frr', 'frr', 'libc6:amd64'] }).name).toEqual(['frr', 'libc6:amd64']);
  });
  it('names what is allowed', () => {
    const messages = (input: unknown): string[] => {
      const r = pkg.schema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messages({ name: 'frr; reboot' })[0]).toMatch(/^name: name must be a package name like openssh-server/);
    expect(messages({ name: [] })).toEqual(['name: name must list at least one package']);
    expect(messages({ name: 'frr', state: 'latest' })).toEqual(['state: state must be present or absent']);
  });
});

describe('package from recorded dpkg-query output', () => {
  it('all installed: in sync', () => {
    const f = loadFixture<PackageParams>('package', 'apt-installed');
    expect(pkg.parse(f.output, f.params, CTX)).toEqual({
      manager: 'apt',
      installed: { 'openssh-server': true, nftables: true, 'iputils-arping': true },
    });
    expect(diffOf(f)).toEqual([]);
  });
  it('installs only what is missing, in one command', () => {
    const f = loadFixture<PackageParams>('package', 'apt-missing');
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual(['install zc-h6-no-such-package']);
    expect(pkg.commands(changes, f.params, CTX)).toBe('DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends zc-h6-no-such-package');
    const update = { ...f.params, update_cache: true };
    expect(pkg.commands(changes, update, CTX).split('\n')).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get update -q',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends zc-h6-no-such-package',
    ]);
  });
  it('config files left behind are not installed', () => {
    const f = loadFixture<PackageParams>('package', 'apt-config-files');
    expect((pkg.parse(f.output, f.params, CTX) as PackageState).installed).toEqual({ frr: true, ifupdown: false });
    expect(summaries(diffOf(f))).toEqual(['install ifupdown']);
  });
  it('absent removes only what is installed', () => {
    const f = loadFixture<PackageParams>('package', 'apt-missing');
    f.params = { ...f.params, state: 'absent' };
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual(['remove openssh-server']);
    expect(pkg.commands(changes, f.params, CTX)).toBe('DEBIAN_FRONTEND=noninteractive apt-get remove -y -q openssh-server');
  });
  it('dnf hosts: rpm -q answers', () => {
    const params = pkg.schema.parse({ name: ['frr', 'nftables'] });
    const state = pkg.parse({ stdout: 'pkg.manager dnf\npkg.rpm frr yes\npkg.rpm nftables no\n', stderr: '', exitCode: 0 }, params, CTX);
    const changes = pkg.diff(params, state, CTX);
    expect(pkg.commands(changes, params, CTX)).toBe('dnf install -y -q nftables');
  });
  it('no package manager is an error', () => {
    const params = pkg.schema.parse({ name: 'frr' });
    const state = pkg.parse({ stdout: 'pkg.manager none\n', stderr: '', exitCode: 0 }, params, CTX);
    expect(() => pkg.diff(params, state, CTX)).toThrow('no supported package manager on this host (apt with dpkg, or dnf/yum with rpm)');
  });
});

describe('package probe on this machine', () => {
  it('sees installed packages and a missing one', () => {
    const params = pkg.schema.parse({ name: ['openssh-server', 'zc-h6-not-a-package'] });
    expect(summaries(check(pkg, params))).toEqual(['install zc-h6-not-a-package']);
  });
});
