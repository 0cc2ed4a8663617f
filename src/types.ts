/** Shared types: the one-way data flow from settings to the result object. */

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export type Mode = 'audit' | 'enforce' | 'create' | 'repair'
export type Severity = 'error' | 'warning'
export type CommentMode = 'on-drift' | 'always' | 'never'
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov'

/** A managed policy reference as the user wrote it, before the partition is known. */
export type ManagedPolicyRef =
  | { kind: 'arn'; arn: string }
  /** `path/name` (e.g. `service-role/AmazonEC2ContainerServiceRole`) of an AWS managed policy. */
  | { kind: 'aws-managed'; pathAndName: string }

/** Every input of the contract, validated and typed. */
export interface Settings {
  mode: Mode
  failOn: Severity
  roleName: string
  rolePath: string
  /** The expected trust policy, parsed JSON (not yet normalised). */
  trustPolicy: JsonValue
  /** Where the trust policy came from, for the report: `default`, `inline` or the file path. */
  trustPolicySource: string
  managedPolicies: ManagedPolicyRef[]
  allowExtraPolicies: boolean
  removeExtraPolicies: boolean
  allowedAccountIds: string[]
  comment: CommentMode
  githubToken: string
  awsRegion: string
  /** Treat the account id as a secret: masked in logs, left out of the summary and comment. */
  maskAccountId: boolean
  /** The whole run's deadline. */
  timeoutSeconds: number
}

export interface ExpectedManagedPolicy {
  arn: string
  /** The policy name, the last segment of the ARN. */
  name: string
  /** The expected default-version document, when it is known (the seed's policy). */
  expectedDocument?: JsonValue
}

/** The role as it should be, derived from Settings and the caller's partition. */
export interface DesiredRole {
  name: string
  path: string
  trustPolicy: JsonValue
  managedPolicies: ExpectedManagedPolicy[]
  allowExtraPolicies: boolean
}

export interface Caller {
  accountId: string
  arn: string
  userId: string
  partition: Partition
}

export interface LiveRole {
  arn: string
  name: string
  path: string
  roleId: string
  description?: string
  createDate?: string
  /** Decoded trust policy document (IAM URL-encodes it; moto too). */
  trustPolicy: JsonValue
  permissionsBoundaryArn?: string
  attachedPolicies: { arn: string; name: string }[]
  inlinePolicies: { name: string; document: JsonValue }[]
}

/** What IAM says about an expected managed policy. */
export interface LivePolicy {
  arn: string
  exists: boolean
  attachable: boolean
  defaultVersionId?: string
  /** Decoded default-version document (AWS URL-encodes it; moto returns plain JSON). */
  document?: JsonValue
}

/** Everything observed in one check. */
export interface Observation {
  caller: Caller
  role: LiveRole | null
  policies: LivePolicy[]
}

export type FindingCode =
  | 'role-missing'
  | 'trust-policy-broader'
  | 'trust-policy-narrower'
  | 'managed-policy-missing'
  | 'managed-policy-extra'
  | 'inline-policy-extra'
  | 'permissions-boundary'
  | 'path-mismatch'
  | 'managed-policy-changed'
  | 'managed-policy-unavailable'

export interface Finding {
  code: FindingCode
  severity: Severity
  /** One sentence on what differs. */
  message: string
  expected: JsonValue
  actual: JsonValue
  /** Further reasons, e.g. each statement-level difference of a trust policy. */
  details?: string[]
}

export type ChangeAction =
  | 'CreateRole'
  | 'AttachRolePolicy'
  | 'UpdateAssumeRolePolicy'
  | 'DetachRolePolicy'
  | 'DeleteRolePolicy'

export interface Change {
  action: ChangeAction
  target: string
  before: JsonValue
  after: JsonValue
}

export type Status = 'compliant' | 'missing' | 'drifted' | 'created' | 'repaired'

/** The one result object that feeds the summary, comment, annotations and outputs. */
export interface RunResult {
  settings: Settings
  desired: DesiredRole
  caller: Caller
  /** The role before any change (null when missing). */
  before: LiveRole | null
  /** The role after the run's changes (equal to `before` in read-only modes). */
  after: LiveRole | null
  /** Findings as found before changes. */
  findings: Finding[]
  /** Findings that remain after the run's changes. */
  remaining: Finding[]
  /** Changes made, in order. */
  changes: Change[]
  /** Changes `repair` would make (shown in read-only modes). */
  planned: Change[]
  /** Planned changes a failed write left undone (the next repair run completes them). */
  notDone: Change[]
  /** The error that stopped the run's writes, when one did. */
  error?: string
  status: Status
  drift: boolean
  /** Whether the job fails for remaining findings. */
  failed: boolean
  /** Notices for the report (e.g. remove-extra-policies outside repair). */
  notices: string[]
}
