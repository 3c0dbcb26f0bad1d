import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/playbook/suggest.ts';
import { stringList } from '../../src/playbook/values.ts';

describe('did you mean', () => {
  it('edit distance counts a transposition as one edit', () => {
    expect(editDistance('sysctl', 'sysclt')).toBe(1);
    expect(editDistance('when', 'whne')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only close words', () => {
    expect(didYouMean('sysclt', ['file', 'sysctl', 'template'])).toBe("did you mean 'sysctl'?");
    expect(closest('persit', ['persist', 'path'])).toBe('persist');
    expect(closest('gather_facts', ['name', 'hosts', 'tasks'])).toBeUndefined();
    expect(closest('x', ['y'])).toBe('y');
    expect(closest('xyz', ['abc'])).toBeUndefined();
  });
});

describe('name lists', () => {
  it('tags split on commas; notify keeps a name whole', () => {
    expect(stringList('a, b,c')).toEqual(['a', 'b', 'c']);
    expect(stringList('restart agent, then wait', false)).toEqual(['restart agent, then wait']);
    expect(stringList([1, 'x'])).toEqual(['1', 'x']);
    expect(stringList(undefined)).toEqual([]);
    expect(stringList({ a: 1 })).toBeUndefined();
  });
});
