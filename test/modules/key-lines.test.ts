/**
 * The key/value line editor: the controller's prediction (editKeyLines) and
 * the host's awk (keyLinesEditCommand) must produce the same bytes. Each case
 * runs both; the awk runs through /bin/sh with the system awk (mawk here).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editKeyLines, readKeyLines } from '../../src/modules/properties/key-lines.ts';
import type { Dialect, KeyEdit } from '../../src/modules/properties/key-lines.ts';
import { keyLinesEditCommand } from '../../src/modules/properties/key-lines-awk.ts';
import { runSh } from './local-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-h6-keylines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Per onHost call, whether the command said the bytes differ. */
const claims: boolean[] = [];
function onHost(text: string | null, dialect: Dialect, edit: KeyEdit): string {
  const path = join(dir, `f${n++}`);
  if (text !== null) writeFileSync(path, text);
  // The command's claim that the bytes differ (zc_differs=1) comes out on stderr; it must never be wrong.
  const out = runSh(`${keyLinesEditCommand(path, dialect, edit)}\nprintf '%s' "\${zc_differs:-}" >&2`);
  expect(['', '1']).toContain(out.stderr);
  expect(out.exitCode).toBe(0);
  if (out.stderr === '1') expect(out.stdout).not.toBe(text ?? '');
  claims.push(out.stderr === '1');
  return out.stdout;
}

/** Both implementations, asserted equal; returns the result. */
function edit(text: string | null, dialect: Dialect, e: KeyEdit): string {
  const predicted = editKeyLines(text ?? '', dialect, e);
  expect(onHost(text, dialect, e)).toBe(predicted);
  return predicted;
}

const AGENT = [
  '#Storage',
  'guid=6f1d8c8e',
  '! device names',
  'private.network.device=cloudbr0',
  'public.network.device = cloudbr0',
  'guest.network.device: cloudbr0',
  'local.storage.path  /var/lib/libvirt/images',
  'keystore.passphrase=s3cr3t',
  'guest.network.device=cloudbr0',
  'domr.scripts.dir=scripts/network/domr/kvm \\',
  '    private.network.device=notakey',
  'bare.key',
  'escaped\\=key=1',
  '',
  'zone=1',
].join('\n');

describe('java properties lines', () => {
  it('reads every separator style, skips comments and continuation lines', () => {
    expect(readKeyLines(`${AGENT}\n`, 'java').map((l) => [l.key, l.value])).toEqual([
      ['guid', '6f1d8c8e'],
      ['private.network.device', 'cloudbr0'],
      ['public.network.device', 'cloudbr0'],
      ['guest.network.device', 'cloudbr0'],
      ['local.storage.path', '/var/lib/libvirt/images'],
      ['keystore.passphrase', 's3cr3t'],
      ['guest.network.device', 'cloudbr0'],
      ['domr.scripts.dir', 'scripts/network/domr/kvm \\'],
      ['bare.key', ''],
      ['escaped\\=key', '1'],
      ['zone', '1'],
    ]);
  });

  it('updates in place keeping each separator, every duplicate, appends the rest', () => {
    const out = edit(`${AGENT}\n`, 'java', {
      set: [
        ['public.network.device', 'cloudbr1'],
        ['guest.network.device', 'cloudbr1'],
        ['local.storage.path', '/data'],
        ['network.bridge.type', 'native'],
      ],
      remove: ['guid'],
    });
    expect(out).toBe(
      [
        '#Storage',
        '! device names',
        'private.network.device=cloudbr0',
        'public.network.device = cloudbr1',
        'guest.network.device: cloudbr1',
        'local.storage.path  /data',
        'keystore.passphrase=s3cr3t',
        'guest.network.device=cloudbr1',
        'domr.scripts.dir=scripts/network/domr/kvm \\',
        '    private.network.device=notakey',
        'bare.key',
        'escaped\\=key=1',
        '',
        'zone=1',
        'network.bridge.type=native',
        '',
      ].join('\n'),
    );
  });

  it('replaces a continued value with one line, and a bare key gets a separator', () => {
    const out = edit(`${AGENT}\n`, 'java', { set: [['domr.scripts.dir', '/x'], ['bare.key', 'v']], remove: ['keystore.passphrase'] });
    expect(out).toContain('domr.scripts.dir=/x\nbare.key=v\n');
    expect(out).not.toContain('notakey');
    expect(out).not.toContain('s3cr3t');
  });

  it('keeps CRLF, appends with CRLF, and ends with a newline', () => {
    const crlf = `${AGENT.split('\n').join('\r\n')}`; // no final newline
    const out = edit(crlf, 'java', { set: [['zone', '2'], ['new.key', 'x']], remove: [] });
    expect(out.endsWith('zone=2\r\nnew.key=x\r\n')).toBe(true);
    expect(out.split('\n').slice(0, -1).every((l) => l.endsWith('\r'))).toBe(true);
  });

  it('continuation lines are removed with their key', () => {
    expect(edit('a=1 \\\n  b=2\nc=3\n', 'java', { set: [], remove: ['a'] })).toBe('c=3\n');
    // A comment ending in a backslash does not continue.
    expect(edit('# note \\\nb=2\n', 'java', { set: [['b', '3']], remove: [] })).toBe('# note \\\nb=3\n');
    // An even number of backslashes does not continue either.
    expect(edit('a=x\\\\\nb=2\n', 'java', { set: [['b', '3']], remove: [] })).toBe('a=x\\\\\nb=3\n');
  });

  it('a missing or empty file gets just the new keys', () => {
    expect(edit(null, 'java', { set: [['a', '1'], ['b', 'two words']], remove: [] })).toBe('a=1\nb=two words\n');
    expect(edit('', 'java', { set: [], remove: ['a'] })).toBe('');
  });

  it('values with quotes, dollars, backslashes and = are written verbatim', () => {
    const value = `it's $(rm -rf /) \`x\` "q" a=b c\\d`;
    expect(edit('k=old\n', 'java', { set: [['k', value]], remove: [] })).toBe(`k=${value}\n`);
  });

  it('blank lines with only whitespace and tabs/form feeds as separators', () => {
    expect(edit('  \n\tk\tv\n\fj=1\n', 'java', { set: [['k', 'w'], ['j', '2']], remove: [] })).toBe('  \n\tk\tw\n\fj=2\n');
  });
});

describe('sysctl.d lines', () => {
  const FILE = ['# c', '; c2', 'net/ipv4/conf/all/proxy_arp=1', '-net.ipv4.tcp_rmem = 4096\t131072', '  kernel.panic =10  ', 'not a setting', 'net.ipv4.conf.eth1/100.proxy_arp = 0'].join('\n');

  it('reads canonical keys (path form, - prefix, surrounding blanks)', () => {
    expect(readKeyLines(FILE, 'sysctl').map((l) => [l.key, l.value])).toEqual([
      ['net.ipv4.conf.all.proxy_arp', '1'],
      ['net.ipv4.tcp_rmem', '4096\t131072'],
      ['kernel.panic', '10  '],
      ['net.ipv4.conf.eth1/100.proxy_arp', '0'],
    ]);
  });

  it('edits in place and appends `key = value`', () => {
    const out = edit(FILE, 'sysctl', {
      set: [
        ['net.ipv4.conf.all.proxy_arp', '0'],
        ['net.ipv4.tcp_rmem', '4096 87380 6291456'],
        ['net.ipv4.conf.eth1/100.proxy_arp', '1'],
        ['net.ipv4.ip_forward', '1'],
      ],
      remove: [],
    });
    expect(out).toBe(
      [
        '# c',
        '; c2',
        'net/ipv4/conf/all/proxy_arp=0',
        '-net.ipv4.tcp_rmem = 4096 87380 6291456',
        '  kernel.panic =10  ',
        'not a setting',
        'net.ipv4.conf.eth1/100.proxy_arp = 1',
        'net.ipv4.ip_forward = 1',
        '',
      ].join('\n'),
    );
  });
});

describe('the host edit says when the bytes certainly differ (zc_differs, saves a cmp)', () => {
  const claimed = (text: string | null, dialect: Dialect, e: KeyEdit): boolean => {
    edit(text, dialect, e);
    return claims[claims.length - 1] as boolean;
  };
  const set = (k: string, v: string): KeyEdit => ({ set: [[k, v]], remove: [] });

  it('claims it for a changed value or an appended key', () => {
    expect(claimed('a = 0\n', 'sysctl', set('a', '1'))).toBe(true);
    expect(claimed('x = 1\r\na = 0\r\n', 'sysctl', set('a', '1'))).toBe(true);
    expect(claimed('x = 1\n', 'sysctl', set('a', '1'))).toBe(true);
    expect(claimed(null, 'sysctl', set('a', '1'))).toBe(true);
    expect(claimed('k=old\n', 'java', set('k', 'new'))).toBe(true);
  });

  it('does not claim it when the bytes may be the same (the cmp decides)', () => {
    expect(claimed('a = 1\n', 'sysctl', set('a', '1'))).toBe(false);
    // Only the final newline differs: awk cannot see that, cmp does.
    expect(claimed('a = 1', 'sysctl', set('a', '1'))).toBe(false);
    expect(claimed('x=1\nk=v\n', 'java', { set: [], remove: ['x'] })).toBe(false);
    // A removed line before an appended one: lengths may match, so no claim.
    expect(claimed('x=1\n', 'java', { set: [['y', '1']], remove: ['x'] })).toBe(false);
    // Same first line, its continuation dropped.
    expect(claimed('k=v \\\n  more\n', 'java', set('k', 'v \\'))).toBe(false);
  });

  it('a failing awk still fails the command (only status 99 means "differs")', () => {
    const out = runSh(`${keyLinesEditCommand(join(dir, 'none'), 'sysctl', set('a', '1')).replace('awk ', 'awk -f /nonexistent ')}\necho reached`);
    expect(out.exitCode).not.toBe(0);
    expect(out.stdout).not.toContain('reached');
  });
});
