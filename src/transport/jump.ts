/**
 * Jump hosts (bastions) as the inventory writes them: `user@host:port`, user
 * and port optional, IPv6 in brackets (`admin@[2001:db8::1]:2222`), or
 * ProxyJump's URI form `ssh://user@host:port`.
 */

export interface JumpHost {
  /** null: connect as the target host's user. */
  user: string | null;
  host: string;
  port: number;
}

const FORM = /^(?:([^@\s:[\]]+)@)?(?:\[([0-9A-Fa-f:.%A-Za-z]+)\]|([^@\s:[\]]+))(?::(\d{1,5}))?$/;

/** Parses one jump host; throws an Error whose message says what is allowed. */
export function parseJumpHost(spec: string): JumpHost {
  // ProxyJump also takes the URI form ssh://user@host:port.
  const m = FORM.exec(spec.trim().replace(/^ssh:\/\//, ''));
  const port = m?.[4] === undefined ? 22 : Number(m[4]);
  if (!m || port < 1 || port > 65535) {
    throw new Error(`invalid jump host ${JSON.stringify(spec)} (use user@host:port; user and port are optional, IPv6 as [addr]:port)`);
  }
  return { user: m[1] ?? null, host: (m[2] ?? m[3]) as string, port };
}

export function formatJumpHost(jump: JumpHost): string {
  const host = jump.host.includes(':') ? `[${jump.host}]` : jump.host;
  return `${jump.user ? `${jump.user}@` : ''}${host}:${jump.port}`;
}
