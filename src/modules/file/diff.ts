/**
 * Desired file vs the probed one → changes. Pure.
 *
 * Content changes carry a unified diff; mode, owner and group each get their
 * own line. Change.data never holds the content (it may hold secrets and it
 * goes into plan files): commands() takes the text from the desired params.
 */
import { posix } from 'node:path';
import { unifiedDiff } from '../../text/unified-diff.ts';
import { TaskError } from '../contract.ts';
import type { Change } from '../contract.ts';
import type { DesiredFile } from './desired.ts';
import type { FileMeta, FileState } from './parse.ts';

/** What commands() needs to know about a change (JSON, no content). */
export type FileChangeData =
  | { op: 'write' }
  | { op: 'chmod'; mode: string }
  | { op: 'chown'; owner: string }
  | { op: 'chgrp'; group: string }
  | { op: 'remove' }
  | { op: 'mkdir' }
  /** The file's directory is missing: made first, like `install -D` (0755). */
  | { op: 'parent'; dir: string };

function change(summary: string, data: FileChangeData, diff?: string): Change {
  return diff === undefined ? { summary, data } : { summary, data, diff };
}

/** An account matches by numeric id when given as a number, else by name. */
function sameAccount(wanted: string, id: string, name: string): boolean {
  return /^[0-9]+$/.test(wanted) ? wanted === id : wanted === name;
}

function refuseOther(path: string, actual: FileState, wanted: 'regular' | 'directory'): void {
  if (actual.kind === 'symlink' || actual.kind === 'other' || (actual.kind === 'directory' && wanted === 'regular') || (actual.kind === 'regular' && wanted === 'directory')) {
    const what = { symlink: 'a symbolic link', other: 'not a regular file or directory', directory: 'a directory', regular: 'a regular file' }[actual.kind];
    throw new TaskError(`${path} is ${what}; zonectl manages a ${wanted === 'regular' ? 'regular file' : 'directory'} there (manage the real path instead)`);
  }
}

/** Mode, owner and group lines of an existing file or directory. */
function attributeChanges(desired: DesiredFile, actual: FileMeta): Change[] {
  const { path } = desired;
  const changes: Change[] = [];
  if (desired.mode !== undefined && desired.mode !== actual.mode) {
    changes.push(change(`mode of ${path}: ${actual.mode} → ${desired.mode}`, { op: 'chmod', mode: desired.mode }));
  }
  if (desired.owner !== undefined && !sameAccount(desired.owner, actual.uid, actual.user)) {
    changes.push(change(`owner of ${path}: ${actual.user} → ${desired.owner}`, { op: 'chown', owner: desired.owner }));
  }
  if (desired.group !== undefined && !sameAccount(desired.group, actual.gid, actual.group)) {
    changes.push(change(`group of ${path}: ${actual.group} → ${desired.group}`, { op: 'chgrp', group: desired.group }));
  }
  return changes;
}

function attributeList(desired: DesiredFile): string {
  const attrs = [desired.mode && `mode ${desired.mode}`, desired.owner && `owner ${desired.owner}`, desired.group && `group ${desired.group}`].filter(Boolean);
  return attrs.length ? ` (${attrs.join(', ')})` : '';
}

/** The line `create directory DIR` when a missing file's directory is missing too (commands: parentDirectoryScript). */
export function parentDirectoryChanges(path: string, actual: { dirExists: boolean }): Change[] {
  const dir = posix.dirname(path);
  return actual.dirExists ? [] : [change(`create directory ${dir}`, { op: 'parent', dir })];
}

export function diffFile(desired: DesiredFile, actual: FileState): Change[] {
  const { path } = desired;
  if (desired.state === 'directory') {
    refuseOther(path, actual, 'directory');
    if (actual.kind === 'missing') return [change(`create directory ${path}${attributeList(desired)}`, { op: 'mkdir' })];
    return actual.kind === 'directory' ? attributeChanges(desired, actual) : [];
  }
  if (desired.state === 'absent' && actual.kind === 'directory') throw new TaskError(`${path} is a directory; zonectl does not remove directories`);
  refuseOther(path, actual, 'regular');
  if (desired.state === 'absent') {
    return actual.kind === 'regular' ? [change(`remove ${path}`, { op: 'remove' })] : [];
  }
  if (actual.kind === 'missing') {
    const parent = parentDirectoryChanges(path, actual);
    const text = desired.content ?? '';
    const diff = text === '' || desired.diff === false ? undefined : unifiedDiff('', text, { oldName: '/dev/null', newName: path });
    return [...parent, change(`create ${path}${attributeList(desired)}`, { op: 'write' }, diff)];
  }
  if (actual.kind !== 'regular') return [];
  const changes: Change[] = [];
  const contentDiffers = desired.content !== undefined && actual.content !== desired.content;
  if (contentDiffers) {
    const data: FileChangeData = { op: 'write' };
    if (actual.content === null) {
      changes.push(change(`content of ${path}: binary file replaced by text`, data));
    } else if (desired.diff === false) {
      changes.push(change(`content of ${path} (diff not shown)`, data));
    } else {
      changes.push(change(`content of ${path}`, data, unifiedDiff(actual.content, desired.content ?? '', { oldName: path, newName: path })));
    }
  }
  changes.push(...attributeChanges(desired, actual));
  return changes;
}

