import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../src/compile/index.ts';
import { UserError } from '../../src/errors/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'zonectl-test-extra-vars-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('-e extra variables', () => {
  it('key=value gives strings; several pairs in one argument; later wins', () => {
    expect(parseExtraVars(['mtu=9000', 'a=1 b=two', 'a=3'], dir)).toEqual({ mtu: '9000', a: '3', b: 'two' });
    expect(parseExtraVars(['motd=hello world'], dir)).toEqual({ motd: 'hello world' });
    expect(parseExtraVars(['empty='], dir)).toEqual({ empty: '' });
  });

  it('inline JSON/YAML mappings keep types', () => {
    expect(parseExtraVars(['{"mtu": 9000, "peers": ["a"]}'], dir)).toEqual({ mtu: 9000, peers: ['a'] });
    expect(parseExtraVars(['{mtu: 1500}'], dir)).toEqual({ mtu: 1500 });
  });

  it('@file reads a YAML file relative to the working directory', () => {
    writeFileSync(join(dir, 'vars.yml'), 'mtu: 9000\nzone: z1\n');
    expect(parseExtraVars(['@vars.yml'], dir)).toEqual({ mtu: 9000, zone: 'z1' });
  });

  it('bad forms are user errors saying what is allowed', () => {
    const message = (arg: string): string => {
      try {
        parseExtraVars([arg], dir);
      } catch (error) {
        if (error instanceof UserError) return error.format();
        throw error;
      }
      throw new Error('expected an error');
    };
    expect(message('novalue')).toBe('-e "novalue": expected key=value (key=value, @file.yml, or a mapping like {"mtu": 9000})');
    expect(message('1x=2')).toBe('-e "1x=2": invalid variable name "1x" (letters, digits and _, not starting with a digit)');
    expect(message('@missing.yml')).toBe('cannot read missing.yml: no such file');
    writeFileSync(join(dir, 'list.yml'), '- a\n');
    expect(message('@list.yml')).toBe('list.yml:1:1: an extra vars file must be a mapping of name: value');
  });
});
