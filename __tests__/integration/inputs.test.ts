/**
 * Input validation and the account guard, through the bundled action. A recording server
 * stands in for AWS (and GitHub) to prove which calls were made: none for invalid input, and
 * no IAM call when the account is not allowed. Contract: the README (exit behaviour).
 */
import { runAction } from '../../scripts/lib/run-action.mjs'
import { ACCOUNT_ID, TEST_TIMEOUT_MS, createRole, useMoto } from './support/aws.js'
import { type Recorder, startRecorder } from './support/recorder.js'
import { errorText, withOutput } from './support/result.js'

describe('invalid input fails before any AWS or GitHub call', () => {
  let recorder: Recorder

  beforeAll(async () => {
    recorder = await startRecorder()
  })
  afterAll(async () => {
    await recorder.stop()
  })
  beforeEach(() => {
    recorder.requests.length = 0
  })

  const cases: [string, string, string[]][] = [
    // input, value, what the message must also name (the accepted values, where few)
    ['mode', 'destroy', ['audit', 'enforce', 'create', 'repair']],
    ['fail-on', 'fatal', ['error', 'warning']],
    ['comment', 'sometimes', ['on-drift', 'always', 'never']],
    ['role-name', 'bad name!', []],
    ['role-path', 'no-slashes', []],
    ['trust-policy', '{not json', []],
    ['allowed-account-ids', '12345', []],
    ['allow-extra-policies', 'maybe', []]
  ]

  it.each(cases)(
    '%s: %j',
    async (input, value, accepted) => {
      const result = await runAction({
        endpoint: recorder.endpoint,
        inputs: { mode: 'audit', [input]: value },
        eventName: 'pull_request',
        event: { pull_request: { number: 1 } },
        env: { GITHUB_API_URL: recorder.endpoint }
      })
      withOutput(result, () => {
        expect(result.code).toBe(1)
        const message = errorText(result)
        expect(message).toContain(input)
        expect(message).toContain(value)
        for (const word of accepted) expect(message).toContain(word)
        expect(recorder.requests).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('allowed-account-ids', () => {
  const moto = useMoto()
  let recorder: Recorder

  beforeAll(async () => {
    recorder = await startRecorder(moto.endpoint)
  })
  afterAll(async () => {
    await recorder.stop()
  })
  beforeEach(async () => {
    recorder.requests.length = 0
    await createRole(moto.iam)
  }, TEST_TIMEOUT_MS)

  it(
    'another account: fails even in audit, names both accounts, makes no IAM call',
    async () => {
      const result = await runAction({
        endpoint: recorder.endpoint,
        inputs: { mode: 'audit', 'allowed-account-ids': '111111111111' }
      })
      withOutput(result, () => {
        expect(result.code).toBe(1)
        const message = errorText(result)
        expect(message).toContain('111111111111')
        expect(message).toContain(ACCOUNT_ID)
        // The identity was asked through the recorder (so it sees the action's calls) ...
        expect(recorder.requests.map(r => r.service)).toContain('sts')
        // ... and IAM was not.
        expect(recorder.requests.filter(r => r.service !== 'sts')).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a list that holds the account: the check runs as usual',
    async () => {
      const result = await runAction({
        endpoint: recorder.endpoint,
        inputs: { mode: 'enforce', 'allowed-account-ids': `111111111111, ${ACCOUNT_ID}` }
      })
      expect(result).toMatchRun({
        code: 0,
        status: 'compliant',
        accountId: ACCOUNT_ID,
        findings: []
      })
      expect(recorder.requests.map(r => r.service)).toContain('iam')
    },
    TEST_TIMEOUT_MS
  )
})
