/**
 * A loopback stand-in for the GitHub REST API, enough for a PR comment: list, create and update
 * issue comments. Like the real API with a workflow's GITHUB_TOKEN, `GET /user` answers 403
 * (set `viewer` to answer as a personal access token would). `failWith` makes every request
 * fail with that status (a fork's read-only token, an outage); `failWhen` fails only the
 * requests a rule matches (a 403 on create, a secondary rate limit).
 *
 * Where it matters it behaves like api.github.com: the comment list is paginated (`per_page`
 * 30 by default, at most 100, with a `link` header), comments carry `created_at`/`updated_at`
 * and their author, a body longer than 65,536 characters is rejected with 422, and a write
 * without a token gets 401.
 */
import http from 'node:http'

export interface FakeUser {
  login: string
  type: string
}

export interface FakeComment {
  id: number
  issue: number
  body: string
  html_url: string
  user: FakeUser
  /** API URL of the comment, as GitHub returns it. */
  url?: string
  created_at?: string
  updated_at?: string
}

/** One request as the fake saw it. */
export interface FakeRequest {
  method: string
  /** The path without the query string. */
  path: string
  /** The query parameters (`per_page`, `page`). */
  query: Record<string, string>
  /** The parsed JSON body, when there was one. */
  body?: unknown
  /** Whether the request carried an `authorization` header. */
  authorized: boolean
  /** The status the fake answered. */
  status: number
}

/** Fails the requests it matches, `times` times (default: every time). */
export interface FailureRule {
  method?: string
  /** Matched against the path without the query string. */
  path?: RegExp
  status: number
  message?: string
  headers?: Record<string, string>
  times?: number
}

/** What `seed` needs to put an existing comment on a PR. */
export interface SeedComment {
  body: string
  user?: FakeUser
  issue?: number
  created_at?: string
}

export interface FakeGitHub {
  /** For `GITHUB_API_URL`. */
  url: string
  /** Every comment, on every issue, oldest first. */
  comments: FakeComment[]
  /** `METHOD /path` of every request, in order. */
  requests: string[]
  /** Every request with its query, body and the status answered, in order. */
  calls: FakeRequest[]
  /** When set, every request answers this status. */
  failWith: number | undefined
  /** Rules that fail matching requests (checked in order, first match wins). */
  failWhen: FailureRule[]
  /**
   * The owner of a personal token: `GET /user` answers it and new comments are theirs.
   * Undefined (default): a GITHUB_TOKEN, so `GET /user` is 403 and the bot comments.
   */
  viewer: string | undefined
  /** Adds an existing comment (by default a person's, on the issue given or 5). */
  seed(comment: SeedComment): FakeComment
  /** The comments of one issue, oldest first. */
  commentsOn(issue: number): FakeComment[]
  reset(): void
  stop(): Promise<void>
}

export const BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' }

/** GitHub's limit on a comment body, in characters. */
export const MAX_BODY_CHARACTERS = 65_536

/** Comments made through the API are stamped after any seeded ones. */
const CLOCK_START = Date.parse('2024-06-01T12:00:00Z')

export async function startFakeGitHub(): Promise<FakeGitHub> {
  let nextId = 1000
  let clock = CLOCK_START
  const now = (): string => {
    clock += 1000
    return new Date(clock).toISOString()
  }
  const state: Pick<
    FakeGitHub,
    'comments' | 'requests' | 'calls' | 'failWith' | 'failWhen' | 'viewer'
  > = {
    comments: [],
    requests: [],
    calls: [],
    failWith: undefined,
    failWhen: [],
    viewer: undefined
  }
  let baseUrl = ''

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const method = req.method ?? 'GET'
      state.requests.push(`${method} ${url.pathname}`)
      const call: FakeRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorized: typeof req.headers.authorization === 'string',
        status: 0
      }
      state.calls.push(call)
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        call.status = status
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        res.end(JSON.stringify(body))
      }
      if (state.failWith !== undefined) {
        send(state.failWith, { message: 'Resource not accessible by integration' })
        return
      }
      let input: { body?: unknown } = {}
      try {
        input = chunks.length
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof input)
          : {}
      } catch {
        send(400, { message: 'Problems parsing JSON' })
        return
      }
      if (chunks.length) call.body = input

      const rule = state.failWhen.find(
        candidate =>
          (candidate.method === undefined || candidate.method === method) &&
          (candidate.path === undefined || candidate.path.test(url.pathname)) &&
          (candidate.times === undefined || candidate.times > 0)
      )
      if (rule) {
        if (rule.times !== undefined) rule.times -= 1
        send(
          rule.status,
          {
            message: rule.message ?? 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest'
          },
          rule.headers
        )
        return
      }
      if (method !== 'GET' && !call.authorized) {
        send(401, { message: 'Requires authentication' })
        return
      }

      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname)
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)
      const invalidBody = (): boolean => {
        if (typeof input.body !== 'string') {
          send(422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.' })
          return true
        }
        if ([...input.body].length > MAX_BODY_CHARACTERS) {
          send(422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'IssueComment',
                code: 'custom',
                field: 'body',
                message: 'body is too long (maximum is 65536 characters)'
              }
            ]
          })
          return true
        }
        return false
      }
      if (list && method === 'GET') {
        const issue = Number(list[3])
        const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)))
        const page = Math.max(1, Number(url.searchParams.get('page') ?? 1))
        const all = state.comments.filter(comment => comment.issue === issue)
        const last = Math.max(1, Math.ceil(all.length / perPage))
        const pageUrl = (n: number): string => {
          const next = new URL(`${baseUrl}${url.pathname}`)
          next.searchParams.set('per_page', String(perPage))
          next.searchParams.set('page', String(n))
          return next.toString()
        }
        // GitHub's form: next and last after the first page, prev and first before the last.
        const links = [
          ...(page < last
            ? [`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`]
            : []),
          ...(page > 1
            ? [`<${pageUrl(page - 1)}>; rel="prev"`, `<${pageUrl(1)}>; rel="first"`]
            : [])
        ]
        send(
          200,
          all.slice((page - 1) * perPage, page * perPage),
          links.length > 0 ? { link: links.join(', ') } : {}
        )
      } else if (list && method === 'POST') {
        if (invalidBody()) return
        const id = nextId++
        const created = now()
        const comment: FakeComment = {
          id,
          issue: Number(list[3]),
          body: input.body as string,
          html_url: `https://github.com/${list[1]}/${list[2]}/pull/${list[3]}#issuecomment-${id}`,
          url: `${baseUrl}/repos/${list[1]}/${list[2]}/issues/comments/${id}`,
          // A personal token comments as its owner; a GITHUB_TOKEN as the Actions bot.
          user: state.viewer === undefined ? BOT : { login: state.viewer, type: 'User' },
          created_at: created,
          updated_at: created
        }
        state.comments.push(comment)
        send(201, comment)
      } else if (one && method === 'PATCH') {
        const comment = state.comments.find(candidate => candidate.id === Number(one[3]))
        if (!comment) {
          send(404, { message: 'Not Found' })
          return
        }
        if (invalidBody()) return
        comment.body = input.body as string
        comment.updated_at = now()
        send(200, comment)
      } else if (url.pathname === '/user' && method === 'GET') {
        if (state.viewer === undefined) {
          send(403, { message: 'Resource not accessible by integration' })
        } else {
          send(200, { login: state.viewer, type: 'User' })
        }
      } else {
        send(404, { message: 'Not Found' })
      }
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake GitHub has no port')
  baseUrl = `http://127.0.0.1:${address.port}`

  return Object.assign(state, {
    url: baseUrl,
    seed(seed: SeedComment): FakeComment {
      const id = nextId++
      const issue = seed.issue ?? 5
      // Seeded comments are older than anything the action writes.
      const created = seed.created_at ?? new Date(CLOCK_START - (100_000 - id) * 1000).toISOString()
      const comment: FakeComment = {
        id,
        issue,
        body: seed.body,
        html_url: `https://github.com/octo-org/octo-repo/pull/${issue}#issuecomment-${id}`,
        url: `${baseUrl}/repos/octo-org/octo-repo/issues/comments/${id}`,
        user: seed.user ?? { login: 'octocat', type: 'User' },
        created_at: created,
        updated_at: created
      }
      state.comments.push(comment)
      return comment
    },
    commentsOn(issue: number): FakeComment[] {
      return state.comments.filter(comment => comment.issue === issue)
    },
    reset() {
      state.comments.length = 0
      state.requests.length = 0
      state.calls.length = 0
      state.failWith = undefined
      state.failWhen = []
      state.viewer = undefined
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
}
