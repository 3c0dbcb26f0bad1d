/**
 * Splits a line into words as Python's `shlex.split(line, comments=True)` does
 * in POSIX mode, which is how Ansible reads INI host lines: quotes group and are
 * removed, a backslash escapes outside single quotes, and `#` outside quotes
 * starts a comment even inside a word (so `pw=a#b` is `pw=a`).
 */

export class ShlexError extends Error {}

export interface ShlexWord {
  text: string;
  /** Offset in the line where the word starts (for error columns). */
  start: number;
}

export function shlexSplit(line: string): ShlexWord[] {
  const words: ShlexWord[] = [];
  let word = '';
  let inWord = false;
  let start = 0;
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      if (inWord) words.push({ text: word, start });
      word = '';
      inWord = false;
      i++;
      continue;
    }
    if (ch === '#') break;
    if (!inWord) start = i;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new ShlexError('no closing quotation');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new ShlexError('no closing quotation');
        const c = line[i] as string;
        if (c === '"') break;
        // Inside double quotes a backslash escapes only `"` and `\`; otherwise it stays.
        if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          word += line[i + 1];
          i += 2;
        } else {
          word += c;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('no escaped character');
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push({ text: word, start });
  return words;
}
