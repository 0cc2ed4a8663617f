/**
 * One sticky pull-request comment per role (name and path) and account: found by a hidden
 * marker, updated in place, created only when none exists, never duplicated.
 */
import { createHash } from 'node:crypto'
import type { CommentMode } from '../types.js'

export interface RemoteComment {
  id: number
  body?: string | null
  user?: { login: string; type?: string } | null
  html_url: string
  created_at: string
}

/** The few GitHub REST calls the comment needs, so the logic is tested with plain objects. */
export interface CommentApi {
  /** One page (1-based) of the PR's comments, 100 per page, oldest first. */
  list(page: number): Promise<RemoteComment[]>
  create(body: string): Promise<RemoteComment>
  update(id: number, body: string): Promise<RemoteComment>
  /** The login of the token's owner, when the token may ask (a GITHUB_TOKEN may not). */
  viewerLogin(): Promise<string | undefined>
}

export const PER_PAGE = 100
/** Stops a server that never ends its pages: 100 pages is 10,000 comments. */
const MAX_PAGES = 100

/**
 * The hidden marker: one comment per role name, path and account. A masked account id is
 * replaced by a digest, so the comment stays distinct per account without showing it.
 */
export function commentMarker(
  roleName: string,
  rolePath: string,
  accountId: string,
  maskAccount = false
): string {
  const account = maskAccount
    ? `sha256:${createHash('sha256').update(accountId).digest('hex').slice(0, 16)}`
    : accountId
  // A path may hold `-->`: encode it so that nothing can end the HTML comment early.
  const role = encodeURIComponent(rolePath + roleName).replace(/-/g, '%2D')
  return `<!-- ecs-role-guard role=${role} account=${account} -->`
}

/** The pull-request number for comment events, or why there is none. */
export function pullRequestNumber(
  eventName: string,
  payload: unknown
): { number: number } | { skip: string } {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') {
    return {
      skip: `the event is ${eventName || 'unknown'}, not pull_request or pull_request_target`
    }
  }
  const pr = (payload as { pull_request?: { number?: unknown } } | null)?.pull_request
  const number =
    typeof pr?.number === 'number' ? pr.number : (payload as { number?: unknown } | null)?.number
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    return { skip: 'the event payload has no pull request number' }
  }
  return { number }
}

export type CommentOutcome =
  | { action: 'created' | 'updated' | 'unchanged'; url: string; duplicates: number }
  | { action: 'skipped'; reason: string }

/** Finds our comments: the marker, written by a bot or by the token's owner. Oldest first. */
async function findOwn(api: CommentApi, marker: string): Promise<RemoteComment[]> {
  const marked: RemoteComment[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await api.list(page)
    marked.push(...comments.filter(c => c.body?.includes(marker)))
    if (comments.length < PER_PAGE) break
  }
  if (marked.every(c => c.user?.type === 'Bot')) return marked
  // Someone else could paste the marker; trust a person only when the token is theirs.
  const viewer = await api.viewerLogin().catch(() => undefined)
  return marked.filter(
    c => c.user?.type === 'Bot' || (viewer !== undefined && c.user?.login === viewer)
  )
}

/**
 * Creates or updates the marked comment. `drift` is whether the run found anything: under
 * `on-drift` a comment is created only then, but an existing one is always updated.
 */
export async function upsertComment(
  api: CommentApi,
  options: { marker: string; body: string; mode: CommentMode; drift: boolean }
): Promise<CommentOutcome> {
  if (options.mode === 'never') return { action: 'skipped', reason: 'comment is never' }
  const own = await findOwn(api, options.marker)
  const newest = own.reduce<RemoteComment | undefined>(
    (a, c) => (a === undefined || Date.parse(c.created_at) >= Date.parse(a.created_at) ? c : a),
    undefined
  )
  if (newest === undefined) {
    if (options.mode === 'on-drift' && !options.drift) {
      return {
        action: 'skipped',
        reason: 'no drift and no earlier comment to update (comment is on-drift)'
      }
    }
    const created = await api.create(options.body)
    return { action: 'created', url: created.html_url, duplicates: 0 }
  }
  const duplicates = own.length - 1
  const body =
    duplicates > 0
      ? `${options.body}\n\n<sub>${duplicates} older comment(s) with this marker, left by an earlier run that raced this one, were not updated.</sub>\n`
      : options.body
  if (newest.body === body) return { action: 'unchanged', url: newest.html_url, duplicates }
  const updated = await api.update(newest.id, body)
  return { action: 'updated', url: updated.html_url, duplicates }
}
