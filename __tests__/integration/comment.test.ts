/**
 * The PR comment through the bundled action, against a stand-in for the GitHub API: one comment
 * per role and account, created on drift, updated in any case (so a fixed PR shows the fix), and
 * never a failure when it cannot be written. Contract: the README (`comment`, exit
 * behaviour, output `comment-url`).
 */
import { AttachRolePolicyCommand } from '@aws-sdk/client-iam'
import {
  type ActionResult,
  type RunActionOptions,
  runAction
} from '../../scripts/lib/run-action.mjs'
import {
  ACCOUNT_ID,
  HOOK_TIMEOUT_MS,
  TEST_TIMEOUT_MS,
  createRole,
  trustWith,
  useMoto
} from './support/aws.js'
import { READ_ONLY_ARN } from './support/drift.js'
import {
  BOT,
  type FakeComment,
  type FakeGitHub,
  type FakeRequest,
  MAX_BODY_CHARACTERS,
  startFakeGitHub
} from './support/fake-github.js'
import { errorText, findingsOf, withOutput } from './support/result.js'

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
const COMMENTS_PATH = `/repos/octo-org/octo-repo/issues/${PR}/comments`
const commentPath = (id: number): string => `/repos/octo-org/octo-repo/issues/comments/${id}`
/** The hidden marker: the first line of the comment, an HTML comment naming role and account. */
const MARKER_LINE = /^<!-- ecs-role-guard role=(\S+) account=(\S+) -->$/

const moto = useMoto()
let github: FakeGitHub
/** The action's marker for the default role in moto's account, learnt from one run. */
let marker: string

beforeAll(async () => {
  github = await startFakeGitHub()
  // A missing role with `comment: always` writes a comment: its first line is the marker.
  const learn = await run(
    { mode: 'audit', comment: 'always' },
    { event: { ...PR_EVENT, number: 999, pull_request: { ...PR_EVENT.pull_request, number: 999 } } }
  )
  const line = firstLine(github.commentsOn(999)[0]?.body ?? '')
  if (!MARKER_LINE.test(line)) {
    throw new Error(`no marker learnt from a comment: ${JSON.stringify(line)}\n${learn.stdout}`)
  }
  marker = line
}, HOOK_TIMEOUT_MS)
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

/** The requests made from now on: call the returned function after the run. */
function watch(): () => FakeRequest[] {
  const from = github.calls.length
  return () => github.calls.slice(from)
}
const posts = (calls: FakeRequest[]): FakeRequest[] => calls.filter(call => call.method === 'POST')
const patches = (calls: FakeRequest[]): FakeRequest[] =>
  calls.filter(call => call.method === 'PATCH')
/** `page` of each comment-list request, in order. */
const listedPages = (calls: FakeRequest[]): string[] =>
  calls
    .filter(call => call.method === 'GET' && call.path === COMMENTS_PATH)
    .map(call => `${call.query.page ?? '1'}/${call.query.per_page ?? '30'}`)

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? ''
}

function only(comments: FakeComment[]): FakeComment {
  expect(comments).toHaveLength(1)
  return comments[0] as FakeComment
}

function warnings(result: ActionResult): string {
  return result.annotations
    .filter(annotation => annotation.level === 'warning')
    .map(annotation => `${annotation.title ?? ''} ${annotation.message}`)
    .join('\n')
}

/**
 * Whether every fenced code block is closed, by CommonMark's rules: a fence of n backticks
 * (or tildes) is closed only by a line of at least n of the same character and nothing else.
 */
function unclosedFence(markdown: string): string | undefined {
  let open: { char: string; length: number; line: number } | undefined
  markdown.split('\n').forEach((line, index) => {
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line)
    if (!fence) return
    const run = fence[1] as string
    const rest = fence[2] as string
    if (open === undefined) {
      // A backtick fence's info string may not contain a backtick.
      if (!(run.startsWith('`') && rest.includes('`'))) {
        open = { char: run.charAt(0), length: run.length, line: index + 1 }
      }
    } else if (run.charAt(0) === open.char && run.length >= open.length && rest.trim() === '') {
      open = undefined
    }
  })
  return open === undefined ? undefined : `the fence opened on line ${open.line} is never closed`
}

describe('comment: on-drift (default)', () => {
  it(
    '1. drift creates exactly one comment: the marker first, the findings listed, comment-url its URL',
    async () => {
      await createRole(moto.iam, {
        trustPolicy: DRIFTED_TRUST,
        managedPolicies: [
          'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole',
          READ_ONLY_ARN
        ]
      })
      const result = await run({ mode: 'audit' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(posts(github.calls)).toHaveLength(1)
        const comment = only(github.commentsOn(PR))
        expect(comment.user).toEqual(BOT)
        expect(result.outputs['comment-url']).toBe(comment.html_url)

        const head = MARKER_LINE.exec(firstLine(comment.body))
        expect(head).not.toBeNull()
        expect(decodeURIComponent(head?.[1] ?? '')).toBe('/ecsServiceRole')
        expect(head?.[2]).toBe(ACCOUNT_ID)
        expect(firstLine(comment.body)).toBe(marker)

        const codes = findingsOf(result).map(finding => finding.code)
        expect(codes).toEqual(
          expect.arrayContaining(['trust-policy-broader', 'managed-policy-extra'])
        )
        for (const code of codes) expect(comment.body).toContain(code)
        expect(comment.body).toContain('ReadOnlyAccess')
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    '2. a second run with the same drift sends no PATCH; once the role is fixed the same comment is updated',
    async () => {
      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const drifted = await run({ mode: 'audit' })
      withOutput(drifted, () => {
        expect(drifted.code).toBe(0)
        expect(github.comments).toHaveLength(1)
        expect(drifted.outputs['comment-url']).toBe(github.comments[0]?.html_url)
        expect(github.comments[0]?.body).toContain('trust-policy-broader')
      })
      const first = github.comments[0] as FakeComment
      const firstBody = first.body

      // The same run again: still one comment, and an unchanged body is not sent again.
      const secondCalls = watch()
      const again = await run({ mode: 'audit' })
      withOutput(again, () => {
        expect(again.code).toBe(0)
        expect(github.comments).toHaveLength(1)
        expect(github.comments[0]?.id).toBe(first.id)
        expect(github.comments[0]?.body).toBe(firstBody)
        expect(secondCalls().filter(call => call.method !== 'GET')).toEqual([])
        expect(again.outputs['comment-url']).toBe(first.html_url)
      })

      // The role is fixed: the existing comment is updated to show it.
      await moto.server.reset()
      await createRole(moto.iam)
      const fixedCalls = watch()
      const fixed = await run({ mode: 'enforce' })
      withOutput(fixed, () => {
        expect(fixed.code).toBe(0)
        expect(fixed.outputs.status).toBe('compliant')
        expect(github.comments).toHaveLength(1)
        expect(posts(fixedCalls())).toEqual([])
        expect(patches(fixedCalls()).map(call => call.path)).toEqual([commentPath(first.id)])
        expect(github.comments[0]?.body).not.toBe(firstBody)
        expect(github.comments[0]?.body).toContain('compliant')
        expect(fixed.outputs['comment-url']).toBe(github.comments[0]?.html_url)
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    '3. after mode: repair the same comment shows the fix: status repaired and the changes made',
    async () => {
      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const drifted = await run({ mode: 'audit' })
      const created = only(github.commentsOn(PR))
      withOutput(drifted, () => {
        expect(drifted.outputs['comment-url']).toBe(created.html_url)
        expect(created.body).toContain('drifted')
      })

      const repairCalls = watch()
      const repaired = await run({ mode: 'repair' })
      withOutput(repaired, () => {
        expect(repaired.code).toBe(0)
        expect(repaired.outputs.status).toBe('repaired')
        expect(posts(repairCalls())).toEqual([])
        expect(patches(repairCalls()).map(call => call.path)).toEqual([commentPath(created.id)])
        const comment = only(github.commentsOn(PR))
        expect(comment.id).toBe(created.id)
        expect(repaired.outputs['comment-url']).toBe(comment.html_url)
        expect(firstLine(comment.body)).toBe(marker)
        // The findings as found, the changes made, and that the role is now correct.
        expect(comment.body).toContain('repaired')
        expect(comment.body).toContain('trust-policy-broader')
        expect(comment.body).toContain('UpdateAssumeRolePolicy')
        expect(comment.body).toContain('fixed')
        expect(comment.body).not.toContain('**drifted**')
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    '4. finds its own comment on page 2 among 120 others and updates it',
    async () => {
      const others = [
        { login: 'octocat', type: 'User' },
        { login: 'dependabot[bot]', type: 'Bot' },
        { login: 'renovate[bot]', type: 'Bot' },
        // Another workflow of the same repository comments as the same bot.
        BOT,
        { login: 'hubot', type: 'User' }
      ]
      for (let i = 0; i < 120; i++) {
        const user = others[i % others.length] as { login: string; type: string }
        const body =
          i % 7 === 0
            ? `Why does ecs-role-guard flag this PR? (${i})`
            : i % 11 === 0
              ? `<!-- ecs-role-guard -->\necs-role-guard output pasted by hand (${i})`
              : i === 50
                ? // The marker of the same role in another account is someone else's comment.
                  `${marker.replace(`account=${ACCOUNT_ID}`, 'account=210987654321')}\nother account`
                : i === 51
                  ? `${marker.replace('ecsServiceRole', 'ecsServiceRoleOther')}\nother role`
                  : `Comment ${i} from ${user.login}`
        github.seed({ body, user })
      }
      const own = github.seed({ body: `${marker}\n\nAn older report.\n`, user: BOT })
      const before = github.commentsOn(PR).map(comment => ({ ...comment }))
      expect(before).toHaveLength(121)

      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const result = await run({ mode: 'audit' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(listedPages(github.calls)).toEqual(['1/100', '2/100'])
        expect(posts(github.calls)).toEqual([])
        expect(patches(github.calls).map(call => call.path)).toEqual([commentPath(own.id)])
        const after = github.commentsOn(PR)
        expect(after).toHaveLength(121)
        const updated = after.find(comment => comment.id === own.id)
        expect(firstLine(updated?.body ?? '')).toBe(marker)
        expect(updated?.body).toContain('trust-policy-broader')
        expect(result.outputs['comment-url']).toBe(own.html_url)
        // Nobody else's comment was touched.
        expect(after.filter(comment => comment.id !== own.id)).toEqual(
          before.filter(comment => comment.id !== own.id)
        )
      })
    },
    TEST_TIMEOUT_MS
  )

  it(
    '5. writes no comment for a compliant role on a PR without one',
    async () => {
      await createRole(moto.iam)
      const result = await run({ mode: 'enforce' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(writes()).toEqual([])
        expect(posts(github.calls)).toEqual([])
        expect(github.comments).toEqual([])
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
    '7. a push event has no PR: no GitHub call, no failure, even with drift and comment: always',
    async () => {
      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const result = await run(
        { mode: 'audit', comment: 'always' },
        { eventName: 'push', event: { ref: 'refs/heads/main' } }
      )
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(result.outputs.drift).toBe('true')
        expect(github.requests).toEqual([])
        expect(result.outputs['comment-url'] ?? '').toBe('')
        // Error annotations are the findings' own; none is about the comment.
        expect(errorText(result)).not.toMatch(/comment|github/i)
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('6. a comment that cannot be written is a warning, never a failure', () => {
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

  it(
    'a 403 on create names pull-requests: write; audit passes and the summary is written',
    async () => {
      github.failWhen.push({
        method: 'POST',
        path: /\/issues\/\d+\/comments$/,
        status: 403,
        message: 'Resource not accessible by integration'
      })
      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const result = await run({ mode: 'audit' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(result.outputs.status).toBe('drifted')
        expect(posts(github.calls).map(call => call.status)).toEqual([403])
        expect(github.comments).toEqual([])
        expect(warnings(result)).toContain('pull-requests: write')
        // Error annotations are the findings' own; none is about the comment.
        expect(errorText(result)).not.toMatch(/comment|github/i)
        expect(result.outputs['comment-url'] ?? '').toBe('')
        expect(result.summary).toContain('ecs-role-guard')
        expect(result.summary).toContain('trust-policy-broader')
      })
    },
    TEST_TIMEOUT_MS
  )

  const SECONDARY =
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
  it.each([
    ['429', 429],
    ['403 (secondary rate limit)', 403]
  ])(
    'a %s rate-limit answer is a warning',
    async (_label, status) => {
      github.failWhen.push({
        method: 'POST',
        path: /\/issues\/\d+\/comments$/,
        status,
        message: SECONDARY,
        headers: { 'retry-after': '60', 'x-ratelimit-remaining': '4321' }
      })
      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const result = await run({ mode: 'audit' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(posts(github.calls).map(call => call.status)).toEqual([status])
        expect(github.comments).toEqual([])
        expect(warnings(result)).toMatch(/rate limit/i)
        // Error annotations are the findings' own; none is about the comment.
        expect(errorText(result)).not.toMatch(/comment|github/i)
        expect(result.outputs['comment-url'] ?? '').toBe('')
        expect(result.summary).toContain('trust-policy-broader')
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('one comment per role', () => {
  it(
    '8. two roles on one PR keep two comments, each updated in place',
    async () => {
      for (const name of ['roleA', 'roleB']) {
        await createRole(moto.iam, { name, trustPolicy: DRIFTED_TRUST })
      }
      const ids: Record<string, number> = {}
      for (const name of ['roleA', 'roleB']) {
        const calls = watch()
        const result = await run({ mode: 'audit', 'role-name': name })
        withOutput(result, () => {
          expect(posts(calls())).toHaveLength(1)
          const mine = github.commentsOn(PR).find(c => c.html_url === result.outputs['comment-url'])
          expect(mine).toBeDefined()
          expect(mine?.body).toContain(name)
          ids[name] = mine?.id ?? 0
        })
      }
      const markers = github.commentsOn(PR).map(comment => firstLine(comment.body))
      expect(markers).toHaveLength(2)
      for (const line of markers) expect(line).toMatch(MARKER_LINE)
      expect(markers[0]).not.toBe(markers[1])

      // Both roles drift further: each run updates its own comment.
      for (const name of ['roleA', 'roleB']) {
        await moto.iam.send(
          new AttachRolePolicyCommand({ RoleName: name, PolicyArn: READ_ONLY_ARN })
        )
      }
      for (const name of ['roleA', 'roleB']) {
        const calls = watch()
        const result = await run({ mode: 'audit', 'role-name': name })
        withOutput(result, () => {
          expect(result.code).toBe(0)
          expect(posts(calls())).toEqual([])
          expect(patches(calls()).map(call => call.path)).toEqual([commentPath(ids[name] ?? 0)])
          const mine = github.comments.find(comment => comment.id === ids[name])
          expect(result.outputs['comment-url']).toBe(mine?.html_url)
          expect(mine?.body).toContain('managed-policy-extra')
        })
      }
      const after = github.commentsOn(PR)
      expect(after.map(comment => comment.id).sort()).toEqual([ids.roleA, ids.roleB].sort())
      expect(after.map(comment => firstLine(comment.body))).toEqual(markers)
      for (const comment of after) expect(comment.body).toContain('managed-policy-extra')
    },
    TEST_TIMEOUT_MS
  )

  it.each([
    ['a GITHUB_TOKEN (GET /user is 403)', undefined],
    ['a personal token of another user', 'octocat']
  ])(
    "9. a person's comment with the marker is not hijacked, with %s",
    async (_label, viewer) => {
      github.viewer = viewer
      const pasted = github.seed({
        body: `${marker}\n\nI pasted this marker; please do not overwrite my comment.`,
        user: { login: 'mallory', type: 'User' }
      })
      await createRole(moto.iam, { trustPolicy: DRIFTED_TRUST })
      const result = await run({ mode: 'audit' })
      withOutput(result, () => {
        expect(result.code).toBe(0)
        expect(patches(github.calls)).toEqual([])
        expect(posts(github.calls)).toHaveLength(1)
        const comments = github.commentsOn(PR)
        expect(comments).toHaveLength(2)
        expect(comments.find(comment => comment.id === pasted.id)?.body).toBe(pasted.body)
        const ours = comments.find(comment => comment.id !== pasted.id)
        expect(ours?.user).toEqual(viewer === undefined ? BOT : { login: viewer, type: 'User' })
        expect(firstLine(ours?.body ?? '')).toBe(marker)
        expect(result.outputs['comment-url']).toBe(ours?.html_url)
      })
      const ours = github.commentsOn(PR).find(comment => comment.id !== pasted.id)

      // The next run finds its own comment beside the pasted one: nothing new, nothing sent.
      const againCalls = watch()
      const again = await run({ mode: 'audit' })
      withOutput(again, () => {
        expect(again.code).toBe(0)
        expect(againCalls().filter(call => call.method !== 'GET')).toEqual([])
        expect(github.commentsOn(PR)).toHaveLength(2)
        expect(github.commentsOn(PR).find(c => c.id === pasted.id)?.body).toBe(pasted.body)
        expect(again.outputs['comment-url']).toBe(ours?.html_url)
      })
    },
    TEST_TIMEOUT_MS
  )
})

describe('size', () => {
  it(
    '10. 20 extra inline policies with long names: under 65,536 characters, fences balanced',
    async () => {
      // The fence check itself: an open fence is caught, a longer fence holds a shorter one.
      expect(unclosedFence('```sh\necho\n')).toBeDefined()
      expect(unclosedFence('````json\n```\n````\n')).toBeUndefined()

      const names = Array.from({ length: 20 }, (_, i) =>
        `extra-inline-policy-${String(i).padStart(2, '0')}-`.padEnd(128, 'abcdefghij0123456789')
      )
      await createRole(moto.iam, {
        trustPolicy: DRIFTED_TRUST,
        inlinePolicies: Object.fromEntries(
          names.map(name => [
            name,
            {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${name}/*` }
              ]
            }
          ])
        )
      })
      const audit = await run({ mode: 'audit' })
      withOutput(audit, () => {
        expect(audit.code).toBe(0)
        const comment = only(github.commentsOn(PR))
        expect(audit.outputs['comment-url']).toBe(comment.html_url)
        for (const name of names) expect(comment.body).toContain(name)
      })

      const repair = await run({ mode: 'repair', 'remove-extra-policies': 'true' })
      withOutput(repair, () => {
        expect(repair.code).toBe(0)
        expect(repair.outputs.status).toBe('repaired')
        expect(only(github.commentsOn(PR)).body).toContain('DeleteRolePolicy')
      })

      // Every body the action sent, on create and on update.
      const bodies = [...posts(github.calls), ...patches(github.calls)].map(
        call => (call.body as { body?: unknown } | undefined)?.body
      )
      expect(bodies).toHaveLength(2)
      for (const body of bodies) {
        expect(typeof body).toBe('string')
        const text = body as string
        expect(text.length).toBeLessThan(MAX_BODY_CHARACTERS)
        expect([...text].length).toBeLessThan(MAX_BODY_CHARACTERS)
        expect(firstLine(text)).toBe(marker)
        expect(unclosedFence(text)).toBeUndefined()
      }
    },
    TEST_TIMEOUT_MS
  )
})
