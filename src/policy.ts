/**
 * Pure IAM policy handling: decode documents as IAM returns them, validate and normalise them,
 * render a canonical form, and compare two documents by meaning (not by string).
 *
 * Comparison decomposes statements into atoms (principal x action x resource under a condition
 * set). Wildcards are compared with glob containment / intersection DPs, NotX elements with a
 * set-complement representation. All work is bounded so hostile documents cannot blow up.
 */
import type { JsonValue } from './types.js'
import { AMAZON_EC2_CONTAINER_SERVICE_ROLE_ACTIONS } from './data/defaults.js'

/** A document that is not a valid policy; the message says what is wrong and where. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PolicyError'
  }
}

export type Effect = 'Allow' | 'Deny'
export type PolicyVersion = '2012-10-17' | '2008-10-17'
export type PrincipalType = 'AWS' | 'CanonicalUser' | 'Federated' | 'Service'

export interface PrincipalItem {
  type: PrincipalType
  /** The value as written (an account id stays an account id). */
  value: string
  /** `"*"` or `{"AWS": "*"}`: every principal. */
  wildcard: boolean
  /** An account: a bare 12-digit id or `arn:<partition>:iam::ID:root`. */
  root: boolean
  /** The account of an AWS ARN or account id. */
  account?: string
  /** The partition of an AWS ARN (absent for a bare account id). */
  partition?: string
}

/** `In[items]` (Action, Resource, Principal) or `Not[items]` (NotAction, ...). */
export interface ValueSet<T> {
  negated: boolean
  items: T[]
}

export interface NormalizedCondition {
  /** Operator as written (case kept), e.g. `StringEquals`. */
  operator: string
  /** Condition key, lower-cased (keys are case-insensitive). */
  key: string
  /** Values as strings, sorted, without duplicates. */
  values: string[]
}

export interface NormalizedStatement {
  /** Where the statement sits in the document, e.g. `Statement[1]`. */
  path: string
  sid?: string
  effect: Effect
  /** Absent: no principal dimension (identity policies). */
  principal?: ValueSet<PrincipalItem>
  /** Items as written (deduplicated case-insensitively); compared case-insensitively. */
  action: ValueSet<string>
  /** Absent: no resource dimension (trust policies). */
  resource?: ValueSet<string>
  conditions: NormalizedCondition[]
}

export interface NormalizedPolicy {
  /** As written; a missing Version is 2008-10-17. */
  version: PolicyVersion
  id?: string
  statements: NormalizedStatement[]
}

export interface PolicyComparison {
  /** Human-readable reasons the live document grants MORE than expected (empty when not broader). */
  broader: string[]
  /** Human-readable reasons the live document grants LESS than expected. */
  narrower: string[]
  /**
   * True when some expected Allow grant is not allowed by any live Allow statement at all (even
   * with conditions), or an unconditional live Deny covers it.
   */
  blocked: boolean
}

export interface CanonicalOptions {
  /** Partition used to turn a bare account id principal into a root ARN (default `aws`). */
  partition?: string
}

// ---------------------------------------------------------------------------------------------
// Limits

/** Most string values (actions, resources, principals, condition values) a document may hold. */
const MAX_VALUES = 10_000
/** Longest single value (IAM ARNs are at most 2,048 characters). */
const MAX_VALUE_LENGTH = 2_048
/** Longest document decodePolicyDocument accepts (IAM's largest policy is far smaller). */
const MAX_RAW_LENGTH = 1_000_000
/** Most reasons listed per direction before "... and N more". */
const MAX_REASONS = 50
/** Distinct reasons kept for deduplication; beyond this they are only counted. */
const MAX_STORED_REASONS = 2_000
/** Most (atom class x 32 statements) checks for one statement before giving up conservatively. */
const MAX_CLASS_WORK = 20_000_000
/** Entries kept in each glob memo before it is cleared. */
const MAX_MEMO = 10_000
/** Pattern pairs whose DP has fewer cells are not memoised. */
const MEMO_MIN_CELLS = 4_096

const VERSIONS: readonly string[] = ['2012-10-17', '2008-10-17']
const TOP_KEYS: ReadonlySet<string> = new Set(['Version', 'Id', 'Statement'])
const STATEMENT_KEYS: ReadonlySet<string> = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition'
])
const PRINCIPAL_TYPES: readonly PrincipalType[] = ['AWS', 'CanonicalUser', 'Federated', 'Service']

/** Canonical spelling of actions the project's own documents use; others are lower-cased. */
const KNOWN_ACTIONS: ReadonlyMap<string, string> = new Map(
  [
    'sts:AssumeRole',
    'sts:AssumeRoleWithSAML',
    'sts:AssumeRoleWithWebIdentity',
    'sts:SetContext',
    'sts:SetSourceIdentity',
    'sts:TagSession',
    ...AMAZON_EC2_CONTAINER_SERVICE_ROLE_ACTIONS
  ].map(action => [action.toLowerCase(), action])
)

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Decode a policy document string as IAM returns it: URL-encoded (RFC 3986; real AWS for
 * GetRole/GetRolePolicy/GetPolicyVersion) or plain JSON (moto's GetPolicyVersion). Plain JSON is
 * tried first when the text starts with `{`; otherwise it is URL-decoded, then parsed.
 * The result must be a JSON object. Throws PolicyError.
 */
export function decodePolicyDocument(raw: string): JsonValue {
  if (typeof raw !== 'string') {
    throw new PolicyError(`policy document must be a string, got ${describeJson(raw)}`)
  }
  if (raw.length > MAX_RAW_LENGTH) {
    throw new PolicyError(`policy document is too long (${raw.length} characters)`)
  }
  const text = raw.trim()
  if (text === '') throw new PolicyError('policy document is empty')
  let json = text
  const urlEncoded = !text.startsWith('{')
  if (urlEncoded) {
    try {
      json = decodeURIComponent(text)
    } catch {
      throw new PolicyError(
        `policy document is neither JSON nor valid URL-encoded JSON (bad percent-encoding near "${clip(text, 40)}")`
      )
    }
  }
  let parsed: JsonValue
  try {
    parsed = JSON.parse(json) as JsonValue
  } catch (error) {
    throw new PolicyError(
      `policy document is not valid JSON${urlEncoded ? ' after URL-decoding' : ''} (${(error as Error).message})`
    )
  }
  if (!isObject(parsed)) {
    throw new PolicyError(`policy document must be a JSON object, got ${describeJson(parsed)}`)
  }
  return parsed
}

// ---------------------------------------------------------------------------------------------
// Validation and normalisation

type JsonObject = { [key: string]: JsonValue }

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function own(object: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text
}

function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return JSON.stringify(clip(value, 60))
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`
  return typeof value
}

class Budget {
  private count = 0
  take(path: string): void {
    this.count += 1
    if (this.count > MAX_VALUES) {
      throw new PolicyError(
        `policy document is too large: more than ${MAX_VALUES} values (at ${path})`
      )
    }
  }
}

function checkString(value: JsonValue | undefined, path: string, budget: Budget): string {
  if (typeof value !== 'string' || value === '') {
    throw new PolicyError(`${path} must be a non-empty string, got ${describeJson(value)}`)
  }
  if (value.length > MAX_VALUE_LENGTH) {
    throw new PolicyError(
      `${path} is too long (${value.length} characters, at most ${MAX_VALUE_LENGTH})`
    )
  }
  budget.take(path)
  return value
}

/** A string or a non-empty array of strings. */
function stringList(value: JsonValue | undefined, path: string, budget: Budget): string[] {
  if (typeof value === 'string') return [checkString(value, path, budget)]
  if (Array.isArray(value)) {
    if (value.length === 0) throw new PolicyError(`${path} must not be an empty array`)
    return value.map((item, i) => checkString(item, `${path}[${i}]`, budget))
  }
  throw new PolicyError(
    `${path} must be a string or an array of strings, got ${describeJson(value)}`
  )
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>()
  const out: T[] = []
  for (const item of items) {
    const k = key(item)
    if (seen.has(k)) continue
    seen.add(k)
    out.push(item)
  }
  return out
}

const ACTION_FORMAT = /^(?:\*+|[^\s:]+:[^\s:]+)$/

function parseActions(value: JsonValue | undefined, path: string, budget: Budget): string[] {
  const actions = stringList(value, path, budget)
  actions.forEach((action, i) => {
    if (!ACTION_FORMAT.test(action)) {
      const where = Array.isArray(value) ? `${path}[${i}]` : path
      throw new PolicyError(`${where} must be "*" or "service:action", got ${describeJson(action)}`)
    }
  })
  return uniqueBy(actions, action => action.toLowerCase())
}

const ACCOUNT_ID = /^\d{12}$/
const ROOT_ARN = /^arn:([^:]+):iam::(\d{12}):root$/
const ANY_ARN = /^arn:([^:]+):[^:]*:[^:]*:(\d{12}):/

function principalItem(type: PrincipalType, value: string): PrincipalItem {
  const item: PrincipalItem = { type, value, wildcard: false, root: false }
  if (type !== 'AWS') return item
  if (value === '*') return { ...item, wildcard: true }
  if (ACCOUNT_ID.test(value)) return { ...item, root: true, account: value }
  const root = ROOT_ARN.exec(value)
  if (root) return { ...item, root: true, partition: root[1], account: root[2] }
  const arn = ANY_ARN.exec(value)
  if (arn) return { ...item, partition: arn[1], account: arn[2] }
  return item
}

/** Identity of a principal for deduplication: an account id equals its root ARN. */
function principalKey(item: PrincipalItem): string {
  if (item.wildcard) return 'AWS\u0000*'
  if (item.root) return `AWS\u0000root\u0000${item.account ?? ''}`
  return `${item.type}\u0000${item.value}`
}

function parsePrincipal(
  value: JsonValue | undefined,
  path: string,
  budget: Budget
): PrincipalItem[] {
  if (value === '*') {
    budget.take(path)
    return [principalItem('AWS', '*')]
  }
  if (!isObject(value)) {
    throw new PolicyError(
      `${path} must be "*" or an object such as {"Service": "ecs.amazonaws.com"}, got ${describeJson(value)}`
    )
  }
  const keys = Object.keys(value)
  if (keys.length === 0) throw new PolicyError(`${path} must not be an empty object`)
  const items: PrincipalItem[] = []
  for (const key of keys) {
    const type = PRINCIPAL_TYPES.find(t => t === key)
    if (type === undefined) {
      throw new PolicyError(
        `${path} has unknown principal type ${JSON.stringify(clip(key, 60))} (expected one of ${PRINCIPAL_TYPES.join(', ')})`
      )
    }
    for (const v of stringList(own(value, key), `${path}.${key}`, budget)) {
      items.push(principalItem(type, v))
    }
  }
  return uniqueBy(items, principalKey)
}

function parseConditions(
  value: JsonValue | undefined,
  path: string,
  budget: Budget
): NormalizedCondition[] {
  if (value === undefined) return []
  if (!isObject(value)) {
    throw new PolicyError(
      `${path} must be an object of {operator: {key: value}}, got ${describeJson(value)}`
    )
  }
  const out: NormalizedCondition[] = []
  for (const [operator, block] of Object.entries(value)) {
    const opPath = `${path}.${clip(operator, 60)}`
    if (operator === '') throw new PolicyError(`${path} has an empty operator name`)
    if (!isObject(block)) {
      throw new PolicyError(
        `${opPath} must be an object of {key: value}, got ${describeJson(block)}`
      )
    }
    const seen = new Set<string>()
    for (const [rawKey, raw] of Object.entries(block)) {
      const keyPath = `${opPath}.${clip(rawKey, 60)}`
      if (rawKey === '') throw new PolicyError(`${opPath} has an empty condition key`)
      const key = rawKey.toLowerCase()
      if (seen.has(key)) {
        throw new PolicyError(`${keyPath} repeats a condition key (keys are case-insensitive)`)
      }
      seen.add(key)
      const list = Array.isArray(raw) ? raw : [raw]
      if (list.length === 0) throw new PolicyError(`${keyPath} must not be an empty array`)
      const values = list.map((item, i) => {
        const itemPath = Array.isArray(raw) ? `${keyPath}[${i}]` : keyPath
        if (typeof item === 'string') return checkConditionValue(item, itemPath, budget)
        if (typeof item === 'number' || typeof item === 'boolean') {
          return checkConditionValue(String(item), itemPath, budget)
        }
        throw new PolicyError(
          `${itemPath} must be a string, number or boolean, got ${describeJson(item)}`
        )
      })
      out.push({ operator, key, values: [...new Set(values)].sort(compareStrings) })
    }
  }
  return out
}

function checkConditionValue(value: string, path: string, budget: Budget): string {
  if (value.length > MAX_VALUE_LENGTH) {
    throw new PolicyError(
      `${path} is too long (${value.length} characters, at most ${MAX_VALUE_LENGTH})`
    )
  }
  budget.take(path)
  return value
}

function exclusive(
  statement: JsonObject,
  path: string,
  positive: string,
  negative: string,
  required: boolean
): { key: string; negated: boolean; value: JsonValue } | undefined {
  const pos = own(statement, positive)
  const neg = own(statement, negative)
  if (pos !== undefined && neg !== undefined) {
    throw new PolicyError(`${path} has both ${positive} and ${negative}; use exactly one`)
  }
  if (pos !== undefined) return { key: positive, negated: false, value: pos }
  if (neg !== undefined) return { key: negative, negated: true, value: neg }
  if (required) throw new PolicyError(`${path} needs ${positive} or ${negative}`)
  return undefined
}

function normalizeStatement(value: JsonValue, path: string, budget: Budget): NormalizedStatement {
  if (!isObject(value)) {
    throw new PolicyError(`${path} must be an object, got ${describeJson(value)}`)
  }
  for (const key of Object.keys(value)) {
    if (!STATEMENT_KEYS.has(key)) {
      throw new PolicyError(
        `${path} has unknown key ${JSON.stringify(clip(key, 60))} (keys are case-sensitive: ${[...STATEMENT_KEYS].join(', ')})`
      )
    }
  }
  const sid = own(value, 'Sid')
  if (sid !== undefined && typeof sid !== 'string') {
    throw new PolicyError(`${path}.Sid must be a string, got ${describeJson(sid)}`)
  }
  const effect = own(value, 'Effect')
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyError(`${path}.Effect must be "Allow" or "Deny", got ${describeJson(effect)}`)
  }
  const action = exclusive(value, path, 'Action', 'NotAction', true)
  const principal = exclusive(value, path, 'Principal', 'NotPrincipal', false)
  const resource = exclusive(value, path, 'Resource', 'NotResource', false)
  const statement: NormalizedStatement = {
    path,
    effect,
    action: {
      negated: action?.negated ?? false,
      items: parseActions(action?.value, `${path}.${action?.key ?? 'Action'}`, budget)
    },
    conditions: parseConditions(own(value, 'Condition'), `${path}.Condition`, budget)
  }
  if (typeof sid === 'string' && sid !== '') statement.sid = sid
  if (principal) {
    statement.principal = {
      negated: principal.negated,
      items: parsePrincipal(principal.value, `${path}.${principal.key}`, budget)
    }
  }
  if (resource) {
    statement.resource = {
      negated: resource.negated,
      items: [...new Set(stringList(resource.value, `${path}.${resource.key}`, budget))]
    }
  }
  return statement
}

/** Validate and normalise a policy document; throws PolicyError saying what is wrong and where. */
export function normalizePolicy(doc: JsonValue): NormalizedPolicy {
  if (!isObject(doc)) {
    throw new PolicyError(`policy document must be a JSON object, got ${describeJson(doc)}`)
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key)) {
      throw new PolicyError(
        `policy document has unknown key ${JSON.stringify(clip(key, 60))} (keys are case-sensitive: Version, Id, Statement)`
      )
    }
  }
  const version = own(doc, 'Version') ?? '2008-10-17'
  if (typeof version !== 'string' || !VERSIONS.includes(version)) {
    throw new PolicyError(
      `Version must be "2012-10-17" or "2008-10-17", got ${describeJson(version)}`
    )
  }
  const id = own(doc, 'Id')
  if (id !== undefined && typeof id !== 'string') {
    throw new PolicyError(`Id must be a string, got ${describeJson(id)}`)
  }
  const raw = own(doc, 'Statement')
  if (raw === undefined) throw new PolicyError('policy document has no Statement')
  const budget = new Budget()
  let statements: NormalizedStatement[]
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new PolicyError('Statement must not be an empty array')
    statements = raw.map((s, i) => normalizeStatement(s, `Statement[${i}]`, budget))
  } else if (isObject(raw)) {
    statements = [normalizeStatement(raw, 'Statement', budget)]
  } else {
    throw new PolicyError(
      `Statement must be an object or an array of objects, got ${describeJson(raw)}`
    )
  }
  const policy: NormalizedPolicy = { version: version as PolicyVersion, statements }
  if (typeof id === 'string' && id !== '') policy.id = id
  return policy
}

// ---------------------------------------------------------------------------------------------
// Canonical form

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function single(values: string[]): JsonValue {
  return values.length === 1 ? (values[0] as string) : values
}

function canonicalAction(action: string): string {
  const lower = action.toLowerCase()
  return KNOWN_ACTIONS.get(lower) ?? lower
}

function canonicalPrincipal(items: PrincipalItem[], partition: string): JsonValue {
  if (items.length === 1 && items[0]?.wildcard) return '*'
  const byType = new Map<PrincipalType, string[]>()
  for (const item of items) {
    const value =
      item.root && item.partition === undefined
        ? `arn:${partition}:iam::${item.account ?? ''}:root`
        : item.value
    const list = byType.get(item.type) ?? []
    list.push(value)
    byType.set(item.type, list)
  }
  return Object.fromEntries(
    PRINCIPAL_TYPES.filter(type => byType.has(type)).map(type => [
      type,
      single([...new Set(byType.get(type))].sort(compareStrings))
    ])
  )
}

function canonicalConditions(conditions: NormalizedCondition[]): JsonValue {
  const byOperator = new Map<string, NormalizedCondition[]>()
  for (const condition of conditions) {
    const list = byOperator.get(condition.operator) ?? []
    list.push(condition)
    byOperator.set(condition.operator, list)
  }
  return Object.fromEntries(
    [...byOperator.keys()]
      .sort(compareStrings)
      .map(operator => [
        operator,
        Object.fromEntries(
          (byOperator.get(operator) ?? [])
            .sort((a, b) => compareStrings(a.key, b.key))
            .map(c => [c.key, single(c.values)])
        )
      ])
  )
}

function canonicalStatementBody(s: NormalizedStatement, partition: string): [string, JsonValue][] {
  const entries: [string, JsonValue][] = [['Effect', s.effect]]
  if (s.principal) {
    entries.push([
      s.principal.negated ? 'NotPrincipal' : 'Principal',
      canonicalPrincipal(s.principal.items, partition)
    ])
  }
  const actions = [...new Set(s.action.items.map(canonicalAction))].sort((a, b) =>
    compareStrings(a.toLowerCase(), b.toLowerCase())
  )
  entries.push([s.action.negated ? 'NotAction' : 'Action', single(actions)])
  if (s.resource) {
    entries.push([
      s.resource.negated ? 'NotResource' : 'Resource',
      single([...s.resource.items].sort(compareStrings))
    ])
  }
  if (s.conditions.length > 0) entries.push(['Condition', canonicalConditions(s.conditions)])
  return entries
}

/**
 * A canonical, display-ready document: Version "2012-10-17", Statement always an array, no empty
 * Sid, single values unwrapped and arrays sorted, known actions in their documented case and
 * others lower-cased, keys in a fixed order (Sid, Effect, Principal, Action, Resource,
 * Condition), account ids as root ARNs, `{"AWS": "*"}` as `"*"`, duplicate statements removed.
 * Non-empty Sids are kept, and statements are not merged or split: use equivalentPolicies to
 * compare documents. Throws PolicyError.
 */
export function canonicalDocument(doc: JsonValue, options: CanonicalOptions = {}): JsonValue {
  const partition = options.partition ?? 'aws'
  const policy = normalizePolicy(doc)
  const rendered = policy.statements.map(s => {
    const body = canonicalStatementBody(s, partition)
    return { sid: s.sid ?? '', key: JSON.stringify(body), body }
  })
  rendered.sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.sid, b.sid))
  const statements = uniqueBy(rendered, r => r.key).map(r =>
    Object.fromEntries(r.sid === '' ? r.body : [['Sid', r.sid], ...r.body])
  )
  const out: JsonObject = { Version: '2012-10-17' }
  if (policy.id !== undefined) out.Id = policy.id
  out.Statement = statements
  return out
}

// ---------------------------------------------------------------------------------------------
// Glob containment and intersection

function isAllStars(pattern: string): boolean {
  for (const c of pattern) if (c !== '*') return false
  return pattern.length > 0
}

function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?')
}

/** Whether a and b agree on their first `count` symbols (and, backwards, last) one to one. */
function edgesAgree(
  a: string,
  b: string,
  count: number,
  fromEnd: boolean,
  agree: (x: string, y: string) => boolean
): boolean {
  if (count > a.length || count > b.length) return false
  for (let i = 0; i < count; i++) {
    const x = fromEnd ? a[a.length - 1 - i] : a[i]
    const y = fromEnd ? b[b.length - 1 - i] : b[i]
    if (x === undefined || y === undefined || !agree(x, y)) return false
  }
  return true
}

const literalEqual = (x: string, y: string): boolean => x === y && x !== '*' && x !== '?'
const oneCharCompatible = (x: string, y: string): boolean => x === y || x === '?' || y === '?'

/** Length of the run before the first `*` (or `*`/`?`) from the start or the end. */
function runLength(pattern: string, fromEnd: boolean, stopAtQuestion: boolean): number {
  const n = pattern.length
  for (let i = 0; i < n; i++) {
    const c = fromEnd ? pattern[n - 1 - i] : pattern[i]
    if (c === '*' || (stopAtQuestion && c === '?')) return i
  }
  return n
}

/**
 * Whether every string matched by glob `a` is matched by glob `b` (L(a) ⊆ L(b)), with `*` (any
 * run) and `?` (one character), case-sensitive. Sound; O(|a|·|b|): b's `*` matches any run of
 * a's symbols, b's `?` any single non-`*` symbol, b's literal only the same literal.
 */
export function globSubset(a: string, b: string): boolean {
  if (a === b || isAllStars(b)) return true
  if (!hasWildcard(b)) return false
  // b's literal head and tail must be matched one to one by the same literals of a.
  if (!edgesAgree(a, b, runLength(b, false, true), false, literalEqual)) return false
  if (!edgesAgree(a, b, runLength(b, true, true), true, literalEqual)) return false
  const n = a.length
  const m = b.length
  // next[j]: a[i+1..] ⊆ b[j..]; computed from the end of a backwards.
  let next = new Uint8Array(m + 1)
  let cur = new Uint8Array(m + 1)
  next[m] = 1
  for (let j = m - 1; j >= 0; j--) next[j] = b[j] === '*' && next[j + 1] === 1 ? 1 : 0
  for (let i = n - 1; i >= 0; i--) {
    const ai = a[i]
    cur[m] = 0
    for (let j = m - 1; j >= 0; j--) {
      const bj = b[j]
      if (bj === '*') cur[j] = cur[j + 1] === 1 || next[j] === 1 ? 1 : 0
      else if (ai === '*') cur[j] = 0
      else if (bj === '?' || (ai === bj && ai !== '?')) cur[j] = next[j + 1] ?? 0
      else cur[j] = 0
    }
    ;[next, cur] = [cur, next]
  }
  return next[0] === 1
}

/** Whether globs `a` and `b` match at least one common string. Case-sensitive; O(|a|·|b|). */
export function globIntersects(a: string, b: string): boolean {
  if (a === b || isAllStars(a) || isAllStars(b)) return true
  if (!hasWildcard(a) && !hasWildcard(b)) return false
  // Before the first `*` (and after the last) both patterns spell one character per symbol.
  const head = Math.min(runLength(a, false, false), runLength(b, false, false))
  const tail = Math.min(runLength(a, true, false), runLength(b, true, false))
  if (!edgesAgree(a, b, head, false, oneCharCompatible)) return false
  if (!edgesAgree(a, b, tail, true, oneCharCompatible)) return false
  const n = a.length
  const m = b.length
  // next[j]: a[i+1..] and b[j..] intersect.
  let next = new Uint8Array(m + 1)
  let cur = new Uint8Array(m + 1)
  next[m] = 1
  for (let j = m - 1; j >= 0; j--) next[j] = b[j] === '*' && next[j + 1] === 1 ? 1 : 0
  for (let i = n - 1; i >= 0; i--) {
    const ai = a[i]
    cur[m] = ai === '*' && next[m] === 1 ? 1 : 0
    for (let j = m - 1; j >= 0; j--) {
      const bj = b[j]
      let ok = false
      if (ai === '*') ok = next[j] === 1 || (bj !== '*' && cur[j + 1] === 1)
      if (!ok && bj === '*') ok = cur[j + 1] === 1 || (ai !== '*' && next[j] === 1)
      if (!ok && ai !== '*' && bj !== '*') {
        ok = (ai === bj || ai === '?' || bj === '?') && next[j + 1] === 1
      }
      cur[j] = ok ? 1 : 0
    }
    ;[next, cur] = [cur, next]
  }
  return next[0] === 1
}

/** Memoises the DP for long pattern pairs only: short ones are cheaper to recompute. */
function memoized(fn: (a: string, b: string) => boolean): (a: string, b: string) => boolean {
  const memo = new Map<string, boolean>()
  return (a, b) => {
    if (a.length * b.length < MEMO_MIN_CELLS) return fn(a, b)
    const key = `${a}\u0000${b}`
    const hit = memo.get(key)
    if (hit !== undefined) return hit
    const result = fn(a, b)
    if (memo.size >= MAX_MEMO) memo.clear()
    memo.set(key, result)
    return result
  }
}

const subsetMemo = memoized(globSubset)
const intersectsMemo = memoized(globIntersects)

/** Pattern containment / intersection for one dimension's items. */
interface Lattice<T> {
  /** Identity of an item: equal keys mean equal sets of strings. */
  key(item: T): string
  subset(a: T, b: T): boolean
  intersects(a: T, b: T): boolean
  universal(item: T): boolean
}

const ACTIONS: Lattice<string> = {
  key: item => item.toLowerCase(),
  subset: (a, b) => subsetMemo(a.toLowerCase(), b.toLowerCase()),
  intersects: (a, b) => intersectsMemo(a.toLowerCase(), b.toLowerCase()),
  universal: isAllStars
}

const RESOURCES: Lattice<string> = {
  key: item => item,
  subset: subsetMemo,
  intersects: intersectsMemo,
  universal: isAllStars
}

function principalSubset(a: PrincipalItem, b: PrincipalItem): boolean {
  if (b.wildcard) return true
  if (a.wildcard || a.type !== b.type) return false
  if (a.type === 'AWS') {
    // An account (root or bare id) covers every principal ARN in that account.
    if (b.root) return a.account !== undefined && a.account === b.account
    if (a.root) return false
  }
  return a.value === b.value
}

const PRINCIPALS: Lattice<PrincipalItem> = {
  key: principalKey,
  subset: principalSubset,
  intersects: (a, b) => principalSubset(a, b) || principalSubset(b, a),
  universal: item => item.wildcard
}

/** One element of a dimension: a single item of an In set, or a whole Not set. */
type Element<T> = { negated: false; item: T } | { negated: true; items: T[] }

/** A missing dimension is `Not[]`: everything. */
function everything<T>(): ValueSet<T> {
  return { negated: true, items: [] }
}

function elementsOf<T>(set: ValueSet<T>): Element<T>[] {
  if (set.negated) return [{ negated: true, items: set.items }]
  return set.items.map(item => ({ negated: false, item }))
}

const keyCache = new WeakMap<object, Set<string>>()

/** Whether the set holds an item equal to x (a fast path before the pattern checks). */
function holds<T>(lat: Lattice<T>, set: ValueSet<T>, x: T): boolean {
  let keys = keyCache.get(set.items)
  if (keys === undefined) {
    keys = new Set(set.items.map(item => lat.key(item)))
    keyCache.set(set.items, keys)
  }
  return keys.has(lat.key(x))
}

/** element ⊆ set (conservative: false when unsure). */
function elementSubset<T>(lat: Lattice<T>, e: Element<T>, set: ValueSet<T>): boolean {
  if (!e.negated) {
    const x = e.item
    if (!set.negated && holds(lat, set, x)) return true
    return set.negated
      ? set.items.every(y => !lat.intersects(x, y))
      : set.items.some(y => lat.subset(x, y))
  }
  if (!set.negated) return set.items.some(y => lat.universal(y))
  return set.items.every(y => e.items.some(x => lat.subset(y, x)))
}

/** element ∩ set ≠ ∅ (liberal: true when unsure). */
function elementIntersects<T>(lat: Lattice<T>, e: Element<T>, set: ValueSet<T>): boolean {
  if (!e.negated) {
    const x = e.item
    return set.negated
      ? !set.items.some(y => lat.subset(x, y))
      : set.items.some(y => lat.intersects(x, y))
  }
  if (!set.negated) return set.items.some(y => !e.items.some(x => lat.subset(y, x)))
  return true
}

// ---------------------------------------------------------------------------------------------
// Conditions

const NEGATED_OPERATOR = /^(?:ForAllValues:|ForAnyValue:)?(?:StringNot|ArnNot|NotIpAddress)/i

/** Whether condition `d` holds only when `c` holds (d is at least as restrictive as c). */
function conditionImplies(d: NormalizedCondition, c: NormalizedCondition): boolean {
  if (d.operator !== c.operator || d.key !== c.key) return false
  // Values are ORed for positive operators (fewer values: stricter) and NORed for negated ones.
  const [small, large] = NEGATED_OPERATOR.test(c.operator)
    ? [c.values, d.values]
    : [d.values, c.values]
  const set = new Set(large)
  return small.every(v => set.has(v))
}

/** Whether conditions `a` are at least as restrictive as `b` (every condition of b holds under a). */
function atLeastAsStrict(a: NormalizedCondition[], b: NormalizedCondition[]): boolean {
  return b.every(c => a.some(d => conditionImplies(d, c)))
}

// ---------------------------------------------------------------------------------------------
// Atom classes

interface Dims {
  principal: ValueSet<PrincipalItem>
  action: ValueSet<string>
  resource: ValueSet<string>
}

function dimsOf(s: NormalizedStatement): Dims {
  return {
    principal: s.principal ?? everything<PrincipalItem>(),
    action: s.action,
    resource: s.resource ?? everything<string>()
  }
}

/** One bit per target statement. */
type Bits = Uint32Array

function bitsOf(flags: boolean[]): Bits {
  const bits = new Uint32Array(Math.ceil(flags.length / 32))
  flags.forEach((flag, k) => {
    if (flag) bits[k >>> 5] = (bits[k >>> 5] ?? 0) | (1 << (k & 31))
  })
  return bits
}

function hasBit(bits: Bits, k: number): boolean {
  return ((bits[k >>> 5] ?? 0) & (1 << (k & 31))) !== 0
}

function anyCommon(a: Bits, b: Bits): boolean {
  for (let w = 0; w < a.length; w++) if (((a[w] ?? 0) & (b[w] ?? 0)) !== 0) return true
  return false
}

interface Group<T> {
  members: Element<T>[]
  /** Targets whose dimension contains the elements. */
  contains: Bits
  /** Targets whose dimension overlaps the elements (a superset of contains). */
  overlaps: Bits
}

function groupDimension<T>(
  lat: Lattice<T>,
  set: ValueSet<T>,
  targets: ValueSet<T>[],
  withOverlap: boolean
): Group<T>[] {
  const groups = new Map<string, Group<T>>()
  for (const e of elementsOf(set)) {
    const contains = targets.map(target => elementSubset(lat, e, target))
    const overlaps = withOverlap
      ? targets.map((target, k) => contains[k] === true || elementIntersects(lat, e, target))
      : contains
    const group: Group<T> = { members: [e], contains: bitsOf(contains), overlaps: bitsOf(overlaps) }
    const key = `${group.contains.join(',')}/${group.overlaps.join(',')}`
    const existing = groups.get(key)
    if (existing) existing.members.push(e)
    else groups.set(key, group)
  }
  return [...groups.values()]
}

/** Atoms of one statement that relate to the targets in the same way. */
interface AtomClass {
  principals: Element<PrincipalItem>[]
  actions: Element<string>[]
  resources: Element<string>[]
  /** Targets that contain every atom of the class. */
  contains: Bits
  /** Targets that overlap every atom of the class (only when asked for). */
  overlaps: Bits
}

/**
 * Visits a statement's atoms in classes that relate to each target statement the same way.
 * Grouping equal-behaving elements per dimension keeps the work small; returns false (having
 * visited nothing) when the work would still exceed the budget. `visit` returns false to stop.
 */
function forEachClass(
  s: NormalizedStatement,
  targets: NormalizedStatement[],
  withOverlap: boolean,
  visit: (c: AtomClass) => boolean
): boolean {
  const dims = dimsOf(s)
  const targetDims = targets.map(dimsOf)
  const ps = groupDimension(
    PRINCIPALS,
    dims.principal,
    targetDims.map(d => d.principal),
    withOverlap
  )
  const as = groupDimension(
    ACTIONS,
    dims.action,
    targetDims.map(d => d.action),
    withOverlap
  )
  const rs = groupDimension(
    RESOURCES,
    dims.resource,
    targetDims.map(d => d.resource),
    withOverlap
  )
  const words = Math.ceil(targets.length / 32)
  if (ps.length * as.length * rs.length * Math.max(1, words) > MAX_CLASS_WORK) return false
  const contains = new Uint32Array(words)
  const overlaps = new Uint32Array(words)
  for (const p of ps) {
    for (const a of as) {
      for (const r of rs) {
        for (let w = 0; w < words; w++) {
          contains[w] = (p.contains[w] ?? 0) & (a.contains[w] ?? 0) & (r.contains[w] ?? 0)
          overlaps[w] = (p.overlaps[w] ?? 0) & (a.overlaps[w] ?? 0) & (r.overlaps[w] ?? 0)
        }
        const more = visit({
          principals: p.members,
          actions: a.members,
          resources: r.members,
          contains,
          overlaps
        })
        if (!more) return true
      }
    }
  }
  return true
}

// ---------------------------------------------------------------------------------------------
// Reasons

const MAX_LISTED_EXCEPTIONS = 5

function listOf(items: string[]): string {
  const shown = items.slice(0, MAX_LISTED_EXCEPTIONS).join(', ')
  return items.length > MAX_LISTED_EXCEPTIONS
    ? `${shown} and ${items.length - MAX_LISTED_EXCEPTIONS} more`
    : shown
}

/** Longest value quoted in a reason. */
const MAX_SHOWN_VALUE = 200

function shown(value: string): string {
  return JSON.stringify(clip(value, MAX_SHOWN_VALUE))
}

function describePrincipal(p: PrincipalItem): string {
  return p.wildcard ? 'anyone (Principal "*")' : `${p.type} ${shown(p.value)}`
}

function describePrincipalElement(e: Element<PrincipalItem>): string | null {
  if (!e.negated) return describePrincipal(e.item)
  if (e.items.length === 0) return null
  return `any principal except ${listOf(e.items.map(describePrincipal))}`
}

function describeActionElement(e: Element<string>): string {
  return e.negated
    ? `any action except ${listOf(e.items.map(a => clip(a, MAX_SHOWN_VALUE)))}`
    : clip(e.item, MAX_SHOWN_VALUE)
}

function describeResourceElement(e: Element<string>): string | null {
  if (!e.negated) return shown(e.item)
  if (e.items.length === 0) return null
  return `any resource except ${listOf(e.items.map(shown))}`
}

interface AtomText {
  principal: string | null
  action: string
  resource: string | null
}

/** `Service "ecs.amazonaws.com" sts:AssumeRole` (+ ` on "arn..."`). */
function grant(t: AtomText): string {
  return `${t.principal ? `${t.principal} ` : ''}${t.action}${t.resource ? ` on ${t.resource}` : ''}`
}

/** `Service "x" to call sts:AssumeRole` or `ec2:* on "*"`. */
function call(t: AtomText): string {
  const on = t.resource ? ` on ${t.resource}` : ''
  return t.principal ? `${t.principal} to call ${t.action}${on}` : `${t.action}${on}`
}

class Reasons {
  private readonly stored = new Set<string>()
  private uncounted = 0

  add(reason: string): void {
    if (this.stored.has(reason)) return
    if (this.stored.size < MAX_STORED_REASONS) this.stored.add(reason)
    else this.uncounted += 1
  }

  /** Adds one reason per atom of the class, counting (not rendering) past the storage cap. */
  addAtoms(c: AtomClass, text: (t: AtomText) => string): void {
    const total = c.principals.length * c.actions.length * c.resources.length
    let done = 0
    for (const p of c.principals) {
      for (const a of c.actions) {
        for (const r of c.resources) {
          if (this.stored.size >= MAX_STORED_REASONS) {
            this.uncounted += total - done
            return
          }
          this.add(
            text({
              principal: describePrincipalElement(p),
              action: describeActionElement(a),
              resource: describeResourceElement(r)
            })
          )
          done += 1
        }
      }
    }
  }

  list(): string[] {
    const all = [...this.stored]
    const more = all.length - MAX_REASONS + this.uncounted
    return more > 0 ? [...all.slice(0, MAX_REASONS), `... and ${more} more`] : all
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison

function normalizeAs(doc: JsonValue, label: string): NormalizedPolicy {
  try {
    return normalizePolicy(doc)
  } catch (error) {
    if (error instanceof PolicyError) throw new PolicyError(`${label}: ${error.message}`)
    throw error
  }
}

/** Whether every atom of `s` is contained in a target allowed by `mask`. */
function fullyCovered(s: NormalizedStatement, targets: NormalizedStatement[], mask: Bits): boolean {
  let all = true
  const done = forEachClass(s, targets, false, c => {
    all = anyCommon(c.contains, mask)
    return all
  })
  return done && all
}

/**
 * Compares two policy documents by meaning. `broader` lists what the live document grants beyond
 * the expected one, `narrower` what it no longer grants (or restricts with a Deny or Condition).
 * Throws PolicyError (prefixed "expected policy:" / "live policy:") for invalid documents.
 */
export function comparePolicies(expected: JsonValue, live: JsonValue): PolicyComparison {
  const e = normalizeAs(expected, 'expected policy')
  const l = normalizeAs(live, 'live policy')
  const broader = new Reasons()
  const narrower = new Reasons()
  let blocked = false

  const expectedAllow = e.statements.filter(s => s.effect === 'Allow')
  const expectedDeny = e.statements.filter(s => s.effect === 'Deny')
  const liveAllow = l.statements.filter(s => s.effect === 'Allow')
  const liveDeny = l.statements.filter(s => s.effect === 'Deny')

  // Live Allow atoms must be covered by an expected Allow whose conditions live keeps.
  for (const s of liveAllow) {
    const mask = bitsOf(expectedAllow.map(t => atLeastAsStrict(s.conditions, t.conditions)))
    const done = forEachClass(s, expectedAllow, false, c => {
      if (anyCommon(c.contains, mask)) return true
      const dims = c.contains.some(word => word !== 0)
      broader.addAtoms(c, t =>
        dims
          ? `live allows ${call(t)} without a Condition that the expected policy requires`
          : `live allows ${call(t)}, which the expected policy does not`
      )
      return true
    })
    if (!done) broader.add(`live ${s.path} is too large to compare; treated as broader`)
  }

  // Expected Deny atoms must be denied by live at least whenever expected denies them.
  for (const s of expectedDeny) {
    const mask = bitsOf(liveDeny.map(t => atLeastAsStrict(s.conditions, t.conditions)))
    const done = forEachClass(s, liveDeny, false, c => {
      if (!anyCommon(c.contains, mask)) {
        broader.addAtoms(c, t => `live policy lacks the expected Deny of ${grant(t)}`)
      }
      return true
    })
    if (!done) broader.add(`expected Deny ${s.path} is too large to compare; treated as missing`)
  }

  // A live Deny is "expected" when expected Denies cover it whenever it applies.
  const denyIsNew = liveDeny.map(
    d =>
      !fullyCovered(
        d,
        expectedDeny,
        bitsOf(expectedDeny.map(t => atLeastAsStrict(d.conditions, t.conditions)))
      )
  )

  // Expected Allow atoms must be allowed by a live Allow that adds no condition, and not denied.
  const liveAll = [...liveAllow, ...liveDeny]
  const anyAllow = bitsOf(liveAll.map(t => t.effect === 'Allow'))
  const anyDeny = bitsOf(liveAll.map(t => t.effect === 'Deny'))
  for (const s of expectedAllow) {
    const mask = bitsOf(
      liveAll.map(t => t.effect === 'Allow' && atLeastAsStrict(s.conditions, t.conditions))
    )
    const done = forEachClass(s, liveAll, liveDeny.length > 0, c => {
      if (!anyCommon(c.contains, anyAllow)) {
        blocked = true
        narrower.addAtoms(c, t => `expected grant ${grant(t)} is not allowed by the live policy`)
      } else if (!anyCommon(c.contains, mask)) {
        narrower.addAtoms(
          c,
          t => `expected grant ${grant(t)} is restricted by a Condition in the live policy`
        )
      }
      if (!anyCommon(c.overlaps, anyDeny)) return true
      liveDeny.forEach((d, j) => {
        const k = liveAllow.length + j
        const contained = hasBit(c.contains, k)
        const unconditional = d.conditions.length === 0
        if (contained && unconditional) blocked = true
        if (!hasBit(c.overlaps, k) || denyIsNew[j] !== true) return
        narrower.addAtoms(c, t =>
          !unconditional
            ? `live Deny statement with a Condition restricts ${grant(t)}`
            : contained
              ? `live Deny statement blocks ${grant(t)}`
              : `live Deny statement blocks part of ${grant(t)}`
        )
      })
      return true
    })
    if (!done) narrower.add(`expected ${s.path} is too large to compare; treated as narrower`)
  }

  return { broader: broader.list(), narrower: narrower.list(), blocked }
}

/** True when neither document grants more or less than the other (see comparePolicies). */
export function equivalentPolicies(a: JsonValue, b: JsonValue): boolean {
  const comparison = comparePolicies(a, b)
  return comparison.broader.length === 0 && comparison.narrower.length === 0
}
