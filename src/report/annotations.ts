/** Pure: the findings as GitHub annotations (data only; main.ts writes them). */
import type { Finding, RunResult } from '../types.js'
import { plainLine } from './escape.js'

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  title: string
  message: string
}

/** GitHub shows only the start of long annotation messages; details go first when too long. */
const MAX_MESSAGE = 2000

/**
 * One annotation per finding as found. A finding the run fixed becomes a notice, so a repaired
 * role does not show errors for what is no longer wrong.
 */
export function findingAnnotations(result: RunResult): Annotation[] {
  const roleName = plainLine(result.settings.roleName)
  return result.findings.map(finding => {
    const fixed = isFixed(result, finding)
    return {
      level: fixed ? 'notice' : finding.severity,
      title: plainLine(
        `ecs-role-guard: ${finding.code} on role ${roleName}${fixed ? ' (fixed)' : ''}`
      ),
      message: message(finding, fixed)
    }
  })
}

function message(finding: Finding, fixed: boolean): string {
  const prefix = fixed ? 'Fixed by this run: ' : ''
  const details = (finding.details ?? []).map(plainLine).filter(d => d !== '')
  const full = plainLine(
    `${prefix}${finding.message}${details.length > 0 ? ` (${details.join('; ')})` : ''}`
  )
  if (full.length <= MAX_MESSAGE) return full
  const short = plainLine(`${prefix}${finding.message}`)
  return short.length <= MAX_MESSAGE
    ? short
    : `${Array.from(short)
        .slice(0, MAX_MESSAGE - 1)
        .join('')}…`
}

/** A finding's identity across the checks before and after the run's changes. */
export function findingKey(finding: Finding): string {
  switch (finding.code) {
    case 'managed-policy-extra':
    case 'inline-policy-extra':
      return `${finding.code} ${JSON.stringify(finding.actual)}`
    case 'managed-policy-missing':
    case 'managed-policy-changed':
    case 'managed-policy-unavailable':
      return `${finding.code} ${JSON.stringify(finding.expected)}`
    default:
      // One of each per role: the role, its trust policy, boundary and path.
      return finding.code
  }
}

/** True when the run changed something and the finding is no longer among those remaining. */
export function isFixed(result: RunResult, finding: Finding): boolean {
  if (result.changes.length === 0) return false
  const key = findingKey(finding)
  return !result.remaining.some(f => findingKey(f) === key)
}
