import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import {
  ACCOUNT,
  POLICY_ARN,
  callerAws,
  getPolicyAws,
  getPolicyVersionAws,
  getRoleAws,
  getRolePolicyAws
} from '../../__fixtures__/aws-responses.js'
import { AccountNotAllowedError, judge, observe } from '../../src/check.js'
import { parseSettings } from '../../src/inputs.js'
import { AwsCallError } from '../../src/iam/errors.js'

const iamMock = mockClient(IAMClient)
const stsMock = mockClient(STSClient)
const clients = () => ({
  iam: new IAMClient({ region: 'us-east-1' }),
  sts: new STSClient({ region: 'us-east-1' })
})
const settings = (inputs: Record<string, string> = {}) =>
  parseSettings({ get: n => inputs[n] ?? '', env: {}, readFile: () => '' })
const meta = { $metadata: {} }

function compliantAccount(): void {
  stsMock.on(GetCallerIdentityCommand).resolves(callerAws)
  iamMock.on(GetRoleCommand).resolves(getRoleAws)
  iamMock.on(ListAttachedRolePoliciesCommand).resolves({
    ...meta,
    AttachedPolicies: [{ PolicyArn: POLICY_ARN, PolicyName: 'AmazonEC2ContainerServiceRole' }],
    IsTruncated: false
  })
  iamMock.on(ListRolePoliciesCommand).resolves({ ...meta, PolicyNames: [], IsTruncated: false })
  iamMock.on(GetPolicyCommand).resolves(getPolicyAws)
  iamMock.on(GetPolicyVersionCommand).resolves(getPolicyVersionAws)
}

beforeEach(() => {
  iamMock.reset()
  stsMock.reset()
})

describe('observe and judge against real AWS response shapes', () => {
  it('decodes URL-encoded documents and finds the documented role compliant', async () => {
    compliantAccount()
    const result = judge(settings(), await observe(settings(), clients()))
    expect(result.findings).toEqual([])
    expect(result.status).toBe('compliant')
    expect(result.caller.accountId).toBe(ACCOUNT)
    expect(result.before?.trustPolicy).toMatchObject({ Version: '2008-10-17' })
    expect(iamMock.commandCalls(GetPolicyVersionCommand)[0]?.args[0].input).toEqual({
      PolicyArn: POLICY_ARN,
      VersionId: 'v2'
    })
  })

  it('follows IsTruncated across short and empty pages', async () => {
    compliantAccount()
    iamMock
      .on(ListAttachedRolePoliciesCommand, { RoleName: 'ecsServiceRole', Marker: undefined })
      .resolves({ ...meta, AttachedPolicies: [], IsTruncated: true, Marker: 'm1' })
      .on(ListAttachedRolePoliciesCommand, { Marker: 'm1' })
      .resolves({
        ...meta,
        AttachedPolicies: [
          { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', PolicyName: 'ReadOnlyAccess' }
        ],
        IsTruncated: true,
        Marker: 'm2'
      })
      .on(ListAttachedRolePoliciesCommand, { Marker: 'm2' })
      .resolves({
        ...meta,
        AttachedPolicies: [{ PolicyArn: POLICY_ARN, PolicyName: 'AmazonEC2ContainerServiceRole' }],
        IsTruncated: false
      })
    iamMock
      .on(ListRolePoliciesCommand, { Marker: undefined })
      .resolves({ ...meta, PolicyNames: [], IsTruncated: true, Marker: 'i1' })
      .on(ListRolePoliciesCommand, { Marker: 'i1' })
      .resolves({ ...meta, PolicyNames: ['legacy-extra'], IsTruncated: false })
    iamMock.on(GetRolePolicyCommand).resolves(getRolePolicyAws)
    const result = judge(settings(), await observe(settings(), clients()))
    expect(iamMock.commandCalls(ListAttachedRolePoliciesCommand)).toHaveLength(3)
    expect(result.findings.map(f => f.code).sort()).toEqual([
      'inline-policy-extra',
      'managed-policy-extra'
    ])
    expect(result.before?.inlinePolicies[0]?.document).toMatchObject({
      Statement: [{ Action: 's3:GetObject' }]
    })
  })

  it('runs STS beside the IAM reads when there is no account guard', async () => {
    compliantAccount()
    let release: () => void = () => undefined
    stsMock
      .on(GetCallerIdentityCommand)
      .callsFake(() => new Promise(resolve => (release = () => resolve(callerAws))))
    const pending = observe(settings(), clients())
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(iamMock.commandCalls(GetRoleCommand)).toHaveLength(1)
    release()
    await expect(pending).resolves.toMatchObject({ caller: { accountId: ACCOUNT } })
  })

  it('makes no IAM call when the account is not allowed', async () => {
    compliantAccount()
    const s = settings({ 'allowed-account-ids': '111111111111' })
    await expect(observe(s, clients())).rejects.toThrow(AccountNotAllowedError)
    await expect(observe(s, clients())).rejects.toThrow(/123456789012.*111111111111/)
    expect(iamMock.calls()).toHaveLength(0)
  })

  it('reports a missing role and a missing policy', async () => {
    compliantAccount()
    const missing = new NoSuchEntityException({
      message: 'The role with name ecsServiceRole cannot be found.',
      $metadata: {}
    })
    iamMock.on(GetRoleCommand).rejects(missing)
    iamMock.on(ListAttachedRolePoliciesCommand).rejects(missing)
    iamMock.on(ListRolePoliciesCommand).rejects(missing)
    iamMock
      .on(GetPolicyCommand)
      .rejects(new NoSuchEntityException({ message: 'Policy not found', $metadata: {} }))
    const result = judge(settings(), await observe(settings(), clients()))
    expect(result.status).toBe('missing')
    expect(result.findings.map(f => f.code)).toEqual(['role-missing', 'managed-policy-unavailable'])
    expect(result.planned.map(c => c.action)).toEqual(['CreateRole'])
  })

  it('names the denied IAM action', async () => {
    compliantAccount()
    iamMock.on(ListRolePoliciesCommand).rejects(
      Object.assign(
        new Error(
          'User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: iam:ListRolePolicies'
        ),
        {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 }
        }
      )
    )
    const error = await observe(settings(), clients()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AwsCallError)
    expect((error as AwsCallError).action).toBe('iam:ListRolePolicies')
    expect((error as Error).message).toMatch(
      /iam:ListRolePolicies was denied.*needs "iam:ListRolePolicies"/
    )
  })

  it('says how to provide credentials when there are none', async () => {
    compliantAccount()
    stsMock.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError'
      })
    )
    await expect(observe(settings({ 'allowed-account-ids': ACCOUNT }), clients())).rejects.toThrow(
      /configure-aws-credentials.*id-token: write/
    )
  })

  it('rejects a malformed document in the account with a clear error', async () => {
    compliantAccount()
    iamMock.on(GetRoleCommand).resolves({
      ...getRoleAws,
      Role: { ...getRoleAws.Role!, AssumeRolePolicyDocument: '%7Bbroken' }
    })
    await expect(observe(settings(), clients())).rejects.toThrow(
      /trust policy as returned by iam:GetRole is not a readable policy document/
    )
  })

  it('fails enforce only at or above fail-on, and never audit', async () => {
    compliantAccount()
    iamMock
      .on(GetRoleCommand)
      .resolves({ ...getRoleAws, Role: { ...getRoleAws.Role!, Path: '/service-role/' } })
    const observation = await observe(settings(), clients())
    expect(judge(settings(), observation).failed).toBe(false)
    expect(judge(settings({ 'fail-on': 'warning' }), observation).failed).toBe(true)
    expect(judge(settings({ 'fail-on': 'warning', mode: 'audit' }), observation).failed).toBe(false)
    expect(judge(settings(), observation).status).toBe('drifted')
  })
})
