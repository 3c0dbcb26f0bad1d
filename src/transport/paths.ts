/** Paths as operators write them in inventories: `~` means the controller user's home. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function expandHome(path: string, home: string = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/** Where ssh looks by default: ~/.ssh/known_hosts. */
export function defaultKnownHostsFile(home: string = homedir()): string {
  return join(home, '.ssh', 'known_hosts');
}

/** The identity files ssh tries by default, in its order (those that exist are used). */
export function defaultIdentityFiles(home: string = homedir()): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(home, '.ssh', name));
}
