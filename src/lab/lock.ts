/**
 * Machine-wide locks between zonectl processes: a directory made atomically,
 * holding the owner's pid so a lock left by a killed process is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TaskError } from '../modules/contract.ts';
import { sleep } from './host.ts';
import { LABS_DIR } from './names.ts';

function ownerAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(`${dir}/pid`, 'utf8'));
  } catch {
    // being made right now, or its maker died before writing: count it alive for a moment
    return true;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` holding the lock `name` (under the labs directory); waits up to `timeoutMs` for another holder. */
export async function withLock<T>(name: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  mkdirSync(LABS_DIR, { recursive: true, mode: 0o755 });
  const dir = `${LABS_DIR}/.lock-${name}`;
  const deadline = Date.now() + timeoutMs;
  let unknownOwnerSince: number | undefined;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(`${dir}/pid`, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const alive = ownerAlive(dir);
      let pidMissing = false;
      try {
        readFileSync(`${dir}/pid`);
      } catch {
        pidMissing = true;
      }
      unknownOwnerSince = pidMissing ? (unknownOwnerSince ?? Date.now()) : undefined;
      if (!alive || (unknownOwnerSince !== undefined && Date.now() - unknownOwnerSince > 5_000)) rmSync(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new TaskError(`another zonectl holds ${dir} (pid ${readFileSync(`${dir}/pid`, 'utf8')})`);
      else await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
