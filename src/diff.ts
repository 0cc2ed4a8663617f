/** Pure: the expected role against the observed one, as the contract's findings. */
import { comparePolicies } from './policy.js'
import type { DesiredRole, Finding, LivePolicy, LiveRole, Severity } from './types.js'

const RANK: Record<Severity, number> = { warning: 1, error: 2 }

/** True when a finding's severity is at or above the `fail-on` threshold. */
export function reaches(severity: Severity, failOn: Severity): boolean {
  return RANK[severity] >= RANK[failOn]
}

/** Findings for the role (null when missing) and the expected managed policies. */
export function diffRole(
  desired: DesiredRole,
  role: LiveRole | null,
  policies: readonly LivePolicy[]
): Finding[] {
  const findings = role === null ? [roleMissing(desired)] : diffLiveRole(desired, role, policies)
  return [...findings, ...diffPolicies(desired, policies)]
}

function roleMissing(desired: DesiredRole): Finding {
  return {
    code: 'role-missing',
    severity: 'error',
    message: `Role ${desired.name} does not exist in this account.`,
    expected: desired.name,
    actual: null
  }
}

function diffLiveRole(
  desired: DesiredRole,
  role: LiveRole,
  policies: readonly LivePolicy[]
): Finding[] {
  const findings: Finding[] = []
  if (role.path !== desired.path) {
    findings.push({
      code: 'path-mismatch',
      severity: 'warning',
      message: `Role path is ${role.path}, expected ${desired.path}; a path can only change by recreating the role.`,
      expected: desired.path,
      actual: role.path
    })
  }
  const trust = comparePolicies(desired.trustPolicy, role.trustPolicy)
  if (trust.broader.length > 0) {
    findings.push({
      code: 'trust-policy-broader',
      severity: 'error',
      message:
        'The trust policy lets a principal assume the role, or use an action, that the expected policy does not.',
      expected: desired.trustPolicy,
      actual: role.trustPolicy,
      details: trust.broader
    })
  }
  if (trust.narrower.length > 0) {
    findings.push({
      code: 'trust-policy-narrower',
      severity: trust.blocked ? 'error' : 'warning',
      message: trust.blocked
        ? 'The trust policy no longer lets the expected service assume the role.'
        : 'The trust policy restricts an expected grant (a Deny or a Condition); the service may fail to assume the role.',
      expected: desired.trustPolicy,
      actual: role.trustPolicy,
      details: trust.narrower
    })
  }
  const attached = new Set(role.attachedPolicies.map(p => p.arn))
  const expected = new Set(desired.managedPolicies.map(p => p.arn))
  for (const policy of desired.managedPolicies) {
    if (!attached.has(policy.arn)) {
      const live = policies.find(p => p.arn === policy.arn)
      const why =
        live && (!live.exists || !live.attachable)
          ? ' It cannot be attached: see managed-policy-unavailable.'
          : ''
      findings.push({
        code: 'managed-policy-missing',
        severity: 'error',
        message: `Managed policy ${policy.name} is not attached.${why}`,
        expected: policy.arn,
        actual: null
      })
    }
  }
  if (!desired.allowExtraPolicies) {
    for (const policy of role.attachedPolicies) {
      if (!expected.has(policy.arn)) {
        findings.push({
          code: 'managed-policy-extra',
          severity: 'error',
          message: `Managed policy ${policy.name} is attached but not expected.`,
          expected: null,
          actual: policy.arn
        })
      }
    }
    for (const policy of role.inlinePolicies) {
      findings.push({
        code: 'inline-policy-extra',
        severity: 'error',
        message: `Inline policy ${policy.name} is not expected.`,
        expected: null,
        actual: policy.name
      })
    }
  }
  if (role.permissionsBoundaryArn !== undefined) {
    findings.push({
      code: 'permissions-boundary',
      severity: 'warning',
      message: `A permissions boundary (${role.permissionsBoundaryArn}) limits what the role may do.`,
      expected: null,
      actual: role.permissionsBoundaryArn
    })
  }
  return findings
}

function diffPolicies(desired: DesiredRole, policies: readonly LivePolicy[]): Finding[] {
  const findings: Finding[] = []
  for (const policy of desired.managedPolicies) {
    const live = policies.find(p => p.arn === policy.arn)
    if (live === undefined) continue
    if (!live.exists || !live.attachable) {
      findings.push({
        code: 'managed-policy-unavailable',
        severity: 'warning',
        message: live.exists
          ? `Managed policy ${policy.name} exists but is not attachable (AWS deprecated it).`
          : `Managed policy ${policy.arn} does not exist in this partition.`,
        expected: policy.arn,
        actual: live.exists ? 'not attachable' : null
      })
    }
    if (policy.expectedDocument !== undefined && live.document !== undefined) {
      const diff = comparePolicies(policy.expectedDocument, live.document)
      if (diff.broader.length + diff.narrower.length > 0) {
        findings.push({
          code: 'managed-policy-changed',
          severity: 'warning',
          message: `The default version (${live.defaultVersionId ?? 'unknown'}) of ${policy.name} no longer matches the documented policy.`,
          expected: policy.expectedDocument,
          actual: live.document,
          details: [...diff.broader, ...diff.narrower]
        })
      }
    }
  }
  return findings
}
