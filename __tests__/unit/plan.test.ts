import { DEFAULT_TRUST_POLICY } from '../../src/data/defaults.js'
import { desiredRole } from '../../src/desired.js'
import { diffRole } from '../../src/diff.js'
import { parseSettings } from '../../src/inputs.js'
import { planChanges, ROLE_DESCRIPTION, writableTrustPolicy } from '../../src/plan.js'
import type { LivePolicy, LiveRole } from '../../src/types.js'

const ARN = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole'
const ROLE_ARN = 'arn:aws:iam::123456789012:role/ecsServiceRole'
const desired = desiredRole(parseSettings({ get: () => '', env: {}, readFile: () => '' }), 'aws')
const available: LivePolicy[] = [{ arn: ARN, exists: true, attachable: true }]
const live = (over: Partial<LiveRole> = {}): LiveRole => ({
  arn: ROLE_ARN,
  name: 'ecsServiceRole',
  path: '/',
  roleId: 'AROA1',
  trustPolicy: DEFAULT_TRUST_POLICY,
  attachedPolicies: [{ arn: ARN, name: 'AmazonEC2ContainerServiceRole' }],
  inlinePolicies: [],
  ...over
})
const plan = (role: LiveRole | null, removeExtraPolicies = false, policies = available) =>
  planChanges({
    desired,
    roleArn: ROLE_ARN,
    role,
    policies,
    findings: diffRole(desired, role, policies),
    removeExtraPolicies
  })

const writable = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }
  ]
}

describe('planChanges', () => {
  it('plans nothing for a compliant role', () => {
    expect(plan(live())).toEqual([])
  })

  it('creates a missing role with the writable trust policy, then attaches the policy', () => {
    expect(plan(null)).toEqual([
      {
        action: 'CreateRole',
        target: ROLE_ARN,
        before: null,
        after: {
          RoleName: 'ecsServiceRole',
          Path: '/',
          AssumeRolePolicyDocument: writable,
          Description: ROLE_DESCRIPTION
        }
      },
      { action: 'AttachRolePolicy', target: ARN, before: null, after: ARN }
    ])
  })

  it('does not plan to attach an unavailable policy', () => {
    expect(
      plan(null, false, [{ arn: ARN, exists: true, attachable: false }]).map(c => c.action)
    ).toEqual(['CreateRole'])
    expect(
      plan(live({ attachedPolicies: [] }), false, [{ arn: ARN, exists: false, attachable: false }])
    ).toEqual([])
  })

  it('replaces a drifted trust policy once, recording the previous document', () => {
    const before = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }
      ]
    }
    expect(plan(live({ trustPolicy: before }))).toEqual([
      { action: 'UpdateAssumeRolePolicy', target: ROLE_ARN, before, after: writable }
    ])
  })

  it('keeps extra policies unless removal is asked for, then records them', () => {
    const extraDoc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]
    }
    const role = live({
      attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' }],
      inlinePolicies: [{ name: 'extra', document: extraDoc }]
    })
    expect(plan(role)).toEqual([
      { action: 'AttachRolePolicy', target: ARN, before: null, after: ARN }
    ])
    expect(plan(role, true)).toEqual([
      { action: 'AttachRolePolicy', target: ARN, before: null, after: ARN },
      {
        action: 'DetachRolePolicy',
        target: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        before: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        after: null
      },
      { action: 'DeleteRolePolicy', target: 'extra', before: extraDoc, after: null }
    ])
  })

  it('cannot repair a path or a boundary in place', () => {
    expect(
      plan(live({ path: '/x/', permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }))
    ).toEqual([])
  })
})

describe('writableTrustPolicy', () => {
  it('writes Version 2012-10-17 and drops an empty Sid', () => {
    expect(writableTrustPolicy(DEFAULT_TRUST_POLICY)).toEqual(writable)
  })

  it('keeps a named Sid and a single statement object as an array', () => {
    expect(writableTrustPolicy({ Statement: { Sid: 'Ecs', Effect: 'Allow' } })).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Ecs', Effect: 'Allow' }]
    })
  })
})
