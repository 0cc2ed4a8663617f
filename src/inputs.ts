/**
 * Every input of the action is read and validated here, before any AWS or GitHub call.
 * `parseSettings` is pure (it takes a reader), `readSettings` binds it to the runner.
 */
import * as core from './runner.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  DEFAULT_MANAGED_POLICY,
  DEFAULT_ROLE_NAME,
  DEFAULT_ROLE_PATH,
  DEFAULT_TRUST_POLICY
} from './data/defaults.js'
import { normalizePolicy, PolicyError } from './policy.js'
import type { CommentMode, JsonValue, ManagedPolicyRef, Mode, Settings, Severity } from './types.js'

/** An input value the action cannot accept; the message names the input, the value and what is accepted. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    value: string,
    accepted: string
  ) {
    super(`Input "${input}" has an invalid value ${showValue(value)}: ${accepted}`)
    this.name = 'InputError'
  }
}

/** What parseSettings needs from its surroundings, so tests can pass plain objects. */
export interface InputSource {
  /** The raw input value ('' when unset), as the runner passes it. */
  get(name: string): string
  /** Environment variables (AWS_REGION, GITHUB_WORKSPACE). */
  env: Record<string, string | undefined>
  /** Reads a workspace file (the trust-policy input may name one). */
  readFile(file: string): string
}

const MODES: readonly Mode[] = ['audit', 'enforce', 'create', 'repair']
const SEVERITIES: readonly Severity[] = ['error', 'warning']
const COMMENT_MODES: readonly CommentMode[] = ['on-drift', 'always', 'never']
const ROLE_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/
// IAM's own pattern: "/" alone, or "/" + printable ASCII + "/", at most 512 characters.
const ROLE_PATH = /^\/(?:[\u0021-\u007E]*\/)?$/
const POLICY_NAME = '[A-Za-z0-9+=,.@_-]{1,128}'
const POLICY_ARN = new RegExp(
  `^arn:(aws|aws-cn|aws-us-gov):iam::(aws|\\d{12}):policy/(?:[\\u0021-\\u007E]*/)?${POLICY_NAME}$`
)
const POLICY_PATH_NAME = new RegExp(`^(?:[A-Za-z0-9+=,.@_-]+/)*${POLICY_NAME}$`)
const ACCOUNT_ID = /^\d{12}$/
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/
/** IAM's hard maximum for a trust policy, whitespace excluded (the default quota is 2,048). */
const MAX_TRUST_POLICY_CHARS = 4096
const MAX_POLICIES = 20

/** Reads and validates every input; throws InputError on the first bad value. */
export function parseSettings(source: InputSource): Settings {
  const get = (name: string): string => source.get(name).trim()
  const mode = oneOf('mode', get('mode') || 'enforce', MODES)
  const failOn = oneOf('fail-on', get('fail-on') || 'error', SEVERITIES)
  const roleName = get('role-name') || DEFAULT_ROLE_NAME
  if (!ROLE_NAME.test(roleName)) {
    throw new InputError(
      'role-name',
      roleName,
      'an IAM role name is 1-64 characters of A-Z a-z 0-9 + = , . @ _ -'
    )
  }
  const rolePath = get('role-path') || DEFAULT_ROLE_PATH
  if (rolePath.length > 512 || !ROLE_PATH.test(rolePath)) {
    throw new InputError(
      'role-path',
      rolePath,
      'an IAM path starts and ends with "/", holds printable ASCII without spaces, and has at most 512 characters (e.g. "/" or "/service-role/")'
    )
  }
  const { trustPolicy, trustPolicySource } = readTrustPolicy(get('trust-policy'), source)
  const managedPolicies = parseManagedPolicies(get('managed-policies') || DEFAULT_MANAGED_POLICY)
  const allowExtraPolicies = bool('allow-extra-policies', get('allow-extra-policies'))
  const removeExtraPolicies = bool('remove-extra-policies', get('remove-extra-policies'))
  const allowedAccountIds = list(get('allowed-account-ids'))
  for (const id of allowedAccountIds) {
    if (!ACCOUNT_ID.test(id)) {
      throw new InputError(
        'allowed-account-ids',
        id,
        'each account id is exactly 12 digits; separate ids with commas'
      )
    }
  }
  const comment = oneOf('comment', get('comment') || 'on-drift', COMMENT_MODES)
  const awsRegion =
    get('aws-region') ||
    source.env.AWS_REGION?.trim() ||
    source.env.AWS_DEFAULT_REGION?.trim() ||
    'us-east-1'
  if (!REGION.test(awsRegion)) {
    throw new InputError(
      'aws-region',
      awsRegion,
      'an AWS region name such as "us-east-1", "cn-north-1" or "us-gov-west-1"'
    )
  }
  const maskAccountId = bool('mask-account-id', get('mask-account-id'))
  const timeoutSeconds = integer('timeout-seconds', get('timeout-seconds') || '300', 1, 3600)
  return {
    mode,
    failOn,
    roleName,
    rolePath,
    trustPolicy,
    trustPolicySource,
    managedPolicies,
    allowExtraPolicies,
    removeExtraPolicies,
    allowedAccountIds: [...new Set(allowedAccountIds)],
    comment,
    githubToken: source.get('github-token').trim(),
    awsRegion,
    maskAccountId,
    timeoutSeconds
  }
}

/** Binds parseSettings to the runner's INPUT_* variables and workspace. */
export function readSettings(): Settings {
  return parseSettings({
    get: name => core.getInput(name),
    env: process.env,
    readFile: file => readFileSync(file, 'utf8')
  })
}

function readTrustPolicy(
  raw: string,
  source: InputSource
): { trustPolicy: JsonValue; trustPolicySource: string } {
  if (raw === '') return { trustPolicy: DEFAULT_TRUST_POLICY, trustPolicySource: 'default' }
  const inline = raw.startsWith('{')
  let text = raw
  let where = 'inline'
  if (!inline) {
    const workspace = path.resolve(source.env.GITHUB_WORKSPACE || process.cwd())
    const file = path.resolve(workspace, raw)
    if (file !== workspace && !file.startsWith(workspace + path.sep)) {
      throw new InputError(
        'trust-policy',
        raw,
        `inline JSON starting with "{", or the path of a JSON file inside the workspace (${workspace})`
      )
    }
    try {
      text = source.readFile(file)
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error)
      throw new InputError(
        'trust-policy',
        raw,
        `inline JSON starting with "{", or the path of a readable JSON file in the workspace (reading it failed: ${reason})`
      )
    }
    where = path.relative(workspace, file)
  }
  let parsed: JsonValue
  try {
    parsed = JSON.parse(text) as JsonValue
  } catch (error) {
    throw new InputError(
      'trust-policy',
      inline ? raw : `${raw} (file)`,
      `a JSON policy document (${(error as Error).message})`
    )
  }
  if (text.replace(/\s/g, '').length > MAX_TRUST_POLICY_CHARS) {
    throw new InputError(
      'trust-policy',
      raw,
      `a trust policy of at most ${MAX_TRUST_POLICY_CHARS} characters without whitespace (IAM's maximum)`
    )
  }
  try {
    normalizePolicy(parsed)
    const record = parsed as Record<string, JsonValue>
    const statements = ([] as JsonValue[]).concat(record.Statement ?? [])
    statements.forEach((statement, i) => {
      const keys = Object.keys(statement as Record<string, JsonValue>)
      if (!keys.includes('Principal') && !keys.includes('NotPrincipal')) {
        throw new PolicyError(`Statement[${i}] of a trust policy needs a Principal or NotPrincipal`)
      }
    })
  } catch (error) {
    if (error instanceof PolicyError) {
      throw new InputError(
        'trust-policy',
        raw,
        `a valid IAM trust policy document: ${error.message}`
      )
    }
    throw error
  }
  return { trustPolicy: parsed, trustPolicySource: where }
}

function parseManagedPolicies(raw: string): ManagedPolicyRef[] {
  const refs: ManagedPolicyRef[] = []
  const seen = new Set<string>()
  for (const item of list(raw)) {
    if (seen.has(item)) continue
    seen.add(item)
    if (item.startsWith('arn:')) {
      if (!POLICY_ARN.test(item)) {
        throw new InputError(
          'managed-policies',
          item,
          'a policy ARN of the form arn:<aws|aws-cn|aws-us-gov>:iam::<aws|account-id>:policy/<path/>name, or an AWS managed policy as path/name (e.g. service-role/AmazonEC2ContainerServiceRole)'
        )
      }
      refs.push({ kind: 'arn', arn: item })
    } else if (POLICY_PATH_NAME.test(item)) {
      refs.push({ kind: 'aws-managed', pathAndName: item })
    } else {
      throw new InputError(
        'managed-policies',
        item,
        'an AWS managed policy as path/name (e.g. service-role/AmazonEC2ContainerServiceRole) or a full policy ARN, one per line or comma-separated'
      )
    }
  }
  if (refs.length > MAX_POLICIES) {
    throw new InputError(
      'managed-policies',
      raw,
      `at most ${MAX_POLICIES} policies (IAM's maximum per role)`
    )
  }
  return refs
}

function oneOf<T extends string>(input: string, value: string, accepted: readonly T[]): T {
  const found = accepted.find(a => a === value)
  if (found === undefined)
    throw new InputError(input, value, `expected one of ${accepted.join(', ')}`)
  return found
}

function bool(input: string, value: string): boolean {
  if (value === '') return false
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, value, 'expected true or false')
}

function integer(input: string, value: string, min: number, max: number): number {
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN
  if (!(n >= min && n <= max)) {
    throw new InputError(input, value, `a whole number of seconds from ${min} to ${max}`)
  }
  return n
}

function list(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s !== '')
}

/** Shows a value in an error message: quoted, escaped, and cut when long. */
function showValue(value: string): string {
  const shown = value.length > 200 ? `${value.slice(0, 200)}… (${value.length} characters)` : value
  return JSON.stringify(shown)
}
