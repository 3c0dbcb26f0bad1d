/**
 * In-process SSH servers (ssh2's Server) for the transport tests, on
 * 127.0.0.1 with a random port. They run exec requests for real (`sh -c
 * COMMAND`, stdin/stdout/stderr piped, exit status or signal reported), check
 * public keys with real signatures, and can forward `direct-tcpip` like a
 * bastion. Everything they start is stopped by close().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect as netConnect, type Server as NetServer, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, ServerChannel } from 'ssh2';

export interface KeyPair {
  /** OpenSSH private key text. */
  private: string;
  /** `ssh-ed25519 AAAA…` */
  public: string;
  /** The public key's wire blob. */
  blob: Buffer;
  type: string;
}

export function generateKey(type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519'): KeyPair {
  const pair = type === 'ed25519' ? ssh2.utils.generateKeyPairSync('ed25519') : type === 'ecdsa' ? ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }) : ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 });
  const parsed = ssh2.utils.parseKey(pair.public) as ParsedKey;
  return { private: pair.private, public: pair.public, blob: parsed.getPublicSSH(), type: parsed.type };
}

export interface TestServerOptions {
  hostKeys: KeyPair[];
  /** Public keys allowed to log in (any user). */
  authorizedKeys: KeyPair[];
  /** Accept `direct-tcpip` and connect it to the requested address (a bastion). */
  forwarding?: boolean;
  /** Replaces running the command, e.g. to drop the connection mid-command. */
  onExec?: (command: string, channel: ServerChannel, socket: Socket) => void;
  /** Run commands as this uid/gid instead of the test's user. */
  runAs?: { uid: number; gid: number };
}

export interface TestServer {
  port: number;
  /** Commands received in exec requests, in order. */
  commands: string[];
  /** Users that authenticated successfully. */
  logins: string[];
  close(): Promise<void>;
}

export async function startSshServer(options: TestServerOptions): Promise<TestServer> {
  const commands: string[] = [];
  const logins: string[] = [];
  const sockets = new Set<Socket>();
  const children = new Set<ChildProcess>();
  const allowed = options.authorizedKeys.map((k) => ssh2.utils.parseKey(k.public) as ParsedKey);

  const ssh = new ssh2.Server({ hostKeys: options.hostKeys.map((k) => k.private) }, (client: Connection) => {
    client.on('error', () => {
      /* a client that goes away mid-test */
    });
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const key = allowed.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
      if (!key) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept(); // the "would this key do?" query
      if (ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) {
        logins.push(ctx.username);
        return ctx.accept();
      }
      return ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let child: ChildProcess | undefined;
        session.on('signal', (_accept, _reject, info) => {
          const name = info.name.startsWith('SIG') ? info.name : `SIG${info.name}`;
          if (child?.pid) killGroup(child.pid, name as NodeJS.Signals);
        });
        session.on('exec', (accept, _reject, info) => {
          commands.push(info.command);
          const channel = accept();
          const socket = (client as unknown as { _sock: Socket })._sock;
          if (options.onExec) return options.onExec(info.command, channel, socket);
          const proc = spawn('sh', ['-c', info.command], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], ...(options.runAs ?? {}) });
          child = proc;
          children.add(proc);
          channel.pipe(proc.stdin);
          proc.stdin.on('error', () => {});
          proc.stdout.pipe(channel, { end: false });
          proc.stderr.pipe(channel.stderr, { end: false });
          // The client closing the channel (e.g. after its timeout) ends the command, as sshd does.
          channel.on('close', () => proc.pid && proc.exitCode === null && killGroup(proc.pid, 'SIGHUP'));
          proc.on('close', (code, signal) => {
            children.delete(proc);
            if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
            else channel.exit(code ?? 255);
            channel.end();
          });
        });
      });
      if (options.forwarding) {
        client.on('tcpip', (accept, reject, info) => {
          const upstream = netConnect(info.destPort, info.destIP);
          upstream.once('error', () => reject());
          upstream.once('connect', () => {
            const channel = accept();
            channel.pipe(upstream).pipe(channel);
            channel.on('close', () => upstream.destroy());
            upstream.on('close', () => channel.close());
          });
        });
      }
    });
  });

  const net = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    ssh.injectSocket(socket);
  });
  const port = await listen(net);
  return {
    port,
    commands,
    logins,
    close: async () => {
      for (const child of children) if (child.pid) killGroup(child.pid, 'SIGKILL');
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => net.close(() => resolve()));
    },
  };
}

/** A TCP server that accepts connections and never says a word: a hung sshd. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const net = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  const port = await listen(net);
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => net.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const net = createServer();
  const port = await listen(net);
  await new Promise<void>((resolve) => net.close(() => resolve()));
  return port;
}

function listen(server: NetServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('no port'));
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
