/**
 * Writes that IAM refuses: the step fails, the message names the IAM action the CI role needs,
 * says what was done and what was not, and the job summary is still written. A later run with
 * the permission completes the work. moto enforces IAM policies after its first
 * INITIAL_NO_AUTH_ACTION_COUNT calls: those create the users below. Contract: the README
 * (exit behaviour, outputs `status`/`changes`); permissions: the README's least-privilege policy.
 */
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam'
import { runAction } from '../../scripts/lib/run-action.mjs'
import {
  HOOK_TIMEOUT_MS,
  MANAGED_POLICY_ARN,
  ROLE_ARN,
  ROLE_NAME,
  TEST_TIMEOUT_MS,
  iamClient,
  isSeedTrust,
  readRoleState,
  useMoto,
  userWithPolicy
} from './support/aws.js'
import { json } from './support/drift.js'
import { changesOf, errorText, withOutput } from './support/result.js'

/** Calls moto answers without auth: 3 users x (CreateUser, CreateAccessKey, PutUserPolicy). */
const UNAUTHENTICATED_SETUP_CALLS = 9

/** What a check reads (the README's least-privilege policy for read-only modes). */
const READ_ACTIONS = [
  'sts:GetCallerIdentity',
  'iam:GetRole',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion'
]

interface Keys {
  accessKeyId: string
  secretAccessKey: string
}

// moto counts calls for the whole server: no reset in this file, and exactly these calls first.
// The tests run in order: the role is missing until the partial-failure test creates it.
const moto = useMoto({
  env: { INITIAL_NO_AUTH_ACTION_COUNT: UNAUTHENTICATED_SETUP_CALLS },
  reset: false
})
let adminKeys: Keys
let readerKeys: Keys
let creatorKeys: Keys
let admin: IAMClient

beforeAll(async () => {
  adminKeys = await userWithPolicy(moto.iam, 'admin', '*')
  readerKeys = await userWithPolicy(moto.iam, 'reader', READ_ACTIONS)
  creatorKeys = await userWithPolicy(moto.iam, 'creator', [...READ_ACTIONS, 'iam:CreateRole'])
  admin = iamClient(moto.endpoint, adminKeys)
}, HOOK_TIMEOUT_MS)

afterAll(() => admin.destroy())

const as = (keys: Keys): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: keys.accessKeyId,
  AWS_SECRET_ACCESS_KEY: keys.secretAccessKey
})

async function roleExists(): Promise<boolean> {
  try {
    await admin.send(new GetRoleCommand({ RoleName: ROLE_NAME }))
    return true
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchEntityException') return false
    throw error
  }
}

it(
  'create without iam:CreateRole: fails naming iam:CreateRole, still writes the summary',
  async () => {
    expect(await roleExists()).toBe(false)
    const result = await runAction({
      endpoint: moto.endpoint,
      inputs: { mode: 'create' },
      env: as(readerKeys)
    })
    withOutput(result, () => {
      expect(result.code).toBe(1)
      expect(errorText(result)).toContain('iam:CreateRole')
      expect(result.outputs.status).toBe('missing')
      expect(changesOf(result)).toEqual([])
      expect(result.summary).toContain(ROLE_NAME)
      expect(result.summary).toContain('iam:CreateRole')
    })
    expect(await roleExists()).toBe(false)
  },
  TEST_TIMEOUT_MS
)

it(
  'repair without iam:AttachRolePolicy: creates the role, fails naming iam:AttachRolePolicy and what is left; a run with the permission completes it',
  async () => {
    const result = await runAction({
      endpoint: moto.endpoint,
      inputs: { mode: 'repair' },
      env: as(creatorKeys)
    })
    withOutput(result, () => {
      expect(result.code).toBe(1)
      expect(result.outputs.status).toBe('drifted')
      expect(result.outputs['role-arn']).toBe(ROLE_ARN)
      const changes = changesOf(result) as { action: string; target: string }[]
      expect(changes.map(change => change.action)).toEqual(['CreateRole'])

      // The message names the denied action, what was done and what was not.
      const message = errorText(result)
      expect(message).toContain('iam:AttachRolePolicy')
      expect(message).toMatch(/\bdone\b[^\n]*CreateRole/i)
      expect(message).toMatch(
        /not (done|made)[^\n]*AttachRolePolicy[^\n]*AmazonEC2ContainerServiceRole/i
      )
      // The summary says the same.
      expect(result.summary).toContain('iam:AttachRolePolicy')
      expect(result.summary).toMatch(/changes made/i)
      expect(result.summary).toMatch(/not (done|made)/i)
    })
    const created = await readRoleState(admin)
    expect(isSeedTrust(created.trust) ? 'the seed trust' : json(created.trust)).toBe(
      'the seed trust'
    )
    expect(created.attached).toEqual([])

    const again = await runAction({
      endpoint: moto.endpoint,
      inputs: { mode: 'repair' },
      env: as(adminKeys)
    })
    expect(again).toMatchRun({
      code: 0,
      status: 'repaired',
      drift: 'true',
      roleArn: ROLE_ARN,
      findings: ['managed-policy-missing:error']
    })
    withOutput(again, () =>
      expect((changesOf(again) as { action: string }[]).map(change => change.action)).toEqual([
        'AttachRolePolicy'
      ])
    )
    const repaired = await readRoleState(admin)
    expect(repaired.attached).toEqual([MANAGED_POLICY_ARN])
    expect(repaired.path).toBe('/')
  },
  TEST_TIMEOUT_MS
)
