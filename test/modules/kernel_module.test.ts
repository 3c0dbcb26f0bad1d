/**
 * kernel_module from recorded probe output (test/fixtures/modules/kernel_module,
 * recorded by test/fixtures/modules/record.ts on this machine, whose kernel has
 * no loadable modules), and the list-file edit for real through /bin/sh.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import type { KernelModuleParams } from '../../src/modules/kernel_module/schema.ts';
import type { KernelModuleState } from '../../src/modules/kernel_module/state.ts';
import { CTX, diffOf, loadFixture, moduleNamed, summaries } from './fixture.ts';
import { applyChanges, check } from './local-run.ts';

const kmod = moduleNamed<KernelModuleParams>('kernel_module');

describe('kernel_module schema', () => {
  it('names what is allowed', () => {
    const r = kmod.schema.safeParse({ name: '8021q;reboot' });
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'name: name must be a kernel module name like 8021q or br_netfilter (letters, digits, _ -)',
    ]);
  });
});

describe('kernel_module from recorded probes', () => {
  it('a module the kernel cannot load is a clear error, in modprobe\'s words', () => {
    const f = loadFixture<KernelModuleParams>('kernel_module', '8021q-unloadable');
    expect(() => diffOf(f)).toThrow(TaskError);
    expect(() => diffOf(f)).toThrow('kernel module 8021q cannot be loaded on this host: modprobe: FATAL: Module 8021q not found in directory /lib/modules/6.18.44-fc-v595');
  });
  it('inside a network namespace modprobe says the same (one kernel for all namespaces)', () => {
    const f = loadFixture<KernelModuleParams>('kernel_module', '8021q-unloadable-netns');
    expect(() => diffOf(f)).toThrow(/modprobe: FATAL: Module 8021q not found/);
  });
  it('a built-in module listed among comments and other modules is in sync', () => {
    expect(diffOf(loadFixture('kernel_module', 'bridge-builtin-listed'))).toEqual([]);
  });
  it('a built-in module not listed yet: only the list changes', () => {
    const f = loadFixture<KernelModuleParams>('kernel_module', 'bridge-builtin-listed');
    f.params = kmod.schema.parse({ name: 'bridge', file: '/tmp/zc-h6-rec/modules-load.d/other.conf' });
    // The recorded probe, with the module's line taken out of the recorded list.
    const state = kmod.parse(f.output, f.params, CTX) as KernelModuleState;
    expect(summaries(kmod.diff(f.params, { ...state, listed: false }, CTX))).toEqual([
      'list bridge in /tmp/zc-h6-rec/modules-load.d/other.conf (load at boot)',
    ]);
  });
  it('absent: unlists a module that is not loaded', () => {
    const f = loadFixture<KernelModuleParams>('kernel_module', 'absent-but-listed');
    expect(summaries(diffOf(f))).toEqual([`remove zc_h6_gone from ${f.params.file}`]);
  });
});

describe('kernel_module list file through /bin/sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zc-h6-kmod-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'zonectl.conf');

  it('adds and removes only its own line; bridge (built in) needs no modprobe', () => {
    writeFileSync(file, '# modules zonectl loads\nbr_netfilter\n');
    const present = kmod.schema.parse({ name: 'bridge', file });
    const changes = check(kmod, present);
    expect(summaries(changes)).toEqual([`list bridge in ${file} (load at boot)`]);
    expect(kmod.commands(changes, present, CTX)).not.toContain('modprobe');
    expect(applyChanges(kmod, present, changes).exitCode).toBe(0);
    expect(check(kmod, present)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('# modules zonectl loads\nbr_netfilter\nbridge\n');

    writeFileSync(file, '# modules zonectl loads\nbr_netfilter\nzc-h6-old\n');
    const absent = kmod.schema.parse({ name: 'zc_h6_old', state: 'absent', file });
    const gone = check(kmod, absent);
    expect(summaries(gone)).toEqual([`remove zc_h6_old from ${file}`]);
    expect(applyChanges(kmod, absent, gone).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('# modules zonectl loads\nbr_netfilter\n');
  });

  it('a missing modules-load.d directory is created first (0755 levels), as the dry run says', () => {
    // Regression: apply failed with "mktemp: failed to create file via template …: No such file or directory".
    const nested = join(dir, 'etc', 'modules-load.d');
    const listFile = join(nested, 'zonectl.conf');
    const present = kmod.schema.parse({ name: 'bridge', file: listFile });
    const changes = check(kmod, present);
    expect(summaries(changes)).toEqual([`create directory ${nested}`, `list bridge in ${listFile} (load at boot)`]);
    expect(applyChanges(kmod, present, changes).exitCode).toBe(0);
    expect(check(kmod, present)).toEqual([]);
    expect(readFileSync(listFile, 'utf8')).toBe('bridge\n');
    for (const d of [join(dir, 'etc'), nested]) expect((statSync(d).mode & 0o7777).toString(8)).toBe('755');
  });

  it('absent on a built-in module is a clear error at check time, not a failed modprobe -r at apply', () => {
    // Regression: the dry run said "unload kernel module bridge" and apply failed with "modprobe: FATAL: Module bridge not found".
    // This machine's bridge is built in (/sys/module/bridge has no initstate), as the fixtures above record.
    const absent = kmod.schema.parse({ name: 'bridge', state: 'absent', file });
    expect(() => check(kmod, absent)).toThrow('kernel module bridge is built into this kernel and cannot be unloaded (state: absent is not possible here)');
  });
});
