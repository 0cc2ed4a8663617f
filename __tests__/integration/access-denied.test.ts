/**
 * AWS errors that stop the check fail the step in every mode, and the message names the IAM
 * action that was denied (the permission the CI role needs). moto enforces IAM policies after
 * its first INITIAL_NO_AUTH_ACTION_COUNT calls: those create an admin user for the set-up and
 * a CI user allowed only sts:GetCallerIdentity and iam:GetRole.
 */
import { runAction } from '../../scripts/lib/run-action.mjs'
import {
  HOOK_TIMEOUT_MS,
  TEST_TIMEOUT_MS,
  createRole,
  iamClient,
  useMoto,
  userWithPolicy
} from './support/aws.js'
import { errorText, withOutput } from './support/result.js'

/** Calls moto answers without auth: 2 users x (CreateUser, CreateAccessKey, PutUserPolicy). */
const UNAUTHENTICATED_SETUP_CALLS = 6

/** What the verify path reads after GetRole; the CI user may do none of them. */
const DENIED_READS =
  /iam:(ListAttachedRolePolicies|ListRolePolicies|GetRolePolicy|GetPolicy|GetPolicyVersion)\b/

const moto = useMoto({
  env: { INITIAL_NO_AUTH_ACTION_COUNT: UNAUTHENTICATED_SETUP_CALLS },
  reset: false
})
let ciKeys: { accessKeyId: string; secretAccessKey: string }

beforeAll(async () => {
  // moto counts calls for the whole server: no reset in this file, and exactly these six first.
  const adminKeys = await userWithPolicy(moto.iam, 'admin', '*')
  ciKeys = await userWithPolicy(moto.iam, 'ci', ['sts:GetCallerIdentity', 'iam:GetRole'])
  const admin = iamClient(moto.endpoint, adminKeys)
  await createRole(admin)
  admin.destroy()
}, HOOK_TIMEOUT_MS)

it.each(['audit', 'enforce'])(
  '%s: fails and names the denied IAM action',
  async mode => {
    const result = await runAction({
      endpoint: moto.endpoint,
      inputs: { mode },
      env: { AWS_ACCESS_KEY_ID: ciKeys.accessKeyId, AWS_SECRET_ACCESS_KEY: ciKeys.secretAccessKey }
    })
    withOutput(result, () => {
      expect(result.code).toBe(1)
      expect(errorText(result)).toMatch(DENIED_READS)
      // A stopped check is not a verdict on the role.
      expect(result.outputs.status ?? '').not.toBe('compliant')
      // The job summary says the check stopped, and why.
      expect(result.summary).toContain('could not check')
      expect(result.summary).toMatch(DENIED_READS)
    })
  },
  TEST_TIMEOUT_MS
)
