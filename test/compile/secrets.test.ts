import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderPlanText } from '../../src/compile/index.ts';
import { defineModule } from '../../src/modules/contract.ts';
import { findModule, moduleNames } from '../../src/modules/registry.ts';
import { inlineSecretName } from '../../src/secrets/index.ts';
import { compileFixture } from './helpers.ts';

// A module with secret-by-nature parameters, as a BGP module would declare them.
const bgpPeer = defineModule({
  name: 'bgp_peer',
  doc: { summary: 'test module', params: {} },
  schema: z.object({ peer: z.string(), password: z.string(), peers: z.array(z.object({ ip: z.string(), key: z.union([z.string(), z.number()]) })).optional() }).strict(),
  secretParams: ['password', 'peers.*.key'],
  probe: () => '',
  parse: () => ({}),
  diff: () => [],
  commands: () => '',
});

const options = {
  inventory: ['inventory.yml'],
  findModule: (name: string) => (name === 'bgp_peer' ? bgpPeer : findModule(name)),
  moduleNames: () => [...moduleNames(), 'bgp_peer'],
};

describe('secrets in the plan', () => {
  const result = compileFixture('secrets', options);
  const json = JSON.stringify(result.plan);
  // Inline secrets are numbered by first appearance: the name tells nothing about the value.
  const literal = 'inline:1';
  const key = 'inline:2';

  it('a literal in a secret-by-nature param becomes an inline placeholder; the value is kept aside', () => {
    const [first, second, file] = result.plan.hosts.r1?.plays[0]?.tasks ?? [];
    expect(first?.params).toEqual({ peer: '10.0.0.2', password: `@@secret(${literal})@@`, peers: [{ ip: '10.0.0.3', key: `@@secret(${key})@@` }] });
    expect(result.inlineSecrets).toEqual(new Map([[literal, 'hunter2-literal'], [key, '424242']]));
    expect(second?.params.password).toBe('@@secret(bgp_r1)@@');
    // the literal is also hidden where it leaks into other params; !secret stays a reference
    expect(file?.params.content).toBe(`password @@secret(${literal})@@ key @@secret(api_key)@@\n`);
  });

  it('the plan JSON and the listing never hold a secret value', () => {
    expect(json).not.toContain('hunter2-literal');
    expect(json).not.toContain('424242');
    const text = renderPlanText(result.plan);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('password=<secret:bgp_r1>');
    expect(text).toContain('password=<secret> peers=[{ip=10.0.0.3, key=<secret>}]');
  });
});

describe('variables secret by name (inventory and -e)', () => {
  const result = compileFixture('secret-vars', { inventory: ['inventory.yml'], extraVars: { mgmt_password: 'Mgmt-pw-777' } });
  const json = JSON.stringify(result.plan);

  it('their literal values become inline secrets, in params and task names', () => {
    const [file, command] = result.plan.hosts.r1?.plays[0]?.tasks ?? [];
    // -e variables are read first, then the host's inventory variables in order.
    const mgmt = 'inline:1';
    const bgp = 'inline:2';
    expect(file?.name).toBe(`peer password @@secret(${bgp})@@`);
    expect(file?.params.content).toBe(`password @@secret(${bgp})@@ mgmt @@secret(${mgmt})@@\n`);
    expect(result.inlineSecrets.get(bgp)).toBe('PlainPw-12345');
    expect(result.inlineSecrets.get(mgmt)).toBe('Mgmt-pw-777');
    expect(json).not.toContain('PlainPw');
    expect(json).not.toContain('Mgmt-pw');
    expect(renderPlanText(result.plan)).not.toContain('PlainPw');
    // a templated value is rendered (here from another variable secret by name); a number stays a number
    expect(command?.params.run).toBe('echo @@secret(inline:3)@@ 5');
  });
});

describe('inline secret names', () => {
  it('reveal nothing about the value: no hash of it anywhere in the plan', () => {
    const result = compileFixture('secrets', options);
    const json = JSON.stringify(result.plan);
    const sha = createHash('sha256').update('hunter2-literal').digest('hex');
    for (const len of [8, 12, 16]) expect(json).not.toContain(sha.slice(0, len));
    expect([...result.inlineSecrets.keys()]).toEqual(['inline:1', 'inline:2']);
  });

  it('number by first appearance; equal values share a name', () => {
    const known = new Map<string, string>();
    expect(inlineSecretName('pw-a', known)).toBe('inline:1');
    expect(inlineSecretName('pw-b', known)).toBe('inline:2');
    expect(inlineSecretName('pw-a', known)).toBe('inline:1');
    expect(known).toEqual(new Map([['inline:1', 'pw-a'], ['inline:2', 'pw-b']]));
  });

  it('the same inputs compile to the same bytes', () => {
    const a = JSON.stringify(compileFixture('secret-vars', { inventory: ['inventory.yml'], extraVars: { mgmt_password: 'Mgmt-pw-777' } }).plan);
    const b = JSON.stringify(compileFixture('secret-vars', { inventory: ['inventory.yml'], extraVars: { mgmt_password: 'Mgmt-pw-777' } }).plan);
    expect(a).toBe(b);
  });
});
