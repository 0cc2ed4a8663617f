/**
 * Pure: the AWS CLI commands a person could run to fix a finding by hand, to repeat a change
 * the action made, or to undo it from its recorded `before` value.
 */
import type { Change, DesiredRole, Finding, FindingCode, JsonValue } from '../types.js'
import { ROLE_DESCRIPTION, writableTrustPolicy } from '../plan.js'
import { plainLine } from './escape.js'
import { isObject } from '../util/json.js'

/** Commands longer than this are split into one option per line. */
const MAX_LINE = 100

// eslint-disable-next-line no-control-regex
const NEEDS_ANSI_C = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/

/**
 * Quotes one shell argument with single quotes (`'` becomes `'\''`). Text with control
 * characters or line breaks uses bash's `$'…'` form instead, so a command stays on its lines.
 */
export function shellQuote(arg: string): string {
  if (!NEEDS_ANSI_C.test(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`
  let out = ''
  for (const c of arg) {
    const code = c.codePointAt(0) ?? 0
    if (c === '\\' || c === "'") out += `\\${c}`
    else if (c === '\n') out += '\\n'
    else if (c === '\r') out += '\\r'
    else if (c === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code === 0x85 || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += c
  }
  return `$'${out}'`
}

/** `aws iam <operation>` with quoted option values, wrapped when long. */
function iam(operation: string, options: [string, string][], redirect?: string): string {
  const parts = options.map(([flag, value]) => `--${flag} ${shellQuote(value)}`)
  const tail = redirect === undefined ? '' : ` > ${shellQuote(redirect)}`
  const oneLine = [`aws iam ${operation}`, ...parts].join(' ') + tail
  if (oneLine.length <= MAX_LINE || parts.length < 2) return oneLine
  return [`aws iam ${operation}`, ...parts].join(' \\\n  ') + tail
}

/** A shell comment; live text in it is flattened so it cannot start a new line. */
function comment(text: string): string {
  return `# ${plainLine(text)}`
}

/** A policy document is an object with a `Statement`. */
function isDocument(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return isObject(value) && 'Statement' in value
}

/** The first string among `keys` of an object, or the value itself when it is a string. */
function stringOf(value: JsonValue | undefined, keys: string[]): string | undefined {
  if (typeof value === 'string') return value
  if (!isObject(value)) return undefined
  for (const key of keys) {
    const found = value[key]
    if (typeof found === 'string') return found
  }
  return undefined
}

const ARN_KEYS = ['arn', 'Arn', 'PolicyArn', 'policyArn']
const NAME_KEYS = ['name', 'Name', 'PolicyName', 'policyName']

/** A file name derived from a policy or role name, safe in any shell. */
function fileName(prefix: string, name: string): string {
  return `${prefix}-${name.replace(/[^A-Za-z0-9+=,.@_-]/g, '_')}.json`
}

/** The path of a role ARN (`arn:aws:iam::1:role/a/b/name` → `/a/b/`). */
function pathOfRoleArn(arn: string): string | undefined {
  const resource = /^arn:[^:]+:iam::[^:]*:role(\/.*)$/.exec(arn)?.[1]
  return resource === undefined ? undefined : resource.slice(0, resource.lastIndexOf('/') + 1)
}

function createRole(roleName: string, path: string, trust: JsonValue, description: string): string {
  return iam('create-role', [
    ['role-name', roleName],
    ['path', path],
    ['assume-role-policy-document', JSON.stringify(writableTrustPolicy(trust))],
    ['description', description]
  ])
}

const attach = (roleName: string, arn: string): string =>
  iam('attach-role-policy', [
    ['role-name', roleName],
    ['policy-arn', arn]
  ])

const detach = (roleName: string, arn: string): string =>
  iam('detach-role-policy', [
    ['role-name', roleName],
    ['policy-arn', arn]
  ])

const updateTrust = (roleName: string, doc: JsonValue): string =>
  iam('update-assume-role-policy', [
    ['role-name', roleName],
    ['policy-document', JSON.stringify(doc)]
  ])

const putInline = (roleName: string, name: string, doc: JsonValue): string =>
  iam('put-role-policy', [
    ['role-name', roleName],
    ['policy-name', name],
    ['policy-document', JSON.stringify(doc)]
  ])

/** Commands that save the role's current state to files before anything is removed. */
function recordRole(roleName: string): string[] {
  return [
    iam('get-role', [['role-name', roleName]], fileName('role', roleName)),
    iam('list-attached-role-policies', [['role-name', roleName]], fileName('attached', roleName)),
    iam('list-role-policies', [['role-name', roleName]], fileName('inline', roleName))
  ]
}

/** Why a finding has no command, or undefined when `fixCommands` gives one. */
export function manualFixReason(code: FindingCode): string | undefined {
  switch (code) {
    case 'managed-policy-changed':
      return 'AWS owns this managed policy and changed its default version; no command on the role can change it back. Review the new document, then accept it or attach a customer managed policy with the permissions you expect.'
    case 'managed-policy-unavailable':
      return 'The policy does not exist in this partition or AWS no longer lets it be attached, so it cannot be attached here. Use the service-linked role AWSServiceRoleForECS, or name a customer managed policy with the same permissions in `managed-policies`.'
    default:
      return undefined
  }
}

/**
 * The commands that fix one finding by hand. Empty for findings no command can fix
 * (see `manualFixReason`).
 */
export function fixCommands(finding: Finding, desired: DesiredRole, roleName: string): string[] {
  switch (finding.code) {
    case 'role-missing':
      return [
        createRole(roleName, desired.path, desired.trustPolicy, ROLE_DESCRIPTION),
        ...desired.managedPolicies.map(policy => attach(roleName, policy.arn))
      ]
    case 'trust-policy-broader':
    case 'trust-policy-narrower': {
      const expected = isDocument(finding.expected) ? finding.expected : desired.trustPolicy
      return [
        comment('Save the current trust policy, then replace it with the expected one'),
        iam(
          'get-role',
          [
            ['role-name', roleName],
            ['query', 'Role.AssumeRolePolicyDocument']
          ],
          fileName('trust-policy', roleName)
        ),
        updateTrust(roleName, writableTrustPolicy(expected))
      ]
    }
    case 'managed-policy-missing': {
      const arn = stringOf(finding.expected, ARN_KEYS)
      return arn === undefined
        ? [comment('Attach each policy the report lists as missing with attach-role-policy')]
        : [attach(roleName, arn)]
    }
    case 'managed-policy-extra': {
      const arn = stringOf(finding.actual, ARN_KEYS)
      return arn === undefined
        ? [iam('list-attached-role-policies', [['role-name', roleName]])]
        : [detach(roleName, arn)]
    }
    case 'inline-policy-extra': {
      const name = isDocument(finding.actual) ? undefined : stringOf(finding.actual, NAME_KEYS)
      if (name === undefined) return [iam('list-role-policies', [['role-name', roleName]])]
      const options: [string, string][] = [
        ['role-name', roleName],
        ['policy-name', name]
      ]
      return [
        comment('Save the inline policy first: it cannot be recovered once deleted'),
        iam('get-role-policy', options, fileName('inline-policy', name)),
        iam('delete-role-policy', options)
      ]
    }
    case 'permissions-boundary':
      return [iam('delete-role-permissions-boundary', [['role-name', roleName]])]
    case 'path-mismatch': {
      const path = typeof finding.expected === 'string' ? finding.expected : desired.path
      return [
        comment('IAM cannot move a role to another path: record it, delete it, create it again'),
        comment(
          'The ARN changes with the path: update services and policies that name the old ARN'
        ),
        ...recordRole(roleName),
        comment('Detach every managed policy and delete every inline policy listed above, then:'),
        iam('delete-role', [['role-name', roleName]]),
        createRole(roleName, path, desired.trustPolicy, ROLE_DESCRIPTION),
        ...desired.managedPolicies.map(policy => attach(roleName, policy.arn))
      ]
    }
    case 'managed-policy-changed':
    case 'managed-policy-unavailable':
      return []
  }
}

/** Path, trust document and description of a CreateRole change's `after` value, when recorded. */
function createdRole(change: Change): { path?: string; trust?: JsonValue; description?: string } {
  const after = change.after
  const path =
    stringOf(after, ['path', 'Path']) ??
    pathOfRoleArn(stringOf(after, ARN_KEYS) ?? '') ??
    pathOfRoleArn(change.target)
  if (isDocument(after)) return { path, trust: after }
  if (!isObject(after)) return { path }
  const trust = ['trustPolicy', 'AssumeRolePolicyDocument', 'assumeRolePolicyDocument']
    .map(key => after[key])
    .find(isDocument)
  const description = stringOf(after, ['description', 'Description'])
  return { path, trust, description }
}

/** The commands that make the same change again (what the action did, as CLI commands). */
export function commandsForChange(change: Change, roleName: string): string[] {
  switch (change.action) {
    case 'CreateRole': {
      const role = createdRole(change)
      if (role.trust === undefined) {
        return [
          comment('The trust document was not recorded; put the expected one in trust-policy.json'),
          iam('create-role', [
            ['role-name', roleName],
            ['path', role.path ?? '/'],
            ['assume-role-policy-document', 'file://trust-policy.json'],
            ['description', role.description ?? ROLE_DESCRIPTION]
          ])
        ]
      }
      return [
        createRole(roleName, role.path ?? '/', role.trust, role.description ?? ROLE_DESCRIPTION)
      ]
    }
    case 'AttachRolePolicy':
      return [attach(roleName, change.target)]
    case 'UpdateAssumeRolePolicy':
      return isDocument(change.after)
        ? [updateTrust(roleName, writableTrustPolicy(change.after))]
        : [comment('The new trust document was not recorded')]
    case 'DetachRolePolicy':
      return [detach(roleName, change.target)]
    case 'DeleteRolePolicy':
      return [
        iam('delete-role-policy', [
          ['role-name', roleName],
          ['policy-name', change.target]
        ])
      ]
  }
}

/** The commands that undo a change from its recorded `before` value. */
export function restoreCommands(change: Change, roleName: string): string[] {
  switch (change.action) {
    case 'CreateRole':
      return [
        comment('Undo: detach the policies attached after creation, then delete the role'),
        iam('list-attached-role-policies', [['role-name', roleName]]),
        iam('delete-role', [['role-name', roleName]])
      ]
    case 'AttachRolePolicy':
      return [detach(roleName, change.target)]
    case 'UpdateAssumeRolePolicy':
      // The recorded document is restored as it was, Version included.
      return isDocument(change.before)
        ? [updateTrust(roleName, change.before)]
        : [comment('The previous trust document was not recorded; it cannot be restored')]
    case 'DetachRolePolicy':
      return [attach(roleName, stringOf(change.before, ARN_KEYS) ?? change.target)]
    case 'DeleteRolePolicy':
      return isDocument(change.before)
        ? [putInline(roleName, change.target, change.before)]
        : [comment('The inline policy document was not recorded; it cannot be restored')]
  }
}
