/**
 * The action's sequence: secrets masked, settings read and validated, then the check (loaded
 * only now) within the run's deadline; any failure that stops the run fails the step here.
 */
import * as core from './runner.js'
import type { Progress } from './execute.js'
import { readSettings } from './inputs.js'
import { listChanges } from './plan.js'
import { Redactor, secretValues } from './redact.js'
import { escapeMarkdown, inlineCode } from './report/escape.js'
import type { Settings } from './types.js'

/** The run's deadline passed. */
class DeadlineError extends Error {}

export async function run(): Promise<void> {
  const redactor = new Redactor()
  const progress: Progress = { applied: [] }
  let timer: NodeJS.Timeout | undefined
  let settings: Settings | undefined
  try {
    // Before the inputs are read: an invalid input's message shows its value.
    for (const secret of secretValues(process.env, core.getInput('github-token'))) {
      redactor.add(secret, '***', core.setSecret)
    }
    settings = readSettings()
    const valid = settings
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DeadlineError(deadlineMessage(valid, progress))),
        valid.timeoutSeconds * 1000
      )
    })
    // The AWS SDK and the report are loaded only once the inputs are known to be good.
    const { execute } = await import('./execute.js')
    await Promise.race([execute(valid, redactor, progress), deadline])
  } catch (error) {
    // Expected failures carry a message written for the user; the stack is for debugging only.
    const message = error instanceof Error ? error.message : String(error)
    // Reading a stack maps it through the bundle's source map, which costs more than the run.
    if (core.isDebug() && error instanceof Error && error.stack)
      core.debug(redactor.scrub(error.stack))
    const text = redactor.scrub(message || 'ecs-role-guard failed with an unknown error')
    core.setFailed(text)
    // A check that stopped still leaves a summary (an invalid input needs none: the log says it).
    if (settings !== undefined && !progress.summaryWritten) writeFailureSummary(settings, text)
    if (error instanceof DeadlineError) {
      core.setOutput('changes', redactor.scrub(JSON.stringify(progress.applied)))
      // Calls still in flight would hold the process open past the deadline.
      process.exit()
    }
  } finally {
    clearTimeout(timer)
  }
}

function writeFailureSummary(settings: Settings, message: string): void {
  try {
    core.appendSummary(
      `## ❌ ecs-role-guard could not check ${inlineCode(settings.roleName)}\n\n${escapeMarkdown(message)}\n`
    )
  } catch {
    core.debug('No job summary written: GITHUB_STEP_SUMMARY is not a file')
  }
}

function deadlineMessage(settings: Settings, progress: Progress): string {
  const done = listChanges(progress.applied)
  const inFlight = progress.started
    ? ` ${progress.started.action} ${progress.started.target} was in flight and may or may not have been applied.`
    : ''
  return `ecs-role-guard did not finish within timeout-seconds (${settings.timeoutSeconds} s): an AWS or GitHub endpoint did not answer in time. Changes made: ${done}.${inFlight} Run again (repair converges), or raise timeout-seconds.`
}
