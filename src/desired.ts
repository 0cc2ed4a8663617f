/** Pure: the role as it should be, from the settings and the caller's partition. */
import { KNOWN_POLICY_DOCUMENTS } from './data/defaults.js'
import type {
  DesiredRole,
  ExpectedManagedPolicy,
  ManagedPolicyRef,
  Partition,
  Settings
} from './types.js'

/** The partition a region belongs to; service principals stay `*.amazonaws.com` in all of them. */
export function partitionForRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

/** The partition named by an ARN (`arn:<partition>:...`), or undefined for anything else. */
export function partitionOfArn(arn: string): Partition | undefined {
  const partition = arn.split(':')[1]
  return partition === 'aws' || partition === 'aws-cn' || partition === 'aws-us-gov'
    ? partition
    : undefined
}

/** Resolves a managed policy reference to an ARN; `path/name` means an AWS managed policy. */
export function resolvePolicy(ref: ManagedPolicyRef, partition: Partition): ExpectedManagedPolicy {
  const arn = ref.kind === 'arn' ? ref.arn : `arn:${partition}:iam::aws:policy/${ref.pathAndName}`
  const name = arn.slice(arn.lastIndexOf('/') + 1)
  // A known document applies to the AWS managed policy itself, in whichever partition.
  const awsManaged = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1]
  const expectedDocument = awsManaged === undefined ? undefined : KNOWN_POLICY_DOCUMENTS[awsManaged]
  return expectedDocument === undefined ? { arn, name } : { arn, name, expectedDocument }
}

/** The expected role for these settings in this partition. */
export function desiredRole(settings: Settings, partition: Partition): DesiredRole {
  return {
    name: settings.roleName,
    path: settings.rolePath,
    trustPolicy: settings.trustPolicy,
    managedPolicies: settings.managedPolicies.map(ref => resolvePolicy(ref, partition)),
    allowExtraPolicies: settings.allowExtraPolicies
  }
}

/** The ARN the role has, or would have, in this account. */
export function roleArn(
  partition: Partition,
  accountId: string,
  path: string,
  name: string
): string {
  return `arn:${partition}:iam::${accountId}:role${path}${name}`
}
