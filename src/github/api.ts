/** The GitHub side of the PR comment: Octokit behind the CommentApi seam, loaded only when needed. */
import { readFileSync } from 'node:fs'
import type { CommentApi } from './comment.js'

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
  return {
    list: async page =>
      (await octokit.rest.issues.listComments({ ...issue, per_page: 100, page })).data,
    create: async body => (await octokit.rest.issues.createComment({ ...issue, body })).data,
    update: async (id, body) =>
      (await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data,
    viewerLogin: async () => (await octokit.rest.users.getAuthenticated()).data.login
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
