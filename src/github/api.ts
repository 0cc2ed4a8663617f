/** The GitHub side of the PR comment: Octokit behind the CommentApi seam, loaded only when needed. */
import { readFileSync } from 'node:fs'
import type { CommentApi } from './comment.js'

/** Attempts per GitHub call, and the longest wait between two of them that we accept. */
export const GITHUB_ATTEMPTS = 3
const MAX_WAIT_MS = 10_000
/** A GitHub call that does not answer within this is abandoned (and retried). */
export const GITHUB_REQUEST_TIMEOUT_MS = 15_000

interface HttpErrorLike {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined> }
}

/**
 * How long to wait before retrying a failed GitHub call, or undefined when it must not be
 * retried: 5xx, 429, secondary rate limits (403 with retry-after or a "secondary rate limit"
 * message) and dropped connections are retried; other 4xx (a read-only fork token) are not.
 */
export function retryDelay(error: unknown, attempt: number, idempotent = true): number | undefined {
  const e = (error ?? {}) as HttpErrorLike
  const headers = e.response?.headers ?? {}
  const retryAfter = Number(headers['retry-after'])
  const backoff = 500 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)
  const limited =
    e.status === 429 ||
    (e.status === 403 &&
      (headers['retry-after'] !== undefined || /secondary rate limit/i.test(e.message ?? '')))
  // A create that failed with a 5xx or a dropped connection may have gone through: repeating
  // it could post a second comment. Rate limits are refused before anything is written.
  if (!limited && !idempotent) return undefined
  if (e.status === undefined) return backoff
  if (!limited && e.status < 500) return undefined
  if (Number.isFinite(retryAfter) && retryAfter >= 0) {
    const wait = retryAfter * 1000
    return wait <= MAX_WAIT_MS ? wait : undefined
  }
  return backoff
}

/** Runs a GitHub call with retries that fit GitHub's rate limits. */
export async function withRetries<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  idempotent = true,
  sleep: (ms: number) => Promise<void> = ms => new Promise(resolve => setTimeout(resolve, ms))
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(AbortSignal.timeout(GITHUB_REQUEST_TIMEOUT_MS))
    } catch (error) {
      const delay = attempt < GITHUB_ATTEMPTS ? retryDelay(error, attempt, idempotent) : undefined
      if (delay === undefined) throw error
      await sleep(delay)
    }
  }
}

/** Builds the comment API on @actions/github's Octokit (GITHUB_API_URL is its base URL). */
export async function octokitCommentApi(
  token: string,
  owner: string,
  repo: string,
  issueNumber: number
): Promise<CommentApi> {
  // Octokit is loaded here, not at start-up: most runs write no comment.
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token)
  const issue = { owner, repo, issue_number: issueNumber }
  const timeout = (): { signal: AbortSignal } => ({
    signal: AbortSignal.timeout(GITHUB_REQUEST_TIMEOUT_MS)
  })
  return {
    list: page =>
      withRetries(
        async signal =>
          (
            await octokit.rest.issues.listComments({
              ...issue,
              per_page: 100,
              page,
              request: { signal }
            })
          ).data
      ),
    create: body =>
      withRetries(
        async signal =>
          (await octokit.rest.issues.createComment({ ...issue, body, request: { signal } })).data,
        false
      ),
    update: (id, body) =>
      withRetries(
        async signal =>
          (
            await octokit.rest.issues.updateComment({
              owner,
              repo,
              comment_id: id,
              body,
              request: { signal }
            })
          ).data
      ),
    // Asked only to tell the token's owner; a GITHUB_TOKEN may not ask, and that is no reason to wait.
    viewerLogin: async () =>
      (await octokit.rest.users.getAuthenticated({ request: timeout() })).data.login
  }
}

/** The event payload the runner wrote, or null when there is none. */
export function readEventPayload(file: string | undefined): unknown {
  if (!file) return null
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown
  } catch {
    return null
  }
}

/** A warning that says why the comment could not be written and what to do about it. */
export function commentFailureMessage(error: unknown): string {
  const e = (error ?? {}) as {
    status?: number
    message?: string
    response?: { headers?: Record<string, string | undefined> }
  }
  const status = e.status
  const detail = (e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 300)
  const headers = e.response?.headers ?? {}
  const limited =
    status === 429 ||
    (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(detail)))
  const prefix = 'The pull-request comment was not written'
  const suffix = 'The job summary has the full report.'
  if (limited) {
    return `${prefix}: GitHub's API rate limit was reached (HTTP ${status}). Re-run the job later. ${suffix}`
  }
  if (status === 403) {
    return `${prefix}: the token may not write comments (HTTP 403: ${detail}). Give the job \`permissions: pull-requests: write\`; a pull request from a fork gets a read-only token (use pull_request_target with care, or comment: never). ${suffix}`
  }
  if (status === 401) {
    return `${prefix}: GitHub rejected the token (HTTP 401). Check the github-token input. ${suffix}`
  }
  if (status === 404) {
    return `${prefix}: the pull request or repository was not found with this token (HTTP 404). ${suffix}`
  }
  return `${prefix}: ${status ? `HTTP ${status}: ` : ''}${detail}. ${suffix}`
}
