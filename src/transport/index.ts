/** The transport: how the engine reaches hosts. See docs/ssh.md. */
export * from './types.ts';
export { SshConnector, planHops, CONNECT_DEFAULTS } from './ssh.ts';
export { LocalConnector } from './local.ts';
export { KnownHosts, type KnownHostEntry, type HostKeyStatus, type HostKeyVerdict } from './known-hosts.ts';
export { fingerprintSha256, keyTypeOf } from './fingerprint.ts';
export { parseJumpHost, formatJumpHost, type JumpHost } from './jump.ts';
