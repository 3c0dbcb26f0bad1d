/**
 * Ansible reads INI values with Python's `ast.literal_eval` and keeps the text
 * when that fails. This parses the same literals: numbers, strings (adjacent
 * ones joined), True/False/None, lists, tuples, sets (as lists) and dicts,
 * with an optional trailing `# comment`. Anything else stays the text it was,
 * e.g. `true` (Python's booleans are capitalised) or `10.0.0.1`.
 */

class NotALiteral extends Error {}

export function parsePythonLiteral(text: string): unknown {
  try {
    const parser = new Parser(text);
    const value = parser.parseTop();
    return value;
  } catch (error) {
    if (error instanceof NotALiteral) return text;
    throw error;
  }
}

const INT = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?[0-9])*|0(?:_?0)*)/;
const FLOAT = /^(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*\.(?:[eE][-+]?[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*[eE][-+]?[0-9](?:_?[0-9])*)/;

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseTop(): unknown {
    this.space();
    if (this.pos >= this.text.length) throw new NotALiteral();
    const first = this.value();
    this.space();
    // `1, 2` is a tuple in Python.
    if (this.peek() === ',') {
      const items = [first];
      while (this.peek() === ',') {
        this.pos++;
        this.space();
        if (this.pos >= this.text.length) break;
        items.push(this.value());
        this.space();
      }
      this.end();
      return items;
    }
    this.end();
    return first;
  }

  private end(): void {
    this.space();
    if (this.pos < this.text.length) throw new NotALiteral();
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  /** Whitespace and a comment running to the end. */
  private space(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.pos++;
      else if (ch === '#') this.pos = this.text.length;
      else break;
    }
  }

  private value(): unknown {
    const ch = this.peek();
    if (ch === '[') return this.sequence('[', ']');
    if (ch === '(') return this.sequence('(', ')');
    if (ch === '{') return this.braces();
    if (ch === '-' || ch === '+') {
      this.pos++;
      this.space();
      const n = this.number();
      return ch === '-' ? -n : n;
    }
    const rest = this.text.slice(this.pos);
    const word = /^(True|False|None)(?![A-Za-z0-9_])/.exec(rest);
    if (word) {
      this.pos += (word[1] as string).length;
      return word[1] === 'True' ? true : word[1] === 'False' ? false : null;
    }
    if (/^[rRbBuU]{0,2}['"]/.test(rest)) return this.strings();
    if (/^\.?[0-9]/.test(rest)) return this.number();
    throw new NotALiteral();
  }

  private number(): number {
    const rest = this.text.slice(this.pos);
    const float = FLOAT.exec(rest);
    const int = INT.exec(rest);
    let length: number;
    let value: number;
    if (float && (!int || float[0].length > int[0].length)) {
      length = float[0].length;
      value = Number(float[0].replace(/_/g, ''));
    } else if (int) {
      length = int[0].length;
      const digits = int[0].replace(/_/g, '');
      const prefix = digits.slice(0, 2).toLowerCase();
      value = prefix === '0x' ? parseInt(digits.slice(2), 16) : prefix === '0o' ? parseInt(digits.slice(2), 8) : prefix === '0b' ? parseInt(digits.slice(2), 2) : Number(digits);
    } else throw new NotALiteral();
    // A number must end here: `05`, `1abc` and complex numbers `1j` are not numbers Ansible keeps.
    if (/^[A-Za-z0-9_.]/.test(rest.slice(length))) throw new NotALiteral();
    this.pos += length;
    return value;
  }

  private strings(): string {
    let out = '';
    do {
      out += this.string();
      this.space();
    } while (/^[rRbBuU]{0,2}['"]/.test(this.text.slice(this.pos)));
    return out;
  }

  private string(): string {
    const prefix = /^[rRbBuU]{0,2}/.exec(this.text.slice(this.pos))?.[0] ?? '';
    if (/[uU]/.test(prefix) && prefix.length > 1) throw new NotALiteral();
    const raw = /[rR]/.test(prefix);
    this.pos += prefix.length;
    const quote = this.text.startsWith('"""', this.pos) ? '"""' : this.text.startsWith("'''", this.pos) ? "'''" : (this.peek() as string);
    this.pos += quote.length;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) throw new NotALiteral();
      if (this.text.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const ch = this.text[this.pos] as string;
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined) throw new NotALiteral();
        if (raw) {
          out += ch + next;
          this.pos += 2;
          continue;
        }
        this.pos += 2;
        out += this.escape(next);
        continue;
      }
      if (quote.length === 1 && ch === '\n') throw new NotALiteral();
      out += ch;
      this.pos++;
    }
  }

  private escape(next: string): string {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
    if (next in simple) return simple[next] as string;
    const hex = (len: number): string => {
      const digits = this.text.slice(this.pos, this.pos + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(digits)) throw new NotALiteral();
      this.pos += len;
      return String.fromCodePoint(parseInt(digits, 16));
    };
    if (next === 'x') return hex(2);
    if (next === 'u') return hex(4);
    if (next === 'U') return hex(8);
    if (/[0-7]/.test(next)) {
      const more = /^[0-7]{0,2}/.exec(this.text.slice(this.pos))?.[0] ?? '';
      this.pos += more.length;
      return String.fromCharCode(parseInt(next + more, 8));
    }
    // Python keeps unknown escapes as written.
    return `\\${next}`;
  }

  private sequence(open: string, close: string): unknown[] {
    this.pos++;
    const items: unknown[] = [];
    this.space();
    let sawComma = false;
    while (this.peek() !== close) {
      if (this.pos >= this.text.length) throw new NotALiteral();
      items.push(this.value());
      this.space();
      if (this.peek() === ',') {
        sawComma = true;
        this.pos++;
        this.space();
      } else if (this.peek() !== close) throw new NotALiteral();
    }
    this.pos++;
    // `(1)` is just 1 in Python; `(1,)` is a tuple.
    if (open === '(' && items.length === 1 && !sawComma) return items[0] as unknown[];
    return items;
  }

  private braces(): unknown {
    this.pos++;
    this.space();
    if (this.peek() === '}') {
      this.pos++;
      return {};
    }
    const first = this.value();
    this.space();
    if (this.peek() !== ':') {
      // A set: read as a list.
      const items = [first];
      while (this.peek() === ',') {
        this.pos++;
        this.space();
        if (this.peek() === '}') break;
        items.push(this.value());
        this.space();
      }
      if (this.peek() !== '}') throw new NotALiteral();
      this.pos++;
      return items;
    }
    const out: Record<string, unknown> = {};
    let key: unknown = first;
    for (;;) {
      if (this.peek() !== ':') throw new NotALiteral();
      this.pos++;
      this.space();
      if (typeof key === 'object' && key !== null) throw new NotALiteral();
      out[String(key)] = this.value();
      this.space();
      if (this.peek() === ',') {
        this.pos++;
        this.space();
      }
      if (this.peek() === '}') {
        this.pos++;
        return out;
      }
      if (this.pos >= this.text.length) throw new NotALiteral();
      key = this.value();
      this.space();
    }
  }
}
