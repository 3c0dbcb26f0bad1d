/**
 * Probe and parse of a properties file: the file probe, read as key lines.
 */
import { TaskError } from '../contract.ts';
import type { ProbeOutput } from '../contract.ts';
import { parseFileProbe } from '../file/parse.ts';
import type { FileState } from '../file/parse.ts';
import { fileProbe } from '../file/probe.ts';
import { readKeyLines } from './key-lines.ts';
import type { Dialect, KeyLine } from './key-lines.ts';

export interface KeyFileState {
  file: FileState;
  /** The file's text ('' when missing). */
  text: string;
  /** Its key lines, in order, duplicates included. */
  lines: KeyLine[];
}

export function keyFileProbe(path: string): string {
  return fileProbe(path);
}

export function parseKeyFile(output: ProbeOutput, path: string, dialect: Dialect): KeyFileState {
  if (output.exitCode !== 0 && !output.stdout.includes('file.type ')) {
    throw new TaskError(`cannot read ${path}: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
  }
  const file = parseFileProbe(output.stdout, path);
  if (file.kind === 'directory' || file.kind === 'symlink' || file.kind === 'other') {
    throw new TaskError(`${path} is not a regular file (${file.kind}); zonectl only edits regular files`);
  }
  if (file.kind === 'regular' && file.content === null) throw new TaskError(`${path} is not a text file (not UTF-8)`);
  const text = file.kind === 'regular' ? (file.content ?? '') : '';
  return { file, text, lines: readKeyLines(text, dialect) };
}
