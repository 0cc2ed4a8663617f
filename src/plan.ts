/** Pure: the changes `create`/`repair` make for a set of findings, in the order they are applied. */
import type { Change, DesiredRole, Finding, JsonValue, LivePolicy, LiveRole } from './types.js'

export const ROLE_DESCRIPTION = 'Amazon ECS service scheduler role, managed by ecs-role-guard'

export interface PlanInput {
  desired: DesiredRole
  /** The role's ARN (as it is, or as it would be once created). */
  roleArn: string
  role: LiveRole | null
  policies: readonly LivePolicy[]
  findings: readonly Finding[]
  removeExtraPolicies: boolean
}

/**
 * The trust policy as it is written: IAM advises Version 2012-10-17 for new documents (the two
 * versions mean the same here) and an empty Sid carries nothing.
 */
export function writableTrustPolicy(doc: JsonValue): JsonValue {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement ?? null]
  return {
    ...doc,
    Version: '2012-10-17',
    Statement: statements.map(s => {
      if (s === null || typeof s !== 'object' || Array.isArray(s) || s.Sid !== '') return s
      const { Sid: _sid, ...rest } = s
      return rest
    })
  }
}

/** Changes as one line for a log or an error message: `Action target, …`, or `nothing`. */
export function listChanges(changes: readonly Change[]): string {
  return changes.map(c => `${c.action} ${c.target}`).join(', ') || 'nothing'
}

/** What a repair run would change for these findings; `create` uses the role-missing part only. */
export function planChanges(input: PlanInput): Change[] {
  const { desired, roleArn, findings } = input
  const has = (code: Finding['code']): boolean => findings.some(f => f.code === code)
  const attachable = (arn: string): boolean => {
    const live = input.policies.find(p => p.arn === arn)
    return live === undefined || (live.exists && live.attachable)
  }
  const changes: Change[] = []
  const trust = writableTrustPolicy(desired.trustPolicy)
  if (input.role === null) {
    changes.push({
      action: 'CreateRole',
      target: roleArn,
      before: null,
      after: {
        RoleName: desired.name,
        Path: desired.path,
        AssumeRolePolicyDocument: trust,
        Description: ROLE_DESCRIPTION
      }
    })
    for (const policy of desired.managedPolicies) {
      if (attachable(policy.arn))
        changes.push({
          action: 'AttachRolePolicy',
          target: policy.arn,
          before: null,
          after: policy.arn
        })
    }
    return changes
  }
  if (has('trust-policy-broader') || has('trust-policy-narrower')) {
    changes.push({
      action: 'UpdateAssumeRolePolicy',
      target: roleArn,
      before: input.role.trustPolicy,
      after: trust
    })
  }
  for (const finding of findings) {
    if (
      finding.code === 'managed-policy-missing' &&
      typeof finding.expected === 'string' &&
      attachable(finding.expected)
    ) {
      changes.push({
        action: 'AttachRolePolicy',
        target: finding.expected,
        before: null,
        after: finding.expected
      })
    }
  }
  if (input.removeExtraPolicies) {
    for (const finding of findings) {
      if (finding.code === 'managed-policy-extra' && typeof finding.actual === 'string') {
        changes.push({
          action: 'DetachRolePolicy',
          target: finding.actual,
          before: finding.actual,
          after: null
        })
      }
      if (finding.code === 'inline-policy-extra' && typeof finding.actual === 'string') {
        const name = finding.actual
        const inline = input.role.inlinePolicies.find(p => p.name === name)
        changes.push({
          action: 'DeleteRolePolicy',
          target: name,
          before: inline?.document ?? null,
          after: null
        })
      }
    }
  }
  return changes
}
