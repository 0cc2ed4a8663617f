/**
 * Pure: one markdown report for the job summary and the PR comment. It fits a byte budget by
 * dropping detail in steps, never by cutting text, so every table and code block stays whole.
 */
import { roleArn } from '../desired.js'
import type {
  Change,
  ExpectedManagedPolicy,
  Finding,
  FindingCode,
  JsonValue,
  RunResult,
  Severity,
  Status
} from '../types.js'
import { isFixed } from './annotations.js'
import { commandsForChange, fixCommands, manualFixReason, restoreCommands } from './commands.js'
import { displayDocument, prettyJson, unifiedDiff } from './documents.js'
import { codeBlock, escapeHtml, escapeMarkdown, inlineCode, plainLine } from './escape.js'
import { isObject } from '../util/json.js'

export interface ReportOptions {
  /** `summary`: the full job summary; `comment`: the shorter PR comment. */
  variant: 'summary' | 'comment'
  /** Upper bound of the output in UTF-8 bytes. */
  maxBytes: number
  /** Link to the workflow run. */
  runUrl?: string
  /** An HTML comment that identifies the PR comment; rendered as the first line. */
  marker?: string
}

/** What a rendering keeps; each step down drops one kind of detail. */
interface Detail {
  diff: boolean
  documents: boolean
  /** Per-finding details, fix commands and restore commands. */
  itemDetails: boolean
  /** Findings and changes one by one, or only counted. */
  itemized: boolean
  /** Whether anything was left out. */
  reduced: boolean
}

const DETAIL_STEPS: Detail[] = [
  { diff: true, documents: true, itemDetails: true, itemized: true, reduced: false },
  { diff: false, documents: true, itemDetails: true, itemized: true, reduced: true },
  { diff: false, documents: false, itemDetails: true, itemized: true, reduced: true },
  { diff: false, documents: false, itemDetails: false, itemized: true, reduced: true },
  { diff: false, documents: false, itemDetails: false, itemized: false, reduced: true }
]

/** Cells list at most this many names before "and N more". */
const MAX_NAMES_IN_CELL = 10

const STATUS_ICON: Record<Status, string> = {
  compliant: '✅',
  missing: '❌',
  drifted: '❌',
  created: '🆕',
  repaired: '🔧'
}

const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️' }

/** Why each finding matters to someone running ECS services. */
export const WHY_IT_MATTERS: Record<FindingCode, string> = {
  'role-missing':
    'ECS cannot create or update a service that names this role, so deployments of services behind a load balancer fail.',
  'trust-policy-broader':
    'Another principal could assume a role that can change load balancer registrations and security group ingress.',
  'trust-policy-narrower':
    'ECS may fail to assume the role, so it cannot register targets and service deployments fail.',
  'managed-policy-missing':
    'Without these permissions ECS cannot register or deregister targets and instances with the load balancer.',
  'managed-policy-extra':
    'Anything ECS, or whoever can assume the role, does with it gets these extra permissions.',
  'inline-policy-extra':
    'Inline permissions are invisible in the managed-policy view and widen what the role can do.',
  'permissions-boundary':
    'A boundary can silently deny the load balancer and EC2 calls ECS makes with this role.',
  'path-mismatch':
    'The role ARN differs from the one tooling and policies expect (for example `iam:PassRole` resources).',
  'managed-policy-changed':
    'AWS changed what the role is allowed to do without any change on your side.',
  'managed-policy-unavailable':
    'The expected permissions cannot be attached in this partition, so the role cannot be completed.'
}

/** Renders the report within `options.maxBytes` UTF-8 bytes. */
export function renderReport(result: RunResult, options: ReportOptions): string {
  for (const detail of DETAIL_STEPS) {
    const text = render(result, options, detail)
    if (byteLength(text) <= options.maxBytes) return text
  }
  const minimal = renderMinimal(result, options)
  if (byteLength(minimal) <= options.maxBytes) return minimal
  const line = `ecs-role-guard: ${result.status}\n`
  return byteLength(line) <= options.maxBytes ? line : ''
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function render(result: RunResult, options: ReportOptions, detail: Detail): string {
  const sections =
    options.variant === 'summary'
      ? summarySections(result, options, detail)
      : commentSections(result, options, detail)
  return joinSections([marker(options), ...sections])
}

/** The marker as one HTML comment line, whatever was passed. */
function marker(options: ReportOptions): string | undefined {
  const { marker } = options
  if (marker === undefined || marker === '') return undefined
  if (/^<!--(?:(?!-->)[^\n])*-->$/.test(marker)) return marker
  return `<!-- ${marker.replace(/[\r\n]+/g, ' ').replace(/-->|--!>|<!--/g, '- -')} -->`
}

function joinSections(sections: (string | undefined)[]): string {
  return sections.filter((s): s is string => s !== undefined && s !== '').join('\n\n') + '\n'
}

function summarySections(result: RunResult, options: ReportOptions, detail: Detail): string[] {
  const created = result.changes.some(c => c.action === 'CreateRole')
  return [
    headline(result),
    identity(result),
    reducedNote(detail, options),
    errorNote(result),
    created ? serviceLinkedRoleNote(result, 'emphasised') : '',
    checksTable(result),
    findingsSection(result, detail),
    trustSection(result, detail),
    fixSection(result, detail),
    changesSection(result, detail),
    notDoneSection(result, detail),
    plannedSection(result, detail),
    notes(result),
    created ? '' : serviceLinkedRoleNote(result, 'full'),
    footer(options)
  ]
}

function commentSections(result: RunResult, options: ReportOptions, detail: Detail): string[] {
  const created = result.changes.some(c => c.action === 'CreateRole')
  return [
    headline(result),
    identity(result),
    reducedNote(detail, options),
    errorNote(result),
    findingsTable(result, detail),
    changesSection(result, { ...detail, documents: false, itemDetails: false }),
    notDoneSection(result, { ...detail, itemDetails: false }),
    plannedSection(result, { ...detail, itemDetails: false }),
    notes(result),
    serviceLinkedRoleNote(result, created ? 'emphasised-short' : 'short'),
    footer(options)
  ]
}

/** Minimal body: what happened and where to read more. */
function renderMinimal(result: RunResult, options: ReportOptions): string {
  const counts = countBy(result.findings, f => f.code)
  const codes = [...counts].map(([code, n]) => `\`${code}\` ×${n}`).join(', ')
  return joinSections([
    marker(options),
    headline(result),
    `${result.findings.length} finding(s)${codes === '' ? '' : `: ${codes}`}; ${result.changes.length} change(s) made. The report was too large to show here.`,
    footer(options)
  ])
}

// ---------------------------------------------------------------------------------------------
// Headline and identity

function headline(result: RunResult): string {
  const { status } = result
  const name = inlineCode(result.settings.roleName)
  return `## ${STATUS_ICON[status]} ecs-role-guard: ${name} is **${status}**\n\n${verdict(result)}`
}

function verdict(result: RunResult): string {
  const { remaining, settings } = result
  const errors = remaining.filter(f => f.severity === 'error').length
  const warnings = remaining.length - errors
  const severities = [
    errors > 0 ? plural(errors, 'error') : '',
    warnings > 0 ? plural(warnings, 'warning') : ''
  ]
    .filter(part => part !== '')
    .join(', ')
  const state: Record<Status, string> = {
    compliant: 'The role matches the expected configuration.',
    missing:
      settings.mode === 'audit' || settings.mode === 'enforce'
        ? 'The role does not exist. Run with `mode: create` to create it, or see *How to fix*.'
        : 'The role does not exist and was not created.',
    drifted: `${plural(remaining.length, 'finding')} remain${remaining.length === 1 ? 's' : ''} (${severities}).`,
    created: 'This run created the role; it reads back with no findings.',
    repaired: `This run made ${plural(result.changes.length, 'change')}; the role now reads back with no findings.`
  }
  const failOn = inlineCode(`fail-on: ${settings.failOn}`)
  const outcome = result.error
    ? ' **The job fails:** a change could not be made.'
    : result.failed
      ? ` **The job fails:** findings at or above ${failOn} remain.`
      : settings.mode === 'audit' && remaining.length > 0
        ? ' The job does not fail: `audit` mode only reports.'
        : ''
  return state[result.status] + outcome
}

function identity(result: RunResult): string {
  const { caller, settings } = result
  const live = result.after ?? result.before
  const arn = live?.arn
  const role =
    arn === undefined
      ? `would be ${inlineCode(roleArn(caller.partition, caller.accountId, settings.rolePath, settings.roleName))}`
      : inlineCode(arn)
  const lines = [
    `- **Role:** ${role}`,
    `- **Account:** ${inlineCode(caller.accountId)} · **Caller:** ${inlineCode(caller.arn)}`,
    `- **Mode:** ${inlineCode(settings.mode)} · **fail-on:** ${inlineCode(settings.failOn)}`
  ]
  if (live?.description !== undefined && live.description !== '') {
    lines.push(`- **Description:** ${escapeMarkdown(live.description)}`)
  }
  return lines.join('\n')
}

function reducedNote(detail: Detail, options: ReportOptions): string {
  if (!detail.reduced) return ''
  const where = options.variant === 'summary' ? 'a job summary' : 'a pull request comment'
  const more =
    options.runUrl === undefined ? '' : ` The ${link('workflow run', options.runUrl)} has the rest.`
  return `> [!NOTE]\n> Some detail was left out to fit GitHub's size limit for ${where}.${more}`
}

function footer(options: ReportOptions): string {
  if (options.runUrl === undefined) return '<sub>Checked by ecs-role-guard</sub>'
  const run = link('workflow run', options.runUrl)
  return options.variant === 'comment'
    ? `<sub>Checked by ecs-role-guard · full report in the job summary of the ${run}</sub>`
    : `<sub>Checked by ecs-role-guard · ${run}</sub>`
}

/** A markdown link; the URL is percent-encoded where markdown or HTML could misread it. */
function link(text: string, url: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeMarkdown(text)
  const safe = url.replace(
    /[\s()<>"'`[\]\\]/g,
    c => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  )
  return `[${escapeMarkdown(text)}](${safe})`
}

/** AWS prefers the service-linked role; the legacy one only matters where a service names it. */
function serviceLinkedRoleNote(
  result: RunResult,
  form: 'full' | 'emphasised' | 'short' | 'emphasised-short'
): string {
  const name = inlineCode(result.settings.roleName)
  const slr =
    'AWS now prefers the service-linked role `AWSServiceRoleForECS` (policy `AmazonECSServiceRolePolicy`)'
  switch (form) {
    case 'full':
      return `> [!NOTE]\n> ${slr}, which ECS uses for every service whose \`CreateService\` call names no \`role\`. The legacy role ${name} checked here is still needed where a service names it: Classic Load Balancer setups and tasks that do not use the \`awsvpc\` network mode.`
    case 'emphasised':
      return `> [!IMPORTANT]\n> **This run created the legacy role ${name}.** ${slr}, which ECS uses unless \`CreateService\` names a \`role\`. Keep ${name} only if a service names it (Classic Load Balancer setups, tasks that do not use the \`awsvpc\` network mode); otherwise it is unused.`
    case 'short':
      return `> [!NOTE]\n> ECS uses the service-linked role \`AWSServiceRoleForECS\` unless a service names a \`role\`; ${name} matters only where one does.`
    case 'emphasised-short':
      return `> [!IMPORTANT]\n> **This run created the legacy role ${name}.** ECS uses the service-linked role \`AWSServiceRoleForECS\` unless a service names a \`role\`; keep ${name} only where one does.`
  }
}

function notes(result: RunResult): string {
  return result.notices.map(n => `> [!NOTE]\n> ${escapeMarkdown(n)}`).join('\n\n')
}

// ---------------------------------------------------------------------------------------------
// Checks table

type Outcome = 'pass' | 'fixed' | 'allowed' | 'n/a' | Severity

const OUTCOME_CELL: Record<Outcome, string> = {
  pass: '✅ pass',
  fixed: '🔧 fixed',
  allowed: '✅ allowed',
  'n/a': '➖',
  error: '❌ error',
  warning: '⚠️ warning'
}

/** The outcome of a check from the findings it covers (worst first). */
function outcomeOf(result: RunResult, findings: Finding[]): Outcome {
  if (findings.length === 0) return 'pass'
  const open = findings.filter(f => !isFixed(result, f))
  if (open.length === 0) return 'fixed'
  return open.some(f => f.severity === 'error') ? 'error' : 'warning'
}

/** The finding's policy among the expected ones: by ARN, else by name in its message. */
function policyOf(
  finding: Finding,
  policies: ExpectedManagedPolicy[]
): ExpectedManagedPolicy | undefined {
  return (
    policies.find(p => finding.expected === p.arn || finding.actual === p.arn) ??
    policies.find(p => finding.message.includes(p.arn)) ??
    policies.find(p => finding.message.includes(p.name)) ??
    (policies.length === 1 ? policies[0] : undefined)
  )
}

function cellList(items: string[], empty: string): string {
  if (items.length === 0) return empty
  const shown = items.slice(0, MAX_NAMES_IN_CELL).map(i => inlineCode(i, true))
  const more = items.length - shown.length
  return shown.join(', ') + (more > 0 ? `, and ${more} more` : '')
}

function checksTable(result: RunResult): string {
  const { desired } = result
  // A role this run created is shown as it reads back; any other as found.
  const created = result.before === null && result.after !== null
  const role = result.before ?? result.after
  const found = (codes: FindingCode[]): Finding[] =>
    result.findings.filter(f => codes.includes(f.code))
  const rows: string[][] = []
  const add = (check: string, expected: string, actual: string, outcome: Outcome): void => {
    rows.push([check, expected, actual, OUTCOME_CELL[outcome]])
  }
  const missing = role === null
  const onRole = (findings: Finding[]): Outcome => (missing ? 'n/a' : outcomeOf(result, findings))
  const absent = '—'

  add(
    'Role exists',
    'yes',
    missing ? 'no' : created ? 'no: created by this run' : 'yes',
    outcomeOf(result, found(['role-missing']))
  )
  add(
    'Path',
    inlineCode(desired.path, true),
    missing ? absent : inlineCode(role.path, true),
    onRole(found(['path-mismatch']))
  )
  const trustFindings = found(['trust-policy-broader', 'trust-policy-narrower'])
  const trustState = trustFindings.map(f =>
    f.code === 'trust-policy-broader' ? 'grants more' : 'grants less'
  )
  add(
    'Trust policy',
    principalSummary(desired.trustPolicy),
    missing
      ? absent
      : principalSummary(role.trustPolicy) +
          (trustState.length > 0 ? ` (${trustState.join(', ')})` : ''),
    onRole(trustFindings)
  )
  for (const policy of desired.managedPolicies) {
    const mine = found(['managed-policy-missing', 'managed-policy-unavailable']).filter(
      f => policyOf(f, desired.managedPolicies) === policy
    )
    const attached = role?.attachedPolicies.some(p => p.arn === policy.arn) ?? false
    const unavailable = mine.some(f => f.code === 'managed-policy-unavailable')
    const actual = missing
      ? absent
      : attached
        ? 'attached'
        : unavailable
          ? 'not attached (unavailable)'
          : 'not attached'
    add(
      `Managed policy ${inlineCode(policy.name, true)}`,
      'attached',
      actual,
      missing && mine.length === 0 ? onRole([]) : outcomeOf(result, mine)
    )
  }
  const expectedArns = new Set(desired.managedPolicies.map(p => p.arn))
  const extra = role?.attachedPolicies.filter(p => !expectedArns.has(p.arn)) ?? []
  const allowed = desired.allowExtraPolicies
  const extraOutcome = (findings: Finding[], names: string[]): Outcome =>
    allowed && names.length > 0 ? 'allowed' : onRole(findings)
  add(
    'Other managed policies',
    allowed ? 'any (allowed)' : 'none',
    missing
      ? absent
      : cellList(
          extra.map(p => p.name),
          'none'
        ),
    extraOutcome(
      found(['managed-policy-extra']),
      extra.map(p => p.name)
    )
  )
  const inline = role?.inlinePolicies.map(p => p.name) ?? []
  add(
    'Inline policies',
    allowed ? 'any (allowed)' : 'none',
    missing ? absent : cellList(inline, 'none'),
    extraOutcome(found(['inline-policy-extra']), inline)
  )
  add(
    'Permissions boundary',
    'none',
    missing
      ? absent
      : role.permissionsBoundaryArn === undefined
        ? 'none'
        : inlineCode(role.permissionsBoundaryArn, true),
    onRole(found(['permissions-boundary']))
  )
  const documented = desired.managedPolicies.filter(p => p.expectedDocument !== undefined)
  for (const policy of documented) {
    const changed = found(['managed-policy-changed']).filter(
      f => policyOf(f, documented) === policy
    )
    const gone = found(['managed-policy-unavailable']).some(
      f => policyOf(f, desired.managedPolicies) === policy && f.actual === null
    )
    add(
      `${inlineCode(policy.name, true)} default version`,
      'as documented',
      gone ? 'not found' : changed.length > 0 ? 'differs' : 'matches',
      gone ? 'n/a' : outcomeOf(result, changed)
    )
  }
  if (documented.length === 0) {
    add('Managed policy documents', 'no known document', 'not compared', 'n/a')
  }
  const header = [
    'Check',
    'Expected',
    created ? 'Actual (after creation)' : 'Actual (as found)',
    'Result'
  ]
  return ['### Checks', table(header, rows)].join('\n\n')
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** Who a trust policy lets assume the role, for a table cell. */
function principalSummary(doc: JsonValue): string {
  const statements = statementsOf(doc)
  const allowed: string[] = []
  let denies = 0
  let conditions = 0
  for (const s of statements) {
    if (s.Effect === 'Deny') denies += 1
    if (s.Condition !== undefined) conditions += 1
    if (s.Effect !== 'Allow') continue
    if (s.Principal !== undefined) allowed.push(...principals(s.Principal))
    if (s.NotPrincipal !== undefined)
      allowed.push(...principals(s.NotPrincipal).map(p => `not ${p}`))
  }
  const extras = [
    denies > 0 ? plural(denies, 'Deny statement') : '',
    conditions > 0 ? plural(conditions, 'Condition') : ''
  ].filter(e => e !== '')
  return (
    cellList([...new Set(allowed)], 'nobody') + (extras.length > 0 ? ` + ${extras.join(', ')}` : '')
  )
}

function statementsOf(doc: JsonValue): { [key: string]: JsonValue }[] {
  if (!isObject(doc)) return []
  const s = doc.Statement
  const list = Array.isArray(s) ? s : s === undefined ? [] : [s]
  return list.filter(isObject)
}

function principals(value: JsonValue): string[] {
  if (typeof value === 'string') return [value]
  if (!isObject(value)) return []
  return Object.entries(value).flatMap(([kind, v]) =>
    (Array.isArray(v) ? v : [v]).map(
      item => `${kind}: ${typeof item === 'string' ? item : JSON.stringify(item)}`
    )
  )
}

// ---------------------------------------------------------------------------------------------
// Findings

/** Errors first, otherwise in the order found. */
function bySeverity(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => Number(a.severity === 'warning') - Number(b.severity === 'warning')
  )
}

function groupFindings(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>()
  for (const f of bySeverity(findings)) {
    const key = `${f.code} ${f.severity}`
    groups.set(key, [...(groups.get(key) ?? []), f])
  }
  return groups
}

/** Summary: findings grouped by code, each group with why it matters. */
function findingsSection(result: RunResult, detail: Detail): string {
  if (result.findings.length === 0) return ''
  const title = `### Findings (${result.findings.length})`
  if (!detail.itemized) return [title, countTable(result)].join('\n\n')
  const groups = [...groupFindings(result.findings).values()].map(group => {
    const first = group[0] as Finding
    const head = `**${SEVERITY_ICON[first.severity]} \`${first.code}\`** · ${first.severity} — *Why it matters:* ${WHY_IT_MATTERS[first.code]}`
    const items = group.map(f => {
      const fixed = isFixed(result, f) ? ' — 🔧 fixed by this run' : ''
      const details =
        detail.itemDetails && f.details !== undefined
          ? f.details.map(d => `\n  - ${escapeMarkdown(d)}`).join('')
          : ''
      return `- ${escapeMarkdown(f.message)}${fixed}${details}`
    })
    return [head, items.join('\n')].join('\n\n')
  })
  return [title, ...groups].join('\n\n')
}

/** Comment: one table row per finding, or a count per code when too many. */
function findingsTable(result: RunResult, detail: Detail): string {
  if (result.findings.length === 0) return ''
  const title = `### Findings (${result.findings.length})`
  if (!detail.itemized) return [title, countTable(result)].join('\n\n')
  const changed = result.changes.length > 0
  const rows = bySeverity(result.findings).map(f => {
    const cells = [SEVERITY_ICON[f.severity], `\`${f.code}\``, escapeMarkdown(f.message)]
    if (changed) cells.push(isFixed(result, f) ? '🔧 fixed' : 'remains')
    return cells
  })
  const header = ['', 'Code', 'Finding', ...(changed ? ['Now'] : [])]
  return [title, table(header, rows)].join('\n\n')
}

function countTable(result: RunResult): string {
  const groups = [...groupFindings(result.findings).values()]
  const changed = result.changes.length > 0
  const rows = groups.map(group => {
    const first = group[0] as Finding
    const cells = [
      SEVERITY_ICON[first.severity],
      `\`${first.code}\``,
      first.severity,
      String(group.length)
    ]
    if (changed) cells.push(String(group.filter(f => !isFixed(result, f)).length))
    return cells
  })
  const header = ['', 'Code', 'Severity', 'Count', ...(changed ? ['Remaining'] : [])]
  return table(header, rows)
}

// ---------------------------------------------------------------------------------------------
// Trust policy documents

function trustSection(result: RunResult, detail: Detail): string {
  const role = result.after ?? result.before
  if (!detail.documents || role === null) return ''
  const live = result.before ?? role
  const { partition } = result.caller
  const expectedText = prettyJson(displayDocument(result.desired.trustPolicy, partition))
  const liveText = prettyJson(displayDocument(live.trustPolicy, partition))
  const differs = result.findings.some(
    f => f.code === 'trust-policy-broader' || f.code === 'trust-policy-narrower'
  )
  const open = differs ? ' open' : ''
  const source = escapeHtml(plainLine(result.settings.trustPolicySource))
  const docs = [
    `<details${open}>`,
    `<summary>Trust policy: expected (${source}) and live${result.before === null ? ' after creation' : ' as found'}, normalised</summary>`,
    '',
    '**Expected**',
    '',
    codeBlock(expectedText, 'json'),
    '',
    '**Live**',
    '',
    codeBlock(liveText, 'json'),
    '',
    '</details>'
  ].join('\n')
  const parts = ['### Trust policy', docs]
  if (detail.diff && expectedText !== liveText) {
    parts.push(
      [
        `<details${open}>`,
        '<summary>Trust policy diff: expected → live</summary>',
        '',
        codeBlock(unifiedDiff(expectedText, liveText, 'expected', 'live'), 'diff'),
        '',
        '</details>'
      ].join('\n')
    )
  }
  return parts.join('\n\n')
}

// ---------------------------------------------------------------------------------------------
// How to fix, changes and planned changes

function fixSection(result: RunResult, detail: Detail): string {
  const open = result.remaining
  if (open.length === 0) return ''
  const title = '### How to fix'
  const repairable = open.filter(f => REPAIRABLE.includes(f.code))
  const intro: string[] = []
  const account = inlineCode(result.caller.accountId)
  if (repairable.length > 0 && result.settings.mode !== 'repair') {
    const codes = [...new Set(repairable.map(f => f.code))]
    const extras = codes.some(c => c === 'managed-policy-extra' || c === 'inline-policy-extra')
    const how =
      codes.length === 1 && codes[0] === 'role-missing'
        ? '`mode: create` to create the role'
        : `\`mode: repair\`${extras ? ' and `remove-extra-policies: true`' : ''} to fix ${codes.map(c => `\`${c}\``).join(', ')}`
    intro.push(
      `Run this action with ${how}, or run these AWS CLI commands with credentials for account ${account}.`
    )
  } else {
    intro.push(`AWS CLI commands to run with credentials for account ${account}.`)
  }
  if (!detail.itemDetails) {
    intro.push('The commands for each finding were left out to fit the size limit.')
    return [title, intro.join(' ')].join('\n\n')
  }
  // Findings with the same commands (e.g. broader and narrower trust) share one block.
  const blocks = new Map<string, { labels: string[]; body: string }>()
  for (const f of open) {
    const commands = fixCommands(f, result.desired, result.settings.roleName)
    const reason = manualFixReason(f.code)
    const body = commands.length > 0 ? codeBlock(commands.join('\n'), 'sh') : (reason ?? '')
    const label = `**\`${f.code}\`** — ${escapeMarkdown(f.message)}`
    const block = blocks.get(body)
    if (block === undefined) blocks.set(body, { labels: [label], body })
    else block.labels.push(label)
  }
  const parts = [...blocks.values()].map(b => [b.labels.join('<br>\n'), b.body].join('\n\n'))
  return [title, intro.join(' '), ...parts].join('\n\n')
}

/** Codes that `mode: repair` fixes (extras only with `remove-extra-policies`). */
const REPAIRABLE: FindingCode[] = [
  'role-missing',
  'trust-policy-broader',
  'trust-policy-narrower',
  'managed-policy-missing',
  'managed-policy-extra',
  'inline-policy-extra'
]

function changeRows(changes: Change[]): string[][] {
  return changes.map((c, i) => [String(i + 1), `\`${c.action}\``, inlineCode(c.target, true)])
}

function actionCounts(changes: Change[]): string {
  const rows = [...countBy(changes, c => c.action)].map(([action, n]) => [
    `\`${action}\``,
    String(n)
  ])
  return table(['Action', 'Count'], rows)
}

function changesSection(result: RunResult, detail: Detail): string {
  const { changes } = result
  if (changes.length === 0) return ''
  const title = `### Changes made (${changes.length})`
  if (!detail.itemized) return [title, actionCounts(changes)].join('\n\n')
  const parts = [title, table(['#', 'Action', 'Target'], changeRows(changes))]
  if (detail.itemDetails) {
    const roleName = result.settings.roleName
    changes.forEach((change, i) => {
      const body = [
        '<details>',
        `<summary>Undo #${i + 1}: ${change.action} ${escapeHtml(plainLine(change.target))}</summary>`,
        '',
        codeBlock(restoreCommands(change, roleName).join('\n'), 'sh')
      ]
      // A removed ARN is in the command already; a document is shown exactly as recorded.
      if (detail.documents && isObject(change.before)) {
        body.push(
          '',
          'Recorded before the change:',
          '',
          codeBlock(prettyJson(change.before), 'json')
        )
      }
      body.push('', '</details>')
      parts.push(body.join('\n'))
    })
  }
  return parts.join('\n\n')
}

/** A write failed: what stopped the run. */
function errorNote(result: RunResult): string {
  if (result.error === undefined) return ''
  const left =
    result.notDone.length === 0
      ? ''
      : ` ${plural(result.notDone.length, 'planned change')} ${result.notDone.length === 1 ? 'was' : 'were'} not made (see *Changes not made*); run \`repair\` again once the cause is fixed.`
  return `> [!CAUTION]\n> **The run stopped before it finished:** ${escapeMarkdown(result.error)}${left}`
}

/** A titled list of changes, counted or itemised, with their CLI commands collapsed below. */
function changeList(
  title: string,
  changes: Change[],
  result: RunResult,
  detail: Detail,
  commandsLabel: string,
  note = ''
): string {
  if (!detail.itemized) return [title, actionCounts(changes)].join('\n\n')
  const parts = [title, table(['#', 'Action', 'Target'], changeRows(changes))]
  if (note !== '') parts.push(note)
  if (detail.itemDetails) {
    const commands = changes.flatMap(c => commandsForChange(c, result.settings.roleName)).join('\n')
    parts.push(
      [
        '<details>',
        `<summary>${commandsLabel}</summary>`,
        '',
        codeBlock(commands, 'sh'),
        '',
        '</details>'
      ].join('\n')
    )
  }
  return parts.join('\n\n')
}

function notDoneSection(result: RunResult, detail: Detail): string {
  const { notDone } = result
  if (notDone.length === 0) return ''
  const title = `### Changes not made (${notDone.length})`
  return changeList(title, notDone, result, detail, 'To complete them by hand: AWS CLI commands')
}

/** Extra policies stay unless removal is asked for: say how, wherever they remain. */
function extraPoliciesHint(result: RunResult): string {
  const kept = result.remaining.some(
    f => f.code === 'managed-policy-extra' || f.code === 'inline-policy-extra'
  )
  return kept && !result.settings.removeExtraPolicies
    ? 'Extra policies are removed only in `repair` mode with `remove-extra-policies: true` (their documents are recorded first).'
    : ''
}

function plannedSection(result: RunResult, detail: Detail): string {
  const { planned } = result
  const hint = extraPoliciesHint(result)
  // After a run that changed the role, its plan is what was done.
  if (planned.length === 0 || result.changes.length > 0) return hint
  const title = `### What \`repair\` would change (${planned.length})`
  return changeList(title, planned, result, detail, 'The same changes as AWS CLI commands', hint)
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return counts
}
