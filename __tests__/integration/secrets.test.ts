/**
 * Secrets never leave the action: with distinctive AWS credentials and GitHub token, a full
 * repair + PR comment flow and runs that fail write none of them to stdout, stderr, the job
 * summary, any output or any comment body. The only place a secret may appear is the
 * `::add-mask::` command that asks the runner to mask it (the runner consumes that line and
 * never shows it). With `mask-account-id: true` the account id stays out of the summary, the
 * comment and the annotations. Redaction: src/redact.ts, src/main.ts.
 */
import type { FaultProxy } from '../../scripts/lib/proxy.mjs'
import { startProxy } from '../../scripts/lib/proxy.mjs'
import {
  type ActionResult,
  type RunActionOptions,
  runAction
} from '../../scripts/lib/run-action.mjs'
import {
  ACCOUNT_ID,
  HOOK_TIMEOUT_MS,
  ROLE_ARN,
  TEST_TIMEOUT_MS,
  createRole,
  useMoto
} from './support/aws.js'
import { type FakeGitHub, startFakeGitHub } from './support/fake-github.js'
import { errorText, withOutput } from './support/result.js'

/** moto's default mode accepts any key; these are distinctive enough to grep for. */
const SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLESECRET123',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY-ecsRoleGuardSecretAccessKey-5b1d3f7a',
  AWS_SESSION_TOKEN:
    'IQoJb3JpZ2luX2VjEXAMPLE-ecsRoleGuardSessionToken-' +
    'FwoGZXIvYXdzEJr//////////wEaDOtsecretSessionPart'.repeat(6),
  GITHUB_TOKEN: 'ghs_ecsRoleGuardSecretGithubToken0123456789abcdef'
} as const
type SecretName = keyof typeof SECRETS

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: SECRETS.AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: SECRETS.AWS_SECRET_ACCESS_KEY,
  AWS_SESSION_TOKEN: SECRETS.AWS_SESSION_TOKEN
}

const PR = 7
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

/** Drift that repair converges: a trust policy that grants sts:* and no managed policy. */
const DRIFTED = {
  trustPolicy: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:*' },
      // The account's own root may assume the role: findings and changes name the account id.
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
        Action: 'sts:AssumeRole'
      }
    ]
  },
  managedPolicies: []
}

const moto = useMoto()
let github: FakeGitHub
let proxy: FaultProxy

beforeAll(async () => {
  github = await startFakeGitHub()
  proxy = await startProxy({ target: moto.endpoint })
}, HOOK_TIMEOUT_MS)
afterAll(async () => {
  await github?.stop()
  await proxy?.stop()
}, HOOK_TIMEOUT_MS)
beforeEach(() => {
  github.reset()
  proxy.reset()
})

function run(inputs: Record<string, string>, options: Partial<RunActionOptions> = {}) {
  return runAction({
    endpoint: proxy.endpoint,
    eventName: 'pull_request',
    event: PR_EVENT,
    inputs: { 'github-token': SECRETS.GITHUB_TOKEN, ...inputs },
    ...options,
    env: { GITHUB_API_URL: github.url, ...AWS_ENV, ...options.env }
  })
}

/** Every channel the action writes to, by name; stdout without the runner's mask commands. */
function channels(result: ActionResult): Record<string, string> {
  const stdout = result.stdout
    .split(/\r?\n/)
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  return {
    stdout,
    stderr: result.stderr,
    summary: result.summary,
    ...Object.fromEntries(
      Object.entries(result.outputs).map(([name, value]) => [`output ${name}`, value])
    ),
    ...Object.fromEntries(
      github.calls.map((call, i) => [
        `GitHub request ${i} (${call.method} ${call.path}) body`,
        JSON.stringify(call.body ?? null)
      ])
    ),
    ...Object.fromEntries(
      github.comments.map(comment => [`comment ${comment.id} body`, comment.body])
    )
  }
}

/** Where each secret (as is, or URL-encoded) shows; empty when nowhere. */
function leaks(result: ActionResult): string[] {
  const found: string[] = []
  for (const [channel, text] of Object.entries(channels(result))) {
    for (const [name, value] of Object.entries(SECRETS) as [SecretName, string][]) {
      for (const form of new Set([value, encodeURIComponent(value)])) {
        const at = text.indexOf(form)
        if (at !== -1)
          found.push(`${name} in ${channel}: …${text.slice(Math.max(0, at - 80), at + 20)}…`)
      }
    }
  }
  return found
}

describe('no secret in any channel', () => {
  it(
    'a full repair with a PR comment',
    async () => {
      await createRole(moto.iam, DRIFTED)
      const result = await run({ mode: 'repair' })
      withOutput(result, () => {
        // The flow ran end to end: repaired, and the comment written with the token.
        expect(result.code).toBe(0)
        expect(result.outputs.status).toBe('repaired')
        expect(github.comments).toHaveLength(1)
        expect(result.outputs['comment-url']).toBe(github.comments[0]?.html_url)
        expect(github.calls.length).toBeGreaterThan(0)
        expect(github.calls.every(call => call.authorized)).toBe(true)
        // Each secret was handed to the runner to mask.
        for (const value of Object.values(SECRETS)) {
          expect(result.stdout.split(/\r?\n/)).toContain(`::add-mask::${value}`)
        }
        expect(leaks(result)).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a run that fails: access denied on GetRole',
    async () => {
      await createRole(moto.iam, DRIFTED)
      proxy.setFaults([{ kind: 'access-denied', times: 10, action: 'GetRole' }])
      const result = await run({ mode: 'repair', comment: 'always' })
      withOutput(result, () => {
        expect(result.code).toBe(1)
        expect(errorText(result)).toContain('iam:GetRole')
        expect(leaks(result)).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a run that fails: invalid input',
    async () => {
      const result = await run({ mode: 'repair', 'fail-on': 'sometimes' })
      withOutput(result, () => {
        expect(result.code).toBe(1)
        expect(errorText(result)).toContain('fail-on')
        expect(proxy.requests).toEqual([])
        expect(leaks(result)).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a run that fails: invalid input whose value is a credential (pasted into the wrong input)',
    async () => {
      const result = await run({ mode: 'repair', 'aws-region': SECRETS.AWS_SECRET_ACCESS_KEY })
      withOutput(result, () => {
        expect(result.code).toBe(1)
        expect(errorText(result)).toContain('aws-region')
        expect(proxy.requests).toEqual([])
        expect(leaks(result)).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('mask-account-id: true', () => {
  it(
    'keeps the account id out of the summary, the comment and the annotations',
    async () => {
      await createRole(moto.iam, DRIFTED)
      const result = await run({ mode: 'repair', 'mask-account-id': 'true' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(result.outputs.status).toBe('repaired')
        expect(github.comments).toHaveLength(1)
        expect(result.annotations.length).toBeGreaterThan(0)
        expect(result.summary).not.toBe('')
        // The runner is asked to mask it; later steps still get it from the outputs.
        expect(result.stdout.split(/\r?\n/)).toContain(`::add-mask::${ACCOUNT_ID}`)
        expect(result.outputs['account-id']).toBe(ACCOUNT_ID)
        expect(result.outputs['role-arn']).toBe(ROLE_ARN)

        expect(result.summary).not.toContain(ACCOUNT_ID)
        for (const call of github.calls)
          expect(JSON.stringify(call.body ?? null)).not.toContain(ACCOUNT_ID)
        for (const comment of github.comments) expect(comment.body).not.toContain(ACCOUNT_ID)
        const annotations = result.annotations.map(a =>
          [a.level, a.title ?? '', a.message, ...Object.values(a.properties)].join(' ')
        )
        expect(annotations.filter(text => text.includes(ACCOUNT_ID))).toEqual([])
        expect(leaks(result)).toEqual([])
      })
    },
    TEST_TIMEOUT_MS
  )
})
