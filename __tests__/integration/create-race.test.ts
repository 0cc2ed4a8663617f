/**
 * Two `create` runs at the same moment on a missing role (matrix legs, re-runs): both must
 * succeed, neither may report a failure, and exactly one correct role must exist afterwards.
 * The race is run several times, each on an empty moto, to catch a flaky outcome.
 * Contract: the README (`create`, status `created`/`compliant`, exit behaviour).
 */
import { runAction } from '../../scripts/lib/run-action.mjs'
import {
  MANAGED_POLICY_ARN,
  ROLE_ARN,
  ROLE_NAME,
  TEST_TIMEOUT_MS,
  isSeedTrust,
  listRoleNames,
  readRoleState,
  useMoto
} from './support/aws.js'
import { json } from './support/drift.js'
import { errorText, withOutput } from './support/result.js'

// Each attempt starts from an empty moto.
const moto = useMoto()

const ATTEMPTS = [1, 2, 3]

it.each(ATTEMPTS)(
  'attempt %i: both runs succeed and exactly one correct role exists',
  async () => {
    const [first, second] = await Promise.all([
      runAction({ endpoint: moto.endpoint, inputs: { mode: 'create' } }),
      runAction({ endpoint: moto.endpoint, inputs: { mode: 'create' } })
    ])
    for (const result of [first, second]) {
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(errorText(result)).toBe('')
        expect(result.outputs['role-arn']).toBe(ROLE_ARN)
        expect(['created', 'compliant']).toContain(result.outputs.status)
      })
    }
    // One of them created the role; the other created it too or found it correct.
    const statuses = [first.outputs.status, second.outputs.status]
    withOutput(first, () => withOutput(second, () => expect(statuses).toContain('created')))

    expect(await listRoleNames(moto.iam)).toEqual([ROLE_NAME])
    const role = await readRoleState(moto.iam)
    expect(role.path).toBe('/')
    expect(isSeedTrust(role.trust) ? 'the seed trust' : json(role.trust)).toBe('the seed trust')
    expect(role.attached).toEqual([MANAGED_POLICY_ARN])
    expect(role.inline).toEqual([])
  },
  TEST_TIMEOUT_MS
)
