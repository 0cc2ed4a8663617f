/**
 * The bundled action against moto: a missing role, a compliant role, and trust policies that
 * IAM treats as equal to the expected one. Contract: the README (outputs, exit codes).
 */
import { runAction } from '../../scripts/lib/run-action.mjs'
import {
  ACCOUNT_ID,
  MANAGED_POLICY_ARN,
  ROLE_ARN,
  ROLE_NAME,
  SEED_TRUST_POLICY,
  TEST_TIMEOUT_MS,
  createRole,
  freshState,
  useMoto
} from './support/aws.js'
import { findingsOf, withOutput } from './support/result.js'

// The runs here only read IAM: each describe sets up its case once (see freshState).
const moto = useMoto({ reset: false })

describe('missing role', () => {
  freshState(moto)

  it(
    'audit reports role-missing and exits 0',
    async () => {
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'audit' } })
      expect(result).toMatchRun({
        code: 0,
        status: 'missing',
        drift: 'true',
        roleArn: '',
        accountId: ACCOUNT_ID,
        findings: ['role-missing:error'],
        changes: []
      })
      expect(result).toReportFindings()
    },
    TEST_TIMEOUT_MS
  )

  it(
    'enforce (the default mode) fails',
    async () => {
      const result = await runAction({ endpoint: moto.endpoint })
      expect(result).toMatchRun({
        code: 1,
        status: 'missing',
        drift: 'true',
        roleArn: '',
        findings: ['role-missing:error'],
        changes: []
      })
      expect(result).toReportFindings()
    },
    TEST_TIMEOUT_MS
  )

  it(
    'role-missing names the role and expects nothing to be there',
    async () => {
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'audit' } })
      withOutput(result, () => {
        const [finding] = findingsOf(result)
        expect(finding?.actual).toBeNull()
        expect(finding?.message).toContain(ROLE_NAME)
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('compliant role', () => {
  freshState(moto, iam => createRole(iam))

  it.each(['audit', 'enforce'])(
    '%s: compliant, no findings, no changes, exit 0',
    async mode => {
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode } })
      expect(result).toMatchRun({
        code: 0,
        status: 'compliant',
        drift: 'false',
        roleArn: ROLE_ARN,
        accountId: ACCOUNT_ID,
        findings: [],
        changes: []
      })
      withOutput(result, () => {
        expect(result.summary).toContain(ACCOUNT_ID)
        expect(result.summary).toContain(ROLE_ARN)
        expect(result.annotations.filter(a => a.level === 'error')).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'the expected trust policy can come from a JSON file in the workspace',
    async () => {
      const result = await runAction({
        endpoint: moto.endpoint,
        inputs: { 'trust-policy': 'policies/ecs-trust.json' },
        files: { 'policies/ecs-trust.json': JSON.stringify(SEED_TRUST_POLICY, null, 2) }
      })
      expect(result).toMatchRun({ code: 0, status: 'compliant', drift: 'false', findings: [] })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'managed policies can be given as full ARNs, one per line',
    async () => {
      const result = await runAction({
        endpoint: moto.endpoint,
        inputs: { 'managed-policies': `\n${MANAGED_POLICY_ARN}\n` }
      })
      expect(result).toMatchRun({ code: 0, status: 'compliant', findings: [] })
    },
    TEST_TIMEOUT_MS
  )
})

describe('trust policies that IAM treats as equal are not findings', () => {
  const equivalents: [string, unknown][] = [
    [
      'Statement as an object, lower-case action, one-element principal array, a Sid',
      {
        Version: '2012-10-17',
        Statement: {
          Sid: 'x',
          Effect: 'Allow',
          Principal: { Service: ['ecs.amazonaws.com'] },
          Action: 'sts:assumerole'
        }
      }
    ],
    [
      'the seed as printed: Version 2008-10-17 and an empty Sid',
      {
        Version: '2008-10-17',
        Statement: [
          {
            Sid: '',
            Effect: 'Allow',
            Principal: { Service: 'ecs.amazonaws.com' },
            Action: 'sts:AssumeRole'
          }
        ]
      }
    ],
    [
      'the same statement twice, actions as an array',
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ecs.amazonaws.com' },
            Action: ['sts:AssumeRole']
          },
          { Effect: 'Allow', Action: 'STS:AssumeRole', Principal: { Service: 'ecs.amazonaws.com' } }
        ]
      }
    ]
  ]

  it.each(equivalents)(
    '%s',
    async (_title, trustPolicy) => {
      await moto.server.reset()
      await createRole(moto.iam, { trustPolicy })
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'enforce' } })
      expect(result).toMatchRun({
        code: 0,
        status: 'compliant',
        drift: 'false',
        roleArn: ROLE_ARN,
        findings: [],
        changes: []
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'an expected policy written differently matches the seed role',
    async () => {
      await moto.server.reset()
      await createRole(moto.iam)
      const result = await runAction({
        endpoint: moto.endpoint,
        inputs: {
          'trust-policy': JSON.stringify({
            Statement: {
              Effect: 'Allow',
              Action: ['STS:ASSUMEROLE'],
              Principal: { Service: 'ecs.amazonaws.com' }
            },
            Version: '2008-10-17'
          })
        }
      })
      expect(result).toMatchRun({ code: 0, status: 'compliant', drift: 'false', findings: [] })
    },
    TEST_TIMEOUT_MS
  )
})
