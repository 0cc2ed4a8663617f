import {
  AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT,
  DEFAULT_TRUST_POLICY
} from '../../src/data/defaults.js'
import { desiredRole } from '../../src/desired.js'
import { diffRole, reaches } from '../../src/diff.js'
import { parseSettings } from '../../src/inputs.js'
import type { JsonValue, LivePolicy, LiveRole } from '../../src/types.js'

const ARN = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole'
const desired = (inputs: Record<string, string> = {}) =>
  desiredRole(parseSettings({ get: n => inputs[n] ?? '', env: {}, readFile: () => '' }), 'aws')
const policy: LivePolicy = {
  arn: ARN,
  exists: true,
  attachable: true,
  defaultVersionId: 'v2',
  document: AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT
}
const role = (over: Partial<LiveRole> = {}): LiveRole => ({
  arn: 'arn:aws:iam::123456789012:role/ecsServiceRole',
  name: 'ecsServiceRole',
  path: '/',
  roleId: 'AROA1',
  trustPolicy: DEFAULT_TRUST_POLICY,
  attachedPolicies: [{ arn: ARN, name: 'AmazonEC2ContainerServiceRole' }],
  inlinePolicies: [],
  ...over
})
const trust = (statement: JsonValue): JsonValue => ({
  Version: '2012-10-17',
  Statement: [statement]
})
const codes = (findings: { code: string; severity: string }[]) =>
  findings.map(f => `${f.code}:${f.severity}`)

describe('diffRole', () => {
  it('finds nothing on the documented role', () => {
    expect(diffRole(desired(), role(), [policy])).toEqual([])
  })

  it('reports a missing role with expected name and actual null', () => {
    expect(diffRole(desired(), null, [policy])).toEqual([
      expect.objectContaining({
        code: 'role-missing',
        severity: 'error',
        expected: 'ecsServiceRole',
        actual: null
      })
    ])
  })

  it('does not report equivalent trust policy forms', () => {
    const live = {
      Statement: {
        Effect: 'Allow',
        Principal: { Service: ['ecs.amazonaws.com'] },
        Action: ['sts:assumerole'],
        Sid: 'x'
      }
    }
    expect(diffRole(desired(), role({ trustPolicy: live }), [policy])).toEqual([])
  })

  it('reports a broader trust policy as an error with the documents', () => {
    const live = trust({
      Effect: 'Allow',
      Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] },
      Action: 'sts:AssumeRole'
    })
    const [finding] = diffRole(desired(), role({ trustPolicy: live }), [policy])
    expect(finding).toMatchObject({
      code: 'trust-policy-broader',
      severity: 'error',
      expected: DEFAULT_TRUST_POLICY,
      actual: live
    })
    expect(finding?.details?.join(' ')).toContain('ec2.amazonaws.com')
  })

  it('reports a conditional trust policy as a narrower warning', () => {
    const live = trust({
      Effect: 'Allow',
      Principal: { Service: 'ecs.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } }
    })
    expect(codes(diffRole(desired(), role({ trustPolicy: live }), [policy]))).toEqual([
      'trust-policy-narrower:warning'
    ])
  })

  it('reports a trust policy the service can no longer use as a narrower error', () => {
    const live = trust({
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole'
    })
    expect(codes(diffRole(desired(), role({ trustPolicy: live }), [policy]))).toEqual([
      'trust-policy-broader:error',
      'trust-policy-narrower:error'
    ])
  })

  it('reports missing, extra and inline policies, boundary and path', () => {
    const live = role({
      path: '/service-role/',
      attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' }],
      inlinePolicies: [{ name: 'extra', document: { Statement: [] } }],
      permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess'
    })
    const findings = diffRole(desired(), live, [policy])
    expect(codes(findings)).toEqual([
      'path-mismatch:warning',
      'managed-policy-missing:error',
      'managed-policy-extra:error',
      'inline-policy-extra:error',
      'permissions-boundary:warning'
    ])
    expect(findings.find(f => f.code === 'managed-policy-missing')).toMatchObject({
      expected: ARN,
      actual: null
    })
    expect(findings.find(f => f.code === 'managed-policy-extra')).toMatchObject({
      expected: null,
      actual: 'arn:aws:iam::aws:policy/ReadOnlyAccess'
    })
    expect(findings.find(f => f.code === 'inline-policy-extra')).toMatchObject({ actual: 'extra' })
    expect(findings.find(f => f.code === 'path-mismatch')).toMatchObject({
      expected: '/',
      actual: '/service-role/'
    })
  })

  it('ignores extra policies when allow-extra-policies is true', () => {
    const live = role({
      attachedPolicies: [
        { arn: ARN, name: 'x' },
        { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' }
      ],
      inlinePolicies: [{ name: 'extra', document: {} }]
    })
    expect(diffRole(desired({ 'allow-extra-policies': 'true' }), live, [policy])).toEqual([])
  })

  it('reports a changed managed policy document, but not a reformatted one', () => {
    const reformatted = {
      Statement: {
        Effect: 'Allow',
        Resource: ['*'],
        Action: [
          'elasticloadbalancing:registertargets',
          'ec2:describe*',
          'ec2:AuthorizeSecurityGroupIngress',
          'elasticloadbalancing:DeregisterTargets',
          'elasticloadbalancing:Describe*',
          'elasticloadbalancing:RegisterInstancesWithLoadBalancer',
          'elasticloadbalancing:DeregisterInstancesFromLoadBalancer'
        ]
      }
    }
    expect(diffRole(desired(), role(), [{ ...policy, document: reformatted }])).toEqual([])
    const changed = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['ec2:*', 'elasticloadbalancing:*'], Resource: '*' }]
    }
    expect(
      codes(diffRole(desired(), role(), [{ ...policy, defaultVersionId: 'v3', document: changed }]))
    ).toEqual(['managed-policy-changed:warning'])
  })

  it('reports an unavailable policy beside the missing attachment', () => {
    const unavailable: LivePolicy = { arn: ARN, exists: true, attachable: false }
    expect(codes(diffRole(desired(), role({ attachedPolicies: [] }), [unavailable]))).toEqual([
      'managed-policy-missing:error',
      'managed-policy-unavailable:warning'
    ])
    expect(
      codes(diffRole(desired(), null, [{ arn: ARN, exists: false, attachable: false }]))
    ).toEqual(['role-missing:error', 'managed-policy-unavailable:warning'])
  })

  it('resolves path/name policies in the caller partition', () => {
    const d = desiredRole(parseSettings({ get: () => '', env: {}, readFile: () => '' }), 'aws-cn')
    expect(d.managedPolicies[0]?.arn).toBe(
      'arn:aws-cn:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole'
    )
    expect(d.managedPolicies[0]?.expectedDocument).toEqual(
      AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT
    )
  })
})

describe('reaches', () => {
  it.each([
    ['error', 'error', true],
    ['warning', 'error', false],
    ['error', 'warning', true],
    ['warning', 'warning', true]
  ] as const)('%s reaches fail-on %s: %s', (severity, failOn, expected) => {
    expect(reaches(severity, failOn)).toBe(expected)
  })
})
