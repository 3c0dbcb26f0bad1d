/**
 * Parses fileProbe() output (see probe.ts) into the state of one file.
 */
import { TaskError } from '../contract.ts';

/** Mode and owner as stat prints them. */
export interface FileMeta {
  /** Four octal digits, e.g. '0644'. */
  mode: string;
  uid: string;
  gid: string;
  /** Names as stat prints them ('UNKNOWN' when the id has no name). */
  user: string;
  group: string;
}

export type FileState =
  | { kind: 'missing'; dirExists: boolean }
  | (FileMeta & {
      kind: 'regular';
      /** The text, or null when the bytes are not UTF-8 (a binary file). */
      content: string | null;
    })
  | (FileMeta & { kind: 'directory' })
  | { kind: 'symlink' | 'other' };

/**
 * `expected`: the content given to fileProbe(); a `file.same` answer means the
 * host found exactly these bytes.
 */
export function parseFileProbe(stdout: string, path: string, expected?: string): FileState {
  const lines = stdout.split('\n');
  const value = (prefix: string): string | undefined => lines.find((l) => l.startsWith(`${prefix} `))?.slice(prefix.length + 1);
  const type = value('file.type');
  switch (type) {
    case 'missing':
      return { kind: 'missing', dirExists: value('file.dir') === 'yes' };
    case 'symlink':
    case 'other':
      return { kind: type };
    case 'directory':
    case 'regular':
      break;
    default:
      throw new TaskError(`cannot read the state of ${path}: unexpected probe output ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const meta = value('file.meta')?.split(' ');
  if (!meta || meta.length < 5 || !/^[0-7]{1,4}$/.test(meta[0] ?? '')) {
    throw new TaskError(`cannot read the mode and owner of ${path} (stat failed)`);
  }
  const [mode, uid, gid, user, group] = meta as [string, string, string, string, string];
  const attributes: FileMeta = { mode: mode.padStart(4, '0'), uid, gid, user, group };
  if (type === 'directory') return { kind: 'directory', ...attributes };
  if (lines.includes('file.unreadable')) throw new TaskError(`cannot read ${path}: permission denied (run as root or with become)`);
  if (lines.includes('file.same')) {
    if (expected === undefined) throw new TaskError(`cannot read ${path}: the probe compared its content, but the expected content is not known here`);
    return { kind: 'regular', ...attributes, content: expected };
  }
  const start = lines.indexOf('file.base64');
  const end = lines.indexOf('file.end', start + 1);
  if (start === -1 || end === -1) throw new TaskError(`cannot read ${path}: its content did not arrive whole`);
  const bytes = Buffer.from(lines.slice(start + 1, end).join(''), 'base64');
  let content: string | null;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    content = null;
  }
  return { kind: 'regular', ...attributes, content };
}
