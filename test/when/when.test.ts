import { describe, expect, it } from 'vitest';
import { MISSING } from '../../src/template/index.ts';
import { evaluateWhen, firstFalse, parseConditions, parseWhen, WhenEvalError, WhenSyntaxError, WhenTypeError } from '../../src/when/index.ts';

const vars: Record<string, unknown> = {
  platform: 'linux',
  mtu: 9000,
  enabled: true,
  off: false,
  empty: '',
  none: null,
  list: ['kvm01', 'kvm02'],
  peers: [{ ip: '10.0.0.1' }],
  bgp: { asn: 65001, 'router-id': '1.1.1.1' },
  inventory_hostname: 'kvm01',
  groups: { routers: ['r1'], hypervisors: ['kvm01', 'kvm02'] },
};
const lookup = (name: string): unknown => (Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : MISSING);
const when = (expr: string): boolean => evaluateWhen(parseWhen(expr), lookup);

function syntaxError(expr: string): WhenSyntaxError {
  try {
    parseWhen(expr);
  } catch (error) {
    if (error instanceof WhenSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a syntax error for ${expr}`);
}

function evalError(expr: string): WhenEvalError {
  try {
    when(expr);
  } catch (error) {
    if (error instanceof WhenEvalError) return error;
    throw error;
  }
  throw new Error(`expected an evaluation error for ${expr}`);
}

describe('when expressions', () => {
  it('comparisons', () => {
    expect(when("platform == 'linux'")).toBe(true);
    expect(when('platform != "linux"')).toBe(false);
    expect(when('mtu > 1500')).toBe(true);
    expect(when('mtu < 1500')).toBe(false);
    expect(when('mtu >= 9000')).toBe(true);
    expect(when('mtu <= 8999')).toBe(false);
    expect(when('bgp.asn == 65001')).toBe(true);
    expect(when("bgp['router-id'] == '1.1.1.1'")).toBe(true);
    expect(when("peers[0].ip == '10.0.0.1'")).toBe(true);
    expect(when('list == ["kvm01", "kvm02"]')).toBe(true);
    expect(when('mtu == -1')).toBe(false);
  });

  it('and, or, not, parentheses and precedence', () => {
    expect(when('enabled and not off')).toBe(true);
    expect(when('off or enabled and mtu > 1')).toBe(true);
    expect(when('(off or enabled) and mtu < 1')).toBe(false);
    expect(when('not not enabled')).toBe(true);
    expect(when('not mtu > 1')).toBe(false);
  });

  it('in and not in over lists, strings and mappings', () => {
    expect(when('inventory_hostname in groups.hypervisors')).toBe(true);
    expect(when('inventory_hostname not in groups.routers')).toBe(true);
    expect(when("'lin' in platform")).toBe(true);
    expect(when("'asn' in bgp")).toBe(true);
    expect(when("platform in ['linux', 'cumulus']")).toBe(true);
  });

  it('is defined / is not defined / is undefined, also for paths', () => {
    expect(when('mtu is defined')).toBe(true);
    expect(when('nope is defined')).toBe(false);
    expect(when('nope is not defined')).toBe(true);
    expect(when('nope is undefined')).toBe(true);
    expect(when('bgp.asn is defined')).toBe(true);
    expect(when('bgp.password is defined')).toBe(false);
    expect(when('nope is defined and nope == 1')).toBe(false);
    expect(when('none is defined')).toBe(true);
  });

  it('truthiness is Jinja truthiness', () => {
    expect(when('empty')).toBe(false);
    expect(when('list')).toBe(true);
    expect(when('none')).toBe(false);
    expect(when('True')).toBe(true);
    expect(when('0')).toBe(false);
  });

  it('tolerates a Jinja {{ }} wrapper', () => {
    expect(when('{{ mtu > 1500 }}')).toBe(true);
  });

  it('a list of conditions must all hold; a bare boolean is a condition', () => {
    const conditions = parseConditions(['enabled', 'mtu > 9000', 'mtu > 1']);
    expect(firstFalse(conditions, lookup)?.source).toBe('mtu > 9000');
    expect(firstFalse(parseConditions(true), lookup)).toBeUndefined();
    expect(firstFalse(parseConditions(false), lookup)?.source).toBe('false');
    expect(() => parseConditions({ a: 1 })).toThrow(WhenTypeError);
  });
});

describe('when errors name the token and where it is', () => {
  it('syntax errors', () => {
    const eq = syntaxError('mtu = 9000');
    expect([eq.message, eq.offset, eq.hint]).toEqual(["unexpected '='", 4, 'operators: == != < > <= >= and or not in, is defined']);
    const dangling = syntaxError('mtu ==');
    expect([dangling.message, dangling.offset]).toEqual(['unexpected end of expression', 6]);
    const extra = syntaxError('mtu > 1 mtu');
    expect([extra.message, extra.offset, extra.hint]).toEqual(["unexpected 'mtu'", 8, 'expected and, or, or the end of the expression']);
    const paren = syntaxError('(mtu > 1');
    expect([paren.message, paren.hint]).toEqual(['unexpected end of expression', "expected ')'"]);
    const is = syntaxError('mtu is set');
    expect([is.message, is.offset]).toEqual(["unexpected 'set'", 7]);
    const wrapped = syntaxError('{{ mtu = 1 }}');
    expect(wrapped.offset).toBe(7);
    expect(syntaxError("'open").message).toBe("unterminated string 'open");
    expect(syntaxError('a && b').message).toBe("unexpected '&'");
  });

  it('evaluation errors: undefined variables and incomparable values', () => {
    const undef = evalError('enabled and router_id == 1');
    expect([undef.message, undef.offset, undef.hint]).toEqual(["undefined variable 'router_id'", 12, "guard it with 'router_id is defined'"]);
    expect(evalError('bgp.password == 1').message).toBe("undefined variable 'bgp.password'");
    const cmp = evalError("mtu > '1500'");
    expect([cmp.message, cmp.offset]).toEqual(["cannot compare 9000 > '1500'", 4]);
    expect(evalError('1 in mtu').message).toBe("'in' needs a list, a string or a mapping on the right, got 9000");
    // a secret placeholder is named, never shown as the raw token
    const secret = (expr: string): WhenEvalError => {
      try {
        evaluateWhen(parseWhen(expr), (name) => (name === 'pw' ? '@@secret(bgp_pw)@@' : lookup(name)));
      } catch (error) {
        return error as WhenEvalError;
      }
      throw new Error('expected an evaluation error');
    };
    expect(secret('pw > 3').message).toBe("cannot compare '<secret:bgp_pw>' > 3");
  });

  it('never evaluates code', () => {
    expect(syntaxError('process.exit(1)').message).toBe("unexpected '('");
    expect(syntaxError('a; b').message).toBe("unexpected ';'");
  });
});
