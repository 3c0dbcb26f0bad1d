import { describe, expect, it } from 'vitest';
import { tagSkipReason } from '../../src/compile/tags.ts';

const runs = (tags: string[], only: string[] = [], skip: string[] = []): boolean => tagSkipReason(tags, only, skip) === undefined;

describe('tag selection (Ansible semantics)', () => {
  it('no --tags: everything except never', () => {
    expect(runs([])).toBe(true);
    expect(runs(['a'])).toBe(true);
    expect(runs(['never'])).toBe(false);
    expect(runs(['never', 'debug'])).toBe(false);
  });

  it('--tags: matching, always, never only when named', () => {
    expect(runs(['a'], ['a'])).toBe(true);
    expect(runs(['b'], ['a'])).toBe(false);
    expect(runs([], ['a'])).toBe(false);
    expect(runs(['always'], ['a'])).toBe(true);
    expect(runs(['never', 'debug'], ['debug'])).toBe(true);
    expect(runs(['never'], ['never'])).toBe(true);
    expect(runs(['never', 'debug'], ['all'])).toBe(false);
  });

  it('special selectors all, tagged, untagged', () => {
    expect(runs(['a'], ['all'])).toBe(true);
    expect(runs(['a'], ['tagged'])).toBe(true);
    expect(runs([], ['tagged'])).toBe(false);
    expect(runs([], ['untagged'])).toBe(true);
    expect(runs(['a'], ['untagged'])).toBe(false);
  });

  it('--skip-tags wins; always only skipped by name or all+always', () => {
    expect(runs(['a'], [], ['a'])).toBe(false);
    expect(runs(['always'], [], ['a'])).toBe(true);
    expect(runs(['always'], [], ['always'])).toBe(false);
    expect(runs(['always'], [], ['all'])).toBe(true);
    expect(runs(['a'], [], ['all'])).toBe(false);
    expect(runs(['a'], [], ['tagged'])).toBe(false);
    expect(runs([], [], ['tagged'])).toBe(true);
  });

  it('says why', () => {
    expect(tagSkipReason(['b'], ['a', 'c'], [])).toBe('not selected by --tags a,c');
    expect(tagSkipReason(['a', 'x'], [], ['x', 'y'])).toBe('skipped by --skip-tags x');
    expect(tagSkipReason(['never'], [], [])).toBe("tagged 'never' (run it with --tags naming one of its tags)");
  });
});
