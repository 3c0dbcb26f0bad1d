/**
 * file for real: probe → diff → commands → probe again through /bin/sh
 * (dash), on files in a temp dir. Proves the shell text: atomic write, exact
 * bytes, modes, owners, validate, backup, removal.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileParams } from '../../src/modules/file/schema.ts';
import type { TemplateParams } from '../../src/modules/template/schema.ts';
import { COMPARE_IN_SHELL_MAX } from '../../src/modules/file/probe.ts';
import { TaskError } from '../../src/modules/contract.ts';
import { CTX, moduleNamed, summaries } from './fixture.ts';
import { applyChanges, check, converge, runSh } from './local-run.ts';

const file = moduleNamed<FileParams>('file');
const template = moduleNamed<TemplateParams>('template');
const dir = mkdtempSync(join(tmpdir(), 'zc-h6-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const params = (input: Record<string, unknown>): FileParams => file.schema.parse(input);
const modeOf = (path: string): string => (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
const leftovers = (): string[] => readdirSync(dir).filter((n) => n.includes('.zonectl.'));
const isRoot = process.getuid?.() === 0;

describe('file through /bin/sh', () => {
  it('creates a file with exact bytes (CRLF, no final newline, quotes, $, backslashes) and mode', () => {
    const path = join(dir, 'exact.conf');
    const content = `a=1\r\nb='it''s' "$HOME" $(echo no) \`x\` \\n %s %%\r\nlast line without newline`;
    const { first, second } = converge(file, params({ path, content, mode: '0600' }));
    expect(summaries(first)).toEqual([`create ${path} (mode 0600)`]);
    expect(second).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(modeOf(path)).toBe('0600');
    expect(leftovers()).toEqual([]);
  });

  it('detects and repairs a content change and a mode change made by hand', () => {
    const path = join(dir, 'exact.conf');
    const p = params({ path, content: 'one\ntwo\n', mode: '0600' });
    converge(file, p);
    writeFileSync(path, 'one\nTWO\n');
    chmodSync(path, 0o644);
    const { first, second } = converge(file, p);
    expect(summaries(first)).toEqual([`content of ${path}`, `mode of ${path}: 0644 → 0600`]);
    expect(first[0]?.diff).toBe(`--- ${path}\n+++ ${path}\n@@ -1,2 +1,2 @@\n one\n-TWO\n+two\n`);
    expect(second).toEqual([]);
    expect(modeOf(path)).toBe('0600');
  });

  it('a mode change alone is a chmod, the content stays', () => {
    const path = join(dir, 'mode-only');
    writeFileSync(path, 'keep me\n');
    chmodSync(path, 0o644);
    const { first, second } = converge(file, params({ path, mode: '0640' }));
    expect(summaries(first)).toEqual([`mode of ${path}: 0644 → 0640`]);
    expect(second).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('keep me\n');
  });

  it('keeps the mode of an existing file when none is given; a new one gets the umask default', () => {
    const path = join(dir, 'keep-mode');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o640);
    converge(file, params({ path, content: 'new\n' }));
    expect(modeOf(path)).toBe('0640');
    const fresh = join(dir, 'fresh');
    converge(file, params({ path: fresh, content: 'new\n' }));
    expect(modeOf(fresh)).toBe((0o666 & ~process.umask()).toString(8).padStart(4, '0'));
  });

  it('a failing validate fails the task and leaves the old file untouched', () => {
    const path = join(dir, 'validated.conf');
    writeFileSync(path, 'ok\n');
    const p = params({ path, content: 'broken\n', validate: 'grep -q ^ok %s' });
    // The dry run already refuses it (next test); here the apply's own check, as if the file changed in between.
    const changes = check(file, params({ path, content: 'broken\n' }));
    const out = applyChanges(file, p, changes);
    expect(out.exitCode).not.toBe(0);
    expect(out.stderr).toContain(`zonectl: validate failed for ${path}: grep -q ^ok %s (the old file is untouched)`);
    expect(readFileSync(path, 'utf8')).toBe('ok\n');
    expect(leftovers()).toEqual([]);
    // A passing validate sees the new file.
    const good = params({ path, content: 'ok, new\n', validate: 'grep -q "^ok, new" %s' });
    expect(converge(file, good).second).toEqual([]);
  });

  it('the dry run runs validate on a temporary copy: a rejected content is a task error, the target untouched', () => {
    const path = join(dir, 'hook.sh');
    writeFileSync(path, 'echo old\n');
    const tempDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('zonectl-validate.'));
    const before = tempDirs();
    // dash's own syntax check (`sh -n`), run live: its error names the copy by its base name.
    const p = params({ path, content: 'if true; then\n  echo new\n', validate: 'sh -n %s', mode: '0750' });
    expect(() => check(file, p)).toThrow(TaskError);
    try {
      check(file, p);
    } catch (error) {
      expect((error as Error).message).toMatch(
        new RegExp(`^validate rejects the new content of ${path} \\(sh -n %s, exit 2\\):\\nhook\\.sh: 3: Syntax error: end of file unexpected \\(expecting "fi"\\)\\nnothing was written$`),
      );
    }
    // Read-only: the target as it was, no copy left behind, the same output on every run (saved plans compare it).
    expect(readFileSync(path, 'utf8')).toBe('echo old\n');
    expect(leftovers()).toEqual([]);
    expect(tempDirs().filter((n) => !before.includes(n))).toEqual([]);
    expect(runSh(file.probe(p, CTX))).toEqual(runSh(file.probe(p, CTX)));
    // Accepted content: an ordinary change, then in sync; an in-sync file runs no validator at all.
    const good = params({ path, content: 'if true; then\n  echo new\nfi\n', validate: 'sh -n %s' });
    expect(summaries(check(file, good))).toEqual([`content of ${path}`]);
    expect(converge(file, good).second).toEqual([]);
    expect(runSh(file.probe(good, CTX)).stdout).not.toContain('file.validate-exit');
  });

  it('backup keeps the replaced file beside it', () => {
    const path = join(dir, 'backed-up');
    writeFileSync(path, 'before\n');
    converge(file, params({ path, content: 'after\n', backup: true }));
    const backups = readdirSync(dir).filter((n) => /^backed-up\.\d{8}T\d{6}Z~$/.test(n));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0] as string), 'utf8')).toBe('before\n');
  });

  it('state directory creates it with its parents, then keeps its mode', () => {
    const path = join(dir, 'a', 'b');
    const { first, second } = converge(file, params({ path, state: 'directory', mode: '0750' }));
    expect(summaries(first)).toEqual([`create directory ${path} (mode 0750)`]);
    expect(second).toEqual([]);
    expect(statSync(path).isDirectory()).toBe(true);
    expect(modeOf(path)).toBe('0750');
    chmodSync(path, 0o755);
    expect(converge(file, params({ path, state: 'directory', mode: '0750' })).first.map((c) => c.summary)).toEqual([`mode of ${path}: 0755 → 0750`]);
  });

  it('state absent removes the file', () => {
    const path = join(dir, 'doomed');
    writeFileSync(path, 'x');
    const { first, second } = converge(file, params({ path, state: 'absent' }));
    expect(summaries(first)).toEqual([`remove ${path}`]);
    expect(second).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });

  it('without content, creates an empty file and never truncates one', () => {
    const path = join(dir, 'touched');
    converge(file, params({ path, mode: '0600' }));
    expect(readFileSync(path, 'utf8')).toBe('');
    writeFileSync(path, 'data\n');
    expect(check(file, params({ path, mode: '0600' }))).toEqual([]);
  });

  it.runIf(isRoot || process.env.CI === 'true')('owner and group changes, by id', () => {
    const path = join(dir, 'owned');
    writeFileSync(path, 'x\n');
    const { first, second } = converge(file, params({ path, owner: 65534, group: '65534' }));
    expect(summaries(first)).toEqual([`owner of ${path}: root → 65534`, `group of ${path}: root → 65534`]);
    expect(second).toEqual([]);
    expect(statSync(path).uid).toBe(65534);
  });

  it('a large file (beyond one argv string, 128 KiB) makes the round trip', () => {
    const path = join(dir, 'large');
    const content = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\n');
    expect(converge(file, params({ path, content })).second).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('template writes its rendered content the same way', () => {
    const dest = join(dir, 'rendered.conf');
    const t = template.schema.parse({ src: 'x.hbs', dest, mode: '0640', content: 'guest=cloudbr1\n' });
    const { first, second } = converge(template, t);
    expect(summaries(first)).toEqual([`create ${dest} (mode 0640)`]);
    expect(second).toEqual([]);
    expect(readFileSync(dest, 'utf8')).toBe('guest=cloudbr1\n');
  });

  it('a missing directory is created with the file, every new level 0755, as the dry run says', () => {
    const path = join(dir, 'new', 'deeper', 'x.conf');
    const { first, second } = converge(file, params({ path, content: 'x\n', mode: '0600' }));
    expect(summaries(first)).toEqual([`create directory ${join(dir, 'new', 'deeper')}`, `create ${path} (mode 0600)`]);
    expect(second).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('x\n');
    expect(modeOf(join(dir, 'new'))).toBe('0755');
    expect(modeOf(join(dir, 'new', 'deeper'))).toBe('0755');
    expect(modeOf(path)).toBe('0600');
  });
});

describe('the file probe compares on the host', () => {
  it('an in-sync file answers file.same (no content sent), and the same output every time', () => {
    const path = join(dir, 'insync.conf');
    const p = params({ path, content: "a='1'\r\nb=\\2 $HOME %s\nno final newline", mode: '0644' });
    converge(file, p);
    const once = runSh(file.probe(p, CTX));
    expect(once.stdout).toContain('file.same');
    expect(once.stdout).not.toContain('file.base64');
    expect(runSh(file.probe(p, CTX))).toEqual(once);
  });

  it('bytes the shell cannot hold (NUL) never pass for the desired text', () => {
    const path = join(dir, 'nul.conf');
    writeFileSync(path, 'a\0b');
    const changes = check(file, params({ path, content: 'ab' }));
    expect(summaries(changes)).toEqual([`content of ${path}`]);
  });

  it('content above the in-shell limit is compared by sha256', () => {
    const path = join(dir, 'big.conf');
    const content = 'y'.repeat(COMPARE_IN_SHELL_MAX + 10);
    const p = params({ path, content });
    expect(converge(file, p).second).toEqual([]);
    expect(file.probe(p, CTX)).toContain('sha256sum');
    expect(runSh(file.probe(p, CTX)).stdout).toContain('file.same');
    writeFileSync(path, `${content.slice(0, -1)}z`);
    expect(summaries(check(file, p))).toEqual([`content of ${path}`]);
  });

  it('template sends its rendered content along too', () => {
    const dest = join(dir, 'rendered.conf');
    const t = template.schema.parse({ src: 'x.hbs', dest, mode: '0640', content: 'guest=cloudbr1\n' });
    converge(template, t);
    expect(runSh(template.probe(t, CTX)).stdout).toContain('file.same');
  });
});
