/**
 * End-to-end helpers: each test gets its own simulator, runs the committed bundles through
 * the runner emulator, and checks that no secret leaked.
 */
import { expect } from '@jest/globals';
import { startSimulator, type SimulatorOptions } from '../../dev/simulator.mjs';
import { findLeaks, JOB_TOKEN, type StepResult } from '../../dev/runner.mjs';

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;

export async function withSimulator<T>(
  options: SimulatorOptions,
  body: (sim: Simulator) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator(options);
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

/** The simulator's four session sources, as provision and sweep mode take them. */
export type Source = 'password' | 'session-token' | 'session-cookie' | 'developer-token';
export const SOURCES: Record<Source, Record<string, string>> = {
  password: { username: 'ci@acme.example', password: 'sim-password' },
  'session-token': { 'session-token': 'sim-session-token' },
  'session-cookie': { 'session-cookie': 'sim-dsid-cookie' },
  'developer-token': { 'developer-token': 'sim-developer-token' },
};

export const basic = (id: string, secret: string) =>
  Buffer.from(`${id}:${secret}`).toString('base64');

export const SIM_SECRETS = [
  'sim-client-secret',
  basic('sim-client-id', 'sim-client-secret'),
  'sim-password',
  'sim-session-token',
  'sim-dsid-cookie',
  'sim-developer-token',
  // The runner fills `github-token` with the job's token in every mode.
  JOB_TOKEN,
];

/** Every secret a step could know, including what it received and created. */
export function secretsOf(step: StepResult, extra: string[] = []): string[] {
  const outputs = [
    step.outputs['access-token'],
    step.outputs['client-secret'],
    step.outputs['developer-token'],
  ].filter((s): s is string => Boolean(s));
  const derived =
    step.outputs['client-id'] && step.outputs['client-secret']
      ? [basic(step.outputs['client-id'], step.outputs['client-secret'])]
      : [];
  return [...SIM_SECRETS, ...outputs, ...derived, ...extra];
}

/**
 * The contract's promise: no secret, in any of the forms a runner masks (findLeaks), outside
 * the ::add-mask:: lines, in any step; and nothing forged (expectNothingForged).
 */
export function expectNoLeaks(step: StepResult, extra: string[] = []): void {
  expect(findLeaks(step, secretsOf(step, extra))).toEqual([]);
  expectNothingForged(step);
}

/** The workflow commands @actions/core writes for the action; anything else was forged. */
const OURS = new Set(['add-mask', 'debug', 'warning', 'error']);

/**
 * Nothing in the step's output is a workflow command the action did not mean: every command
 * (read as GitHub's runner reads stdout and stderr) is one of ours, written on stdout, in the
 * `::name::` form; no `##[` anywhere; at most one ::error::.
 */
export function expectNothingForged(step: StepResult): void {
  const forged = step.commands.filter(
    (c) => c.legacy || c.stream !== 'stdout' || !OURS.has(c.name),
  );
  expect(forged).toEqual([]);
  expect(step.errors.length).toBeLessThanOrEqual(1);
  expect(step.stdout + step.stderr).not.toContain('##[');
}

/** A failed step: non-zero exit, exactly one ::error::, nothing forged and no stack trace. */
export function expectFailure(step: StepResult, message: RegExp | string): void {
  expectNothingForged(step);
  expect(step.exitCode).not.toBe(0);
  expect(step.errors).toHaveLength(1);
  if (typeof message === 'string') expect(step.errors[0]).toContain(message);
  else expect(step.errors[0]).toMatch(message);
  expect(step.stdout + step.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}
