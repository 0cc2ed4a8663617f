import {
  commentFailureMessage,
  GITHUB_ATTEMPTS,
  retryDelay,
  withRetries
} from '../../src/github/api.js'
import {
  commentMarker,
  pullRequestNumber,
  upsertComment,
  type CommentApi,
  type RemoteComment
} from '../../src/github/comment.js'

const MARKER = commentMarker('ecsServiceRole', '/', '123456789012')

/** An in-memory PR thread behind the CommentApi seam. */
function thread(initial: Partial<RemoteComment>[] = [], viewer?: string) {
  let nextId = 1000
  const comments: RemoteComment[] = initial.map((c, i) => ({
    id: i + 1,
    body: '',
    user: { login: 'someone', type: 'User' },
    html_url: `https://github.com/o/r/pull/1#issuecomment-${i + 1}`,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    ...c
  }))
  const calls: string[] = []
  const api: CommentApi = {
    list: page => {
      calls.push(`list:${page}`)
      return Promise.resolve(comments.slice((page - 1) * 100, page * 100))
    },
    create: body => {
      calls.push('create')
      const c = {
        id: nextId++,
        body,
        user: { login: 'github-actions[bot]', type: 'Bot' },
        html_url: `https://github.com/o/r/pull/1#issuecomment-${nextId}`,
        created_at: new Date().toISOString()
      }
      comments.push(c)
      return Promise.resolve(c)
    },
    update: (id, body) => {
      calls.push(`update:${id}`)
      const c = comments.find(x => x.id === id)
      if (!c) return Promise.reject(new Error('no such comment'))
      c.body = body
      return Promise.resolve(c)
    },
    viewerLogin: () => {
      calls.push('viewer')
      return viewer === undefined
        ? Promise.reject(
            Object.assign(new Error('Resource not accessible by integration'), { status: 403 })
          )
        : Promise.resolve(viewer)
    }
  }
  return { api, comments, calls }
}
const bot = { login: 'github-actions[bot]', type: 'Bot' }

describe('commentMarker', () => {
  it('differs by role name, path and account, and is an HTML comment', () => {
    const markers = new Set([
      MARKER,
      commentMarker('ecsServiceRole', '/service-role/', '123456789012'),
      commentMarker('otherRole', '/', '123456789012'),
      commentMarker('ecsServiceRole', '/', '210987654321')
    ])
    expect(markers.size).toBe(4)
    const masked = commentMarker('ecsServiceRole', '/', '123456789012', true)
    expect(masked).not.toContain('123456789012')
    expect(masked).not.toBe(commentMarker('ecsServiceRole', '/', '210987654321', true))
    const hostile = commentMarker('a-b', '/x-->/<script>/', '123456789012')
    expect(hostile.slice(4, -3)).not.toMatch(/--|>|</)
    expect(MARKER).toMatch(/^<!-- .* -->$/)
    expect(MARKER.slice(4, -3)).not.toContain('--')
  })
})

describe('pullRequestNumber', () => {
  it.each([
    ['pull_request', { pull_request: { number: 7 } }, { number: 7 }],
    ['pull_request_target', { number: 9, pull_request: { number: 9 } }, { number: 9 }],
    ['push', { pull_request: { number: 7 } }, { skip: expect.stringContaining('push') as unknown }],
    ['pull_request', {}, { skip: expect.stringContaining('no pull request number') as unknown }],
    ['pull_request', null, { skip: expect.stringContaining('no pull request number') as unknown }]
  ])('%s %j', (event, payload, expected) => {
    expect(pullRequestNumber(event, payload)).toEqual(expected)
  })
})

describe('upsertComment', () => {
  const options = {
    marker: MARKER,
    body: `${MARKER}\nbody one`,
    mode: 'on-drift' as const,
    drift: true
  }

  it('creates one comment, then updates it, then leaves it when unchanged', async () => {
    const t = thread()
    expect(await upsertComment(t.api, options)).toMatchObject({ action: 'created' })
    expect(await upsertComment(t.api, { ...options, body: `${MARKER}\nbody two` })).toMatchObject({
      action: 'updated'
    })
    expect(await upsertComment(t.api, { ...options, body: `${MARKER}\nbody two` })).toMatchObject({
      action: 'unchanged'
    })
    expect(t.comments).toHaveLength(1)
    expect(t.comments[0]?.body).toBe(`${MARKER}\nbody two`)
  })

  it('finds its comment after 250 others, reading every page', async () => {
    const others = Array.from({ length: 250 }, () => ({ body: 'lgtm' }))
    const t = thread([...others, { body: `${MARKER}\nold`, user: bot }])
    expect(await upsertComment(t.api, options)).toMatchObject({ action: 'updated' })
    expect(t.calls.filter(c => c.startsWith('list'))).toEqual(['list:1', 'list:2', 'list:3'])
    expect(t.comments).toHaveLength(251)
  })

  it('creates nothing under on-drift without drift, but updates an existing comment', async () => {
    const empty = thread()
    expect(await upsertComment(empty.api, { ...options, drift: false })).toMatchObject({
      action: 'skipped'
    })
    expect(empty.calls).not.toContain('create')
    const existing = thread([{ body: `${MARKER}\ndrift`, user: bot }])
    expect(
      await upsertComment(existing.api, { ...options, drift: false, body: `${MARKER}\nfixed` })
    ).toMatchObject({ action: 'updated' })
  })

  it('writes one every run under always and none under never', async () => {
    const t = thread()
    expect(await upsertComment(t.api, { ...options, mode: 'always', drift: false })).toMatchObject({
      action: 'created'
    })
    const n = thread()
    expect(await upsertComment(n.api, { ...options, mode: 'never' })).toMatchObject({
      action: 'skipped'
    })
    expect(n.calls).toEqual([])
  })

  it('ignores a marker pasted by a person who does not own the token', async () => {
    const t = thread([{ body: `quoting ${MARKER}`, user: { login: 'mallory', type: 'User' } }])
    expect(await upsertComment(t.api, options)).toMatchObject({ action: 'created' })
    expect(t.comments[0]?.body).toBe(`quoting ${MARKER}`)
  })

  it("updates the token owner's own comment", async () => {
    const t = thread(
      [{ body: `${MARKER}\nold`, user: { login: 'deploy-bot-user', type: 'User' } }],
      'deploy-bot-user'
    )
    expect(await upsertComment(t.api, options)).toMatchObject({ action: 'updated' })
  })

  it('updates the newest of raced duplicates and leaves a note', async () => {
    const t = thread([
      { body: `${MARKER}\nfirst`, user: bot },
      { body: `${MARKER}\nsecond`, user: bot }
    ])
    expect(await upsertComment(t.api, options)).toMatchObject({ action: 'updated', duplicates: 1 })
    expect(t.comments[0]?.body).toBe(`${MARKER}\nfirst`)
    expect(t.comments[1]?.body).toContain('1 older comment(s)')
  })
})

describe('commentFailureMessage', () => {
  it.each([
    [
      { status: 403, message: 'Resource not accessible by integration' },
      /pull-requests: write.*fork/
    ],
    [
      {
        status: 403,
        message: 'API rate limit exceeded',
        response: { headers: { 'x-ratelimit-remaining': '0' } }
      },
      /rate limit/
    ],
    [{ status: 429, message: 'secondary rate limit' }, /rate limit/],
    [{ status: 401, message: 'Bad credentials' }, /rejected the token/],
    [{ status: 404, message: 'Not Found' }, /not found/],
    [new Error('socket hang up'), /socket hang up/]
  ])('%j', (error, message) => {
    const text = commentFailureMessage(error)
    expect(text).toMatch(message)
    expect(text).toContain('job summary has the full report')
  })
})

describe('GitHub retries', () => {
  const http = (status: number, message = '', headers: Record<string, string> = {}) =>
    Object.assign(new Error(message), { status, response: { headers } })

  it.each([
    [http(500), true, true],
    [http(502), false, false],
    [http(429), false, true],
    [http(403, 'You have exceeded a secondary rate limit'), false, true],
    [http(403, 'forbidden', { 'retry-after': '2' }), true, true],
    [http(403, 'Resource not accessible by integration'), true, false],
    [http(404), true, false],
    [http(422), true, false],
    [new Error('socket hang up'), true, true],
    [new Error('socket hang up'), false, false],
    [http(429, '', { 'retry-after': '3600' }), true, false]
  ])('%p (idempotent %p) is retried: %p', (error, idempotent, retried) => {
    expect(retryDelay(error, 1, idempotent) !== undefined).toBe(retried)
  })

  it('waits what retry-after says', () => {
    expect(retryDelay(http(429, '', { 'retry-after': '2' }), 1)).toBe(2000)
  })

  it('tries at most GITHUB_ATTEMPTS times, then gives the last error', async () => {
    const sleeps: number[] = []
    let calls = 0
    const failing = () => {
      calls++
      return Promise.reject(http(503))
    }
    await expect(
      withRetries(failing, true, ms => (sleeps.push(ms), Promise.resolve()))
    ).rejects.toMatchObject({ status: 503 })
    expect(calls).toBe(GITHUB_ATTEMPTS)
    expect(sleeps).toHaveLength(GITHUB_ATTEMPTS - 1)
  })

  it('returns once a retry succeeds', async () => {
    let calls = 0
    const flaky = () => (++calls === 1 ? Promise.reject(http(500)) : Promise.resolve('ok'))
    await expect(withRetries(flaky, true, () => Promise.resolve())).resolves.toBe('ok')
    expect(calls).toBe(2)
  })
})
