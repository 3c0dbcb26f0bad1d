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
import type { FileState } from './parse.ts';

/** What commands() needs to know about a change (JSON, no content). */
export type FileChangeData =
  | { op: 'write' }
  | { op: 'chmod'; mode: string }
  | { op: 'chown'; owner: string }
  | { op: 'chgrp'; group: string }
  | { op: 'remove' };

function change(summary: string, data: FileChangeData, diff?: string): Change {
  return diff === undefined ? { summary, data } : { summary, data, diff };
}

/** An account matches by numeric id when given as a number, else by name. */
function sameAccount(wanted: string, id: string, name: string): boolean {
  return /^[0-9]+$/.test(wanted) ? wanted === id : wanted === name;
}

function refuseNonRegular(path: string, actual: FileState): void {
  if (actual.kind === 'directory' || actual.kind === 'symlink' || actual.kind === 'other') {
    const what = actual.kind === 'symlink' ? 'a symbolic link' : actual.kind === 'directory' ? 'a directory' : 'not a regular file';
    throw new TaskError(`${path} is ${what}; zonectl only manages regular files there (manage the real path instead)`);
  }
}

export function diffFile(desired: DesiredFile, actual: FileState): Change[] {
  const { path } = desired;
  refuseNonRegular(path, actual);
  if (desired.state === 'absent') {
    return actual.kind === 'regular' ? [change(`remove ${path}`, { op: 'remove' })] : [];
  }
  if (actual.kind === 'missing') {
    const attrs = [
      desired.mode && `mode ${desired.mode}`,
      desired.owner && `owner ${desired.owner}`,
      desired.group && `group ${desired.group}`,
    ].filter(Boolean);
    const note = actual.dirExists ? '' : ` (directory ${posix.dirname(path)} does not exist yet)`;
    const summary = `create ${path}${attrs.length ? ` (${attrs.join(', ')})` : ''}${note}`;
    const text = desired.content ?? '';
    const diff = text === '' ? undefined : unifiedDiff('', text, { oldName: '/dev/null', newName: path });
    return [change(summary, { op: 'write' }, diff)];
  }
  if (actual.kind !== 'regular') return [];
  const changes: Change[] = [];
  const contentDiffers = desired.content !== undefined && actual.content !== desired.content;
  if (contentDiffers) {
    const data: FileChangeData = { op: 'write' };
    if (actual.content === null) {
      changes.push(change(`content of ${path}: binary file replaced by text`, data));
    } else {
      changes.push(change(`content of ${path}`, data, unifiedDiff(actual.content, desired.content ?? '', { oldName: path, newName: path })));
    }
  }
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

