import { describe, expect, it } from 'vitest';
import { MISSING, renderString, renderText, renderValue, TemplateError, type Variables } from '../../src/template/index.ts';

function vars(values: Record<string, unknown>): Variables {
  return { lookup: (name) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : MISSING) };
}

function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

const v = vars({
  mtu: 9000,
  name: 'kvm01',
  hv: ['kvm01', 'kvm02'],
  bgp: { asn: 65001, peers: [{ ip: '10.0.0.1' }] },
  flag: false,
  nothing: null,
  net: '10.20.0.0/24',
});

describe('native types', () => {
  it('keeps a list, a number, a mapping, a boolean when the value is one expression', () => {
    expect(renderString('{{ hv }}', v)).toEqual(['kvm01', 'kvm02']);
    expect(renderString('{{ mtu }}', v)).toBe(9000);
    expect(renderString('  {{ bgp }}  ', v)).toEqual({ asn: 65001, peers: [{ ip: '10.0.0.1' }] });
    expect(renderString('{{flag}}', v)).toBe(false);
    expect(renderString('{{ add mtu 50 }}', v)).toBe(9050);
    expect(renderString('{{ bgp.peers.[0].ip }}', v)).toBe('10.0.0.1');
  });

  it('makes text when there is more than the expression', () => {
    expect(renderString('mtu {{ mtu }}', v)).toBe('mtu 9000');
    expect(renderString('{{ name }}-{{ mtu }}', v)).toBe('kvm01-9000');
    expect(renderString('{{ hv }} x', v)).toBe('kvm01,kvm02 x');
    expect(renderString('{{ nothing }}!', v)).toBe('!');
  });

  it('leaves strings without templates alone', () => {
    expect(renderString('plain', v)).toBe('plain');
    expect(renderValue({ a: [1, 'x'] }, v)).toEqual({ a: [1, 'x'] });
  });

  it('renders every string in a value, recursively', () => {
    expect(renderValue({ set: { 'net.mtu': '{{ mtu }}' }, list: ['{{ name }}', 3] }, v)).toEqual({ set: { 'net.mtu': 9000 }, list: ['kvm01', 3] });
  });

  it('renderText always gives text', () => {
    expect(renderText('{{ mtu }}', v)).toBe('9000');
  });
});

describe('blocks run through handlebars', () => {
  it('each, if, with, ../ and @root', () => {
    expect(renderText('{{#each hv}}{{this}}:{{../mtu}};{{/each}}', v)).toBe('kvm01:9000;kvm02:9000;');
    expect(renderText('{{#each bgp.peers}}neighbor {{ip}} remote-as {{@root.bgp.asn}}\n{{/each}}', v)).toBe('neighbor 10.0.0.1 remote-as 65001\n');
    expect(renderText('{{#if flag}}yes{{else}}no{{/if}}', v)).toBe('no');
    expect(renderText('{{#if missing}}yes{{else}}no{{/if}}', v)).toBe('no');
    expect(renderText('{{#with bgp}}{{asn}}{{/with}}', v)).toBe('65001');
    expect(renderText('{{#each hv as |h i|}}{{i}}={{h}} {{/each}}', v)).toBe('0=kvm01 1=kvm02 ');
    expect(renderText('{{#each hv}}{{#if (eq this "kvm02")}}{{this}}{{/if}}{{/each}}', v)).toBe('kvm02');
  });

  it('an undefined variable inside a block is an error with its line', () => {
    const error = templateError(() => renderText('a\n{{#each bgp.peers}}{{ ip }} {{ password }}{{/each}}', v));
    expect(error.message).toBe("undefined variable 'password'");
    expect([error.line, error.col]).toEqual([2, 32]);
  });

  it('an undefined root variable used in a block is reported before running', () => {
    const error = templateError(() => renderText('x\n{{#each peers}}{{this}}{{/each}}', v));
    expect(error.message).toBe("undefined variable 'peers'");
    expect([error.line, error.col]).toEqual([2, 9]);
  });
});

describe('undefined variables', () => {
  it('names the variable and the full path', () => {
    expect(templateError(() => renderString('{{ mtux }}', v)).message).toBe("undefined variable 'mtux'");
    const nested = templateError(() => renderString('x {{ bgp.router_id }}', v));
    expect(nested.message).toBe("undefined variable 'bgp.router_id'");
    expect(nested.variable).toBe('bgp.router_id');
    expect([nested.line, nested.col]).toEqual([1, 6]);
    const deeper = templateError(() => renderString('{{ mtu.x.y }}', v));
    expect(deeper.message).toBe("undefined variable 'mtu.x'");
    expect(deeper.hint).toBe('mtu is 9000');
  });

  it('names that Object.prototype has are undefined too, also in templates with blocks', () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      expect(templateError(() => renderString(`{{ ${name} }}`, v)).message).toBe(`undefined variable '${name}'`);
      expect(templateError(() => renderText(`{{#each hv}}{{this}}{{/each}} {{ ${name} }}`, v)).message).toBe(`undefined variable '${name}'`);
    }
  });

  it('a name looked up in a block whose this is a number or a string is an undefined variable, not a JavaScript error', () => {
    const error = templateError(() => renderText('{{#each bgp}}{{ nope }}{{/each}}', v));
    expect(error.message).toBe("undefined variable 'nope'");
    expect(error.hint).toBe("inside this block, 'this' is not a mapping");
  });

  it('lookup: a missing key is an error, as an undefined variable is; default, if and unless accept it', () => {
    const hosts = vars({ hostvars: { kvm01: { ansible_host: '10.0.0.11' }, kvm02: {} }, hv: ['kvm01', 'kvm02'], name: 'secret-ish' });
    expect(renderString('{{ lookup (lookup hostvars "kvm01") "ansible_host" }}', hosts)).toBe('10.0.0.11');
    expect(templateError(() => renderString('{{ lookup (lookup hostvars "kvm02") "ansible_host" }}', hosts)).message).toBe(
      "lookup: no 'ansible_host' in that mapping (use default (lookup …) VALUE when it may be missing)",
    );
    expect(templateError(() => renderText('{{#each hv}}{{ lookup (lookup @root.hostvars this) "ansible_host" }},{{/each}}', hosts)).message).toBe(
      "lookup: no 'ansible_host' in that mapping (use default (lookup …) VALUE when it may be missing)",
    );
    expect(templateError(() => renderString('{{ lookup hv 2 }}', hosts)).message).toBe('lookup: no 2 in that list (use default (lookup …) VALUE when it may be missing)');
    expect(templateError(() => renderString('x {{ lookup }}', hosts)).message).toBe('lookup: needs a mapping (or a list) and a key, e.g. {{ lookup hostvars item }}');
    // a string's value is never shown (it may be a password)
    expect(templateError(() => renderString('{{ lookup name "x" }}', hosts)).message).toBe("lookup: cannot look up 'x' in a string");
    expect(renderString('{{ default (lookup (lookup hostvars "kvm02") "ansible_host") "none" }}', hosts)).toBe('none');
    expect(renderText('{{#each hv}}{{ default (lookup (lookup @root.hostvars this) "ansible_host") "none" }},{{/each}}', hosts)).toBe('10.0.0.11,none,');
    expect(renderText('{{#each hv}}{{#if (lookup (lookup @root.hostvars this) "ansible_host")}}y{{else}}n{{/if}}{{/each}}', hosts)).toBe('yn');
  });

  it('default accepts a missing value, and only default', () => {
    expect(renderString('{{ default mtux 1500 }}', v)).toBe(1500);
    expect(renderString('{{ default bgp.missing.deep "x" }}', v)).toBe('x');
    expect(renderString('{{ default mtu 1500 }}', v)).toBe(9000);
    expect(renderString('{{ default nothing 7 }}', v)).toBe(7);
    expect(templateError(() => renderString('{{ add mtux 1 }}', v)).message).toBe("undefined variable 'mtux'");
  });
});

describe('helpers', () => {
  it('join, arithmetic, lower/upper, json, lookup', () => {
    expect(renderString('{{ join hv ", " }}', v)).toBe('kvm01, kvm02');
    expect(renderString('{{ join hv }}', v)).toBe('kvm01,kvm02');
    expect(renderString('{{ sub mtu 50 }}', v)).toBe(8950);
    expect(renderString('{{ mul 3 4 }}', v)).toBe(12);
    expect(renderString('{{ div 9 2 }}', v)).toBe(4.5);
    expect(renderString('{{ mod 9 4 }}', v)).toBe(1);
    expect(renderString('{{ add "10" 5 }}', v)).toBe(15);
    expect(renderString('{{ add (mul 2 3) 1 }}', v)).toBe(7);
    expect(renderString('{{ upper name }}', v)).toBe('KVM01');
    expect(renderString('{{ lower "ETH1" }}', v)).toBe('eth1');
    expect(renderString('{{ json bgp }}', v)).toBe('{"asn":65001,"peers":[{"ip":"10.0.0.1"}]}');
    expect(renderString('{{ lookup bgp "asn" }}', v)).toBe(65001);
    expect(renderString('{{ eq mtu 9000 }}', v)).toBe(true);
  });

  it('cidr helpers, IPv4 and IPv6', () => {
    expect(renderString('{{ cidr_host net 1 }}', v)).toBe('10.20.0.1');
    expect(renderString('{{ cidr_host net -2 }}', v)).toBe('10.20.0.254');
    expect(renderString('{{ cidr_prefix net }}', v)).toBe(24);
    expect(renderString('{{ cidr_network "10.20.0.77/26" }}', v)).toBe('10.20.0.64');
    expect(renderString('{{ cidr_netmask net }}', v)).toBe('255.255.255.0');
    expect(renderString('{{ cidr_address "10.20.0.77/26" }}', v)).toBe('10.20.0.77');
    expect(renderString('{{ cidr_host "2001:db8:0:1::/64" 1 }}', v)).toBe('2001:db8:0:1::1');
    expect(renderString('{{ cidr_network "2001:db8::ab:1/112" }}', v)).toBe('2001:db8::ab:0');
    expect(renderString('{{ cidr_netmask "2001:db8::/64" }}', v)).toBe('ffff:ffff:ffff:ffff::');
    expect(renderString('{{ cidr_prefix "2001:db8::/48" }}', v)).toBe(48);
  });

  it('helper misuse is a clear error', () => {
    expect(templateError(() => renderString('{{ div mtu 0 }}', v)).message).toBe('div: division by zero');
    expect(templateError(() => renderString('{{ add name 1 }}', v)).message).toBe("add: expected a number, got 'kvm01'");
    expect(templateError(() => renderString('{{ join mtu }}', v)).message).toBe('join: expected a list, got 9000');
    expect(templateError(() => renderString('{{ cidr_host net 256 }}', v)).message).toBe('cidr_host: host 256 is outside 10.20.0.0/24 (it has 256 addresses: 0 to 255, or -1 for the last)');
    expect(templateError(() => renderString('{{ cidr_prefix "10.0.0.300/8" }}', v)).message).toBe("cidr_prefix: '10.0.0.300/8' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/24, 2001:db8::/64)");
    const unknown = templateError(() => renderString('{{ jion hv "," }}', v));
    expect(unknown.message).toBe("unknown helper 'jion'");
    expect(unknown.hint).toBe("did you mean 'join'?");
  });

  it('a mapping inside text is an error, not [object Object]', () => {
    const error = templateError(() => renderString('x {{ bgp }}', v));
    expect(error.message).toBe('a mapping cannot be put inside text');
  });

  it('syntax errors name the line', () => {
    const error = templateError(() => renderText('ok\n{{ a b= }}', v));
    expect(error.message).toBe('template syntax error at "}}"');
    expect(error.syntax).toBe(true);
    expect(error.line).toBe(2);
    expect(templateError(() => renderString('{{ hv.1 }}', v)).hint).toBe('a list item is written list.[0]');
  });

  it('renderValue reports which string failed', () => {
    const error = templateError(() => renderValue({ a: { b: ['ok', '{{ nope }}'] } }, v));
    expect(error.path).toEqual(['a', 'b', 1]);
  });
});
