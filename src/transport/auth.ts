/**
 * Which credentials a connection offers, in ssh's order: the SSH agent
 * (`SSH_AUTH_SOCK`), then identity files (the host's `identity_file`, else
 * ~/.ssh/id_ed25519, id_ecdsa, id_rsa when present). Key files are read here
 * and handed to ssh2 as bytes; their content never reaches a message.
 */
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, NextAuthHandler, ParsedKey } from 'ssh2';
import { expandHome } from './paths.ts';

export interface Credentials {
  /** Agent socket path, or null when there is no agent. */
  agent: string | null;
  /** Usable private keys, by path. */
  keys: { path: string; key: Buffer }[];
  /** Identity files that were found but cannot be used, with why (for the error message). */
  skipped: string[];
}

export interface CredentialSources {
  /** The host's `identity_file` setting (overrides the default files). */
  identityFile: string | null;
  /** Agent socket; undefined means `SSH_AUTH_SOCK`, null means no agent. */
  agent?: string | null;
  /** Files tried when the host names none (only those that exist). */
  defaultIdentityFiles: string[];
}

/** Reads the identity files a connection will offer. An explicit file that is missing is listed as skipped. */
export function loadCredentials(sources: CredentialSources, env: NodeJS.ProcessEnv = process.env): Credentials {
  const agentSocket = sources.agent === undefined ? env.SSH_AUTH_SOCK || null : sources.agent;
  const explicit = sources.identityFile !== null;
  const paths = explicit ? [expandHome(sources.identityFile as string)] : sources.defaultIdentityFiles.map((p) => expandHome(p));
  const keys: Credentials['keys'] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Default files that do not exist are simply not used, as in ssh.
      if (explicit || code !== 'ENOENT') skipped.push(`${path} (${code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? 'error'}`})`);
      continue;
    }
    const parsed = ssh2.utils.parseKey(bytes);
    if (parsed instanceof Error) {
      const why = /passphrase|encrypted/i.test(parsed.message) ? 'encrypted: load it into ssh-agent' : 'not a private key ssh2 can read';
      skipped.push(`${path} (${why})`);
    } else if (!firstKey(parsed)?.isPrivateKey()) {
      skipped.push(`${path} (not a private key)`);
    } else {
      keys.push({ path, key: bytes });
    }
  }
  return { agent: agentSocket, keys, skipped };
}

/** ssh2 returns an array for files holding several keys (its types omit that); OpenSSH uses the first. */
function firstKey(parsed: ParsedKey | ParsedKey[]): ParsedKey | undefined {
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

/**
 * An ssh2 authHandler offering the agent, then each key. `tried` receives a
 * label for every method actually offered to the server, for the error message.
 */
export function makeAuthHandler(username: string, credentials: Credentials, tried: string[]): AuthHandlerMiddleware {
  const queue: { label: string; method: AnyAuthMethod }[] = [];
  if (credentials.agent) queue.push({ label: 'agent', method: { type: 'agent', username, agent: credentials.agent } });
  for (const { path, key } of credentials.keys) queue.push({ label: path, method: { type: 'publickey', username, key } });
  // ssh2 reads `false` as "no more methods"; its type definitions omit it.
  const giveUp = (next: NextAuthHandler): void => next(false as unknown as AuthenticationType);
  // ssh2 passes null on the first call, before the server has listed its methods.
  return (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler) => {
    // Both agent and key files authenticate with the `publickey` method.
    if (methodsLeft !== null && !methodsLeft.includes('publickey')) return giveUp(next);
    const item = queue.shift();
    if (!item) return giveUp(next);
    tried.push(item.label);
    return next(item.method);
  };
}

/** `tried: agent, /root/.ssh/id_ed25519; skipped: /x (encrypted: …)` */
export function describeAttempts(tried: readonly string[], skipped: readonly string[]): string {
  const parts = [`tried: ${tried.length > 0 ? [...new Set(tried)].join(', ') : 'no agent (SSH_AUTH_SOCK unset) and no identity file'}`];
  if (skipped.length > 0) parts.push(`skipped: ${skipped.join(', ')}`);
  return parts.join('; ');
}
