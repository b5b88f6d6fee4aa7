/**
 * What a story hands to later steps and to people: outputs, environment variables and the job
 * summary. Values that become outputs or environment variables are never altered: one with a
 * line break or control character is an error instead. Summary cells are redacted and escaped.
 */
import * as core from '@actions/core';
import { accessSync, constants } from 'node:fs';
import { ActionError, describe } from './errors.js';
import { debug } from './log.js';
import { redact } from './secrets.js';
import { cell, controlIn } from './text.js';

/** A runner file a story writes to: outputs, environment, state, path. */
export type RunnerFile =
  'GITHUB_OUTPUT' | 'GITHUB_ENV' | 'GITHUB_STATE' | 'GITHUB_PATH' | 'RUNNER_TEMP';

/**
 * @actions/core falls back to printing workflow commands on stdout when the runner's files are
 * missing, which would put a token in the log; and a file that cannot be written fails only
 * after Domo has made a credential. Refuse before any request instead.
 */
export function requireRunnerFiles(
  needed: RunnerFile[],
  env: NodeJS.ProcessEnv = process.env,
): void {
  const missing = needed.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ActionError(
      `The runner did not provide ${missing.join(', ')}; domo-auth will not fall back to printing secrets in the log. Run it on GitHub Actions runner 2.297.0 or newer (or an emulator that provides these files).`,
    );
  }
  for (const name of needed) {
    try {
      accessSync(env[name]!, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? describe(err);
      throw new ActionError(
        `The runner's ${name} file cannot be written (${code}); domo-auth stops before it asks Domo for anything. Check the runner's disk and its temporary folder.`,
      );
    }
  }
}

/**
 * Outputs and environment variables carry values as they are, so a value that could break a
 * later step's reading of them (a line break, any control character) is an error instead.
 */
export function checkValue(what: string, value: string): void {
  const code = controlIn(value);
  if (!code) return;
  throw new ActionError(
    `${what} would contain a line break or control character (${code}), from Domo's answer; domo-auth sets no output or variable with one, since it could break or forge what later steps read.`,
  );
}

/**
 * Sets every output and exports every variable, or none: all are checked first. Returns the
 * names exported.
 */
export function handOver(outputs: Record<string, string>, env: Record<string, string>): string[] {
  for (const [name, value] of Object.entries(outputs)) checkValue(`Output \`${name}\``, value);
  for (const [name, value] of Object.entries(env)) checkValue(`Variable \`${name}\``, value);
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  for (const [name, value] of Object.entries(env)) core.exportVariable(name, value);
  return Object.keys(env);
}

/** A summary cell that links to an address the action built (a GitHub run's page). */
export interface Link {
  text: string;
  href: string;
}

/**
 * One job summary: a heading, then a table, each cell redacted and made one line escaped for
 * HTML and Markdown (every known secret out of the action's own words too, as a secret of a
 * few letters is in them). A summary is a convenience: failing to write one fails nothing.
 */
export async function writeTable(
  heading: string,
  header: string[],
  rows: Array<Array<string | Link>>,
): Promise<void> {
  const shown = (text: string): string => cell(redact(text));
  const data = (value: string | Link): string =>
    typeof value === 'string'
      ? shown(value)
      : `<a href="${shown(value.href)}">${shown(value.text)}</a>`;
  try {
    await core.summary
      .addHeading(shown(heading), 3)
      .addTable([
        header.map((name) => ({ data: shown(name), header: true })),
        ...rows.map((row) => row.map(data)),
      ])
      .write();
  } catch (err) {
    core.summary.emptyBuffer();
    debug(`No job summary written: ${describe(err)}`);
  }
}
