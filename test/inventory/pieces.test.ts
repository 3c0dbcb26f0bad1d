/** The small readers Ansible compatibility rests on: host ranges, shell-like splitting, Python literals. */
import { describe, expect, it } from 'vitest';
import { parsePythonLiteral } from '../../src/inventory/python-literal.ts';
import { expandHostDeclaration, expandHostRange, HostRangeError } from '../../src/inventory/ranges.ts';
import { shlexSplit, ShlexError } from '../../src/inventory/shlex.ts';

describe('host ranges (Ansible intro_inventory: "Adding ranges of hosts")', () => {
  it('expands numeric ranges, keeping the width of leading zeros', () => {
    expect(expandHostRange('kvm[01:03]')).toEqual(['kvm01', 'kvm02', 'kvm03']);
    expect(expandHostRange('kvm[8:10]')).toEqual(['kvm8', 'kvm9', 'kvm10']);
    expect(expandHostRange('www[01:50:20].example.com')).toEqual(['www01.example.com', 'www21.example.com', 'www41.example.com']);
    expect(expandHostRange('n[:2]')).toEqual(['n0', 'n1', 'n2']);
  });

  it('expands letter ranges and several ranges in one name', () => {
    expect(expandHostRange('db-[a:c]')).toEqual(['db-a', 'db-b', 'db-c']);
    expect(expandHostRange('r[1:2]-p[a:b]')).toEqual(['r1-pa', 'r1-pb', 'r2-pa', 'r2-pb']);
  });

  it('rejects ranges that cannot be meant', () => {
    expect(() => expandHostRange('kvm[05:1]')).toThrow('host range with leading zeros needs begin and end of equal length, not [05:1]');
    expect(() => expandHostRange('kvm[5:1]')).toThrow('host range must have begin <= end, not [5:1]');
    expect(() => expandHostRange('kvm[1:]')).toThrow('host range must have an end value');
    expect(() => expandHostRange('kvm[1:a]')).toThrow('host range must be numbers ([01:10]) or single letters ([a:f]), not [1:a]');
    expect(() => expandHostRange('kvm[1:3:0]')).toThrow(HostRangeError);
    expect(() => expandHostRange('kvm[1:3')).toThrow('unclosed host range in "kvm[1:3"');
  });

  it('reads a port after the host, including bracketed IPv6', () => {
    expect(expandHostDeclaration('kvm10:2222')).toEqual({ names: ['kvm10'], port: 2222 });
    expect(expandHostDeclaration('kvm[1:2]:2222')).toEqual({ names: ['kvm1', 'kvm2'], port: 2222 });
    expect(expandHostDeclaration('[2001:db8::1]:2222')).toEqual({ names: ['2001:db8::1'], port: 2222 });
    expect(expandHostDeclaration('2001:db8::1')).toEqual({ names: ['2001:db8::1'], port: undefined });
    expect(() => expandHostDeclaration('kvm01:')).toThrow('host "kvm01:" ends in \':\' (give a port number after it, or remove it)');
  });
});

describe('shlexSplit (Python shlex.split(line, comments=True))', () => {
  it('splits words, removes quotes and stops at a comment', () => {
    expect(shlexSplit(`kvm01 a=1 b="two words" c='x"y' # comment`).map((w) => w.text)).toEqual(['kvm01', 'a=1', 'b=two words', 'c=x"y']);
    expect(shlexSplit('pw=a#b c=d').map((w) => w.text)).toEqual(['pw=a']);
    expect(shlexSplit(`pw="'03#pa33w0rd'"`).map((w) => w.text)).toEqual(["pw='03#pa33w0rd'"]);
    expect(shlexSplit('a="x\\"y\\z" b=c\\ d').map((w) => w.text)).toEqual(['a=x"y\\z', 'b=c d']);
  });

  it('gives where each word starts', () => {
    expect(shlexSplit('  host  k=v')).toEqual([
      { text: 'host', start: 2 },
      { text: 'k=v', start: 8 },
    ]);
  });

  it('rejects an unclosed quote', () => {
    expect(() => shlexSplit('a="b')).toThrow(ShlexError);
  });
});

describe('parsePythonLiteral (ast.literal_eval, text kept when it is no literal)', () => {
  it.each([
    ['5', 5],
    ['05', '05'],
    ['0x1F', 31],
    ['1_000', 1000],
    ['-3', -3],
    ['1.5', 1.5],
    ['True', true],
    ['true', 'true'],
    ['None', null],
    ["'quoted'", 'quoted'],
    ['"a" "b"', 'ab'],
    ['"a\\nb"', 'a\nb'],
    ["['10.0.0.1', '10.0.0.2']", ['10.0.0.1', '10.0.0.2']],
    ['(1,)', [1]],
    ['{"a": 1, \'b\': [True]}', { a: 1, b: [true] }],
    ['{1, 2}', [1, 2]],
    ['80, 443', [80, 443]],
    ['8080 # a comment', 8080],
    ['hello # a comment', 'hello # a comment'],
    ['10.0.0.1', '10.0.0.1'],
    ['hello world', 'hello world'],
    ['1j', '1j'],
    ['', ''],
    ['[1,', '[1,'],
  ])('%s', (text, value) => {
    expect(parsePythonLiteral(text)).toEqual(value);
  });
});
