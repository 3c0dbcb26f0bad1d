/**
 * What compile says about plays and tag options (fixture: playbooks/wording).
 */
import { describe, expect, it } from 'vitest';
import { unknownTagWarnings } from '../../src/compile/tags.ts';
import { compileFixture } from './helpers.ts';

const compile = (options: { target?: string; tags?: string[]; skipTags?: string[] } = {}) =>
  compileFixture('wording', { inventory: ['inventory.yml'], extraVars: { target: options.target ?? 'r1' }, tags: options.tags ?? [], skipTags: options.skipTags ?? [] });
const warnings = (options: Parameters<typeof compile>[0]): string[] => compile(options).warnings.map((w) => w.format());

describe('a play without name', () => {
  it('is called by its rendered hosts pattern, not the template', () => {
    const { plan } = compile();
    expect(plan.hosts.r1?.plays[0]?.name).toBe('r1');
    expect(plan.hosts.r2?.plays[0]?.name).toBe('named play');
  });

  it('a pattern matching nothing is warned about by its rendered form', () => {
    expect(warnings({ target: 'nobody' })).toEqual(["site.yml:1:10: play 'nobody' matches no hosts"]);
  });
});

describe('--tags and --skip-tags naming a tag no task has', () => {
  it('--tags: a typo is a warning with the nearest tag', () => {
    expect(warnings({ tags: ['brigdes'] })).toEqual(["--tags: no task has tag 'brigdes' (did you mean 'bridges'?)"]);
    expect(warnings({ tags: ['nosuchtag'] })).toEqual(["--tags: no task has tag 'nosuchtag' (tags in use: bridges, net, routes)"]);
  });

  it('--skip-tags: a typo would skip nothing, so it is warned about too', () => {
    expect(warnings({ skipTags: ['route'] })).toEqual(["--skip-tags: no task has tag 'route' (did you mean 'routes'?)"]);
  });

  it('tags that exist (a play tag counts for its tasks) and the selectors all, tagged, untagged are not', () => {
    expect(warnings({ tags: ['net', 'bridges', 'tagged', 'untagged', 'all'], skipTags: ['routes'] })).toEqual([]);
  });

  it('a playbook without tags', () => {
    expect(unknownTagWarnings(['x'], [], new Set())).toEqual([{ message: "--tags: no task has tag 'x'", hint: 'no task has any tag' }]);
  });
});
