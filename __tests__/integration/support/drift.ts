/**
 * Test support: a drift case (a role set up with the SDK, the findings it must give) and the
 * checks of its runs through the bundled action: audit, enforce, enforce with fail-on warning.
 * (The describe/it calls stay in the test files.)
 */
import type { IAMClient } from '@aws-sdk/client-iam'
import { type ActionResult, runAction } from '../../../scripts/lib/run-action.mjs'
import { ACCOUNT_ID, ROLE_ARN, type MotoFixture } from './aws.js'
import type { Finding, Observed } from './result.js'

export const READ_ONLY_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
export const INLINE_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]
}

export const json = (value: unknown): string => JSON.stringify(value) ?? 'undefined'

/** A policy document as a finding's `expected`/`actual`: an object with a Statement. */
export function expectDocument(
  value: unknown,
  { contains, lacks }: { contains: string[]; lacks?: string[] }
): void {
  expect(value).toEqual(expect.objectContaining({ Statement: expect.anything() as unknown }))
  for (const text of contains) expect(json(value)).toContain(text)
  for (const text of lacks ?? []) expect(json(value)).not.toContain(text)
}

export interface DriftCase {
  title: string
  setup: (iam: IAMClient) => Promise<unknown>
  inputs?: Record<string, string>
  roleArn?: string
  /** `code:severity`, sorted. */
  findings: string[]
  /** What each finding's expected/actual must say. */
  details?: (findings: Finding[]) => void
}

/** Whether a case has a finding of severity error (so enforce fails with the default fail-on). */
export const hasError = (driftCase: DriftCase): boolean =>
  driftCase.findings.some(key => key.endsWith(':error'))

export type DriftRun = 'audit' | 'enforce' | 'enforce, fail-on warning'

/** Runs the bundled action on a case's role. */
export function runCase(
  moto: MotoFixture,
  driftCase: DriftCase,
  run: DriftRun
): Promise<ActionResult> {
  const inputs =
    run === 'audit'
      ? { mode: 'audit' }
      : run === 'enforce'
        ? { mode: 'enforce' }
        : { mode: 'enforce', 'fail-on': 'warning' }
  return runAction({ endpoint: moto.endpoint, inputs: { ...driftCase.inputs, ...inputs } })
}

/**
 * What the contract says a run gives: status drifted, drift true, the case's findings, no
 * changes; exit 0 in audit, 1 in enforce when a finding reaches fail-on.
 */
export function expectedRun(driftCase: DriftCase, run: DriftRun): Partial<Observed> {
  const fails = run === 'enforce, fail-on warning' || (run === 'enforce' && hasError(driftCase))
  return {
    code: fails ? 1 : 0,
    status: 'drifted',
    drift: 'true',
    roleArn: driftCase.roleArn ?? ROLE_ARN,
    accountId: ACCOUNT_ID,
    findings: driftCase.findings,
    changes: []
  }
}
