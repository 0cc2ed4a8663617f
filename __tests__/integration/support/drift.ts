/**
 * Test support: a drift case (a role set up with the SDK, the findings it must give) and the
 * checks of its runs through the bundled action: audit, enforce, enforce with fail-on warning.
 * (The describe/it calls stay in the test files.)
 */
import type { IAMClient } from '@aws-sdk/client-iam'
import { type ActionResult, runAction } from '../../../scripts/lib/run-action.mjs'
import { ACCOUNT_ID, ROLE_ARN, TEST_TIMEOUT_MS, freshState, type MotoFixture } from './aws.js'
import { type Finding, type Observed, findingsOf, withOutput } from './result.js'

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

/** For each case: audit reports and exits 0; enforce exits by severity; fail-on warning exits 1. */
export function describeDriftCases(moto: MotoFixture, cases: DriftCase[]): void {
  describe.each(cases)('$title', driftCase => {
    freshState(moto, driftCase.setup)

    it(
      'audit: drifted, reported, exit 0',
      async () => {
        const result = await runCase(moto, driftCase, 'audit')
        expect(result).toMatchRun(expectedRun(driftCase, 'audit'))
        expect(result).toReportFindings()
        withOutput(result, () => driftCase.details?.(findingsOf(result)))
      },
      TEST_TIMEOUT_MS
    )

    it(
      `enforce: exit ${hasError(driftCase) ? 1 : 0} with the default fail-on (error)`,
      async () => {
        const result = await runCase(moto, driftCase, 'enforce')
        expect(result).toMatchRun(expectedRun(driftCase, 'enforce'))
      },
      TEST_TIMEOUT_MS
    )

    it(
      'enforce with fail-on: warning exits 1',
      async () => {
        const result = await runCase(moto, driftCase, 'enforce, fail-on warning')
        expect(result).toMatchRun(expectedRun(driftCase, 'enforce, fail-on warning'))
      },
      TEST_TIMEOUT_MS
    )
  })
}
