// Types for dev/domo-cli/cli.mjs.
export interface DomoRunOptions {
  /** HOME (and USERPROFILE): the CLI finds its logins in <home>/.config/configstore/ryuu. */
  home: string;
  /** XDG_CONFIG_HOME, or unset when absent. */
  xdgConfigHome?: string;
  /** A certificate the CLI trusts as well (NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  cwd: string;
  /** More variables, or overrides of the ones above. */
  env?: Record<string, string>;
  /** The CLI is killed after this long; default 60 s. */
  timeoutMs?: number;
}

export interface DomoRun {
  /** null when it was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function domoCliPath(): string | undefined;
export function runDomo(args: string[], options: DomoRunOptions): Promise<DomoRun>;
