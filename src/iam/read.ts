/**
 * Observes the live role and the expected managed policies. Independent reads are issued
 * together: a check costs two IAM round trips (plus further list pages when IAM has them).
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'
import { partitionOfArn } from '../desired.js'
import { decodePolicyDocument, PolicyError } from '../policy.js'
import type { Caller, ExpectedManagedPolicy, JsonValue, LivePolicy, LiveRole } from '../types.js'
import { Limiter } from '../util/concurrency.js'
import { AwsCallError, describeAwsError, errorName } from './errors.js'

/** Concurrent IAM requests one check may have in flight (IAM throttles bursts per account). */
export const READ_CONCURRENCY = 8
const slots = new Limiter(READ_CONCURRENCY)
/** A guard against a server that never stops paging. */
const MAX_PAGES = 1000

/**
 * Runs one AWS read within the run's concurrency limit, turning its failure into an
 * AwsCallError naming the action.
 */
export async function call<T>(action: string, resource: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await slots.run(fn)
  } catch (error) {
    throw describeAwsError(error, action, resource)
  }
}

/** sts:GetCallerIdentity: the account, caller ARN and partition of the credentials. */
export async function getCaller(sts: STSClient): Promise<Caller> {
  const out = await call('sts:GetCallerIdentity', 'the caller', () =>
    sts.send(new GetCallerIdentityCommand({}))
  )
  const arn = out.Arn ?? ''
  const partition = partitionOfArn(arn)
  if (!out.Account || partition === undefined) {
    throw new AwsCallError(
      'sts:GetCallerIdentity',
      'other',
      `sts:GetCallerIdentity returned an unexpected identity: ${JSON.stringify(out.Arn)}`
    )
  }
  return { accountId: out.Account, arn, userId: out.UserId ?? '', partition }
}

const MISSING = Symbol('missing')

async function unlessMissing<T>(promise: Promise<T>): Promise<T | typeof MISSING> {
  try {
    return await promise
  } catch (error) {
    if (error instanceof AwsCallError && errorName(error.cause) === 'NoSuchEntityException')
      return MISSING
    if (errorName(error) === 'NoSuchEntityException') return MISSING
    throw error
  }
}

function decode(raw: string | undefined, what: string, action: string): JsonValue {
  try {
    return decodePolicyDocument(raw ?? '')
  } catch (error) {
    if (error instanceof PolicyError) {
      throw new AwsCallError(
        action,
        'malformed-policy',
        `${what} as returned by ${action} is not a readable policy document: ${error.message}`
      )
    }
    throw error
  }
}

/** Reads the role, its attached and inline policies; null when the role does not exist. */
export async function readRole(iam: IAMClient, roleName: string): Promise<LiveRole | null> {
  const resource = `role ${roleName}`
  const [role, attached, inline] = await Promise.all([
    unlessMissing(
      call('iam:GetRole', resource, () => iam.send(new GetRoleCommand({ RoleName: roleName })))
    ),
    unlessMissing(listAttached(iam, roleName)),
    unlessMissing(
      listInlineNames(iam, roleName).then(names =>
        Promise.all(
          names.map(async name => {
            const out = await call(
              'iam:GetRolePolicy',
              `inline policy ${name} of ${resource}`,
              () => iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }))
            )
            return {
              name,
              document: decode(out.PolicyDocument, `Inline policy ${name}`, 'iam:GetRolePolicy')
            }
          })
        )
      )
    )
  ])
  if (role === MISSING || !role.Role) return null
  // The role may vanish between the calls; treat a half-seen role as seen with what was read.
  const r = role.Role
  return {
    arn: r.Arn ?? '',
    name: r.RoleName ?? roleName,
    path: r.Path ?? '/',
    roleId: r.RoleId ?? '',
    ...(r.Description ? { description: r.Description } : {}),
    ...(r.CreateDate ? { createDate: new Date(r.CreateDate).toISOString() } : {}),
    trustPolicy: decode(r.AssumeRolePolicyDocument, 'The trust policy', 'iam:GetRole'),
    ...(r.PermissionsBoundary?.PermissionsBoundaryArn
      ? { permissionsBoundaryArn: r.PermissionsBoundary.PermissionsBoundaryArn }
      : {}),
    attachedPolicies: attached === MISSING ? [] : attached,
    inlinePolicies: inline === MISSING ? [] : inline
  }
}

async function listAttached(
  iam: IAMClient,
  roleName: string
): Promise<{ arn: string; name: string }[]> {
  const result: { arn: string; name: string }[] = []
  let marker: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await call('iam:ListAttachedRolePolicies', `role ${roleName}`, () =>
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }))
    )
    for (const p of out.AttachedPolicies ?? []) {
      if (p.PolicyArn) result.push({ arn: p.PolicyArn, name: p.PolicyName ?? p.PolicyArn })
    }
    // IAM may return short or empty pages while more remain: follow IsTruncated, not the count.
    if (!out.IsTruncated || !out.Marker) break
    marker = out.Marker
  }
  return result
}

async function listInlineNames(iam: IAMClient, roleName: string): Promise<string[]> {
  const result: string[] = []
  let marker: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await call('iam:ListRolePolicies', `role ${roleName}`, () =>
      iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }))
    )
    result.push(...(out.PolicyNames ?? []))
    if (!out.IsTruncated || !out.Marker) break
    marker = out.Marker
  }
  return result
}

/** GetPolicy for each expected policy, then GetPolicyVersion where its document is known. */
export async function readPolicies(
  iam: IAMClient,
  policies: readonly ExpectedManagedPolicy[]
): Promise<LivePolicy[]> {
  return Promise.all(
    policies.map(async policy => {
      const resource = `policy ${policy.arn}`
      const got = await unlessMissing(
        call('iam:GetPolicy', resource, () =>
          iam.send(new GetPolicyCommand({ PolicyArn: policy.arn }))
        )
      )
      if (got === MISSING || !got.Policy)
        return { arn: policy.arn, exists: false, attachable: false }
      const live: LivePolicy = {
        arn: policy.arn,
        exists: true,
        attachable: got.Policy.IsAttachable !== false,
        ...(got.Policy.DefaultVersionId ? { defaultVersionId: got.Policy.DefaultVersionId } : {})
      }
      if (policy.expectedDocument === undefined || !live.defaultVersionId) return live
      const versionId = live.defaultVersionId
      const version = await call('iam:GetPolicyVersion', resource, () =>
        iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.arn, VersionId: versionId }))
      )
      return {
        ...live,
        document: decode(
          version.PolicyVersion?.Document,
          `Policy ${policy.arn} ${versionId}`,
          'iam:GetPolicyVersion'
        )
      }
    })
  )
}
