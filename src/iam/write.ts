/**
 * The only IAM writes: create the role, attach policies, replace the trust policy, and (on
 * request) remove extra policies. Each change is logged with what it replaces before it is made.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  type IAMClient,
  UpdateAssumeRolePolicyCommand
} from '@aws-sdk/client-iam'
import type { Change, JsonValue } from '../types.js'
import { AwsCallError, describeAwsError, errorName } from './errors.js'

export interface ApplyOutcome {
  /** Changes made, in order. */
  applied: Change[]
  /** Planned changes not made because an earlier one failed. */
  notDone: Change[]
  /** The failure that stopped the run of changes. */
  error?: AwsCallError
  /** CreateRole found the role already there: another job created it meanwhile. */
  raced: boolean
}

export interface WriteLog {
  /** Records a change (and what it replaces) before it is made. */
  record(change: Change): void
  /** Notes that IAM accepted the change. */
  applied?(change: Change): void
}

/** Applies the planned changes in order; stops at the first failure and says what was not done. */
export async function applyChanges(
  iam: IAMClient,
  roleName: string,
  planned: readonly Change[],
  log: WriteLog
): Promise<ApplyOutcome> {
  const applied: Change[] = []
  for (const [index, change] of planned.entries()) {
    log.record(change)
    try {
      await send(iam, roleName, change)
      applied.push(change)
      log.applied?.(change)
    } catch (error) {
      if (change.action === 'CreateRole' && errorName(error) === 'EntityAlreadyExistsException') {
        return { applied, notDone: planned.slice(index), raced: true }
      }
      const resource =
        change.action === 'CreateRole' || change.action === 'UpdateAssumeRolePolicy'
          ? change.target
          : `role ${roleName}, ${change.target}`
      return {
        applied,
        notDone: planned.slice(index),
        error: describeAwsError(error, `iam:${change.action}`, resource),
        raced: false
      }
    }
  }
  return { applied, notDone: [], raced: false }
}

function document(value: JsonValue): string {
  // IAM takes the document as plain JSON: never URL-encode what is sent.
  return JSON.stringify(value)
}

async function send(iam: IAMClient, roleName: string, change: Change): Promise<void> {
  switch (change.action) {
    case 'CreateRole': {
      const after = change.after as {
        RoleName: string
        Path: string
        AssumeRolePolicyDocument: JsonValue
        Description: string
      }
      await iam.send(
        new CreateRoleCommand({
          RoleName: after.RoleName,
          Path: after.Path,
          AssumeRolePolicyDocument: document(after.AssumeRolePolicyDocument),
          Description: after.Description
        })
      )
      return
    }
    case 'AttachRolePolicy':
      await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: change.target }))
      return
    case 'UpdateAssumeRolePolicy':
      await iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: roleName,
          PolicyDocument: document(change.after)
        })
      )
      return
    case 'DetachRolePolicy':
      await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: change.target }))
      return
    case 'DeleteRolePolicy':
      await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: change.target }))
      return
  }
}
