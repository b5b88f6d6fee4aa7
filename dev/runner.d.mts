// Types for dev/runner.mjs, for the TypeScript tests that drive the bundles through it.
export const root: string;
export const action: {
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string; post: string; 'post-if'?: string };
};

export interface Command {
  /** In lower case: the runner compares command names case-insensitively. */
  name: string;
  properties: Record<string, string>;
  message: string;
  line: string;
  /** The older `##[name]data` form, found anywhere in a line. */
  legacy: boolean;
  /** Which output it came from (runStep's commands only). */
  stream?: 'stdout' | 'stderr';
}

export interface StepResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  commands: Command[];
  masks: string[];
  errors: string[];
  warnings: string[];
  debugs: string[];
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  savedState: Record<string, string>;
  summary: string;
}

export interface StepOptions {
  entry?: string;
  /** The action's directory (default: the repository): entry is run from there, as cwd. */
  dir?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  state?: Record<string, string>;
  /** The job's token, in place of `${{ github.token }}` (default JOB_TOKEN). */
  githubToken?: string;
  debug?: boolean;
  node?: string;
  timeoutMs?: number;
}

export const JOB_TOKEN: string;
export function inputEnv(
  inputs?: Record<string, string>,
  githubToken?: string,
): Record<string, string>;
export function parseFileCommands(text: string): Record<string, string>;
export function splitLines(text: string): string[];
export function parseCommand(line: string): Command | undefined;
export function parseCommands(output: string): Command[];
export function runStep(options?: StepOptions): Promise<StepResult>;
export function runJob(options?: StepOptions): Promise<{ main: StepResult; post: StepResult }>;
export const MIN_FRAGMENT_LENGTH: number;
export function secretForms(secret: string | undefined): string[];
export function summaryText(summary: string): string;
export function findLeaks(
  step: Pick<StepResult, 'stdout' | 'summary'> & { stderr?: string },
  secrets: Array<string | undefined>,
): string[];
