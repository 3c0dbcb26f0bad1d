import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/text/unified-diff.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-udiff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GNU diff -u's hunks for the same texts: the reference we must match. */
function gnuDiff(a: string, b: string): string {
  writeFileSync(join(dir, 'a'), a);
  writeFileSync(join(dir, 'b'), b);
  try {
    execFileSync('diff', ['-u', '--label', 'before', '--label', 'after', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
    return '';
  } catch (error) {
    return (error as { stdout: string }).stdout;
  }
}

const cases: [string, string, string][] = [
  ['equal', 'a\nb\n', 'a\nb\n'],
  ['new file', '', 'one\ntwo\n'],
  ['deleted content', 'one\ntwo\n', ''],
  ['one line changed', 'a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nc\nD\ne\nf\ng\nh\n'],
  ['two far hunks', Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n', Array.from({ length: 30 }, (_, i) => (i === 2 || i === 25 ? `x${i}` : `l${i}`)).join('\n') + '\n'],
  ['close hunks merge', 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n', 'a\nB\nc\nd\ne\nf\ng\nH\ni\nj\n'],
  ['no newline at end (old)', 'a\nb', 'a\nb\n'],
  ['no newline at end (both)', 'a\nb', 'a\nc'],
  ['insert at start', 'b\nc\n', 'a\nb\nc\n'],
  ['append', 'a\nb\n', 'a\nb\nc\nd\n'],
  ['sysctl file', 'net.ipv4.ip_forward = 0\n# keep\nnet.core.somaxconn = 128\n', 'net.ipv4.ip_forward = 1\n# keep\nnet.core.somaxconn = 128\nnet.ipv6.conf.all.forwarding = 1\n'],
  ['crlf', 'a\r\nb\r\n', 'a\nb\n'],
];

describe('unifiedDiff', () => {
  for (const [name, a, b] of cases) {
    it(`matches GNU diff -u: ${name}`, () => {
      expect(unifiedDiff(a, b)).toBe(gnuDiff(a, b));
    });
  }

  it('diffs a new 20,000-line file as one hunk of additions', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const diff = unifiedDiff('', big);
    expect(diff.startsWith('--- before\n+++ after\n@@ -0,0 +1,20000 @@\n+line 0\n')).toBe(true);
    expect(diff.split('\n').filter((l) => l.startsWith('+line')).length).toBe(20_000);
  });

  it('falls back to remove-all/add-all when the texts share almost nothing', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join('\n') + '\n';
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join('\n') + '\n';
    const diff = unifiedDiff(a, b);
    expect(diff.split('\n').filter((l) => l.startsWith('-a')).length).toBe(3000);
    expect(diff.split('\n').filter((l) => l.startsWith('+b')).length).toBe(3000);
    expect(diff).toBe(gnuDiff(a, b));
  });

  it('uses the given file names', () => {
    expect(unifiedDiff('a\n', 'b\n', { oldName: '/etc/x (on host)', newName: '/etc/x (desired)' })).toBe(
      '--- /etc/x (on host)\n+++ /etc/x (desired)\n@@ -1 +1 @@\n-a\n+b\n',
    );
  });
});
