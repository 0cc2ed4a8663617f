/** The action's sequence: settings, check, report, outputs, verdict. The only setFailed. */
import * as core from '@actions/core'
import { observe } from './check.js'
import { converge } from './converge.js'
import { reaches } from './diff.js'
import { createClients } from './iam/read.js'
import { readSettings } from './inputs.js'
import { findingAnnotations } from './report/annotations.js'
import { renderReport } from './report/markdown.js'
import type { Change, RunResult } from './types.js'

/** GitHub's limit for one step's job summary. */
export const SUMMARY_MAX_BYTES = 1024 * 1024

export async function run(): Promise<void> {
  try {
    const settings = readSettings()
    const clients = createClients(settings.awsRegion)
    const observation = await observe(settings, clients)
    const result = await converge(settings, clients, observation, { log: { record: recordChange } })
    setOutputs(result)
    annotate(result)
    await writeSummary(result)
    if (result.failed) core.setFailed(verdict(result))
    else core.info(verdict(result))
  } catch (error) {
    // Expected failures carry a message written for the user; the stack is for debugging only.
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(message || 'ecs-role-guard failed with an unknown error')
  }
}

function setOutputs(result: RunResult): void {
  core.setOutput('status', result.status)
  core.setOutput('drift', String(result.drift))
  core.setOutput('role-arn', result.after?.arn ?? '')
  core.setOutput('account-id', result.caller.accountId)
  core.setOutput(
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
  core.setOutput('changes', JSON.stringify(result.changes))
  core.setOutput('comment-url', '')
}

function annotate(result: RunResult): void {
  for (const a of findingAnnotations(result)) {
    const log =
      a.level === 'error' ? core.error : a.level === 'warning' ? core.warning : core.notice
    log(a.message, { title: a.title })
  }
  for (const notice of result.notices) core.notice(notice, { title: 'ecs-role-guard' })
}

async function writeSummary(result: RunResult): Promise<void> {
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
  await core.summary.addRaw(markdown, true).write()
}

function runUrl(): { runUrl?: string } {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = process.env
  return server && repo && id ? { runUrl: `${server}/${repo}/actions/runs/${id}` } : {}
}

/** Logs a change and what it replaces before it is made, so nothing is lost if the run dies. */
function recordChange(change: Change): void {
  const before =
    change.before === null ? '' : ` (recorded before the change: ${JSON.stringify(change.before)})`
  core.info(`${change.action} ${change.target}${before}`)
}

/** The one-line verdict: why the job passes or fails. */
function verdict(result: RunResult): string {
  const { roleName } = result.settings
  const failing = result.remaining.filter(f => reaches(f.severity, result.settings.failOn))
  if (result.error !== undefined) {
    const done = result.changes.map(c => `${c.action} ${c.target}`).join(', ') || 'nothing'
    const notDone = result.notDone.map(c => `${c.action} ${c.target}`).join(', ') || 'nothing'
    return `${result.error} Done before the failure: ${done}. Not done: ${notDone}. Grant the permission and run repair again to complete it.`
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
