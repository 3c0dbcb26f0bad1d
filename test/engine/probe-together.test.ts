/**
 * Probing tasks together (probeSteps + a module's probeTogether) must change
 * nothing but the number of processes: through the real script builder and
 * /bin/sh, every task's output parses to the same state as its own probe's,
 * over files in every state a probe can meet and sysctl keys present and
 * missing. Read-only on the host's /proc/sys; files live in a temp dir.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSteps, unitOutput, type ProbeUnit } from '../../src/engine/probe-steps.ts';
import { buildProbeScript, newMarker, parseFrames } from '../../src/engine/script.ts';
import type { ModuleDefinition, ProbeOutput } from '../../src/modules/contract.ts';
import { filesProbeTogether } from '../../src/modules/file/probe.ts';
import { CTX, moduleNamed } from '../modules/fixture.ts';

function runScript(script: string): { stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr };
}

function framesOf(script: string, marker: string, count: number) {
  const r = runScript(script);
  return parseFrames(r.stdout, marker, count, r.stderr);
}

/** Every unit's output, probed as the engine does (together when the module can). */
function probe(units: ProbeUnit[]): { outputs: (ProbeOutput | undefined)[]; script: string } {
  const marker = newMarker();
  const { steps, owners, shared } = probeSteps(units, CTX);
  const script = buildProbeScript(steps, marker);
  const frames = framesOf(script, marker, steps.length);
  const outputs: (ProbeOutput | undefined)[] = new Array<ProbeOutput | undefined>(units.length).fill(undefined);
  owners.forEach((owner, i) => {
    const from = shared[i];
    if (owner !== undefined) outputs[owner] = unitOutput(frames.steps[i], from === undefined ? undefined : frames.steps[from]);
  });
  return { outputs, script };
}

/** Each unit's state from its own probe and from the probe together; they must be equal. */
function compare<P>(module: ModuleDefinition<P>, list: P[]): { alone: unknown[]; together: unknown[]; script: string } {
  const units = list.map((params) => ({ module, params, probe: module.probe(params, CTX) }));
  const alone = units.map((u) => probe([u]).outputs[0]).map((o, i) => module.parse(o as ProbeOutput, list[i] as P, CTX) as unknown);
  const { outputs, script } = probe(units);
  const together = outputs.map((o, i) => module.parse(o as ProbeOutput, list[i] as P, CTX) as unknown);
  return { alone, together, script };
}

describe('probing tasks together', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zc-together-'));
    writeFileSync(join(dir, 'same'), 'a=1\n');
    writeFileSync(join(dir, 'differs'), 'a=2\n');
    writeFileSync(join(dir, 'mode'), 'a=1\n');
    chmodSync(join(dir, 'mode'), 0o600);
    writeFileSync(join(dir, 'big'), 'x'.repeat(5000));
    writeFileSync(join(dir, 'with space'), 'a=1\n');
    mkdirSync(join(dir, 'adir'));
    symlinkSync(join(dir, 'same'), join(dir, 'link'));
    writeFileSync(join(dir, '60-test.conf'), 'net.ipv4.ip_forward = 1\n# comment\n');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('file: every state parses as when probed alone, with one stat for all', () => {
    const file = moduleNamed('file');
    const names = ['same', 'differs', 'mode', 'big', 'with space', 'adir', 'link', 'missing', 'nodir/x', 'same'];
    const list = names.map((n) =>
      file.schema.parse(n === 'adir' ? { path: join(dir, n), state: 'directory' } : { path: join(dir, n), content: n === 'big' ? 'x'.repeat(5000) : 'a=1\n', mode: '0644' }),
    );
    const { alone, together, script } = compare(file, list);
    expect(together).toEqual(alone);
    // The states are the ones expected (not merely equal to each other).
    const diffs = list.map((p, i) => {
      try {
        return file.diff(p, together[i], CTX).map((c) => c.summary).join('; ');
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(diffs[0]).toBe('');
    expect(diffs[1]).toContain('content');
    expect(diffs[2]).toContain('0600 → 0644');
    expect(diffs[6]).toContain('symbolic link');
    expect(diffs[7]).toContain('create');
    expect(diffs[9]).toBe('');
    expect(script.match(/\bstat -c/g)?.length).toBe(2); // the shared stat, and zc_file_meta's fallback
    expect(script).not.toContain('( eval ');
  });

  it('file: a path with a line break cannot be found in stat\'s output: it is probed on its own', () => {
    const together = filesProbeTogether([{ path: join(dir, 'same') }, { path: join(dir, 'new\nline') }]);
    expect(together.items[0]).toBeTypeOf('string');
    expect(together.items[1]).toBeNull();
    expect(together.shared).not.toContain('new\nline');
  });

  it('file: a file made after the shared stat ran still gets its own metadata', () => {
    const file = moduleNamed('file');
    const late = join(dir, 'late');
    rmSync(late, { force: true });
    const list = [join(dir, 'same'), late].map((path) => file.schema.parse({ path, content: 'a=1\n' }));
    const units = list.map((params) => ({ module: file, params, probe: file.probe(params, CTX) }));
    const { steps, owners } = probeSteps(units, CTX);
    // Between the shared step and the items, the file appears.
    const withLate = steps.map((s, i) => (i === 0 ? { ...s, text: `${s.text}\nprintf 'a=1\\n' > ${JSON.stringify(late)}` } : s));
    const marker = newMarker();
    const frames = framesOf(buildProbeScript(withLate, marker), marker, steps.length);
    const index = owners.indexOf(1);
    const output = frames.steps[index] as ProbeOutput;
    expect(output.stdout).toContain('file.meta');
    expect(file.diff(list[1], file.parse(output, list[1], CTX), CTX)).toEqual([]);
  });

  it('sysctl: present, missing and per-interface keys and persisted files parse as when probed alone, with one grep', () => {
    const sysctl = moduleNamed('sysctl');
    const conf = join(dir, '60-test.conf');
    const list = [
      { set: { 'net.ipv4.ip_forward': 1 }, file: conf },
      { set: { 'net.ipv4.tcp_fin_timeout': 30, 'kernel.no_such_key_zc': 1 }, file: conf },
      { set: { 'net.ipv4.conf.nosuchif0.forwarding': 1 }, persist: false },
      { set: { 'vm.swappiness': 10 }, file: join(dir, 'missing.conf') },
      { set: { 'vm.swappiness': 10 }, file: join(dir, 'nodir', 'x.conf') },
      { set: { 'vm.swappiness': 10 }, file: join(dir, 'adir') },
    ].map((p) => sysctl.schema.parse(p));
    // A missing key is a TaskError at parse: compare what each side throws too.
    const guarded = <P>(m: ModuleDefinition<P>, l: P[]) => {
      const wrapped: ModuleDefinition<P> = {
        ...m,
        parse: (o, p, c) => {
          try {
            return m.parse(o, p, c) as unknown;
          } catch (error) {
            return { error: (error as Error).message };
          }
        },
      };
      return compare(wrapped, l);
    };
    const { alone, together, script } = guarded(sysctl, list);
    expect(together).toEqual(alone);
    expect(JSON.stringify(together[1])).toContain('kernel.no_such_key_zc');
    expect(JSON.stringify(together[5])).toContain('not a regular file');
    expect(script.match(/\bgrep -H/g)?.length).toBe(1);
    // The grep's output travels once, not once per task.
    expect(runScript(script).stdout.match(/60-test\.conf:1:/g)?.length).toBe(1);
  });

  it('a module that cannot plan them together costs only speed: each is probed alone', () => {
    const file = moduleNamed('file');
    const broken: ModuleDefinition = {
      ...file,
      probeTogether: () => {
        throw new Error('no');
      },
    };
    const list = ['same', 'differs'].map((n) => file.schema.parse({ path: join(dir, n), content: 'a=1\n' }));
    const units = list.map((params) => ({ module: broken, params, probe: broken.probe(params, CTX) }));
    const { steps, owners } = probeSteps(units, CTX);
    expect(owners).toEqual([0, 1]);
    expect(steps.every((s) => !s.inline)).toBe(true);
  });

  it('places a group at its first task, keeps the others in task order, and probes a lone task alone', () => {
    const file = moduleNamed('file');
    const sysctl = moduleNamed('sysctl');
    const f = (n: string) => ({ module: file, params: file.schema.parse({ path: join(dir, n), content: '' }), probe: 'f' });
    const s = { module: sysctl, params: sysctl.schema.parse({ set: { 'vm.swappiness': 1 } }), probe: 's' };
    const failed = { module: file, params: undefined, probe: undefined };
    const { steps, owners } = probeSteps([s, f('a'), failed, f('b')], CTX);
    // sysctl alone (one task), then the files' shared step and their two items; the failed unit is not probed.
    expect(owners).toEqual([0, undefined, 1, 3]);
    expect(steps[0]).toEqual({ text: 's' });
    expect(steps.slice(1).every((x) => x.inline)).toBe(true);
  });
});
