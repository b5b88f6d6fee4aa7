/** A failure the user can act on: its message says what went wrong and what to do. */
export class ActionError extends Error {
  override name = 'ActionError';
}

/** A bad or missing input, found before any request is sent. */
export class InputError extends ActionError {
  override name = 'InputError';
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(`Input \`${input}\` ${problem}`);
  }
}

/** How a call failed: this decides whether it may be retried. */
export type FailureKind =
  | 'http' // Domo (or something in front of it) answered with an error status
  | 'refused' // connection refused: the request never reached a server
  | 'dns' // the host name did not resolve: the request never left
  | 'reset' // the connection broke after the request may have been sent
  | 'timeout' // no complete answer within the per-attempt limit
  | 'tls' // certificate or handshake failure: retrying will not help
  | 'redirect' // a 3xx, never followed because it would carry credentials elsewhere
  | 'response' // a 2xx whose body is not what the call expects
  | 'network'; // any other socket-level error

export interface DomoErrorInit {
  call: string;
  kind: FailureKind;
  status?: number;
  domoMessage?: string;
  detail?: string;
  hint?: string;
  /** The raw Retry-After header, parsed by the retry policy with its own clock. */
  retryAfter?: string;
  attempts?: number;
}

/** One failed call to Domo, with everything needed to explain it. */
export class DomoError extends ActionError {
  override name = 'DomoError';
  readonly call: string;
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly domoMessage: string | undefined;
  readonly detail: string | undefined;
  readonly retryAfter: string | undefined;
  hint: string | undefined;
  attempts: number;

  constructor(init: DomoErrorInit) {
    super('');
    this.call = init.call;
    this.kind = init.kind;
    this.status = init.status;
    this.domoMessage = init.domoMessage;
    this.detail = init.detail;
    this.retryAfter = init.retryAfter;
    this.hint = init.hint;
    this.attempts = init.attempts ?? 1;
    this.message = this.render();
  }

  /** Adds what is learnt after the failure (the attempt count, a hint from the caller). */
  update(change: { attempts?: number; hint?: string }): this {
    if (change.attempts !== undefined) this.attempts = change.attempts;
    if (change.hint !== undefined) this.hint = change.hint;
    this.message = this.render();
    return this;
  }

  /** Whether Domo's own message holds `word` (given in lower case), in any case. */
  mentions(word: string): boolean {
    return this.domoMessage?.toLowerCase().includes(word) ?? false;
  }

  /** What happened, without the call, the attempt count or the advice. */
  private get what(): string {
    const what = this.status !== undefined ? `HTTP ${this.status}` : (this.detail ?? this.kind);
    const domo = this.domoMessage ? ` (${this.domoMessage})` : '';
    const extra = this.status !== undefined && this.detail ? `: ${this.detail}` : '';
    return `${what}${domo}${extra}`;
  }

  /** The call and what happened, for "retrying" lines: no attempt count, no advice. */
  get summary(): string {
    return `${this.call}: ${this.what}`;
  }

  private render(): string {
    const tries = this.attempts > 1 ? ` after ${this.attempts} attempts` : '';
    const hint = this.hint ? ` ${this.hint}` : '';
    return `${this.call} failed${tries}: ${this.what}.${hint}`;
  }
}

/** Error text for any thrown value, without a stack. */
export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
