/**
 * The check itself, loaded once the inputs are valid: observe the role, make the mode's
 * changes, then write annotations, the job summary, the PR comment and the outputs.
 */
import { observe } from './check.js'
import { converge } from './converge.js'
import { reaches } from './diff.js'
import { commentFailureMessage, octokitCommentApi, readEventPayload } from './github/api.js'
import { commentMarker, pullRequestNumber, upsertComment } from './github/comment.js'
import { createClients } from './iam/clients.js'
import type { Redactor } from './redact.js'
import { listChanges } from './plan.js'
import { findingAnnotations } from './report/annotations.js'
import { renderReport } from './report/markdown.js'
import * as core from './runner.js'
import type { Change, RunResult, Settings } from './types.js'

/** GitHub's limit for one step's job summary. */
export const SUMMARY_MAX_BYTES = 1024 * 1024
/** GitHub's limit for one comment body, less room for the note on raced duplicates. */
export const COMMENT_MAX_BYTES = 65536 - 512

/** What the run has written so far, for a report when it is stopped midway. */
export interface Progress {
  started?: Change
  applied: Change[]
  /** The job summary has been written. */
  summaryWritten?: boolean
}

export async function execute(
  settings: Settings,
  redactor: Redactor,
  progress: Progress
): Promise<void> {
  const clients = createClients(settings.awsRegion)
  const observation = await observe(settings, clients)
  if (settings.maskAccountId) redactor.add(observation.caller.accountId, '***', core.setSecret)
  const log = {
    record: (change: Change): void => {
      progress.started = change
      const before =
        change.before === null
          ? ''
          : ` (recorded before the change: ${JSON.stringify(change.before)})`
      core.info(redactor.scrub(`${change.action} ${change.target}${before}`))
    },
    applied: (change: Change): void => {
      progress.applied.push(change)
      progress.started = undefined
    }
  }
  const result = await converge(settings, clients, observation, { log })
  annotate(result, redactor)
  writeSummary(result, redactor)
  progress.summaryWritten = true
  setOutputs(result, await writeComment(result, redactor), redactor)
  const text = redactor.scrub(verdict(result))
  if (result.failed) core.setFailed(text)
  else core.info(text)
}

function setOutputs(result: RunResult, commentUrl: string, redactor: Redactor): void {
  const set = (name: string, value: string): void => core.setOutput(name, redactor.scrub(value))
  set('status', result.status)
  set('drift', String(result.drift))
  // The account id stays in these two outputs even when masked: later steps need the ARN.
  core.setOutput('role-arn', result.after?.arn ?? '')
  core.setOutput('account-id', result.caller.accountId)
  set(
    'findings',
    JSON.stringify(
      result.findings.map(f => ({
        code: f.code,
        severity: f.severity,
        message: f.message,
        expected: f.expected,
        actual: f.actual
      }))
    )
  )
  set('changes', JSON.stringify(result.changes))
  set('comment-url', commentUrl)
}

function annotate(result: RunResult, redactor: Redactor): void {
  for (const a of findingAnnotations(result)) {
    const log =
      a.level === 'error' ? core.error : a.level === 'warning' ? core.warning : core.notice
    log(redactor.scrub(a.message), { title: redactor.scrub(a.title) })
  }
  for (const notice of result.notices)
    core.notice(redactor.scrub(notice), { title: 'ecs-role-guard' })
}

function writeSummary(result: RunResult, redactor: Redactor): void {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.debug('GITHUB_STEP_SUMMARY is not set; no job summary written')
    return
  }
  // Leave room for what other steps may already have written to this step's summary.
  const markdown = renderReport(result, {
    variant: 'summary',
    maxBytes: SUMMARY_MAX_BYTES - 4096,
    ...runUrl()
  })
  core.appendSummary(redactor.scrub(markdown))
}

/** Writes the sticky PR comment; any failure is a warning, never a failed step. Returns its URL. */
async function writeComment(result: RunResult, redactor: Redactor): Promise<string> {
  const { settings, caller } = result
  if (settings.comment === 'never') {
    core.debug('No PR comment: comment is never')
    return ''
  }
  const target = pullRequestNumber(
    process.env.GITHUB_EVENT_NAME ?? '',
    readEventPayload(process.env.GITHUB_EVENT_PATH)
  )
  if ('skip' in target) {
    core.debug(`No PR comment: ${target.skip}`)
    return ''
  }
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/')
  if (!settings.githubToken || !owner || !repo) {
    core.warning(
      'The pull-request comment was not written: no github-token or GITHUB_REPOSITORY. The job summary has the full report.'
    )
    return ''
  }
  // A masked account still gets its own comment: the marker carries a digest, not the id.
  const marker = commentMarker(
    settings.roleName,
    settings.rolePath,
    caller.accountId,
    settings.maskAccountId
  )
  const body = redactor.scrub(
    renderReport(result, { variant: 'comment', maxBytes: COMMENT_MAX_BYTES, marker, ...runUrl() })
  )
  try {
    const api = await octokitCommentApi(settings.githubToken, owner, repo, target.number)
    const outcome = await upsertComment(api, {
      marker,
      body,
      mode: settings.comment,
      drift: result.drift
    })
    if (outcome.action === 'skipped') {
      core.debug(`No PR comment: ${outcome.reason}`)
      return ''
    }
    core.info(`PR comment ${outcome.action}: ${outcome.url}`)
    if (outcome.duplicates > 0)
      core.notice(
        `${outcome.duplicates} older duplicate PR comment(s) for this role were left as they are.`
      )
    return outcome.url
  } catch (error) {
    core.warning(redactor.scrub(commentFailureMessage(error)))
    return ''
  }
}

function runUrl(): { runUrl?: string } {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = process.env
  return server && repo && id ? { runUrl: `${server}/${repo}/actions/runs/${id}` } : {}
}

/** The one-line verdict: why the job passes or fails. */
function verdict(result: RunResult): string {
  const { roleName } = result.settings
  const failing = result.remaining.filter(f => reaches(f.severity, result.settings.failOn))
  if (result.error !== undefined) {
    const done = listChanges(result.changes)
    const notDone = listChanges(result.notDone)
    return `${result.error} Done before the failure: ${done}. Not done: ${notDone}. Fix the cause above and run repair again to complete it.`
  }
  const unrepairable = result.remaining.find(f => f.code === 'path-mismatch')
  if (result.failed && result.settings.mode === 'repair' && unrepairable) {
    return `Role ${roleName} cannot be repaired in place: ${unrepairable.message} Delete the role (after recording it) and run create or repair again.`
  }
  if (result.failed) {
    const codes = [...new Set(failing.map(f => f.code))].join(', ')
    return `Role ${roleName} in account ${result.caller.accountId} is ${result.status}: ${failing.length} finding(s) at or above "${result.settings.failOn}" (${codes}). See the job summary for what differs and how to fix it.`
  }
  const note =
    result.remaining.length > 0 && result.settings.mode === 'audit'
      ? ' (audit mode never fails for drift)'
      : ''
  return `Role ${roleName} in account ${result.caller.accountId}: ${result.status}, ${result.remaining.length} finding(s)${note}.`
}
