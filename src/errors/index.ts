/** Where a value came from in the operator's files. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/**
 * An error the operator caused and can fix: printed as one line
 * `file:line:col: what is wrong (what is allowed)`, never with a stack trace.
 */
export class UserError extends Error {
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;
  constructor(message: string, location?: SourceLocation, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.location = location;
    this.hint = hint;
  }

  /** The one-line form the CLI prints. */
  format(): string {
    const where = formatLocation(this.location);
    return `${where ? `${where}: ` : ''}${this.message}${this.hint ? ` (${this.hint})` : ''}`;
  }
}

/** Several user errors found in one pass, reported together. */
export class UserErrors extends Error {
  readonly errors: UserError[];
  constructor(errors: UserError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'UserErrors';
    this.errors = errors;
  }
}

/** Collects errors so a whole pass can report everything wrong at once. */
export class ErrorCollector {
  readonly errors: UserError[] = [];
  readonly warnings: UserError[] = [];
  add(message: string, location?: SourceLocation, hint?: string): void {
    this.errors.push(new UserError(message, location, hint));
  }
  push(error: UserError | UserErrors): void {
    if (error instanceof UserErrors) this.errors.push(...error.errors);
    else this.errors.push(error);
  }
  warn(message: string, location?: SourceLocation, hint?: string): void {
    this.warnings.push(new UserError(message, location, hint));
  }
  get ok(): boolean {
    return this.errors.length === 0;
  }
  /** Throws every collected error at once, if there are any. */
  throwIfAny(): void {
    const [only] = this.errors;
    if (this.errors.length === 1 && only) throw only;
    if (this.errors.length > 1) throw new UserErrors(this.errors);
  }
}

/** Whether an error is one to print as a user error (no stack trace). */
export function isUserError(error: unknown): error is UserError | UserErrors {
  return error instanceof UserError || error instanceof UserErrors;
}
