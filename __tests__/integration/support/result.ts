/**
 * Test support: reads a run's outputs as the contract defines them, and asserts on them with
 * the action's own output attached to every failure.
 */
import type { ActionResult } from '../../../scripts/lib/run-action.mjs'

export type Severity = 'error' | 'warning'

export interface Finding {
  code: string
  severity: Severity
  message: string
  expected: unknown
  actual: unknown
}

/** Runs `assertions`; when they fail, adds the action's stdout and stderr to the message. */
export function withOutput(result: ActionResult, assertions: () => void): void {
  try {
    assertions()
  } catch (error) {
    if (error instanceof Error) error.message += actionLog(result)
    throw error
  }
}

function parseJsonOutput(result: ActionResult, name: string): unknown {
  const text = result.outputs[name]
  if (text === undefined) throw new Error(`output ${name} was not set`)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new Error(`output ${name} is not JSON: ${text}`)
  }
}

/** The `findings` output, checked against the contract's shape. */
export function findingsOf(result: ActionResult): Finding[] {
  const value = parseJsonOutput(result, 'findings')
  if (!Array.isArray(value)) throw new Error(`findings is not an array: ${JSON.stringify(value)}`)
  for (const finding of value as Record<string, unknown>[]) {
    const shape = {
      code: typeof finding.code,
      severity: finding.severity,
      message: typeof finding.message === 'string' && finding.message.length > 0,
      hasExpected: 'expected' in finding,
      hasActual: 'actual' in finding
    }
    if (
      shape.code !== 'string' ||
      (shape.severity !== 'error' && shape.severity !== 'warning') ||
      !shape.message ||
      !shape.hasExpected ||
      !shape.hasActual
    ) {
      throw new Error(`finding does not have the contract's shape: ${JSON.stringify(finding)}`)
    }
  }
  return value as Finding[]
}

/** The `changes` output, parsed. */
export function changesOf(result: ActionResult): unknown[] {
  const value = parseJsonOutput(result, 'changes')
  if (!Array.isArray(value)) throw new Error(`changes is not an array: ${JSON.stringify(value)}`)
  return value
}

/** `code:severity` of each finding, sorted: a compact, order-free picture for toEqual. */
export function findingKeys(findings: Finding[]): string[] {
  return findings.map(finding => `${finding.code}:${finding.severity}`).sort()
}

export function findingByCode(findings: Finding[], code: string): Finding {
  const found = findings.find(finding => finding.code === code)
  if (!found) throw new Error(`no ${code} finding in ${JSON.stringify(findings)}`)
  return found
}

export interface Observed {
  code: number | null
  status: string | undefined
  drift: string | undefined
  roleArn: string
  accountId: string | undefined
  /** `code:severity`, sorted. */
  findings: string[]
  changes: unknown[]
}

/** The contract's view of a run. */
export function observe(result: ActionResult): Observed {
  return {
    code: result.code,
    status: result.outputs.status,
    drift: result.outputs.drift,
    // An output never set reads as '' in a workflow, the same as one set to ''.
    roleArn: result.outputs['role-arn'] ?? '',
    accountId: result.outputs['account-id'],
    findings: findingKeys(findingsOf(result)),
    changes: changesOf(result)
  }
}

function actionLog(result: ActionResult): string {
  return (
    `\n\n--- action exit code: ${String(result.code)} ---` +
    `\n--- action stdout ---\n${result.stdout}\n--- action stderr ---\n${result.stderr}`
  )
}

/** Whether some annotation shows the finding, by its code or its message. */
function annotated(result: ActionResult, finding: Finding): boolean {
  return result.annotations.some(annotation =>
    [annotation.title ?? '', annotation.message].some(
      text => text.includes(finding.code) || text.includes(finding.message)
    )
  )
}

expect.extend({
  /** The given fields of `observe(result)` equal `expected`; shows the action's log if not. */
  toMatchRun(this: jest.MatcherContext, result: ActionResult, expected: Partial<Observed>) {
    let actual: Observed
    try {
      actual = observe(result)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return { pass: false, message: () => `${reason}${actionLog(result)}` }
    }
    const picked = Object.fromEntries(
      Object.keys(expected).map(key => [key, actual[key as keyof Observed]])
    )
    const pass = this.equals(picked, expected)
    return {
      pass,
      message: () =>
        `${this.utils.matcherHint(pass ? '.not.toMatchRun' : '.toMatchRun')}\n\n` +
        `${this.utils.diff(expected, picked) ?? ''}${actionLog(result)}`
    }
  },

  /** Every finding of the run shows as an annotation and in the job summary. */
  toReportFindings(this: jest.MatcherContext, result: ActionResult) {
    let findings: Finding[]
    try {
      findings = findingsOf(result)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return { pass: false, message: () => `${reason}${actionLog(result)}` }
    }
    const problems = findings.flatMap(finding => [
      ...(annotated(result, finding) ? [] : [`${finding.code}: no annotation shows it`]),
      ...(result.summary.includes(finding.code) ? [] : [`${finding.code}: not in the summary`])
    ])
    return {
      pass: problems.length === 0,
      message: () =>
        problems.length === 0
          ? `every finding was reported${actionLog(result)}`
          : `${problems.join('\n')}\n\n--- summary ---\n${result.summary}${actionLog(result)}`
    }
  }
})

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augments @types/jest
  namespace jest {
    interface Matchers<R> {
      toMatchRun(expected: Partial<Observed>): R
      toReportFindings(): R
    }
  }
}

/** The text of the run's error annotations (what the job log shows in red). */
export function errorText(result: ActionResult): string {
  return result.annotations
    .filter(annotation => annotation.level === 'error')
    .map(annotation => `${annotation.title ?? ''} ${annotation.message}`)
    .join('\n')
}
