/**
 * The SSH transport (ssh2): one connection per host, crossing jump hosts in
 * order, every hop's host key checked against known_hosts, and each script
 * run in ONE exec request (`sh -s`, or `sudo -n …` with become).
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import type { ConnectionSettings } from '../plan/types.ts';
import { loadCredentials, makeAuthHandler, type Credentials } from './auth.ts';
import { finishScript, scriptCommand } from './become.ts';
import { connectFailure, seconds, type HopLabel } from './errors.ts';
import { hostKeyAlgorithms, verifyHostKey } from './host-key.ts';
import { knownHostsName } from './host-pattern.ts';
import { formatJumpHost, parseJumpHost } from './jump.ts';
import { KnownHosts } from './known-hosts.ts';
import { defaultIdentityFiles, defaultKnownHostsFile, expandHome } from './paths.ts';
import { ConnectionError, type ConnectOptions, type Connector, type ExecOptions, type ExecResult, type HostConnection } from './types.ts';

type Options = ConnectOptions & Required<Pick<ConnectOptions, 'connectTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax' | 'commandTimeoutMs'>>;

export const CONNECT_DEFAULTS: Readonly<Pick<Options, 'connectTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax' | 'commandTimeoutMs'>> = {
  connectTimeoutMs: 15_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  commandTimeoutMs: 600_000,
};

interface Hop extends HopLabel {
  user: string;
  port: number;
}

/** The hops from the controller to the host: each jump host in order, then the host. */
export function planHops(host: string, settings: ConnectionSettings): Hop[] {
  const hops: Hop[] = settings.jump.map((spec) => {
    let jump;
    try {
      jump = parseJumpHost(spec);
    } catch (error) {
      throw new ConnectionError('other', host, `${(error as Error).message} in the jump list of ${host}`);
    }
    const user = jump.user ?? settings.user;
    const shown = formatJumpHost({ ...jump, user });
    return { inventoryHost: host, label: `jump host ${shown} (to ${host})`, login: `${user}@${jump.host} (jump host to ${host})`, address: jump.host, user, port: jump.port };
  });
  const name = knownHostsName(settings.address, settings.port);
  const label = name === host.toLowerCase() ? host : `${host} at ${name}`;
  hops.push({ inventoryHost: host, label, login: `${settings.user}@${host}`, address: settings.address, user: settings.user, port: settings.port });
  return hops;
}

export class SshConnector implements Connector {
  private readonly defaults: ConnectOptions;
  /** One parsed known_hosts per file for the whole run, so keys accepted for one host are seen by the next. */
  private readonly knownHostsFiles = new Map<string, KnownHosts>();

  constructor(defaults: ConnectOptions = {}) {
    this.defaults = defaults;
  }

  async connect(host: string, settings: ConnectionSettings, options: ConnectOptions = {}): Promise<HostConnection> {
    const opts: Options = { ...CONNECT_DEFAULTS, ...stripUndefined(this.defaults), ...stripUndefined(options) };
    const hops = planHops(host, settings);
    const knownHosts = this.knownHosts(expandHome(settings.known_hosts ?? opts.knownHostsFile ?? defaultKnownHostsFile()), host);
    const credentials = loadCredentials({
      identityFile: settings.identity_file,
      defaultIdentityFiles: opts.identityFiles ?? defaultIdentityFiles(),
      ...(opts.agentSocket !== undefined ? { agent: opts.agentSocket } : {}),
    });
    const clients: Client[] = [];
    try {
      let sock: Duplex | undefined;
      for (const [i, hop] of hops.entries()) {
        const previous = hops[i - 1];
        const through = clients[i - 1];
        if (previous && through) sock = await openTunnel(through, previous, hop, opts.connectTimeoutMs);
        clients.push(await openHop(hop, sock, knownHosts, credentials, opts));
      }
    } catch (error) {
      for (const client of clients.reverse()) client.end();
      throw error;
    }
    return new SshHostConnection(host, settings, clients, opts);
  }

  private knownHosts(path: string, host: string): KnownHosts {
    let file = this.knownHostsFiles.get(path);
    if (!file) {
      try {
        file = KnownHosts.load(path);
      } catch (error) {
        throw new ConnectionError('other', host, `cannot read known_hosts ${path}: ${(error as Error).message}`);
      }
      this.knownHostsFiles.set(path, file);
    }
    return file;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Connects and authenticates one hop, over `sock` when it is reached through a jump host. */
function openHop(hop: Hop, sock: Duplex | undefined, knownHosts: KnownHosts, credentials: Credentials, opts: Options): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const tried: string[] = [];
    const skipped = [...credentials.skipped];
    let hostKeyError: ConnectionError | null = null;
    let settled = false;
    const fail = (error: ConnectionError): void => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    const knownTypes = knownHosts.knownKeyTypes(hop.address, hop.port);
    const algorithms = hostKeyAlgorithms(knownTypes);
    const config: ConnectConfig = {
      host: hop.address,
      port: hop.port,
      username: hop.user,
      readyTimeout: opts.connectTimeoutMs,
      keepaliveInterval: opts.keepaliveIntervalMs,
      keepaliveCountMax: opts.keepaliveCountMax,
      authHandler: makeAuthHandler(hop.user, credentials, tried),
      hostVerifier: (key: Buffer) => {
        hostKeyError = verifyHostKey(
          { knownHosts, address: hop.address, port: hop.port, label: hop.label, inventoryHost: hop.inventoryHost, acceptNew: opts.acceptNewHostKeys === true },
          key,
        );
        return hostKeyError === null;
      },
      ...(algorithms ? { algorithms: { serverHostKey: algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] } } : {}),
      ...(sock ? { sock } : {}),
    };
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      resolve(client);
    });
    client.on('error', (error: Error & { level?: string }) => {
      if (settled) return; // after ready, the connection object owns errors
      // ssh2 reports these and carries on with the next credential.
      if (error.level === 'agent') {
        const at = tried.lastIndexOf('agent');
        if (at >= 0) tried.splice(at, 1);
        skipped.push(`agent ${credentials.agent ?? ''} (${error.message.toLowerCase()})`);
        return;
      }
      if (error.level === 'client-authentication' && /signing/i.test(error.message)) return;
      fail(hostKeyError ?? connectFailure(error, hop, { connectTimeoutMs: opts.connectTimeoutMs, tried, skipped }));
    });
    client.on('close', () => {
      fail(hostKeyError ?? new ConnectionError('other', hop.inventoryHost, `${hop.label} closed the connection before SSH was ready`));
    });
    try {
      client.connect(config);
    } catch (error) {
      fail(new ConnectionError('other', hop.inventoryHost, `cannot connect to ${hop.label}: ${(error as Error).message}`));
    }
  });
}

/** Asks a jump host for a TCP connection to the next hop (`direct-tcpip`, like ssh -J). */
function openTunnel(through: Client, from: Hop, to: Hop, timeoutMs: number): Promise<ClientChannel> {
  const target = `${to.address}:${to.port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new ConnectionError('timeout', to.inventoryHost, `${from.label} did not connect to ${target} within ${seconds(timeoutMs)} (can it reach the host?)`));
    }, timeoutMs);
    const opened = (error: Error | undefined, stream: ClientChannel): void => {
      clearTimeout(timer);
      if (settled) {
        stream?.close();
        return;
      }
      settled = true;
      if (error) {
        const kind = /refused/i.test(error.message) ? 'refused' : 'other';
        reject(new ConnectionError(kind, to.inventoryHost, `${from.label} could not connect to ${target}: ${error.message.replace(/^\(SSH\) /, '')} (can it reach the host, and does its sshd allow TCP forwarding?)`));
      } else {
        resolve(stream);
      }
    };
    try {
      through.forwardOut('127.0.0.1', 0, to.address, to.port, opened);
    } catch (error) {
      clearTimeout(timer);
      settled = true;
      reject(new ConnectionError('dropped', to.inventoryHost, `${from.label} went away before it could connect to ${target}: ${(error as Error).message}`));
    }
  });
}

/**
 * Sends a `signal` channel request. ssh2's channel.signal() stays silent once
 * stdin is closed, yet RFC 4254 allows the request then, and a script's stdin
 * is always closed; so go through ssh2's protocol object when we can.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as { outgoing?: { id?: number; state?: string }; _client?: { _protocol?: { signal?(id: number, name: string): void } } };
  const { outgoing } = internals;
  const protocol = internals._client?._protocol;
  try {
    if (outgoing?.id !== undefined && (outgoing.state === 'open' || outgoing.state === 'eof') && typeof protocol?.signal === 'function') {
      protocol.signal(outgoing.id, name);
    } else {
      channel.signal(name);
    }
  } catch {
    /* the server may not take signals; closing the channel still ends our wait */
  }
}

class SshHostConnection implements HostConnection {
  private count = 0;
  private lost: ConnectionError | null = null;
  private closing = false;
  private closed = false;
  private readonly waiting = new Set<(error: ConnectionError) => void>();
  private readonly target: Client;

  constructor(
    private readonly host: string,
    private readonly settings: ConnectionSettings,
    private readonly clients: Client[],
    private readonly opts: Options,
  ) {
    const target = clients[clients.length - 1];
    if (!target) throw new Error('a connection needs at least one hop');
    this.target = target;
    for (const client of clients) {
      client.on('error', (error: Error) => this.dropped(/keepalive/i.test(error.message) ? `no answer to ${opts.keepaliveCountMax} keepalives` : error.message));
      client.on('close', () => this.dropped('the connection was closed'));
    }
    target.on('close', () => {
      this.closed = true;
    });
  }

  get execCount(): number {
    return this.count;
  }

  private dropped(reason: string): void {
    if (this.closing) return;
    this.lost ??= new ConnectionError('dropped', this.host, `connection to ${this.host} was lost: ${reason}`);
    for (const notify of this.waiting) notify(this.lost);
  }

  async runScript(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closing) throw new ConnectionError('other', this.host, `connection to ${this.host} is already closed`);
    if (this.lost) throw this.lost;
    const run = scriptCommand(this.settings.become, this.settings.user, `zonectl-become-${randomBytes(12).toString('hex')}`);
    const raw = await this.exec(run.command, script, options.timeoutMs ?? this.opts.commandTimeoutMs);
    return finishScript(raw, run, this.host, this.settings.user);
  }

  /** One exec request: writes `input` to the command's stdin, collects its output and exit status. */
  private exec(command: string, input: string, timeoutMs: number): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exit: { code: number | null; signal: string | undefined } | null = null;
      let channel: ClientChannel | undefined;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (done: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.waiting.delete(onLost);
        done();
      };
      const onLost = (error: ConnectionError): void => settle(() => reject(error));
      this.waiting.add(onLost);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          // OpenSSH refuses signal requests for root logins (no post-auth privilege separation).
          const fate = this.settings.user === 'root' ? 'it may still be running there: sshd does not signal root sessions' : 'asked sshd to kill it';
          settle(() =>
            reject(new ConnectionError('command-timeout', this.host, `script on ${this.host} did not finish within ${seconds(timeoutMs)}; gave up on it (${fate}) (raise --command-timeout if it is just slow)`)),
          );
          // Ask sshd to kill the script (OpenSSH signals its whole process group), and drop the channel either way.
          if (channel) {
            sendSignal(channel, 'KILL');
            channel.close();
          }
        }, timeoutMs);
      }
      this.count += 1;
      const started = (error: Error | undefined, stream: ClientChannel): void => {
        if (error) {
          settle(() => reject(this.lost ?? new ConnectionError('dropped', this.host, `${this.host} did not start the script: ${error.message}`)));
          return;
        }
        if (settled) {
          stream.close();
          return;
        }
        channel = stream;
        stream.on('data', (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        stream.on('exit', (code: number | null, signal?: string) => {
          exit = { code, signal };
        });
        stream.on('error', () => {
          /* a write after the remote side closed; the close event reports the outcome */
        });
        stream.on('close', () => {
          settle(() => {
            if (!exit) {
              reject(this.lost ?? new ConnectionError('dropped', this.host, `the script on ${this.host} ended without an exit status (sshd or the connection went away)`));
              return;
            }
            const result: ExecResult = {
              stdout: Buffer.concat(stdout).toString('utf8'),
              stderr: Buffer.concat(stderr).toString('utf8'),
              exitCode: exit.code ?? 255,
            };
            if (exit.signal) result.signal = exit.signal;
            resolve(result);
          });
        });
        stream.end(input);
      };
      try {
        this.target.exec(command, started);
      } catch (error) {
        // ssh2 throws "Not connected" when the socket is already gone.
        settle(() => reject(this.lost ?? new ConnectionError('dropped', this.host, `connection to ${this.host} was lost: ${(error as Error).message}`)));
      }
    });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const targetClosed = this.closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          timer.unref();
          this.target.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
    // The host first, then the jump hosts it was reached through.
    for (const client of [...this.clients].reverse()) client.end();
    await targetClosed;
  }
}
