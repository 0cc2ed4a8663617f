import { jest } from '@jest/globals'
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException
} from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import { getRoleAws, POLICY_ARN } from '../../__fixtures__/aws-responses.js'
import { converge, shows } from '../../src/converge.js'
import { parseSettings } from '../../src/inputs.js'
import type { Change, LiveRole, Observation } from '../../src/types.js'

const iamMock = mockClient(IAMClient)
const clients = () => ({
  iam: new IAMClient({ region: 'us-east-1' }),
  sts: new STSClient({ region: 'us-east-1' })
})
const settings = (mode: string) =>
  parseSettings({ get: n => (n === 'mode' ? mode : ''), env: {}, readFile: () => '' })
const caller = {
  accountId: '123456789012',
  arn: 'arn:aws:sts::123456789012:assumed-role/ci/x',
  userId: 'x',
  partition: 'aws' as const
}
const missing: Observation = {
  caller,
  role: null,
  policies: [{ arn: POLICY_ARN, exists: true, attachable: true }]
}
const noSuchRole = new NoSuchEntityException({ message: 'not found', $metadata: {} })
const meta = { $metadata: {} }
const instant = { sleep: () => Promise.resolve(), delays: [0, 1, 1] }

function roleReadsBack(attached: boolean): void {
  iamMock.on(GetRoleCommand).resolves(getRoleAws)
  iamMock.on(ListRolePoliciesCommand).resolves({ ...meta, PolicyNames: [] })
  iamMock.on(ListAttachedRolePoliciesCommand).resolves({
    ...meta,
    AttachedPolicies: attached
      ? [{ PolicyArn: POLICY_ARN, PolicyName: 'AmazonEC2ContainerServiceRole' }]
      : []
  })
}

beforeEach(() => iamMock.reset())

describe('converge', () => {
  it('changes nothing in enforce', async () => {
    const log = { record: jest.fn() }
    const result = await converge(settings('enforce'), clients(), missing, { log, ...instant })
    expect(iamMock.calls()).toHaveLength(0)
    expect(log.record).not.toHaveBeenCalled()
    expect(result.status).toBe('missing')
    expect(result.changes).toEqual([])
  })

  it('creates the role, records each change before it is made, and reads it back', async () => {
    const order: string[] = []
    iamMock.on(CreateRoleCommand).callsFake(() => (order.push('CreateRole:sent'), {}))
    iamMock.on(AttachRolePolicyCommand).callsFake(() => (order.push('AttachRolePolicy:sent'), {}))
    roleReadsBack(true)
    const log = { record: (c: Change) => order.push(`${c.action}:recorded`) }
    const result = await converge(settings('create'), clients(), missing, { log, ...instant })
    expect(order).toEqual([
      'CreateRole:recorded',
      'CreateRole:sent',
      'AttachRolePolicy:recorded',
      'AttachRolePolicy:sent'
    ])
    const input = iamMock.commandCalls(CreateRoleCommand)[0]?.args[0].input
    expect(JSON.parse(input?.AssumeRolePolicyDocument ?? '')).toMatchObject({
      Version: '2012-10-17'
    })
    expect(input?.AssumeRolePolicyDocument).not.toContain('%')
    expect(result.status).toBe('created')
    expect(result.failed).toBe(false)
    expect(result.changes.map(c => c.action)).toEqual(['CreateRole', 'AttachRolePolicy'])
  })

  it('polls until the read shows the writes, then judges the final state', async () => {
    iamMock.on(CreateRoleCommand).resolves({})
    iamMock.on(AttachRolePolicyCommand).resolves({})
    iamMock.on(GetRoleCommand).rejectsOnce(noSuchRole).resolves(getRoleAws)
    iamMock
      .on(ListRolePoliciesCommand)
      .rejectsOnce(noSuchRole)
      .resolves({ ...meta, PolicyNames: [] })
    iamMock
      .on(ListAttachedRolePoliciesCommand)
      .rejectsOnce(noSuchRole)
      .resolvesOnce({ ...meta, AttachedPolicies: [] })
      .resolves({ ...meta, AttachedPolicies: [{ PolicyArn: POLICY_ARN, PolicyName: 'x' }] })
    const result = await converge(settings('create'), clients(), missing, {
      log: { record: () => undefined },
      ...instant
    })
    expect(iamMock.commandCalls(GetRoleCommand)).toHaveLength(3)
    expect(result.status).toBe('created')
  })

  it('reports what was done and not done when a write is denied midway', async () => {
    iamMock.on(CreateRoleCommand).resolves({})
    iamMock.on(AttachRolePolicyCommand).rejects(
      Object.assign(new Error('not authorized to perform: iam:AttachRolePolicy'), {
        name: 'AccessDenied'
      })
    )
    roleReadsBack(false)
    const result = await converge(settings('repair'), clients(), missing, {
      log: { record: () => undefined },
      ...instant
    })
    expect(result.changes.map(c => c.action)).toEqual(['CreateRole'])
    expect(result.notDone.map(c => c.action)).toEqual(['AttachRolePolicy'])
    expect(result.error).toMatch(/iam:AttachRolePolicy was denied/)
    expect(result.failed).toBe(true)
    expect(result.status).toBe('drifted')
  })

  it('judges the role another job created instead of failing', async () => {
    iamMock.on(CreateRoleCommand).rejects(
      new EntityAlreadyExistsException({
        message: 'Role with name ecsServiceRole already exists.',
        $metadata: {}
      })
    )
    roleReadsBack(true)
    const result = await converge(settings('create'), clients(), missing, {
      log: { record: () => undefined },
      ...instant
    })
    expect(result.failed).toBe(false)
    expect(result.status).toBe('compliant')
    expect(result.changes).toEqual([])
    expect(result.notices.join(' ')).toMatch(/created by another run/)
    // It found the role missing: that is drift, whoever created the role.
    expect(result.drift).toBe(true)
    expect(iamMock.commandCalls(AttachRolePolicyCommand)).toHaveLength(0)
  })
})

describe('shows', () => {
  const role: LiveRole = {
    arn: 'a',
    name: 'ecsServiceRole',
    path: '/',
    roleId: 'r',
    trustPolicy: {
      Statement: {
        Effect: 'Allow',
        Principal: { Service: 'ecs.amazonaws.com' },
        Action: 'sts:AssumeRole'
      }
    },
    attachedPolicies: [{ arn: POLICY_ARN, name: 'p' }],
    inlinePolicies: [{ name: 'x', document: {} }]
  }
  const change = (
    action: Change['action'],
    target: string,
    after: Change['after'] = null
  ): Change => ({ action, target, before: null, after })
  it.each([
    [change('CreateRole', 'a'), null, false],
    [change('CreateRole', 'a'), role, true],
    [change('AttachRolePolicy', POLICY_ARN), role, true],
    [change('AttachRolePolicy', 'other'), role, false],
    [change('DetachRolePolicy', POLICY_ARN), role, false],
    [change('DetachRolePolicy', 'other'), role, true],
    [change('DeleteRolePolicy', 'x'), role, false],
    [change('DeleteRolePolicy', 'y'), role, true],
    [
      change('UpdateAssumeRolePolicy', 'a', {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }
        ]
      }),
      role,
      true
    ],
    [
      change('UpdateAssumeRolePolicy', 'a', {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }
        ]
      }),
      role,
      false
    ]
  ])('%j on the role read: %#', (c, r, expected) => {
    expect(shows(r, c)).toBe(expected)
  })
})
