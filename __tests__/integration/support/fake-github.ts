/**
 * A loopback stand-in for the GitHub REST API, enough for a PR comment: list, create and update
 * issue comments. Like the real API with a workflow's GITHUB_TOKEN, `GET /user` answers 403.
 * `failWith` makes every request fail with that status (a fork's read-only token, an outage).
 */
import http from 'node:http'

export interface FakeComment {
  id: number
  issue: number
  body: string
  html_url: string
  user: { login: string; type: string }
}

export interface FakeGitHub {
  /** For `GITHUB_API_URL`. */
  url: string
  comments: FakeComment[]
  /** `METHOD /path` of every request, in order. */
  requests: string[]
  /** When set, every request answers this status. */
  failWith: number | undefined
  reset(): void
  stop(): Promise<void>
}

const BOT = { login: 'github-actions[bot]', type: 'Bot' }

export async function startFakeGitHub(): Promise<FakeGitHub> {
  let nextId = 1000
  const state: Pick<FakeGitHub, 'comments' | 'requests' | 'failWith'> = {
    comments: [],
    requests: [],
    failWith: undefined
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const method = req.method ?? 'GET'
      state.requests.push(`${method} ${url.pathname}`)
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
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

      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname)
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)
      if (list && method === 'GET') {
        const issue = Number(list[3])
        const perPage = Number(url.searchParams.get('per_page') ?? 30)
        const page = Number(url.searchParams.get('page') ?? 1)
        const all = state.comments.filter(comment => comment.issue === issue)
        send(200, all.slice((page - 1) * perPage, page * perPage))
      } else if (list && method === 'POST' && typeof input.body === 'string') {
        const id = nextId++
        const comment: FakeComment = {
          id,
          issue: Number(list[3]),
          body: input.body,
          html_url: `https://github.com/${list[1]}/${list[2]}/pull/${list[3]}#issuecomment-${id}`,
          user: BOT
        }
        state.comments.push(comment)
        send(201, comment)
      } else if (one && method === 'PATCH' && typeof input.body === 'string') {
        const comment = state.comments.find(candidate => candidate.id === Number(one[3]))
        if (!comment) {
          send(404, { message: 'Not Found' })
          return
        }
        comment.body = input.body
        send(200, comment)
      } else if (url.pathname === '/user') {
        send(403, { message: 'Resource not accessible by integration' })
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

  return Object.assign(state, {
    url: `http://127.0.0.1:${address.port}`,
    reset() {
      state.comments.length = 0
      state.requests.length = 0
      state.failWith = undefined
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
}
