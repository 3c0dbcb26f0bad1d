/**
 * The `when:` expression language: a small, closed grammar parsed by hand (no
 * eval, ever). Precedence, lowest first:
 *   or  <  and  <  not  <  comparisons (== != < > <= >= in, not in, is [not] defined)
 * Operands: variable paths (`a.b`, `a[0]`, `a['key']`), strings, numbers,
 * true/false (also True/False), null/none, lists `[1, 'a']`, parentheses.
 */

export type WhenNode =
  | { type: 'literal'; value: unknown }
  | { type: 'variable'; path: (string | number)[]; text: string; offset: number }
  | { type: 'list'; items: WhenNode[] }
  | { type: 'not'; operand: WhenNode }
  | { type: 'and' | 'or'; left: WhenNode; right: WhenNode }
  | { type: 'compare'; op: CompareOp; left: WhenNode; right: WhenNode; offset: number }
  | { type: 'defined'; negated: boolean; operand: WhenNode };

export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in';

/** A syntax error at `offset` (0-based) in the expression text. */
export class WhenSyntaxError extends Error {
  readonly offset: number;
  readonly hint: string;
  constructor(message: string, offset: number, hint: string) {
    super(message);
    this.name = 'WhenSyntaxError';
    this.offset = offset;
    this.hint = hint;
  }
}

interface Token {
  kind: 'name' | 'string' | 'number' | 'op' | 'punct' | 'end';
  text: string;
  value?: unknown;
  offset: number;
}

const OPERAND_HINT = 'expected a variable, a string, a number, true/false, a [list], ( or not';

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\' && i + 1 < source.length) {
          const next = source[i + 1] as string;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else {
          value += source[i];
          i++;
        }
      }
      if (i >= source.length) throw new WhenSyntaxError(`unterminated string ${source.slice(start)}`, start, `close it with ${c}`);
      i++;
      tokens.push({ kind: 'string', text: source.slice(start, i), value, offset: start });
      continue;
    }
    const number = /^-?(?:[0-9]+\.[0-9]+|[0-9]+)(?![A-Za-z_])/.exec(source.slice(i));
    if (number && (c !== '-' || !isOperandEnd(tokens.at(-1)))) {
      i += number[0].length;
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), offset: start });
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      i += name[0].length;
      tokens.push({ kind: 'name', text: name[0], offset: start });
      continue;
    }
    const op = /^(==|!=|<=|>=|<|>)/.exec(source.slice(i));
    if (op) {
      i += op[0].length;
      tokens.push({ kind: 'op', text: op[0], offset: start });
      continue;
    }
    if ('()[],.'.includes(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c, offset: start });
      continue;
    }
    throw new WhenSyntaxError(`unexpected '${c}'`, start, 'operators: == != < > <= >= and or not in, is defined');
  }
  tokens.push({ kind: 'end', text: 'end of expression', offset: source.length });
  return tokens;
}

function isOperandEnd(token: Token | undefined): boolean {
  if (!token) return false;
  if (token.kind === 'number' || token.kind === 'string') return true;
  if (token.kind === 'punct') return token.text === ')' || token.text === ']';
  return token.kind === 'name' && !['and', 'or', 'not', 'in', 'is'].includes(token.text);
}

const KEYWORD_LITERALS: Record<string, unknown> = { true: true, True: true, false: false, False: false, null: null, none: null, None: null };

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }
  private next(): Token {
    return this.tokens[this.pos++] as Token;
  }
  private isName(text: string, ahead = 0): boolean {
    const t = this.tokens[this.pos + ahead];
    return t?.kind === 'name' && t.text === text;
  }
  private expect(kind: Token['kind'], text: string, hint: string): Token {
    const t = this.peek();
    if (t.kind !== kind || t.text !== text) throw unexpected(t, hint);
    return this.next();
  }

  parse(): WhenNode {
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw unexpected(t, 'expected and, or, or the end of the expression');
    return node;
  }

  private or(): WhenNode {
    let left = this.and();
    while (this.isName('or')) {
      this.next();
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): WhenNode {
    let left = this.not();
    while (this.isName('and')) {
      this.next();
      left = { type: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): WhenNode {
    if (this.isName('not')) {
      this.next();
      return { type: 'not', operand: this.not() };
    }
    return this.comparison();
  }

  private comparison(): WhenNode {
    const left = this.operand();
    const t = this.peek();
    if (t.kind === 'op') {
      this.next();
      return { type: 'compare', op: t.text as CompareOp, left, right: this.operand(), offset: t.offset };
    }
    if (this.isName('in')) {
      this.next();
      return { type: 'compare', op: 'in', left, right: this.operand(), offset: t.offset };
    }
    if (this.isName('not') && this.isName('in', 1)) {
      this.next();
      this.next();
      return { type: 'compare', op: 'not in', left, right: this.operand(), offset: t.offset };
    }
    if (this.isName('is')) {
      this.next();
      let negated = false;
      if (this.isName('not')) {
        this.next();
        negated = true;
      }
      const test = this.peek();
      if (!(test.kind === 'name' && (test.text === 'defined' || test.text === 'undefined'))) {
        throw unexpected(test, "after 'is' comes 'defined', 'not defined' or 'undefined'");
      }
      this.next();
      if (test.text === 'undefined') negated = !negated;
      return { type: 'defined', negated, operand: left };
    }
    return left;
  }

  private operand(): WhenNode {
    const t = this.next();
    if (t.kind === 'string' || t.kind === 'number') return { type: 'literal', value: t.value };
    if (t.kind === 'punct' && t.text === '(') {
      const inner = this.or();
      this.expect('punct', ')', "expected ')'");
      return inner;
    }
    if (t.kind === 'punct' && t.text === '[') {
      const items: WhenNode[] = [];
      if (!(this.peek().kind === 'punct' && this.peek().text === ']')) {
        for (;;) {
          items.push(this.operand());
          const sep = this.peek();
          if (sep.kind === 'punct' && sep.text === ',') {
            this.next();
            continue;
          }
          break;
        }
      }
      this.expect('punct', ']', "expected ',' or ']'");
      return { type: 'list', items };
    }
    if (t.kind === 'name') {
      if (Object.prototype.hasOwnProperty.call(KEYWORD_LITERALS, t.text)) return { type: 'literal', value: KEYWORD_LITERALS[t.text] };
      if (['and', 'or', 'not', 'in', 'is'].includes(t.text)) throw unexpected(t, OPERAND_HINT);
      return this.path(t);
    }
    throw unexpected(t, OPERAND_HINT);
  }

  private path(first: Token): WhenNode {
    const path: (string | number)[] = [first.text];
    let end = first.offset + first.text.length;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && t.text === '.') {
        this.next();
        const key = this.next();
        if (key.kind !== 'name' && key.kind !== 'number') throw unexpected(key, "expected a name after '.'");
        path.push(key.kind === 'number' ? (key.value as number) : key.text);
        end = key.offset + key.text.length;
      } else if (t.kind === 'punct' && t.text === '[') {
        this.next();
        const key = this.next();
        if (key.kind !== 'string' && key.kind !== 'number') throw unexpected(key, "expected a number or a quoted key inside [ ]");
        path.push(key.value as string | number);
        end = this.expect('punct', ']', "expected ']'").offset + 1;
      } else {
        break;
      }
    }
    return { type: 'variable', path, text: this.source.slice(first.offset, end), offset: first.offset };
  }
}

function unexpected(t: Token, hint: string): WhenSyntaxError {
  const what = t.kind === 'end' ? 'unexpected end of expression' : `unexpected '${t.text}'`;
  return new WhenSyntaxError(what, t.offset, hint);
}

/** Strips a Jinja-style `{{ … }}` wrapper, which Ansible users often write. */
export function unwrap(source: string): { text: string; shift: number } {
  const m = /^(\s*\{\{)(.*)\}\}\s*$/s.exec(source);
  if (!m) return { text: source, shift: 0 };
  return { text: m[2] as string, shift: (m[1] as string).length };
}

/** Parses one `when` condition; WhenSyntaxError offsets are into the original text. */
export function parseWhen(source: string): WhenNode {
  const { text, shift } = unwrap(source);
  try {
    return new Parser(tokenize(text), text).parse();
  } catch (error) {
    if (error instanceof WhenSyntaxError) throw new WhenSyntaxError(error.message, error.offset + shift, error.hint);
    throw error;
  }
}
