/**
 * command: guards from recorded probe output (test/fixtures/modules/command,
 * recorded by test/fixtures/modules/record.ts), then for real through /bin/sh.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandParams } from '../../src/modules/command/schema.ts';
import { CTX, diffOf, loadFixture, moduleNamed, summaries } from './fixture.ts';
import { applyChanges, check } from './local-run.ts';

const command = moduleNamed<CommandParams>('command');

describe('command schema', () => {
  it('a string is short for run', () => {
    expect(command.schema.parse('echo hi')).toEqual({ run: 'echo hi' });
  });
  it('names what is allowed', () => {
    const r = command.schema.safeParse({ run: 'x', creates: 'relative', onlyif: 'y' });
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'creates: must be an absolute path (starting with /)',
      ': unknown parameter onlyif (allowed: run, creates, removes, unless, chdir)',
    ]);
  });
});

describe('command from recorded guards', () => {
  it('skips when its guard says so', () => {
    for (const name of ['creates-exists', 'removes-missing', 'unless-true']) expect(diffOf(loadFixture('command', name)), name).toEqual([]);
  });
  it('reports a guarded command that would run, with the reason', () => {
    expect(summaries(diffOf(loadFixture('command', 'creates-missing')))).toEqual(['will run: touch /tmp/zc-h6-rec/done (/tmp/zc-h6-rec/done does not exist)']);
    expect(summaries(diffOf(loadFixture('command', 'unless-false')))).toEqual(['will run: echo yes (unless failed)']);
  });
  it('an unguarded command always will run, as an action', () => {
    expect(diffOf(loadFixture('command', 'unguarded'))).toEqual([{ summary: 'will run: echo hello', action: true }]);
  });
  it('a chdir that does not exist yet is said', () => {
    expect(summaries(diffOf(loadFixture('command', 'chdir-missing')))).toEqual(['will run: ls (chdir /tmp/zc-h6-rec/later does not exist yet)']);
  });
  it('a probe that did not finish is an error', () => {
    const f = loadFixture<CommandParams>('command', 'unguarded');
    expect(() => command.parse({ stdout: '', stderr: 'sh: 1: Syntax error', exitCode: 2 }, f.params, CTX)).toThrow(/the guard check did not finish: sh: 1: Syntax error/);
  });
});

describe('command through /bin/sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zc-h6-command-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const p = (input: unknown): CommandParams => command.schema.parse(input);

  it('creates: runs once, then the guard holds', () => {
    const marker = join(dir, 'made');
    const params = p({ run: `echo made > ${marker}`, creates: marker });
    const first = check(command, params);
    expect(summaries(first)).toEqual([`will run: echo made > ${marker} (${marker} does not exist)`]);
    expect(applyChanges(command, params, first).exitCode).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('made\n');
    expect(check(command, params)).toEqual([]);
  });

  it('unless: the test command decides, and its output stays out of the probe', () => {
    const params = p({ run: 'echo ran', unless: 'echo noise; echo more >&2; test -d /' });
    expect(check(command, params)).toEqual([]);
  });

  it('the guard is checked again right before running', () => {
    const marker = join(dir, 'raced');
    const params = p({ run: `echo second >> ${marker}`, creates: marker });
    const changes = check(command, params);
    // An earlier task of the same apply made the path meanwhile.
    expect(applyChanges(command, p({ run: `echo first > ${marker}` }), [{ summary: 'x', action: true }]).exitCode).toBe(0);
    expect(applyChanges(command, params, changes).exitCode).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('first\n');
  });

  it('runs the text with sh semantics in chdir; its failure fails the task', () => {
    const params = p({ run: 'false; pwd > where', chdir: dir });
    expect(applyChanges(command, params, check(command, params)).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'where'), 'utf8')).toBe(`${dir}\n`);
    const failing = p({ run: 'echo about to fail >&2; exit 3' });
    const out = applyChanges(command, failing, check(command, failing));
    expect(out.exitCode).toBe(3);
    expect(out.stderr).toBe('about to fail\n');
  });

  it('quotes and dollars in run reach sh untouched', () => {
    const target = join(dir, "it's here");
    const params = p({ run: `printf '%s\\n' "$0" 'a'"'"'b' > "${target}"` });
    expect(applyChanges(command, params, check(command, params)).exitCode).toBe(0);
    expect(existsSync(target)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe("sh\na'b\n");
  });
});
