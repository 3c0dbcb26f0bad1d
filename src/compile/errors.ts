/**
 * Errors found while compiling for many hosts: the same mistake on 2000 hosts
 * is one error that names the hosts, not 2000 lines.
 */
import { UserError, UserErrors } from '../errors/index.ts';

/** An error that does not depend on the host it was found for (a template syntax error). */
export class HostIndependentError extends UserError {}

export class HostErrors {
  private readonly byKey = new Map<string, { error: UserError; hosts: string[] }>();

  /** Records an error; `host` when it was found compiling for one host. */
  add(error: UserError, foundFor?: string): void {
    const host = error instanceof HostIndependentError ? undefined : foundFor;
    const key = error.format();
    const known = this.byKey.get(key);
    if (known) {
      if (host !== undefined && !known.hosts.includes(host)) known.hosts.push(host);
      return;
    }
    this.byKey.set(key, { error, hosts: host === undefined ? [] : [host] });
  }

  addAll(error: UserError | UserErrors, host?: string): void {
    for (const e of error instanceof UserErrors ? error.errors : [error]) this.add(e, host);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The errors by place (file, line, column; unplaced first), each naming the hosts it was found for. */
  list(): UserError[] {
    const place = (e: UserError): [string, number, number] => (e.location ? [e.location.file, e.location.line, e.location.col] : ['', 0, 0]);
    const sorted = [...this.byKey.values()].sort((a, b) => {
      const [x, y] = [place(a.error), place(b.error)];
      return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2];
    });
    return sorted.map(({ error, hosts }) => (hosts.length === 0 ? error : new UserError(`${error.message} ${onHosts(hosts)}`, error.location, error.hint)));
  }
}

function onHosts(hosts: readonly string[]): string {
  if (hosts.length === 1) return `on host ${hosts[0]}`;
  const shown = hosts.slice(0, 3).join(', ');
  return hosts.length <= 3 ? `on hosts ${shown}` : `on hosts ${shown} and ${hosts.length - 3} more`;
}

/** Compile failed: every error, plus the warnings found on the way (the CLI prints both). */
export class CompileFailed extends UserErrors {
  readonly warnings: UserError[];
  constructor(errors: UserError[], warnings: UserError[]) {
    super(errors);
    this.warnings = warnings;
  }
}
