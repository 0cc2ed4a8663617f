/**
 * `create` and `repair`: apply the planned changes, read the role back until IAM shows them
 * (it is eventually consistent), and judge what is there, not what was intended.
 */
import { judge } from './check.js'
import { desiredRole } from './desired.js'
import { diffRole } from './diff.js'
import type { Clients } from './iam/clients.js'
import { readRole } from './iam/read.js'
import { applyChanges, type WriteLog } from './iam/write.js'
import { equivalentPolicies } from './policy.js'
import type { Change, LiveRole, Observation, RunResult, Settings } from './types.js'

/** Delays between read-backs: the first read is immediate, the whole wait about 10 seconds. */
export const READ_BACK_DELAYS_MS = [0, 250, 500, 1000, 2000, 3000, 3500]

export interface ConvergeOptions {
  log: WriteLog
  sleep?: (ms: number) => Promise<void>
  delays?: readonly number[]
}

const defaultSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Whether a read of the role shows a change that was made. */
export function shows(role: LiveRole | null, change: Change): boolean {
  switch (change.action) {
    case 'CreateRole':
      return role !== null
    case 'AttachRolePolicy':
      return role?.attachedPolicies.some(p => p.arn === change.target) ?? false
    case 'UpdateAssumeRolePolicy':
      return role !== null && equivalentPolicies(role.trustPolicy, change.after)
    case 'DetachRolePolicy':
      return role !== null && !role.attachedPolicies.some(p => p.arn === change.target)
    case 'DeleteRolePolicy':
      return role !== null && !role.inlinePolicies.some(p => p.name === change.target)
  }
}

/** Reads the role until `done` holds or the delays run out; returns the last read. */
async function readUntil(
  clients: Clients,
  settings: Settings,
  done: (role: LiveRole | null) => boolean,
  options: ConvergeOptions
): Promise<LiveRole | null> {
  const sleep = options.sleep ?? defaultSleep
  let role: LiveRole | null = null
  for (const delay of options.delays ?? READ_BACK_DELAYS_MS) {
    if (delay > 0) await sleep(delay)
    role = await readRole(clients.iam, settings.roleName)
    if (done(role)) break
  }
  return role
}

/** Runs the mode's writes (none in audit and enforce, none on an existing role in create). */
export async function converge(
  settings: Settings,
  clients: Clients,
  observation: Observation,
  options: ConvergeOptions
): Promise<RunResult> {
  const first = judge(settings, observation)
  const writes =
    settings.mode === 'repair' || (settings.mode === 'create' && observation.role === null)
  if (!writes || first.planned.length === 0) return first

  const outcome = await applyChanges(clients.iam, settings.roleName, first.planned, options.log)
  if (outcome.raced) return afterRace(settings, clients, observation, options)

  const after = await readUntil(
    clients,
    settings,
    role => outcome.applied.every(c => shows(role, c)),
    options
  )
  return judge(settings, observation, {
    after,
    changes: outcome.applied,
    notDone: outcome.notDone,
    ...(outcome.error ? { error: outcome.error.message } : {})
  })
}

/**
 * CreateRole said the role exists: another job (a matrix leg) created it meanwhile. In create
 * mode, wait for that job's attachments to show and judge the role as enforce does; in repair
 * mode, judge it afresh and repair what is left.
 */
async function afterRace(
  settings: Settings,
  clients: Clients,
  observation: Observation,
  options: ConvergeOptions
): Promise<RunResult> {
  const note = `Role ${settings.roleName} was created by another run while this one was creating it; this run judged the role it found.`
  const desired = desiredRole(settings, observation.caller.partition)
  const role = await readUntil(
    clients,
    settings,
    r => r !== null && diffRole(desired, r, observation.policies).length === 0,
    options
  )
  const found: Observation = { ...observation, role }
  if (settings.mode === 'create' || role === null) {
    return judge(settings, found, { notices: [note], missingAtStart: true })
  }
  const result = await converge(settings, clients, found, options)
  return { ...result, drift: true, notices: [note, ...result.notices] }
}
