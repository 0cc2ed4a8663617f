/**
 * Managed-policy, inline-policy, boundary and path findings through the bundled action:
 * `audit` reports and exits 0, `enforce` fails for error findings, and for warning-only
 * findings only with `fail-on: warning`. Contract: the README (finding codes, outputs).
 */
import { CreatePolicyVersionCommand } from '@aws-sdk/client-iam'
import { runAction } from '../../scripts/lib/run-action.mjs'
import {
  ACCOUNT_ID,
  MANAGED_POLICY_ARN,
  TEST_TIMEOUT_MS,
  createRole,
  freshState,
  useMoto
} from './support/aws.js'
import {
  type DriftCase,
  describeDriftCases,
  INLINE_DOCUMENT,
  READ_ONLY_ARN,
  expectDocument,
  json
} from './support/drift.js'
import { findingByCode } from './support/result.js'

const BOUNDARY_ARN = 'arn:aws:iam::aws:policy/PowerUserAccess'
const MISSING_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/NoSuchPolicyXyz'
const CHANGED_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]
}

const cases: DriftCase[] = [
  {
    title: 'the managed policy is not attached',
    setup: iam => createRole(iam, { managedPolicies: [] }),
    findings: ['managed-policy-missing:error'],
    details: findings => {
      const finding = findingByCode(findings, 'managed-policy-missing')
      expect(finding.expected).toBe(MANAGED_POLICY_ARN)
      expect(finding.actual).toBeNull()
    }
  },
  {
    title: 'another AWS managed policy is attached',
    setup: iam => createRole(iam, { managedPolicies: [MANAGED_POLICY_ARN, READ_ONLY_ARN] }),
    findings: ['managed-policy-extra:error'],
    details: findings => {
      const finding = findingByCode(findings, 'managed-policy-extra')
      expect(finding.expected).toBeNull()
      expect(finding.actual).toBe(READ_ONLY_ARN)
    }
  },
  {
    title: 'an inline policy exists',
    setup: iam => createRole(iam, { inlinePolicies: { 'extra-s3-read': INLINE_DOCUMENT } }),
    findings: ['inline-policy-extra:error'],
    details: findings => {
      const finding = findingByCode(findings, 'inline-policy-extra')
      expect(finding.expected).toBeNull()
      // The contract allows the policy's name or its document here.
      expect(json(finding.actual)).toMatch(/extra-s3-read|s3:GetObject/)
      expect(`${finding.message} ${json(finding.actual)}`).toContain('extra-s3-read')
    }
  },
  {
    title: 'a permissions boundary is set',
    setup: iam => createRole(iam, { permissionsBoundary: BOUNDARY_ARN }),
    findings: ['permissions-boundary:warning'],
    details: findings => {
      const finding = findingByCode(findings, 'permissions-boundary')
      expect(finding.expected).toBeNull()
      expect(finding.actual).toBe(BOUNDARY_ARN)
    }
  },
  {
    title: 'the role lives under another path',
    setup: iam => createRole(iam, { path: '/service-role/' }),
    roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/service-role/ecsServiceRole`,
    findings: ['path-mismatch:warning'],
    details: findings => {
      const finding = findingByCode(findings, 'path-mismatch')
      expect(finding.expected).toBe('/')
      expect(finding.actual).toBe('/service-role/')
    }
  },
  {
    title: 'an expected managed policy does not exist',
    setup: iam => createRole(iam, { managedPolicies: [] }),
    inputs: { 'managed-policies': 'service-role/NoSuchPolicyXyz' },
    findings: ['managed-policy-missing:error', 'managed-policy-unavailable:warning'],
    details: findings => {
      expect(findingByCode(findings, 'managed-policy-unavailable').expected).toBe(
        MISSING_POLICY_ARN
      )
      expect(findingByCode(findings, 'managed-policy-missing').expected).toBe(MISSING_POLICY_ARN)
    }
  },
  {
    // AWS would refuse this change to its own policy; moto allows it, which is how the case
    // "AWS published a new default version" can be produced at all.
    title: 'the AWS managed policy has a new default version',
    setup: async iam => {
      await createRole(iam)
      await iam.send(
        new CreatePolicyVersionCommand({
          PolicyArn: MANAGED_POLICY_ARN,
          PolicyDocument: JSON.stringify(CHANGED_DOCUMENT),
          SetAsDefault: true
        })
      )
    },
    findings: ['managed-policy-changed:warning'],
    details: findings => {
      const finding = findingByCode(findings, 'managed-policy-changed')
      expectDocument(finding.expected, { contains: ['ec2:AuthorizeSecurityGroupIngress'] })
      expectDocument(finding.actual, { contains: ['s3:*'] })
    }
  }
]

const moto = useMoto({ reset: false })

// audit and enforce only read IAM: the runs of one case share its set-up (see freshState).
describeDriftCases(moto, cases)

describe('allow-extra-policies', () => {
  freshState(moto, iam =>
    createRole(iam, {
      managedPolicies: [MANAGED_POLICY_ARN, READ_ONLY_ARN],
      inlinePolicies: { 'extra-s3-read': INLINE_DOCUMENT }
    })
  )

  it(
    'true: extra managed and inline policies are not findings',
    async () => {
      const result = await runAction({
        endpoint: moto.endpoint,
        inputs: { mode: 'enforce', 'allow-extra-policies': 'true' }
      })
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

  it(
    'false (default): both are findings',
    async () => {
      const result = await runAction({ endpoint: moto.endpoint, inputs: { mode: 'enforce' } })
      expect(result).toMatchRun({
        code: 1,
        status: 'drifted',
        findings: ['inline-policy-extra:error', 'managed-policy-extra:error']
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'true does not hide a missing expected policy',
    async () => {
      await moto.server.reset()
      await createRole(moto.iam, { managedPolicies: [READ_ONLY_ARN] })
      const result = await runAction({
        endpoint: moto.endpoint,
        inputs: { mode: 'enforce', 'allow-extra-policies': 'true' }
      })
      expect(result).toMatchRun({
        code: 1,
        status: 'drifted',
        findings: ['managed-policy-missing:error']
      })
    },
    TEST_TIMEOUT_MS
  )
})
