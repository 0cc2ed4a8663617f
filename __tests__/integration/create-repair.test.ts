/**
 * The writing modes through the bundled action: `create` makes a missing role and never
 * changes an existing one, `repair` converges drift and records every change. The role is read
 * back with the SDK afterwards. Contract: the README (mode, outputs `status`/`changes`).
 */
import {
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand
} from '@aws-sdk/client-iam'
import { runAction } from '../../scripts/lib/run-action.mjs'
import { startProxy } from '../../scripts/lib/proxy.mjs'
import {
  ACCOUNT_ID,
  MANAGED_POLICY_ARN,
  ROLE_ARN,
  ROLE_NAME,
  TEST_TIMEOUT_MS,
  createRole,
  isSeedTrust,
  type RoleSetup,
  trustWith,
  useMoto
} from './support/aws.js'
import { INLINE_DOCUMENT, READ_ONLY_ARN, json } from './support/drift.js'
import { changesOf, errorText, withOutput } from './support/result.js'

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

/** The trust document itself when it is not the seed's, so that a failure shows it. */
const seedTrustOr = (trust: unknown): string =>
  isSeedTrust(trust) ? 'the seed trust' : json(trust)

/** The IAM actions that change a role or its policies. */
const WRITE_ACTIONS = [
  'CreateRole',
  'DeleteRole',
  'UpdateRole',
  'TagRole',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'UpdateAssumeRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'CreateServiceLinkedRole'
]

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
        // The report says that AWS now prefers the service-linked role (see the README).
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
      const previous = await liveRole()
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

        // What was removed is recorded in full: the inline document, the detached ARN, the
        // replaced trust document.
        expect(deleted).toEqual({
          action: 'DeleteRolePolicy',
          target: 'extra-s3-read',
          before: INLINE_DOCUMENT,
          after: null
        })
        expect(detached).toEqual({
          action: 'DetachRolePolicy',
          target: READ_ONLY_ARN,
          before: READ_ONLY_ARN,
          after: null
        })
        const trustChange = changes.find(change => change.action === 'UpdateAssumeRolePolicy')
        expect(trustChange?.before).toEqual(previous.trust)

        // The summary shows how to put them back.
        const restoreInline = new RegExp(
          String.raw`aws iam put-role-policy[\s\\]+--role-name '${ROLE_NAME}'[\s\\]+` +
            String.raw`--policy-name 'extra-s3-read'[\s\\]+--policy-document '([^']*)'`
        ).exec(result.summary)
        expect(restoreInline?.[0]).toBeDefined()
        expect(JSON.parse(restoreInline?.[1] ?? 'null')).toEqual(INLINE_DOCUMENT)
        expect(result.summary).toMatch(
          new RegExp(
            String.raw`aws iam attach-role-policy[\s\\]+--role-name '${ROLE_NAME}'[\s\\]+` +
              `--policy-arn '${READ_ONLY_ARN}'`
          )
        )
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

describe('repair of one finding', () => {
  const cases: { finding: string; setup: RoleSetup; action: string }[] = [
    {
      finding: 'trust-policy-broader:error',
      setup: {
        trustPolicy: trustWith({
          Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] }
        })
      },
      action: 'UpdateAssumeRolePolicy'
    },
    {
      finding: 'trust-policy-narrower:warning',
      setup: {
        trustPolicy: trustWith({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT_ID } } })
      },
      action: 'UpdateAssumeRolePolicy'
    },
    {
      finding: 'managed-policy-missing:error',
      setup: { managedPolicies: [] },
      action: 'AttachRolePolicy'
    }
  ]

  it.each(cases)(
    '$finding: $action, repaired, reads back correct',
    async ({ finding, setup, action }) => {
      await createRole(moto.iam, setup)
      const previous = await liveRole()
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'repair' } })
      expect(result).toMatchRun({
        code: 0,
        status: 'repaired',
        drift: 'true',
        roleArn: ROLE_ARN,
        accountId: ACCOUNT_ID,
        findings: [finding]
      })
      withOutput(result, () => {
        const changes = changesOf(result) as Change[]
        expect(changes.map(change => change.action)).toEqual([action])
        // `before` is the trust document that was live, exactly as IAM returned it; an
        // attached policy replaces nothing.
        expect({ target: changes[0]?.target, before: changes[0]?.before }).toEqual(
          action === 'UpdateAssumeRolePolicy'
            ? { target: ROLE_ARN, before: previous.trust }
            : { target: MANAGED_POLICY_ARN, before: null }
        )
      })
      const role = await liveRole()
      expect(seedTrustOr(role.trust)).toBe('the seed trust')
      expect(role).toEqual({ ...previous, trust: role.trust, attached: [MANAGED_POLICY_ARN] })
    },
    TEST_TIMEOUT_MS
  )
})

describe('repair keeps extra policies unless asked', () => {
  const cases: { finding: string; setup: RoleSetup }[] = [
    {
      finding: 'managed-policy-extra:error',
      setup: { managedPolicies: [MANAGED_POLICY_ARN, READ_ONLY_ARN] }
    },
    {
      finding: 'inline-policy-extra:error',
      setup: { inlinePolicies: { 'extra-s3-read': INLINE_DOCUMENT } }
    }
  ]

  it.each(cases)(
    '$finding: changes nothing, fails as drifted, the policy stays',
    async ({ finding, setup }) => {
      await createRole(moto.iam, setup)
      const previous = await liveRole()
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'repair' } })
      expect(result).toMatchRun({
        code: 1,
        status: 'drifted',
        drift: 'true',
        roleArn: ROLE_ARN,
        findings: [finding],
        changes: []
      })
      expect(await liveRole()).toEqual(previous)
    },
    TEST_TIMEOUT_MS
  )
})

describe('a second repair', () => {
  it(
    'is a no-op: compliant, no changes, no write request',
    async () => {
      await createRole(moto.iam, DRIFTED)
      const inputs = { mode: 'repair', 'remove-extra-policies': 'true' }
      const first = await runAction({ endpoint: moto.endpoint, inputs })
      expect(first).toMatchRun({ code: 0, status: 'repaired' })
      const repaired = await liveRole()

      const proxy = await startProxy({ target: moto.endpoint })
      try {
        const second = await runAction({ endpoint: proxy.endpoint, inputs })
        expect(second).toMatchRun({
          code: 0,
          status: 'compliant',
          drift: 'false',
          roleArn: ROLE_ARN,
          findings: [],
          changes: []
        })
        const actions = proxy.requests.map(request => request.action)
        withOutput(second, () => {
          // The run went through the proxy, and only read.
          expect(actions).toContain('GetRole')
          expect(actions.filter(action => WRITE_ACTIONS.includes(action))).toEqual([])
        })
      } finally {
        await proxy.stop()
      }
      expect(await liveRole()).toEqual(repaired)
    },
    TEST_TIMEOUT_MS
  )
})

describe('repair of a role at another path', () => {
  it(
    'fails, says the path cannot be repaired in place, and leaves the role as it is',
    async () => {
      await createRole(moto.iam, { path: '/service-role/' })
      const previous = await liveRole()
      expect(previous.path).toBe('/service-role/')
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'repair' } })
      expect(result).toMatchRun({
        code: 1,
        status: 'drifted',
        drift: 'true',
        roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/service-role/${ROLE_NAME}`,
        findings: ['path-mismatch:warning'],
        changes: []
      })
      withOutput(result, () => expect(errorText(result)).toMatch(/cannot be repaired in place/))
      expect(await liveRole()).toEqual(previous)
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
