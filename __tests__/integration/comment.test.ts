/**
 * The PR comment through the bundled action, against a stand-in for the GitHub API: one comment
 * per role and account, created on drift, updated in any case (so a fixed PR shows the fix), and
 * never a failure when it cannot be written. Contract: docs/contract.md (`comment`, exit
 * behaviour, output `comment-url`).
 */
import { type RunActionOptions, runAction } from '../../scripts/lib/run-action.mjs'
import { TEST_TIMEOUT_MS, createRole, trustWith, useMoto } from './support/aws.js'
import { type FakeGitHub, startFakeGitHub } from './support/fake-github.js'
import { withOutput } from './support/result.js'

const PR = 5
const PR_EVENT = {
  action: 'synchronize',
  number: PR,
  pull_request: {
    number: PR,
    head: { ref: 'feature', sha: 'ffac537e6cbbf934b08745a378932722df287a53' },
    base: { ref: 'main' }
  },
  repository: { name: 'octo-repo', full_name: 'octo-org/octo-repo', owner: { login: 'octo-org' } }
}
const DRIFTED_TRUST = trustWith({ Action: 'sts:*' })

const moto = useMoto()
let github: FakeGitHub

beforeAll(async () => {
  github = await startFakeGitHub()
})
afterAll(async () => {
  await github.stop()
})
beforeEach(() => {
  github.reset()
})

function run(inputs: Record<string, string>, options: Partial<RunActionOptions> = {}) {
  return runAction({
    endpoint: moto.endpoint,
    eventName: 'pull_request',
    event: PR_EVENT,
    env: { GITHUB_API_URL: github.url },
    inputs,
    ...options
  })
}

const writes = (): string[] => github.requests.filter(request => !request.startsWith('GET '))

describe('comment: on-drift (default)', () => {
  it(
    'creates one comment on drift, then updates the same comment once the role is fixed',
    async () => {
      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const drifted = await run({ mode: 'audit' })
      withOutput(drifted, () => {
        expect(drifted.code).toBe(0)
        expect(github.comments).toHaveLength(1)
        expect(drifted.outputs['comment-url']).toBe(github.comments[0]?.html_url)
        expect(github.comments[0]?.body).toContain('trust-policy-broader')
      })
      const firstBody = github.comments[0]?.body

      // The same run again: still one comment.
      const again = await run({ mode: 'audit' })
      withOutput(again, () => {
        expect(github.comments).toHaveLength(1)
        expect(again.outputs['comment-url']).toBe(github.comments[0]?.html_url)
      })

      // The role is fixed: the existing comment is updated to show it.
      await moto.server.reset()
      await createRole(moto.iam)
      const fixed = await run({ mode: 'enforce' })
      withOutput(fixed, () => {
        expect(fixed.code).toBe(0)
        expect(fixed.outputs.status).toBe('compliant')
        expect(github.comments).toHaveLength(1)
        expect(github.comments[0]?.body).not.toBe(firstBody)
        expect(fixed.outputs['comment-url']).toBe(github.comments[0]?.html_url)
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'writes no comment for a compliant role on a PR without one',
    async () => {
      await createRole(moto.iam)
      const result = await run({ mode: 'enforce' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(writes()).toEqual([])
        expect(result.outputs['comment-url'] ?? '').toBe('')
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('comment: always and never', () => {
  it(
    'always: comments on a compliant role too',
    async () => {
      await createRole(moto.iam)
      const result = await run({ mode: 'enforce', comment: 'always' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(github.comments).toHaveLength(1)
        expect(result.outputs['comment-url']).toBe(github.comments[0]?.html_url)
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'never: no GitHub call at all',
    async () => {
      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const result = await run({ mode: 'audit', comment: 'never' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(github.requests).toEqual([])
        expect(result.outputs['comment-url'] ?? '').toBe('')
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a push event has no PR: no GitHub call, no failure',
    async () => {
      await createRole(moto.iam)
      const result = await run(
        { mode: 'enforce', comment: 'always' },
        { eventName: 'push', event: { ref: 'refs/heads/main' } }
      )
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(github.requests).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('a comment that cannot be written is a warning, never a failure', () => {
  it.each([403, 500])(
    'GitHub answers %i',
    async status => {
      github.failWith = status
      await createRole(moto.iam)
      const result = await run({ mode: 'enforce', comment: 'always' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(result.outputs.status).toBe('compliant')
        expect(github.requests.length).toBeGreaterThan(0)
        expect(result.annotations.filter(a => a.level === 'error')).toEqual([])
        expect(result.annotations.some(a => a.level === 'warning')).toBe(true)
        expect(result.outputs['comment-url'] ?? '').toBe('')
      })
    },
    TEST_TIMEOUT_MS
  )
})
