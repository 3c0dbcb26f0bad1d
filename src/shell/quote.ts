/**
 * The one function that turns a value into a POSIX shell word.
 *
 * Every value that reaches a remote shell goes through here: single quotes
 * make every byte literal, and an embedded single quote becomes '\''.
 * NUL cannot be passed through a shell at all, so it is refused.
 */
export function quote(value: string | number): string {
  const text = String(value);
  if (text.includes('\0')) throw new Error('a shell value cannot contain a NUL byte');
  if (text !== '' && /^[A-Za-z0-9_\-./:=@%+,]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Quote each word and join them into one command line. */
export function command(...words: (string | number)[]): string {
  return words.map(quote).join(' ');
}
