/**
 * Host key identity as OpenSSH shows it: the key type named inside the key's
 * wire-format blob, and the `SHA256:` fingerprint of that blob.
 */
import { createHash } from 'node:crypto';

/** `SHA256:<base64 without padding>` — exactly what `ssh-keygen -lf` and ssh print. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The key type a public key blob declares (its first SSH string), e.g.
 * `ssh-ed25519`; null when the blob is not a well-formed SSH public key.
 */
export function keyTypeOf(keyBlob: Buffer): string | null {
  if (keyBlob.length < 4) return null;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || keyBlob.length < 4 + length) return null;
  const type = keyBlob.subarray(4, 4 + length).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? type : null;
}
