/**
 * Saved plans: what `zonectl plan -o FILE` writes and `zonectl apply FILE`
 * applies. Versioned; records what it was computed from (tool version, input
 * hash, the compiled plan with secret placeholders only), the predicted
 * changes (redacted) and a fingerprint of every host's probed state.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors/index.ts';
import type { HostStatus, ReportedChange, RunOutcome, SavedExpectations, SavedPlay } from '../engine/types.ts';
import type { CompiledPlan } from '../plan/types.ts';
import type { SecretStore } from '../secrets/index.ts';
import { VERSION } from '../version.ts';

export const PLANFILE_KIND = 'zonectl-plan';
export const PLANFILE_FORMAT_VERSION = 1;

export interface PlanFilePlay {
  index: number;
  name: string;
  fingerprint: string;
  /** Task id → predicted changes (redacted); tasks in sync are absent. */
  changes: Record<string, ReportedChange[]>;
}

export interface PlanFileHost {
  /** The host's status when the plan was made: only ok/changed hosts can be applied. */
  status: HostStatus;
  /** sha256 over the fingerprints of its plays: the host's probed state as a whole. */
  fingerprint?: string;
  error?: string;
  plays: PlanFilePlay[];
}

export interface PlanFile {
  kind: typeof PLANFILE_KIND;
  formatVersion: typeof PLANFILE_FORMAT_VERSION;
  tool: { name: 'zonectl'; version: string };
  createdAt: string;
  inputHash: string;
  plan: CompiledPlan;
  /** Each host's inventory variables (for the modules' RunContext), secret values removed. */
  hostVars: Record<string, Record<string, unknown>>;
  hosts: Record<string, PlanFileHost>;
}

const TOKEN_SPLIT = /(@@secret\([A-Za-z0-9_.:-]+\)@@)/;
/** Connection variables that hold passwords in Ansible inventories: never saved. */
const SECRET_VARS = /^ansible_(?:ssh_)?(?:become_)?pass(?:word)?$/;

/** Replaces known secret values, keeping placeholders (they are how a saved plan names secrets). */
export function hideSecretValues<T>(secrets: SecretStore, value: T): T {
  if (typeof value === 'string') {
    return value
      .split(TOKEN_SPLIT)
      .map((part, i) => (i % 2 === 1 ? part : secrets.redact(part)))
      .join('') as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => hideSecretValues(secrets, v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideSecretValues(secrets, v)])) as T;
  }
  return value;
}

function hostFingerprint(plays: readonly { fingerprint: string }[]): string {
  const hash = createHash('sha256');
  for (const p of plays) hash.update(`${p.fingerprint}\n`);
  return `sha256:${hash.digest('hex')}`;
}

export function buildPlanFile(
  plan: CompiledPlan,
  result: RunOutcome,
  hostVars: Record<string, Record<string, unknown>>,
  secrets: SecretStore,
  now: Date = new Date(),
): PlanFile {
  const hosts: Record<string, PlanFileHost> = {};
  for (const h of result.hosts) {
    const entry: PlanFileHost = { status: h.status, plays: [] };
    const probed = h.status === 'ok' || h.status === 'changed';
    if (probed) {
      for (const play of h.plays) {
        const changes: Record<string, ReportedChange[]> = {};
        for (const t of play.tasks) if (t.changes.length > 0) changes[t.id] = t.changes;
        entry.plays.push({ index: play.index, name: play.name, fingerprint: play.fingerprint ?? '', changes });
      }
      entry.fingerprint = hostFingerprint(entry.plays);
    }
    if (h.error) entry.error = h.error;
    hosts[h.host] = entry;
  }
  const vars: Record<string, Record<string, unknown>> = {};
  for (const [host, v] of Object.entries(hostVars)) {
    vars[host] = Object.fromEntries(Object.entries(v).filter(([k]) => !SECRET_VARS.test(k)));
  }
  const file: PlanFile = {
    kind: PLANFILE_KIND,
    formatVersion: PLANFILE_FORMAT_VERSION,
    tool: { name: 'zonectl', version: VERSION },
    createdAt: now.toISOString(),
    inputHash: plan.inputHash,
    plan,
    hostVars: hideSecretValues(secrets, vars),
    hosts: hideSecretValues(secrets, hosts),
  };
  // The compiled plan holds placeholders only; refuse rather than save a value that slipped through.
  const text = JSON.stringify(file);
  if (hideSecretValues(secrets, text) !== text) {
    throw new UserError('the plan holds a secret value instead of a placeholder; refusing to save it', undefined, 'mark the value with !secret NAME');
  }
  return file;
}

/**
 * Checks, before any host is probed, that the plan can be written there: a
 * typo in -o should not cost a dry run of the whole zone.
 */
export function assertPlanFileWritable(path: string): void {
  const where = { file: path, line: 1, col: 1 };
  if (path.trim() === '') throw new UserError('-o needs a file name', undefined, 'e.g. -o change-42.plan.json');
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // does not exist yet: fine
  }
  if (isDirectory) throw new UserError('cannot write the plan file: it is a directory', where, 'give a file name, e.g. DIR/change-42.plan.json');
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'is not writable' : 'does not exist';
    throw new UserError(`cannot write the plan file: directory ${dir} ${why}`, where);
  }
}

/** Writes atomically (temp file + rename), readable by the owner only. */
export function writePlanFile(path: string, file: PlanFile): void {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    throw new UserError(`cannot write the plan file: ${(error as Error).message}`, { file: path, line: 1, col: 1 });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Loads and checks a plan file; a missing, corrupt, foreign or other-version file is a one-line error. */
export function readPlanFile(path: string, toolVersion: string = VERSION): PlanFile {
  const where = { file: path, line: 1, col: 1 };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such plan file' : `cannot read the plan file: ${(error as Error).message}`, where);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError('not a zonectl plan file: it is not valid JSON (corrupt or truncated?)', where, 'make it with zonectl plan -o FILE');
  }
  if (!isRecord(data) || data.kind !== PLANFILE_KIND) {
    throw new UserError('not a zonectl plan file (no "kind": "zonectl-plan")', where, 'make it with zonectl plan -o FILE');
  }
  if (data.formatVersion !== PLANFILE_FORMAT_VERSION) {
    throw new UserError(`plan file format ${JSON.stringify(data.formatVersion)} is not supported`, where, `this zonectl reads format ${PLANFILE_FORMAT_VERSION}; re-run zonectl plan`);
  }
  const tool = isRecord(data.tool) ? data.tool.version : undefined;
  if (tool !== toolVersion) {
    throw new UserError(`the plan was made by zonectl ${String(tool)}, this is zonectl ${toolVersion}`, where, 're-run zonectl plan with this version');
  }
  const plan = data.plan;
  if (!isRecord(plan) || !isRecord(plan.hosts) || !isRecord(data.hosts) || !isRecord(data.hostVars)) {
    throw new UserError('the plan file is incomplete (plan, hosts or hostVars missing)', where, 're-run zonectl plan');
  }
  for (const [name, host] of Object.entries(data.hosts)) {
    if (!isRecord(host) || !Array.isArray(host.plays) || !isRecord(plan.hosts[name])) {
      throw new UserError(`the plan file's entry for host ${name} is malformed`, where, 're-run zonectl plan');
    }
  }
  return data as unknown as PlanFile;
}

/** What `apply FILE` expects of each host; hosts that were not probed successfully are left out (refused as stale). */
export function savedExpectations(file: PlanFile): SavedExpectations {
  const out = new Map<string, Map<number, SavedPlay>>();
  for (const [host, entry] of Object.entries(file.hosts)) {
    if (entry.status !== 'ok' && entry.status !== 'changed') continue;
    out.set(host, new Map(entry.plays.map((p) => [p.index, { fingerprint: p.fingerprint, changes: p.changes }])));
  }
  return out;
}
