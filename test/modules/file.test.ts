/**
 * file (and template, which shares its probe, diff and commands) from recorded
 * probe output (test/fixtures/modules/file, recorded by
 * test/fixtures/modules/record.ts with /bin/sh on this machine).
 */
import { describe, expect, it } from 'vitest';
import type { PrepareContext } from '../../src/modules/contract.ts';
import { TaskError } from '../../src/modules/contract.ts';
import type { FileState } from '../../src/modules/file/parse.ts';
import type { FileParams } from '../../src/modules/file/schema.ts';
import type { TemplateParams } from '../../src/modules/template/schema.ts';
import { CTX, diffOf, loadFixture, moduleNamed, summaries } from './fixture.ts';

const file = moduleNamed<FileParams>('file');
const template = moduleNamed<TemplateParams>('template');

describe('file schema', () => {
  const messages = (input: unknown): string[] => {
    const r = file.schema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('normalises modes to four octal digits', () => {
    expect(file.schema.parse({ path: '/etc/x', mode: '644' }).mode).toBe('0644');
    expect(file.schema.parse({ path: '/etc/x', mode: '2775' }).mode).toBe('2775');
    // zonectl's YAML reads an unquoted 0644 as octal, the number 420.
    expect(file.schema.parse({ path: '/etc/x', mode: 0o644 }).mode).toBe('0644');
    expect(file.schema.parse({ path: '/etc/x', mode: 0o400 }).mode).toBe('0400');
  });
  it('names what is allowed', () => {
    expect(messages({ path: '/etc/x', mode: 644 })).toEqual(["mode: mode 644 is a decimal number here; write it quoted, like '0644'"]);
    expect(messages({ path: '/etc/x', mode: '0899' })).toEqual(["mode: mode must be octal like '0644' (3 or 4 digits 0-7)"]);
    expect(messages({ path: '/etc/x', mode: true })).toEqual(["mode: mode must be octal like '0644'"]);
    expect(messages({ path: 'etc/x' })).toEqual(['path: must be an absolute path (starting with /)']);
    expect(messages({ path: '/etc/../x' })).toEqual(['path: must not contain .. segments']);
    expect(messages({ path: '/etc/x', owner: 'a b' })).toEqual(['owner: owner must be a user/group name (letters, digits, _ . -) or a numeric id']);
    expect(messages({ path: '/etc/x', validate: 'visudo -c' })).toEqual(['validate: validate must contain %s (replaced by the path of the new file)']);
    expect(messages({ path: '/etc/x', content: 'a', src: 'b' })).toEqual(['src: give content or src, not both']);
    expect(messages({ path: '/etc/x', state: 'absent', mode: '0600' })).toEqual(['mode: mode cannot be used with state: absent']);
    expect(messages({ path: '/etc/x', state: 'gone' })).toEqual(['state: state must be present, absent or directory']);
    expect(messages({ path: '/etc/x', state: 'directory', content: 'a' })).toEqual(['content: content cannot be used with state: directory']);
    expect(messages({ path: '/etc/x', conten: 'a' })).toEqual([
      ': unknown parameter conten (allowed: path, dest, state, content, src, mode, owner, group, backup, validate, diff)',
    ]);
  });
  it('takes dest as another name for path (Ansible writes dest: for copy/template), never both', () => {
    expect(file.schema.parse({ dest: '/etc/x', content: 'a' })).toEqual(file.schema.parse({ path: '/etc/x', content: 'a' }));
    expect(file.schema.parse({ dest: '/etc/x' })).not.toHaveProperty('dest');
    expect(messages({ path: '/etc/x', dest: '/etc/y' })).toEqual(['dest: give path or dest, not both (dest is another name for path)']);
    expect(messages({ content: 'a' })).toEqual(['path: path is required (an absolute path; dest is accepted as another name for it)']);
    expect(messages({ dest: 'etc/x' })).toEqual(['dest: must be an absolute path (starting with /)']);
  });
  it('accepts its own output again', () => {
    const once = file.schema.parse({ path: '/etc/x', content: 'a', mode: 0o600, owner: 0 });
    expect(file.schema.parse(once)).toEqual(once);
  });
});

describe('file prepare', () => {
  const ctx = (files: Record<string, string>): PrepareContext => ({
    host: 'h',
    vars: { bridge: 'cloudbr1' },
    hostvars: {},
    groups: {},
    readFile: (kind, path) => {
      const text = files[`${kind}/${path}`];
      if (text === undefined) throw new Error(`missing ${kind}/${path}`);
      return text;
    },
    render: (text) => text.replace('{{ bridge }}', 'cloudbr1'),
    fail: (message) => {
      throw new Error(message);
    },
  });
  it('file reads src from files/ into content, once, at compile time', () => {
    const p = file.schema.parse({ path: '/etc/x', src: 'x.conf' });
    const prepared = file.prepare?.(p, ctx({ 'files/x.conf': 'from files\n' }));
    expect(prepared).toEqual({ path: '/etc/x', state: 'present', backup: false, diff: true, content: 'from files\n' });
    expect(file.schema.parse(prepared)).toEqual(prepared);
  });
  it('template renders src from templates/ into content', () => {
    const p = template.schema.parse({ src: 'agent.hbs', dest: '/etc/x' });
    const prepared = template.prepare?.(p, ctx({ 'templates/agent.hbs': 'guest={{ bridge }}\n' }));
    expect(prepared?.content).toBe('guest=cloudbr1\n');
    expect(template.schema.parse(prepared)).toEqual(prepared);
  });
});

describe('file from recorded probes', () => {
  it('missing file in an existing directory: create, with a diff from /dev/null', () => {
    const f = loadFixture<FileParams>('file', 'missing');
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual([`create ${f.params.path} (mode 0644)`]);
    expect(changes[0]?.diff).toBe(`--- /dev/null\n+++ ${f.params.path}\n@@ -0,0 +1 @@\n+hello\n`);
  });

  it('missing directory: says so', () => {
    const f = loadFixture<FileParams>('file', 'missing-dir');
    expect(file.parse(f.output, f.params, CTX)).toEqual({ kind: 'missing', dirExists: false });
    expect(summaries(diffOf(f))).toEqual(['create directory /tmp/zc-h6-rec/nodir', `create ${f.params.path}`]);
  });

  it('CRLF without a final newline, wrong mode, owner and group given as name and id', () => {
    const f = loadFixture<FileParams>('file', 'crlf-no-newline-0640');
    const state = file.parse(f.output, f.params, CTX) as FileState;
    expect(state).toEqual({ kind: 'regular', mode: '0640', uid: '0', gid: '0', user: 'root', group: 'root', content: 'a=1\r\nb=3' });
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual([`content of ${f.params.path}`, `mode of ${f.params.path}: 0640 → 0600`]);
    expect(changes[0]?.diff).toBe(
      `--- ${f.params.path}\n+++ ${f.params.path}\n@@ -1,2 +1,2 @@\n a=1\r\n-b=3\n\\ No newline at end of file\n+b=2\r\n`,
    );
    // Change.data never carries the content (it may be secret and it goes into plan files).
    expect(JSON.stringify(changes.map((c) => c.data))).not.toContain('b=2');
  });

  it('diff: false reports the change without showing the content', () => {
    const f = loadFixture<FileParams>('file', 'crlf-no-newline-0640');
    f.params = { ...f.params, diff: false };
    const changes = diffOf(f);
    expect(summaries(changes)[0]).toBe(`content of ${f.params.path} (diff not shown)`);
    expect(changes[0]?.diff).toBeUndefined();
  });

  it('an empty file with empty content is in sync', () => {
    expect(diffOf(loadFixture<FileParams>('file', 'empty'))).toEqual([]);
  });

  it('a directory or symbolic link at the path is refused, naming it', () => {
    expect(() => diffOf(loadFixture('file', 'directory'))).toThrow(/zc-h6-rec\/etc\/sub is a directory; zonectl manages a regular file there/);
    expect(() => diffOf(loadFixture('file', 'symlink'))).toThrow(TaskError);
    expect(() => diffOf(loadFixture('file', 'symlink'))).toThrow(/is a symbolic link/);
  });

  it('state directory: an existing directory, its mode', () => {
    const f = loadFixture<FileParams>('file', 'directory');
    f.params = file.schema.parse({ path: f.params.path, state: 'directory', mode: '0700' });
    expect(file.parse(f.output, f.params, CTX)).toEqual({ kind: 'directory', mode: '0755', uid: '0', gid: '0', user: 'root', group: 'root' });
    expect(summaries(diffOf(f))).toEqual([`mode of ${f.params.path}: 0755 → 0700`]);
    const regular = loadFixture<FileParams>('file', 'regular-absent');
    regular.params = file.schema.parse({ path: regular.params.path, state: 'directory' });
    expect(() => diffOf(regular)).toThrow(/is a regular file; zonectl manages a directory there/);
  });

  it('an in-sync file is compared on the host: file.same, no content sent back', () => {
    const f = loadFixture<FileParams>('file', 'same-content');
    expect(f.output.stdout).not.toContain('file.base64');
    expect(file.parse(f.output, f.params, CTX)).toEqual({ kind: 'regular', mode: '0644', uid: '0', gid: '0', user: 'root', group: 'root', content: f.params.content });
    expect(diffOf(f)).toEqual([]);
    // file.same without the content it was compared with cannot be believed.
    expect(() => file.parse(f.output, file.schema.parse({ path: f.params.path }), CTX)).toThrow(/expected content is not known/);
  });

  it('same size, other bytes: the content comes back in the same probe and is diffed', () => {
    const f = loadFixture<FileParams>('file', 'same-size-differs');
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual([`content of ${f.params.path}`]);
    expect(changes[0]?.diff).toContain('-abd\n+abc');
  });

  it('the missing directory is made before the file, every level 0755 (like install -D)', () => {
    const f = loadFixture<FileParams>('file', 'missing-dir');
    const script = file.commands(diffOf(f), f.params, CTX);
    expect(script.split('\n')[0]).toBe("[ -d /tmp/zc-h6-rec/nodir ] || ( umask 022 && mkdir -p /tmp/zc-h6-rec/nodir )");
  });

  it('a binary file is replaced without a diff', () => {
    const f = loadFixture<FileParams>('file', 'binary');
    expect((file.parse(f.output, f.params, CTX) as FileState & { content: unknown }).content).toBeNull();
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual([`content of ${f.params.path}: binary file replaced by text`]);
    expect(changes[0]?.diff).toBeUndefined();
  });

  it('absent: removes an existing file, nothing for a missing one', () => {
    const present = loadFixture<FileParams>('file', 'regular-absent');
    expect(summaries(diffOf(present))).toEqual([`remove ${present.params.path}`]);
    const missing = loadFixture<FileParams>('file', 'missing');
    missing.params = file.schema.parse({ path: missing.params.path, state: 'absent' });
    expect(diffOf(missing)).toEqual([]);
  });

  it('a probe that failed half-way is an error, not an empty file', () => {
    const f = loadFixture<FileParams>('file', 'crlf-no-newline-0640');
    const cut = { ...f.output, stdout: f.output.stdout.replace('file.end\n', '') };
    expect(() => file.parse(cut, f.params, CTX)).toThrow(/did not arrive whole/);
  });

  it('template shares the probe, diff and commands of file', () => {
    const f = loadFixture<FileParams>('file', 'crlf-no-newline-0640');
    const t = template.schema.parse({ src: 'x.hbs', dest: f.params.path, mode: '0600', owner: 'root', group: 0, content: 'a=1\r\nb=2\r\n' });
    expect(template.probe(t, CTX)).toBe(file.probe(f.params, CTX));
    const changes = template.diff(t, template.parse(f.output, t, CTX), CTX);
    expect(changes).toEqual(diffOf(f));
    expect(template.commands(changes, t, CTX)).toBe(file.commands(changes, f.params, CTX));
  });
});
