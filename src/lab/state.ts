/**
 * The lab's record of what it made on this machine, in `<stateDir>/state.json`.
 * Every item is recorded BEFORE it is created, so `down` after a failed or
 * interrupted `up` still knows about everything that may exist.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { LABS_DIR, labStateDir } from './names.ts';

export interface NodeRecord {
  name: string;
  /** Stable across ups: decides the address and the controller-side interface name. */
  index: number;
  netns: string;
  address: string;
  groups: string[];
  mgmtHostIface: string;
}

export interface LinkRecord {
  /** `node:iface` of each end. */
  a: string;
  b: string;
  mtu: number | null;
}

export interface SegmentMemberRecord {
  endpoint: string;
  hostIface: string;
}

export interface SegmentRecord {
  name: string;
  bridge: string;
  mtu: number | null;
  members: SegmentMemberRecord[];
}

export interface LabRecord {
  format: 1;
  name: string;
  topologyFile: string;
  subnet: string;
  /** Controller mount points the lab made (its tmpfs). */
  mounts: string[];
  /** Controller interfaces the lab made (bridges, veth ends). */
  hostLinks: string[];
  netns: string[];
  nodes: NodeRecord[];
  links: LinkRecord[];
  segments: SegmentRecord[];
}

export function stateFile(lab: string): string {
  return `${labStateDir(lab)}/state.json`;
}

export function readRecord(lab: string): LabRecord | undefined {
  const file = stateFile(lab);
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as LabRecord;
    return record.format === 1 ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Atomic: a crash leaves the old or the new record, never half of one. */
export function writeRecord(record: LabRecord): void {
  const dir = labStateDir(record.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = stateFile(record.name);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function emptyRecord(name: string, topologyFile: string, subnet: string): LabRecord {
  return { format: 1, name, topologyFile, subnet, mounts: [], hostLinks: [], netns: [], nodes: [], links: [], segments: [] };
}

/** Names of labs with a state directory on this machine. */
export function labNames(): string[] {
  try {
    return readdirSync(LABS_DIR).filter((n) => existsSync(`${LABS_DIR}/${n}/state.json`)).sort();
  } catch {
    return [];
  }
}

/** Adds an item to a list in the record once, and saves. */
export function remember(record: LabRecord, list: 'mounts' | 'hostLinks' | 'netns', item: string): void {
  if (!record[list].includes(item)) {
    record[list].push(item);
    writeRecord(record);
  }
}

export function forget(record: LabRecord, list: 'mounts' | 'hostLinks' | 'netns', item: string): void {
  const i = record[list].indexOf(item);
  if (i >= 0) {
    record[list].splice(i, 1);
    writeRecord(record);
  }
}
