/**
 * The writing modes through the bundled action: `create` makes a missing role and never
 * changes an existing one, `repair` converges drift and records every change. The role is read
 * back with the SDK afterwards. Contract: docs/contract.md (mode, outputs `status`/`changes`).
 */
import {
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand
} from '@aws-sdk/client-iam'
import { runAction } from '../../scripts/lib/run-action.mjs'
import {
  ACCOUNT_ID,
  MANAGED_POLICY_ARN,
  ROLE_ARN,
  ROLE_NAME,
  TEST_TIMEOUT_MS,
  createRole,
  trustWith,
  useMoto
} from './support/aws.js'
import { INLINE_DOCUMENT, READ_ONLY_ARN, json } from './support/drift.js'
import { changesOf, withOutput } from './support/result.js'

interface Change {
  action: string
  target: string
  before: unknown
  after: unknown
}

// These runs write: every test starts from an empty moto.
const moto = useMoto()

async function liveRole(): Promise<{
  trust: unknown
  path: string | undefined
  attached: string[]
  inline: string[]
}> {
  const { Role } = await moto.iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }))
  const attached = await moto.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE_NAME }))
  const inline = await moto.iam.send(new ListRolePoliciesCommand({ RoleName: ROLE_NAME }))
  return {
    trust: JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? 'null')) as unknown,
    path: Role?.Path,
    attached: (attached.AttachedPolicies ?? []).map(policy => policy.PolicyArn ?? '').sort(),
    inline: inline.PolicyNames ?? []
  }
}

/** The services a trust policy lets call sts:AssumeRole (enough to compare these cases). */
function trustedServices(trust: unknown): string[] {
  const statements = (trust as { Statement: unknown }).Statement
  return (Array.isArray(statements) ? statements : [statements])
    .flatMap(statement => {
      const service = (statement as { Principal?: { Service?: unknown } }).Principal?.Service
      return Array.isArray(service) ? (service as string[]) : [service as string]
    })
    .sort()
}

const DRIFTED = {
  trustPolicy: trustWith({ Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] } }),
  managedPolicies: [READ_ONLY_ARN],
  inlinePolicies: { 'extra-s3-read': INLINE_DOCUMENT }
}

describe('create', () => {
  it(
    'creates a missing role with the trust policy and the managed policy',
    async () => {
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'create' } })
      expect(result).toMatchRun({
        code: 0,
        status: 'created',
        drift: 'true',
        roleArn: ROLE_ARN,
        accountId: ACCOUNT_ID,
        findings: ['role-missing:error']
      })
      withOutput(result, () => {
        const changes = changesOf(result) as Change[]
        expect(changes.map(change => change.action)).toEqual(['CreateRole', 'AttachRolePolicy'])
        expect(changes[1]?.target).toBe(MANAGED_POLICY_ARN)
        // The report says that AWS now prefers the service-linked role (iam-facts: the role).
        expect(result.summary + json(result.annotations)).toContain('AWSServiceRoleForECS')
      })
      const role = await liveRole()
      expect(role.path).toBe('/')
      expect(trustedServices(role.trust)).toEqual(['ecs.amazonaws.com'])
      expect(role.attached).toEqual([MANAGED_POLICY_ARN])
      expect(role.inline).toEqual([])

      // A second run finds it compliant and changes nothing.
      const again = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'create' } })
      expect(again).toMatchRun({ code: 0, status: 'compliant', drift: 'false', changes: [] })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'never changes an existing role: judges it as enforce does',
    async () => {
      await createRole(moto.iam, DRIFTED)
      const before = await liveRole()
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'create' } })
      expect(result).toMatchRun({
        code: 1,
        status: 'drifted',
        drift: 'true',
        findings: [
          'inline-policy-extra:error',
          'managed-policy-extra:error',
          'managed-policy-missing:error',
          'trust-policy-broader:error'
        ],
        changes: []
      })
      expect(await liveRole()).toEqual(before)
    },
    TEST_TIMEOUT_MS
  )
})

describe('repair', () => {
  it(
    'converges trust and managed policy; extra policies stay without remove-extra-policies',
    async () => {
      await createRole(moto.iam, DRIFTED)
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'repair' } })
      expect(result).toMatchRun({
        code: 1,
        status: 'drifted',
        drift: 'true',
        findings: [
          'inline-policy-extra:error',
          'managed-policy-extra:error',
          'managed-policy-missing:error',
          'trust-policy-broader:error'
        ]
      })
      withOutput(result, () => {
        const changes = changesOf(result) as Change[]
        expect(changes.map(change => change.action).sort()).toEqual([
          'AttachRolePolicy',
          'UpdateAssumeRolePolicy'
        ])
        const trustChange = changes.find(change => change.action === 'UpdateAssumeRolePolicy')
        // `before` keeps the replaced trust document.
        expect(json(trustChange?.before)).toContain('ec2.amazonaws.com')
        expect(json(trustChange?.after)).not.toContain('ec2.amazonaws.com')
      })
      const role = await liveRole()
      expect(trustedServices(role.trust)).toEqual(['ecs.amazonaws.com'])
      expect(role.attached).toEqual([MANAGED_POLICY_ARN, READ_ONLY_ARN].sort())
      expect(role.inline).toEqual(['extra-s3-read'])
    },
    TEST_TIMEOUT_MS
  )

  it(
    'with remove-extra-policies: removes them, records what was removed, reads back clean',
    async () => {
      await createRole(moto.iam, DRIFTED)
      const result = await runAction({
        endpoint: moto.endpoint,
        inputs: { mode: 'repair', 'remove-extra-policies': 'true' }
      })
      expect(result).toMatchRun({ code: 0, status: 'repaired', drift: 'true', roleArn: ROLE_ARN })
      withOutput(result, () => {
        const changes = changesOf(result) as Change[]
        expect(changes.map(change => change.action).sort()).toEqual([
          'AttachRolePolicy',
          'DeleteRolePolicy',
          'DetachRolePolicy',
          'UpdateAssumeRolePolicy'
        ])
        const deleted = changes.find(change => change.action === 'DeleteRolePolicy')
        expect(json(deleted?.before)).toContain('s3:GetObject')
        const detached = changes.find(change => change.action === 'DetachRolePolicy')
        expect(json(detached?.before)).toContain(READ_ONLY_ARN)
      })
      const role = await liveRole()
      expect(trustedServices(role.trust)).toEqual(['ecs.amazonaws.com'])
      expect(role.attached).toEqual([MANAGED_POLICY_ARN])
      expect(role.inline).toEqual([])
    },
    TEST_TIMEOUT_MS
  )

  it(
    'creates a missing role',
    async () => {
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'repair' } })
      expect(result).toMatchRun({ code: 0, status: 'created', drift: 'true', roleArn: ROLE_ARN })
      expect((await liveRole()).attached).toEqual([MANAGED_POLICY_ARN])
    },
    TEST_TIMEOUT_MS
  )

  it(
    'leaves a compliant role alone',
    async () => {
      await createRole(moto.iam)
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'repair' } })
      expect(result).toMatchRun({
        code: 0,
        status: 'compliant',
        drift: 'false',
        findings: [],
        changes: []
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('remove-extra-policies outside repair', () => {
  it(
    'changes nothing and says so in a notice',
    async () => {
      await createRole(moto.iam, { inlinePolicies: { 'extra-s3-read': INLINE_DOCUMENT } })
      const result = await runAction({
        endpoint: moto.endpoint,
        inputs: { mode: 'enforce', 'remove-extra-policies': 'true' }
      })
      expect(result).toMatchRun({
        code: 1,
        status: 'drifted',
        findings: ['inline-policy-extra:error'],
        changes: []
      })
      withOutput(result, () => {
        const notices = result.annotations.filter(a => a.level === 'notice')
        expect(json(notices)).toContain('remove-extra-policies')
      })
      expect((await liveRole()).inline).toEqual(['extra-s3-read'])
    },
    TEST_TIMEOUT_MS
  )
})
