/**
 * atomicWriteScript through the local dash, as an apply step runs it: the
 * temporary file's name (the run's zc_run, else mktemp), that a planted
 * symlink or FIFO is never followed, modes and owners, cleanup on failure,
 * and how many processes a write execs (counted with strace).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWriteScript, printText, type AtomicWrite } from '../../../src/modules/file/write.ts';
import { keyLinesEditCommand } from '../../../src/modules/properties/key-lines-awk.ts';
import { quote } from '../../../src/shell/quote.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const hasStrace = spawnSync('strace', ['-V']).status === 0;
const NOBODY = 65534;
const modeOf = (path: string): string => (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
const leftovers = (d = dir): string[] => readdirSync(d).filter((n) => n.includes('.zonectl.'));
const newRun = (): string => randomBytes(16).toString('hex');

interface Ran {
  status: number;
  stdout: string;
  stderr: string;
  /** Base names of the programs the write exec'd (the shell itself left out). */
  execs: string[];
}

/** Runs one write as the engine's apply would: `sh -s`, the step in `( set -e; eval … )`, zc_run set when given. */
function run(w: AtomicWrite, opts: { zcRun?: string; umask?: string; trace?: boolean } = {}): Ran {
  const pre = [opts.umask === undefined ? '' : `umask ${opts.umask}`, opts.zcRun === undefined ? '' : `zc_run=${opts.zcRun}`].join('\n');
  const input = `${pre}\n( set -e; eval ${quote(atomicWriteScript(w))} ) </dev/null\n`;
  if (!opts.trace) {
    const r = spawnSync('sh', ['-s'], { input, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, execs: [] };
  }
  const log = join(tmpdir(), `zc-write-strace-${process.pid}-${newRun()}`);
  try {
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', log, 'sh', '-s'], { input, encoding: 'utf8' });
    // A successful execve line per program; the first is the shell itself. PATH lookups that miss (ENOENT) are not processes.
    const execs = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.includes('execve("') && !/= -1 /.test(l))
      .map((l) => (/execve\("([^"]+)"/.exec(l)?.[1] ?? '').split('/').pop() ?? '')
      .slice(1);
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, execs };
  } finally {
    rmSync(log, { force: true });
  }
}

/** A produce that reports the temporary file's name on stderr, then writes the content. */
const namingProduce = (content: string): string => `echo "zc_new=$zc_new" >&2\n${printText(content)}`;
const nameIn = (stderr: string): string => /zc_new=(.*)/.exec(stderr)?.[1] ?? '';

describe('atomicWriteScript: the temporary file', () => {
  it('is named after zc_run when the engine sets it', () => {
    const path = join(dir, 'named.conf');
    const zcRun = newRun();
    const r = run({ path, produce: namingProduce('a\n'), mode: '0644' }, { zcRun });
    expect(r.status).toBe(0);
    expect(nameIn(r.stderr)).toBe(join(dir, `.named.conf.zonectl.${zcRun}`));
    expect(readFileSync(path, 'utf8')).toBe('a\n');
    expect(leftovers()).toEqual([]);
  });

  it('comes from mktemp when zc_run is unset or empty', () => {
    const path = join(dir, 'unnamed.conf');
    for (const zcRun of [undefined, '']) {
      const r = run({ path, produce: namingProduce('b\n'), mode: '0644' }, zcRun === undefined ? {} : { zcRun });
      expect(r.status).toBe(0);
      expect(nameIn(r.stderr)).toMatch(new RegExp(`^${dir}/\\.unnamed\\.conf\\.zonectl\\.[A-Za-z0-9]{6}$`));
      expect(readFileSync(path, 'utf8')).toBe('b\n');
      expect(modeOf(path)).toBe('0644');
    }
    expect(leftovers()).toEqual([]);
  });

  it('a symlink planted at the zc_run name is not followed: the write goes through a mktemp name, the link and its target stay', () => {
    const path = join(dir, 'target.conf');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const dangling = join(dir, 'would-be-created');
    for (const to of [victim, dangling, '/dev/null']) {
      const zcRun = newRun();
      const planted = join(dir, `.target.conf.zonectl.${zcRun}`);
      symlinkSync(to, planted);
      const r = run({ path, produce: namingProduce(`via ${to}\n`), mode: '0600' }, { zcRun });
      expect(r.status, r.stderr).toBe(0);
      expect(nameIn(r.stderr)).not.toBe(planted);
      expect(readFileSync(path, 'utf8')).toBe(`via ${to}\n`);
      expect(lstatSync(path).isSymbolicLink()).toBe(false);
      expect(lstatSync(planted).isSymbolicLink()).toBe(true);
      rmSync(planted);
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(existsSync(dangling)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('a FIFO at the zc_run name is not opened (that would block): the write goes through a mktemp name', () => {
    const path = join(dir, 'fifo.conf');
    const zcRun = newRun();
    const planted = join(dir, `.fifo.conf.zonectl.${zcRun}`);
    expect(spawnSync('mkfifo', [planted]).status).toBe(0);
    const r = spawnSync('timeout', ['10', 'sh', '-s'], { input: `zc_run=${zcRun}\n( set -e; eval ${quote(atomicWriteScript({ path, produce: printText('x\n') }))} )\n`, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('x\n');
    rmSync(planted);
    expect(leftovers()).toEqual([]);
  });

  it('a missing directory fails the write clearly and leaves nothing behind', () => {
    const path = join(dir, 'no-such-dir', 'f.conf');
    for (const zcRun of [newRun(), undefined]) {
      const r = run({ path, produce: printText('x\n') }, zcRun === undefined ? {} : { zcRun });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`zonectl: cannot create a temporary file next to ${path}`);
    }
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });

  it('a failing produce or validate removes the temporary file and leaves the old file untouched', () => {
    const path = join(dir, 'guarded.conf');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o640);
    for (const zcRun of [newRun(), undefined]) {
      const opts = zcRun === undefined ? {} : { zcRun };
      expect(run({ path, produce: `${printText('half')}\nfalse` }, opts).status).not.toBe(0);
      const v = run({ path, produce: printText('bad\n'), validate: 'grep -q ^ok %s' }, opts);
      expect(v.status).not.toBe(0);
      expect(v.stderr).toContain(`zonectl: validate failed for ${path}`);
      expect(readFileSync(path, 'utf8')).toBe('old\n');
      expect(modeOf(path)).toBe('0640');
      expect(leftovers()).toEqual([]);
    }
  });

  it('the umask set for the mode stays inside the write', () => {
    const path = join(dir, 'umask-scope.conf');
    const input = `umask 022\n( set -e; eval ${quote(atomicWriteScript({ path, produce: printText('x'), mode: '0600' }))} )\numask\n`;
    const r = spawnSync('sh', ['-s'], { input, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('0022');
    expect(modeOf(path)).toBe('0600');
  });
});

describe('atomicWriteScript: mode and owner', () => {
  it.each([
    ['0644', '0644'],
    ['0600', '0600'],
    ['0440', '0440'],
    ['0755', '0755'],
    ['4750', '4750'],
  ])('a new file given mode %s gets it', (mode, want) => {
    for (const zcRun of [newRun(), undefined]) {
      const path = join(dir, `new-${mode}-${zcRun ?? 'mktemp'}`);
      const r = run({ path, produce: printText('x\n'), mode }, { umask: '077', ...(zcRun === undefined ? {} : { zcRun }) });
      expect(r.status, r.stderr).toBe(0);
      expect(modeOf(path)).toBe(want);
    }
  });

  it('a new file without a mode gets 0666 & ~umask, or newFileMode', () => {
    for (const zcRun of [newRun(), undefined]) {
      const opts = { umask: '027', ...(zcRun === undefined ? {} : { zcRun }) };
      const plain = join(dir, `default-${zcRun ?? 'mktemp'}`);
      expect(run({ path: plain, produce: printText('x') }, opts).status).toBe(0);
      expect(modeOf(plain)).toBe('0640');
      const script = join(dir, `script-${zcRun ?? 'mktemp'}`);
      expect(run({ path: script, produce: printText('x'), newFileMode: '0755' }, opts).status).toBe(0);
      expect(modeOf(script)).toBe('0755');
      const secret = join(dir, `secret-${zcRun ?? 'mktemp'}`);
      expect(run({ path: secret, produce: printText('x'), newFileMode: '0600' }, { ...opts, umask: '0' }).status).toBe(0);
      expect(modeOf(secret)).toBe('0600');
      // newFileMode is for a new file only: the file now exists and keeps its mode.
      chmodSync(secret, 0o604);
      expect(run({ path: secret, produce: printText('y'), newFileMode: '0600' }, opts).status).toBe(0);
      expect(modeOf(secret)).toBe('0604');
    }
  });

  it('an existing file keeps its mode; a given mode replaces it', () => {
    const path = join(dir, 'existing-mode');
    writeFileSync(path, 'old\n');
    for (const [m, want] of [[0o600, '0600'], [0o755, '0755'], [0o2755, '2755']] as const) {
      chmodSync(path, m);
      expect(run({ path, produce: printText('new\n') }, { zcRun: newRun(), umask: '022' }).status).toBe(0);
      expect(modeOf(path)).toBe(want);
    }
    expect(run({ path, produce: printText('new\n'), mode: '0640' }, { zcRun: newRun() }).status).toBe(0);
    expect(modeOf(path)).toBe('0640');
  });

  it.skipIf(!isRoot)('an existing file owned by someone else keeps its owner, group and mode', () => {
    const path = join(dir, 'nobodys');
    for (const zcRun of [newRun(), undefined]) {
      writeFileSync(path, 'old\n');
      chownSync(path, NOBODY, NOBODY);
      chmodSync(path, 0o640);
      expect(run({ path, produce: printText('new\n') }, zcRun === undefined ? {} : { zcRun }).status).toBe(0);
      expect(readFileSync(path, 'utf8')).toBe('new\n');
      expect([statSync(path).uid, statSync(path).gid, modeOf(path)]).toEqual([NOBODY, NOBODY, '0640']);
      // Only the group someone else's: the owner stays root.
      chownSync(path, 0, NOBODY);
      expect(run({ path, produce: printText('newer\n'), mode: '0644' }, zcRun === undefined ? {} : { zcRun }).status).toBe(0);
      expect([statSync(path).uid, statSync(path).gid, modeOf(path)]).toEqual([0, NOBODY, '0644']);
    }
  });

  it.skipIf(!isRoot)('owner and group given: set on the new file; the one not given is kept from the old file', () => {
    const path = join(dir, 'owned');
    expect(run({ path, produce: printText('x'), owner: 'nobody', group: 'nogroup', mode: '0640' }, { zcRun: newRun() }).status).toBe(0);
    expect([statSync(path).uid, statSync(path).gid, modeOf(path)]).toEqual([NOBODY, NOBODY, '0640']);
    // Owner only: the group stays nogroup; group only: the owner stays nobody.
    expect(run({ path, produce: printText('y'), owner: 'root' }, { zcRun: newRun() }).status).toBe(0);
    expect([statSync(path).uid, statSync(path).gid, modeOf(path)]).toEqual([0, NOBODY, '0640']);
    chownSync(path, NOBODY, 0);
    expect(run({ path, produce: printText('z'), group: 'nogroup' }, { zcRun: newRun() }).status).toBe(0);
    expect([statSync(path).uid, statSync(path).gid, modeOf(path)]).toEqual([NOBODY, NOBODY, '0640']);
  });

  it.skipIf(!isRoot)('a setuid mode survives the chown (chown clears setuid, so the mode is set after it)', () => {
    const path = join(dir, 'setuid');
    expect(run({ path, produce: printText('#!/bin/sh\n'), mode: '4755', owner: 'nobody' }, { zcRun: newRun() }).status).toBe(0);
    expect([statSync(path).uid, modeOf(path)]).toEqual([NOBODY, '4755']);
  });

  it('skipWhenSame leaves an unchanged file alone (same inode, mode, mtime)', () => {
    const path = join(dir, 'same.conf');
    writeFileSync(path, 'same\n');
    chmodSync(path, 0o600);
    const before = statSync(path);
    const r = run({ path, produce: printText('same\n'), mode: '0644', skipWhenSame: true }, { zcRun: newRun() });
    expect(r.status).toBe(0);
    const after = statSync(path);
    expect([after.ino, after.mtimeMs, modeOf(path)]).toEqual([before.ino, before.mtimeMs, '0600']);
    expect(leftovers()).toEqual([]);
  });
});

describe.skipIf(!hasStrace)('atomicWriteScript: processes exec\'d per write', () => {
  const sub = join(dir, 'counted');
  mkdirSync(sub);

  it('a new file with mode 0644: only mv (mktemp too without zc_run)', () => {
    const path = join(sub, 'bench-zone-01.conf');
    const w = { path, produce: printText('host=kvm01\nindex=01\n'), mode: '0644' };
    expect(run(w, { zcRun: newRun(), trace: true }).execs).toEqual(['mv']);
    rmSync(path);
    expect(run(w, { trace: true }).execs).toEqual(['mktemp', 'mv']);
    expect(modeOf(path)).toBe('0644');
  });

  it('a new file without a mode: only mv', () => {
    const path = join(sub, 'plain.conf');
    expect(run({ path, produce: printText('x\n') }, { zcRun: newRun(), trace: true }).execs).toEqual(['mv']);
  });

  it('a new file given mode 0755: chmod and mv', () => {
    const path = join(sub, 'run.sh');
    expect(run({ path, produce: printText('x\n'), mode: '0755' }, { zcRun: newRun(), trace: true }).execs).toEqual(['chmod', 'mv']);
    expect(modeOf(path)).toBe('0755');
  });

  it('a sysctl persisted edit of an existing file of ours: awk, chmod --reference, mv (awk says the bytes differ); unchanged: awk, cmp, rm', () => {
    const path = join(sub, '60-bench.conf');
    writeFileSync(path, 'net.ipv4.ip_forward = 0\n');
    chmodSync(path, 0o640);
    const edit = (value: string): AtomicWrite => ({
      path,
      produce: keyLinesEditCommand(path, 'sysctl', { set: [['net.ipv4.ip_forward', value]], remove: [] }),
      skipWhenSame: true,
    });
    expect(run(edit('1'), { zcRun: newRun(), trace: true }).execs).toEqual(['awk', 'chmod', 'mv']);
    expect(readFileSync(path, 'utf8')).toBe('net.ipv4.ip_forward = 1\n');
    expect(modeOf(path)).toBe('0640');
    expect(run(edit('1'), { zcRun: newRun(), trace: true }).execs).toEqual(['awk', 'cmp', 'rm']);
    expect(leftovers(sub)).toEqual([]);
  });

  it.skipIf(!isRoot)('an existing file owned by someone else costs one chown --reference more', () => {
    const path = join(sub, 'nobodys.conf');
    writeFileSync(path, 'old\n');
    chownSync(path, NOBODY, NOBODY);
    expect(run({ path, produce: printText('new\n'), mode: '0644' }, { zcRun: newRun(), trace: true }).execs).toEqual(['chown', 'mv']);
    expect([statSync(path).uid, statSync(path).gid]).toEqual([NOBODY, NOBODY]);
  });
});
