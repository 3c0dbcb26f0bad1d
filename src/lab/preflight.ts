/**
 * What the machine must offer before a lab can come up: root, network
 * namespaces, overlayfs, and the Debian packages the topology needs (nodes run
 * the controller's own binaries through the overlay).
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors/index.ts';
import { run, tryRun } from './host.ts';

export interface PreflightOptions {
  install?: boolean;
  log?: (line: string) => void;
}

export function machineProblems(): string[] {
  const problems: string[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) problems.push('run as root (the lab makes namespaces, mounts and links)');
  if (!existsSync('/proc/self/ns/net')) problems.push('this kernel has no network namespaces');
  let filesystems = '';
  try {
    filesystems = readFileSync('/proc/filesystems', 'utf8');
  } catch {
    // reported below
  }
  if (!/\toverlay$/m.test(filesystems)) problems.push('this kernel has no overlayfs (modprobe overlay)');
  return problems;
}

/** Packages from the list that dpkg does not have installed. */
export async function missingPackages(packages: string[]): Promise<string[]> {
  const result = await tryRun(['dpkg-query', '-W', '-f=${Package} ${Status}\\n', ...packages]);
  const installed = new Set(
    result.stdout
      .split('\n')
      .filter((l) => l.endsWith(' install ok installed'))
      .map((l) => l.split(' ')[0]),
  );
  return packages.filter((p) => !installed.has(p));
}

export async function preflight(packages: string[], options: PreflightOptions = {}): Promise<void> {
  const problems = machineProblems();
  if (problems.length > 0) throw new UserError(`this machine cannot run a lab: ${problems.join('; ')}`);
  let missing = await missingPackages(packages);
  if (missing.length > 0 && options.install) {
    options.log?.(`installing ${missing.join(' ')}`);
    const env = ['env', 'DEBIAN_FRONTEND=noninteractive'];
    await run([...env, 'apt-get', 'update', '-qq'], { timeoutMs: 600_000 });
    await run([...env, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], { timeoutMs: 1_200_000 });
    missing = await missingPackages(packages);
  }
  if (missing.length > 0) {
    throw new UserError(`missing Debian packages: ${missing.join(', ')}`, undefined, `run with --install, or: apt-get install -y ${missing.join(' ')}`);
  }
}
