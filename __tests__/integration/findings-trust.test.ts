/**
 * Trust-policy findings through the bundled action: `audit` reports and exits 0, `enforce`
 * fails for error findings, and for warning-only findings only with `fail-on: warning`.
 * Contract: the README (finding codes, outputs, exit behaviour).
 */
import { runAction } from '../../scripts/lib/run-action.mjs'
import {
  ACCOUNT_ID,
  TEST_TIMEOUT_MS,
  createRole,
  freshState,
  trustWith,
  useMoto
} from './support/aws.js'
import {
  type DriftCase,
  describeDriftCases,
  INLINE_DOCUMENT,
  expectDocument
} from './support/drift.js'
import { findingByCode } from './support/result.js'

const cases: DriftCase[] = [
  {
    title: 'trust policy also allows ec2.amazonaws.com',
    setup: iam =>
      createRole(iam, {
        trustPolicy: trustWith({
          Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] }
        })
      }),
    findings: ['trust-policy-broader:error'],
    details: findings => {
      const finding = findingByCode(findings, 'trust-policy-broader')
      expectDocument(finding.expected, {
        contains: ['ecs.amazonaws.com'],
        lacks: ['ec2.amazonaws.com']
      })
      expectDocument(finding.actual, { contains: ['ec2.amazonaws.com'] })
    }
  },
  {
    title: 'trust policy allows sts:*',
    setup: iam => createRole(iam, { trustPolicy: trustWith({ Action: 'sts:*' }) }),
    findings: ['trust-policy-broader:error'],
    details: findings => {
      const finding = findingByCode(findings, 'trust-policy-broader')
      expectDocument(finding.actual, { contains: ['sts:*'] })
    }
  },
  {
    title: 'trust policy adds a Condition',
    setup: iam =>
      createRole(iam, {
        trustPolicy: trustWith({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT_ID } } })
      }),
    findings: ['trust-policy-narrower:warning'],
    details: findings => {
      const finding = findingByCode(findings, 'trust-policy-narrower')
      expectDocument(finding.actual, { contains: ['Condition', 'aws:SourceAccount'] })
      expectDocument(finding.expected, { contains: ['ecs.amazonaws.com'], lacks: ['Condition'] })
    }
  },
  {
    title: 'trust policy names only ec2.amazonaws.com (ECS can no longer assume the role)',
    setup: iam =>
      createRole(iam, { trustPolicy: trustWith({ Principal: { Service: 'ec2.amazonaws.com' } }) }),
    findings: ['trust-policy-broader:error', 'trust-policy-narrower:error']
  },
  {
    title: 'several drifts at once (trust, inline policy, managed policy missing)',
    setup: iam =>
      createRole(iam, {
        trustPolicy: trustWith({
          Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] }
        }),
        managedPolicies: [],
        inlinePolicies: { 'extra-s3-read': INLINE_DOCUMENT }
      }),
    findings: [
      'inline-policy-extra:error',
      'managed-policy-missing:error',
      'trust-policy-broader:error'
    ]
  }
]

const moto = useMoto({ reset: false })

// audit and enforce only read IAM: the runs of one case share its set-up (see freshState).
describeDriftCases(moto, cases)

describe('audit never fails for findings', () => {
  freshState(moto, iam =>
    createRole(iam, { trustPolicy: trustWith({ Action: 'sts:*' }), path: '/service-role/' })
  )

  it(
    'not even with fail-on: warning and error findings',
    async () => {
      const result = await runAction({
        endpoint: moto.endpoint,
        inputs: { mode: 'audit', 'fail-on': 'warning' }
      })
      expect(result).toMatchRun({
        code: 0,
        status: 'drifted',
        drift: 'true',
        findings: ['path-mismatch:warning', 'trust-policy-broader:error']
      })
    },
    TEST_TIMEOUT_MS
  )
})
