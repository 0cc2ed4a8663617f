/**
 * One check of the role: who is calling, what the role looks like, how it differs from what
 * it should be, and what `repair` would change. Reads only.
 */
import { desiredRole, partitionForRegion, roleArn } from './desired.js'
import { diffRole, reaches } from './diff.js'
import type { Clients } from './iam/clients.js'
import { getCaller, readPolicies, readRole } from './iam/read.js'
import { planChanges } from './plan.js'
import type {
  Caller,
  Change,
  Finding,
  LiveRole,
  Observation,
  RunResult,
  Settings,
  Status
} from './types.js'

/** The account guard refused the credentials' account. */
export class AccountNotAllowedError extends Error {
  constructor(caller: Caller, allowed: readonly string[]) {
    super(
      `The AWS credentials belong to account ${caller.accountId} (${caller.arn}), which is not in allowed-account-ids (${allowed.join(', ')}). No IAM call was made. Assume a role in an allowed account, or add this account to allowed-account-ids.`
    )
    this.name = 'AccountNotAllowedError'
  }
}

/**
 * Observes the caller, role and expected policies. Without an account guard, STS runs beside
 * the IAM reads (the partition comes from the region until STS confirms it); with one, STS
 * comes first so that no IAM call reaches a foreign account.
 */
export async function observe(settings: Settings, clients: Clients): Promise<Observation> {
  const callerPromise = getCaller(clients.sts)
  if (settings.allowedAccountIds.length > 0) {
    const caller = await callerPromise
    if (!settings.allowedAccountIds.includes(caller.accountId)) {
      throw new AccountNotAllowedError(caller, settings.allowedAccountIds)
    }
  }
  const guessed = partitionForRegion(settings.awsRegion)
  const desired = desiredRole(settings, guessed)
  const [caller, role, policies] = await Promise.all([
    callerPromise,
    readRole(clients.iam, settings.roleName),
    readPolicies(clients.iam, desired.managedPolicies)
  ])
  if (caller.partition === guessed) return { caller, role, policies }
  // The region did not tell the partition (a custom endpoint or region): read the policies again.
  const again = desiredRole(settings, caller.partition)
  return { caller, role, policies: await readPolicies(clients.iam, again.managedPolicies) }
}

/** Status after the run's own changes, as the contract defines it. */
export function statusOf(
  before: LiveRole | null,
  after: LiveRole | null,
  remaining: readonly Finding[],
  changed: boolean
): Status {
  if (after === null) return 'missing'
  if (remaining.length > 0) return 'drifted'
  if (!changed) return 'compliant'
  return before === null ? 'created' : 'repaired'
}

export interface Outcome {
  /** The role as read back after the run's changes (defaults to the role before). */
  after?: LiveRole | null
  changes?: Change[]
  notDone?: Change[]
  error?: string
  notices?: string[]
  /** The role was missing when this run first looked (another job created it meanwhile). */
  missingAtStart?: boolean
}

/**
 * Builds the result: findings as found, the changes `repair` would make, and, after writes,
 * what remains, the status and the verdict.
 */
export function judge(
  settings: Settings,
  observation: Observation,
  outcome: Outcome = {}
): RunResult {
  const { caller, role, policies } = observation
  const desired = desiredRole(settings, caller.partition)
  const findings = diffRole(desired, role, policies)
  const after = outcome.after === undefined ? role : outcome.after
  const changes = outcome.changes ?? []
  const remaining = after === role ? findings : diffRole(desired, after, policies)
  const arn =
    role?.arn ?? roleArn(caller.partition, caller.accountId, settings.rolePath, settings.roleName)
  const planned = planChanges({
    desired,
    roleArn: arn,
    role,
    policies,
    findings,
    removeExtraPolicies: settings.removeExtraPolicies
  })
  const notices = [...(outcome.notices ?? [])]
  if (settings.removeExtraPolicies && settings.mode !== 'repair') {
    notices.push(
      `remove-extra-policies only applies in repair mode; in ${settings.mode} mode it changes nothing.`
    )
  }
  // A path cannot change in place: in repair such drift fails the step whatever fail-on says.
  const unrepairable = settings.mode === 'repair' && remaining.some(f => f.code === 'path-mismatch')
  return {
    settings,
    desired,
    caller,
    before: role,
    after,
    findings,
    remaining,
    changes,
    planned,
    notDone: outcome.notDone ?? [],
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    status: statusOf(role, after, remaining, changes.length > 0),
    drift: outcome.missingAtStart === true || findings.length > 0,
    failed:
      outcome.error !== undefined ||
      unrepairable ||
      (settings.mode !== 'audit' && remaining.some(f => reaches(f.severity, settings.failOn))),
    notices
  }
}
