/**
 * How zonectl reaches a host, from its merged variables: zonectl's names
 * (`address`, `port`, `user`, `identity_file`, `known_hosts`, `jump`, `become`,
 * `platform`) and Ansible's (`ansible_host`, `ansible_port`, `ansible_user`,
 * `ansible_ssh_private_key_file`, `ansible_become`, and `-J`/`ProxyJump`/
 * `UserKnownHostsFile` inside `ansible_ssh_common_args`/`ansible_ssh_extra_args`).
 *
 * When both spellings are set, the one set at the higher precedence wins (a
 * host's `ansible_host` beats a group's `address`); set at the same level, the
 * zonectl name wins.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { isUserError, UserErrors, type ErrorCollector, type SourceLocation } from '../errors/index.ts';
import type { ConnectionSettings } from '../plan/types.ts';
import { formatJumpHost, parseJumpHost } from '../transport/jump.ts';
import { describeType } from './describe.ts';
import { shlexSplit } from './shlex.ts';

/** A variable after precedence: its value, where it was written, and how strong that place is. */
export interface MergedVar {
  value: unknown;
  location: SourceLocation;
  level: string;
  /** Higher wins; used to choose between a zonectl name and an Ansible alias. */
  rank: number;
}

export type RenderConnectionValue = (text: string, vars: Record<string, unknown>, where: SourceLocation) => unknown;

export interface ConnectionInput {
  host: string;
  vars: ReadonlyMap<string, MergedVar>;
  /** Directory relative inventory paths are resolved from (the inventory file's own directory is joined to it). */
  cwd: string;
  render: RenderConnectionValue | undefined;
  /** What `{{ }}` in a connection value can use. */
  renderVars: () => Record<string, unknown>;
  errors: ErrorCollector;
  /** Problems already reported: a bad value set on a group is reported once, for its first host. */
  reported: Set<string>;
}

const NAMES = {
  address: ['address', 'ansible_host', 'ansible_ssh_host'],
  port: ['port', 'ansible_port', 'ansible_ssh_port'],
  user: ['user', 'ansible_user', 'ansible_ssh_user'],
  identity_file: ['identity_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'],
  known_hosts: ['known_hosts'],
  jump: ['jump'],
  become: ['become', 'ansible_become'],
  platform: ['platform'],
} as const;

const SSH_ARGS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args'];

/** Every variable name that says how to connect (listed in `zonectl inventory` like any other). */
export const CONNECTION_VARIABLES: readonly string[] = [...Object.values(NAMES).flat(), ...SSH_ARGS];

const PLATFORM = /^[a-z][a-z0-9_]*$/;
const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

interface Candidate {
  name: string;
  value: unknown;
  location: SourceLocation;
  rank: number;
  order: number;
}

/** The winning candidate for a field, rendered; undefined when unset or its template failed (reported). */
function pick(input: ConnectionInput, field: keyof typeof NAMES, extra: Candidate[] = []): Candidate | undefined {
  const found: Candidate[] = [...extra];
  NAMES[field].forEach((name, order) => {
    const v = input.vars.get(name);
    if (v) found.push({ name, value: v.value, location: v.location, rank: v.rank, order });
  });
  // Highest rank wins; at equal rank, the zonectl name (listed first) wins.
  found.sort((a, b) => b.rank - a.rank || a.order - b.order);
  const winner = found[0];
  if (!winner) return undefined;
  try {
    return { ...winner, value: renderValue(input, winner) };
  } catch (error) {
    // An undefined variable in a template is one more located error, not the end of loading.
    if (!isUserError(error)) throw error;
    const list = error instanceof UserErrors ? error.errors : [error];
    for (const e of list) report(input, e.location ?? winner.location, e.message, e.hint);
    return undefined;
  }
}

function fail(input: ConnectionInput, c: Candidate, message: string, hint?: string): void {
  report(input, c.location, `host ${input.host}: ${c.name} ${message}`, hint);
}

/** Without a renderer (e.g. `zonectl inventory`), a templated value is kept as written, unchecked. */
function keptTemplate(input: ConnectionInput, value: unknown): boolean {
  return input.render === undefined && typeof value === 'string' && value.includes('{{');
}

// Module-level helpers rather than closures: resolveConnection runs once per host.
export function resolveConnection(input: ConnectionInput, localUser: string): { connection: ConnectionSettings; platform: string } {
  const { host } = input;
  const sshArgs = readSshArgs(input);

  // Ansible can drive a host without SSH (`local`, `docker`, network_cli…); zonectl always uses SSH.
  const via = input.vars.get('ansible_connection');
  if (via && typeof via.value === 'string' && !['ssh', 'smart', 'paramiko'].includes(via.value)) {
    const key = `${via.location.file}:${via.location.line}:${via.location.col} ansible_connection`;
    if (!input.reported.has(key)) {
      input.reported.add(key);
      input.errors.warn(`host ${host}: ansible_connection ${via.value} is ignored; zonectl connects over SSH`, via.location);
    }
  }

  const connection: ConnectionSettings = { address: host, port: 22, user: localUser, identity_file: null, known_hosts: null, jump: [], become: false };

  const address = pick(input, 'address');
  if (address && keptTemplate(input, address.value)) connection.address = address.value as string;
  else if (address) {
    if (typeof address.value === 'string' && address.value.trim() !== '' && !/\s/.test(address.value.trim())) connection.address = address.value.trim();
    else fail(input, address, `must be a host name or IP address, not ${describe(address.value)}`);
  }

  const port = pick(input, 'port');
  if (port) {
    const n = typeof port.value === 'string' && /^\d+$/.test(port.value.trim()) ? Number(port.value) : port.value;
    if (keptTemplate(input, port.value)) connection.port = port.value as number; // kept as text until compile renders it
    else if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) connection.port = n;
    else fail(input, port, `must be a whole number from 1 to 65535, not ${describe(port.value)}`);
  }

  const user = pick(input, 'user');
  if (user && keptTemplate(input, user.value)) connection.user = user.value as string;
  else if (user) {
    if (typeof user.value === 'string' && user.value.trim() !== '') connection.user = user.value.trim();
    else fail(input, user, `must be a user name, not ${describe(user.value)}`);
  }

  for (const field of ['identity_file', 'known_hosts'] as const) {
    const extra = field === 'known_hosts' ? sshArgs.knownHosts : [];
    const c = pick(input, field, extra);
    if (!c || c.value === null) continue;
    if (typeof c.value === 'string' && c.value.trim() !== '') connection[field] = keptTemplate(input, c.value) ? c.value : resolvePath(c.value.trim(), c.location, input.cwd);
    else fail(input, c, `must be a file path, not ${describe(c.value)}`);
  }

  const jump = pick(input, 'jump', sshArgs.jump);
  if (jump && jump.value !== null && jump.value !== '') {
    const list = typeof jump.value === 'string' ? jump.value.split(',').map((s) => s.trim()).filter(Boolean) : jump.value;
    if (!Array.isArray(list) || list.some((j) => typeof j !== 'string')) {
      fail(input, jump, `must be user@host:port or a list of them, not ${describe(jump.value)}`);
    } else {
      for (const spec of list as string[]) {
        if (keptTemplate(input, spec)) {
          connection.jump.push(spec);
          continue;
        }
        try {
          connection.jump.push(formatJumpHost(parseJumpHost(spec)));
        } catch {
          fail(input, jump, `has an invalid jump host ${JSON.stringify(spec)}`, 'user@host:port; user and port are optional, IPv6 as [addr]:port');
        }
      }
    }
  }

  const become = pick(input, 'become');
  if (become) {
    const v = become.value;
    const text = typeof v === 'string' ? v.trim().toLowerCase() : typeof v === 'number' ? String(v) : undefined;
    if (typeof v === 'boolean') connection.become = v;
    else if (keptTemplate(input, v)) connection.become = v as boolean; // kept as text until compile renders it
    else if (text !== undefined && TRUE.has(text)) connection.become = true;
    else if (text !== undefined && FALSE.has(text)) connection.become = false;
    else fail(input, become, `must be true or false, not ${describe(v)}`, 'yes/no/true/false');
  }

  let platform = 'linux';
  const p = pick(input, 'platform');
  if (p) {
    if (typeof p.value === 'string' && (PLATFORM.test(p.value) || keptTemplate(input, p.value))) platform = p.value;
    else fail(input, p, `must be a platform name such as linux, not ${describe(p.value)}`, 'lower-case letters, digits and _, starting with a letter');
  }
  return { connection, platform };
}

function renderValue(input: ConnectionInput, c: Candidate): unknown {
  if (!input.render) return c.value;
  if (typeof c.value === 'string' && c.value.includes('{{')) return input.render(c.value, input.renderVars(), c.location);
  if (Array.isArray(c.value) && c.value.some((v) => typeof v === 'string' && v.includes('{{'))) {
    return c.value.map((v: unknown) => (typeof v === 'string' && v.includes('{{') ? input.render?.(v, input.renderVars(), c.location) : v));
  }
  return c.value;
}

/** Adds an error once per place and problem: a bad value on a group is reported for its first host only. */
function report(input: ConnectionInput, where: SourceLocation, message: string, hint?: string): void {
  const key = `${where.file}:${where.line}:${where.col} ${message.replace(/^host \S+: /, '')}`;
  if (input.reported.has(key)) return;
  input.reported.add(key);
  input.errors.add(message, where, hint);
}

/** `~` stays for the transport to expand; a relative path is relative to the file that wrote it. */
function resolvePath(path: string, where: SourceLocation, cwd: string): string {
  if (path.startsWith('~') || isAbsolute(path)) return path;
  return resolve(cwd, dirname(where.file), path);
}

/** `-J`, `-o ProxyJump=…` and `-o UserKnownHostsFile=…` inside Ansible's ssh argument variables. */
function readSshArgs(input: ConnectionInput): { jump: Candidate[]; knownHosts: Candidate[] } {
  const jump: Candidate[] = [];
  const knownHosts: Candidate[] = [];
  for (const name of SSH_ARGS) {
    const v = input.vars.get(name);
    if (!v || typeof v.value !== 'string') continue;
    let words: string[];
    try {
      words = shlexSplit(v.value).map((w) => w.text);
    } catch {
      report(input, v.location, `host ${input.host}: ${name} cannot be read as ssh arguments`, 'check its quotes');
      continue;
    }
    const found = (value: string): Candidate => ({ name, value, location: v.location, rank: v.rank, order: 99 });
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      let option: string | undefined;
      if (word === '-J') jump.push(found(words[++i] ?? ''));
      else if (word.startsWith('-J')) jump.push(found(word.slice(2)));
      else if (word === '-o') option = words[++i];
      else if (word.startsWith('-o')) option = word.slice(2);
      if (!option) continue;
      const m = /^(\w+)\s*(?:=|\s)\s*(.*)$/.exec(option);
      const key = m?.[1]?.toLowerCase();
      if (key === 'proxyjump') jump.push(found(m?.[2] ?? ''));
      else if (key === 'userknownhostsfile') knownHosts.push(found(m?.[2] ?? ''));
      else if (key === 'proxycommand') {
        const bastion = jumpFromProxyCommand(m?.[2] ?? '');
        if (bastion) jump.push(found(bastion));
        else report(input, v.location, `host ${input.host}: ${name} has a ProxyCommand zonectl cannot follow`, 'use jump: user@host:port, -J, ProxyJump, or ProxyCommand="ssh -W %h:%p user@bastion"');
      }
    }
  }
  return { jump, knownHosts };
}

/** The bastion of the classic `ProxyCommand="ssh -W %h:%p [-p port] [-l user] [user@]bastion"`, else null. */
function jumpFromProxyCommand(command: string): string | null {
  let words: string[];
  try {
    words = shlexSplit(command).map((w) => w.text);
  } catch {
    return null;
  }
  if (!words[0] || !/(?:^|\/)ssh$/.test(words[0]) || !words.includes('-W')) return null;
  // ssh options that take an argument (so that argument is not the bastion).
  const withArgument = new Set(['-W', '-i', '-o', '-F', '-J', '-b', '-c', '-D', '-E', '-e', '-I', '-L', '-m', '-O', '-Q', '-R', '-S', '-w', '-B']);
  let user: string | undefined;
  let port: string | undefined;
  let bastion: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '-p') port = words[++i];
    else if (word === '-l') user = words[++i];
    else if (withArgument.has(word)) i++;
    else if (!word.startsWith('-') && bastion === undefined) bastion = word;
  }
  if (!bastion) return null;
  if (user && !bastion.includes('@')) bastion = `${user}@${bastion}`;
  return port ? `${bastion}:${port}` : bastion;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return describeType(value);
}
