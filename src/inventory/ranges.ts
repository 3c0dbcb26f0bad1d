/**
 * Ansible host ranges: `kvm[01:10]`, `node[a:c]`, `db[1:9:2]`, several per name
 * (`r[1:2]-p[a:b]`). Leading zeros in the begin value set the width, as Ansible
 * does; a range that would give nothing is an error rather than zero hosts.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export class HostRangeError extends Error {}

export function hasHostRange(name: string): boolean {
  return name.includes('[');
}

/** Expands every `[begin:end(:step)]` in a host name; a name without one is returned alone. */
export function expandHostRange(name: string): string[] {
  const open = name.indexOf('[');
  if (open === -1) return [name];
  const close = name.indexOf(']', open);
  if (close === -1) throw new HostRangeError(`unclosed host range in ${JSON.stringify(name)}`);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostRangeError(`host range must be [begin:end] or [begin:end:step], not [${bounds.join(':')}]`);
  const begin = bounds[0] || '0';
  const end = bounds[1] ?? '';
  const stepText = bounds[2] ?? '1';
  if (!end) throw new HostRangeError('host range must have an end value');
  if (!/^[1-9][0-9]*$/.test(stepText)) throw new HostRangeError(`host range step must be a whole number of at least 1, not ${JSON.stringify(stepText)}`);
  const step = Number(stepText);

  let items: string[];
  const alpha = /^[a-zA-Z]$/;
  if (alpha.test(begin) && alpha.test(end)) {
    const from = LETTERS.indexOf(begin);
    const to = LETTERS.indexOf(end);
    if (from > to) throw new HostRangeError(`host range must have begin <= end, not [${begin}:${end}]`);
    items = [];
    for (let i = from; i <= to; i += step) items.push(LETTERS[i] as string);
  } else if (/^[0-9]+$/.test(begin) && /^[0-9]+$/.test(end)) {
    const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0;
    if (width && width !== end.length) throw new HostRangeError(`host range with leading zeros needs begin and end of equal length, not [${begin}:${end}]`);
    const from = Number(begin);
    const to = Number(end);
    if (from > to) throw new HostRangeError(`host range must have begin <= end, not [${begin}:${end}]`);
    items = [];
    for (let i = from; i <= to; i += step) items.push(width ? String(i).padStart(width, '0') : String(i));
  } else {
    throw new HostRangeError(`host range must be numbers ([01:10]) or single letters ([a:f]), not [${begin}:${end}]`);
  }
  return items.flatMap((item) => expandHostRange(`${head}${item}${tail}`));
}

/**
 * A host as written in an inventory: a name or range, optionally with `:port`
 * (`kvm01:2222`, `[2001:db8::1]:2222`), as Ansible's `_expand_hostpattern` reads it.
 */
export function expandHostDeclaration(written: string): { names: string[]; port: number | undefined } {
  let pattern = written.trim();
  let port: number | undefined;
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(pattern);
  const hostport = /^((?:[^:[\]]|\[[^\]]*\])*):(\d+)$/.exec(pattern);
  const match = bracketed ?? hostport;
  if (match) {
    pattern = match[1] as string;
    port = Number(match[2]);
  }
  if (!pattern) throw new HostRangeError('empty host name');
  if (pattern.endsWith(':')) throw new HostRangeError(`host ${JSON.stringify(written)} ends in ':' (give a port number after it, or remove it)`);
  if (/[\s,]/.test(pattern)) throw new HostRangeError(`host name ${JSON.stringify(written)} contains a space or comma`);
  // An IPv6 address is not a range, even though `[` never appears in one: only bracketed forms matter here.
  const names = hasHostRange(pattern) ? expandHostRange(pattern) : [pattern];
  return { names, port };
}
