/**
 * Property tests of renderReport (src/report/markdown.ts) and findingAnnotations
 * (src/report/annotations.ts): RunResults built from the fixtures, with arbitrary live data
 * injected wherever a role, a policy or an earlier run can put text (description, names, ARNs,
 * principals, Sids, condition keys, inline policy names and documents, finding messages and
 * details, change targets, notices, the error, the trust-policy source): `<script>`, `|`,
 * backticks and ``` runs, line breaks of every kind, `::set-output`, `::add-mask::`,
 * `@mentions`, and strings up to IAM's length limits. For both variants the output
 *   - never holds a raw `<script` (outside fenced code blocks and code spans, where GitHub shows
 *     it as text; inside HTML blocks and split table cells it counts as raw),
 *   - has no line that starts with `::` (a workflow command, were it ever echoed),
 *   - keeps its fenced code blocks balanced (CommonMark rules: none left open),
 *   - stays within maxBytes;
 * and every annotation title and message is one line that does not start with `::`.
 * 1,300 generated cases in all (numRuns 1,000 at the action's real budgets + 300 at arbitrary
 * budgets), each rendered as summary and comment.
 */
import fc from 'fast-check'
import {
  ACCOUNT,
  FIXTURE_NAMES,
  fixtures,
  hugeResult,
  type FixtureName
} from '../../__fixtures__/results.js'
import { commentMarker } from '../../src/github/comment.js'
import { findingAnnotations } from '../../src/report/annotations.js'
import { renderReport, type ReportOptions } from '../../src/report/markdown.js'
import type {
  Change,
  ChangeAction,
  Finding,
  FindingCode,
  JsonValue,
  LiveRole,
  RunResult
} from '../../src/types.js'
import { tableCells } from '../../__fixtures__/markdown.js'

const NUM_RUNS_REAL_BUDGETS = 1_000
const NUM_RUNS_ANY_BUDGET = 300

/** The budgets src/main.ts gives renderReport (SUMMARY_MAX_BYTES - 4096, COMMENT_MAX_BYTES). */
const SUMMARY_BUDGET = 1024 * 1024 - 4096
const COMMENT_BUDGET = 65536 - 512

/** IAM's limits on what live text can be. */
const LIMIT = {
  description: 1_000,
  roleName: 64,
  policyName: 128,
  path: 512,
  arn: 2_048,
  trustDocument: 4_096,
  inlineDocuments: 10_240
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const TOKENS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//x.example>',
  '<scr<script>ipt>',
  '</details><script>',
  '<details open>',
  '</summary>',
  '<img src=x onerror=alert(1)>',
  '<!--',
  '-->',
  '--!>',
  '|',
  '\\|',
  '\\',
  '\\`',
  '`',
  '``',
  '```',
  '````',
  '```json',
  '~~~',
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u000b',
  '\u000c',
  '\t',
  '\u0000',
  '\u202e',
  '\u200b',
  '::set-output name=x::y',
  '::add-mask::',
  '::error::boom',
  '\n::warning::x',
  '\n  ::notice::y',
  '\r::debug::z',
  '@octocat',
  '@org/team',
  '[x](javascript:alert(1))',
  '![i](https://x.example/i.png)',
  '# ',
  '> ',
  '- ',
  '1. ',
  '* ',
  '_',
  '$',
  '&lt;script&gt;',
  '&',
  '"',
  "'",
  ' ',
  '{',
  '}',
  ':',
  '::',
  'ecs.amazonaws.com',
  `arn:aws:iam::${ACCOUNT}:root`,
  'x'
]

/** Hostile text of at most `max` UTF-16 units: tokens and random graphemes, or a long run. */
function hostile(max: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      {
        weight: 6,
        arbitrary: fc
          .array(
            fc.oneof(
              { weight: 3, arbitrary: fc.constantFrom(...TOKENS) },
              { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) }
            ),
            { maxLength: 12 }
          )
          .map(parts => parts.join(''))
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 4 }),
            fc.integer({ min: 1, max })
          )
          .map(([parts, size]) => {
            const unit = parts.join('')
            return unit.repeat(Math.ceil(size / unit.length)).slice(0, size)
          })
      }
    )
    .map(text => text.slice(0, max))
}

/** Hostile but non-empty (for names and document values IAM requires). */
const nonEmpty = (max: number): fc.Arbitrary<string> => hostile(max).map(s => (s === '' ? '`' : s))

/** A JSON value whose strings are hostile. */
const hostileJson: fc.Arbitrary<JsonValue> = fc.oneof(
  hostile(300),
  fc.array(hostile(200), { maxLength: 3 }),
  fc.dictionary(hostile(30), hostile(200), { maxKeys: 3 }),
  fc.constantFrom(null, 0, -1.5e300, true)
)

/** A trust policy the way it can come back from GetRole: valid in shape, hostile in values. */
const hostileTrust: fc.Arbitrary<JsonValue> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      Version: fc.constantFrom('2012-10-17', '2008-10-17'),
      Statement: fc.array(
        fc.record(
          {
            Sid: hostile(100),
            Effect: fc.constantFrom('Allow', 'Deny'),
            Principal: fc.oneof(
              fc.constant('*'),
              fc.record(
                {
                  AWS: fc.array(nonEmpty(LIMIT.arn), { minLength: 1, maxLength: 3 }),
                  Service: nonEmpty(200),
                  Federated: nonEmpty(300)
                },
                { requiredKeys: ['Service'] }
              )
            ),
            Action: fc.oneof(fc.constant('sts:AssumeRole'), nonEmpty(100)),
            Condition: fc.dictionary(
              nonEmpty(40),
              fc.dictionary(nonEmpty(40), fc.oneof(nonEmpty(200), fc.integer()), {
                minKeys: 1,
                maxKeys: 2
              }),
              { maxKeys: 2 }
            )
          },
          { requiredKeys: ['Effect', 'Principal', 'Action'] }
        ),
        { minLength: 1, maxLength: 3 }
      )
    })
  },
  // Not a readable policy: shown as it is, with sorted keys.
  { weight: 1, arbitrary: fc.dictionary(hostile(50), hostileJson, { maxKeys: 4 }) }
)

/** An identity policy document (inline policy) with hostile values. */
const hostilePolicyDocument: fc.Arbitrary<JsonValue> = fc.record({
  Version: fc.constant('2012-10-17'),
  Statement: fc.array(
    fc.record({
      Sid: hostile(100),
      Effect: fc.constantFrom('Allow', 'Deny'),
      Action: fc.oneof(fc.constant('*'), nonEmpty(200)),
      Resource: fc.oneof(nonEmpty(LIMIT.arn), fc.array(nonEmpty(300), { maxLength: 3 }))
    }),
    { minLength: 1, maxLength: 3 }
  )
})

const FINDING_CODES: FindingCode[] = [
  'role-missing',
  'trust-policy-broader',
  'trust-policy-narrower',
  'managed-policy-missing',
  'managed-policy-extra',
  'inline-policy-extra',
  'permissions-boundary',
  'path-mismatch',
  'managed-policy-changed',
  'managed-policy-unavailable'
]
const CHANGE_ACTIONS: ChangeAction[] = [
  'CreateRole',
  'AttachRolePolicy',
  'UpdateAssumeRolePolicy',
  'DetachRolePolicy',
  'DeleteRolePolicy'
]

const hostileFinding: fc.Arbitrary<Finding> = fc.record(
  {
    code: fc.constantFrom(...FINDING_CODES),
    severity: fc.constantFrom('error', 'warning'),
    message: hostile(2_500),
    expected: fc.oneof(hostileJson, hostileTrust),
    actual: fc.oneof(hostileJson, hostileTrust),
    details: fc.array(hostile(2_500), { maxLength: 3 })
  },
  { requiredKeys: ['code', 'severity', 'message', 'expected', 'actual'] }
)

const hostileChange: fc.Arbitrary<Change> = fc.record({
  action: fc.constantFrom(...CHANGE_ACTIONS),
  target: nonEmpty(LIMIT.arn),
  before: fc.oneof(hostileJson, hostileTrust, hostilePolicyDocument),
  after: fc.oneof(
    hostileJson,
    hostileTrust,
    fc.record({
      RoleName: nonEmpty(LIMIT.roleName),
      Path: nonEmpty(LIMIT.path),
      AssumeRolePolicyDocument: hostileTrust,
      Description: hostile(LIMIT.description)
    })
  )
})

/** Live data for a role (applied to the role before and after the run). */
interface LiveInjection {
  description?: string
  name?: string
  arn?: string
  path?: string
  permissionsBoundaryArn?: string
  trustPolicy?: JsonValue
  attached: { arn: string; name: string }[]
  inline: { name: string; document: JsonValue }[]
}

const liveInjection: fc.Arbitrary<LiveInjection> = fc.record(
  {
    description: hostile(LIMIT.description),
    name: nonEmpty(LIMIT.roleName),
    arn: nonEmpty(LIMIT.arn),
    path: nonEmpty(LIMIT.path),
    permissionsBoundaryArn: nonEmpty(LIMIT.arn),
    trustPolicy: hostileTrust,
    attached: fc.array(fc.record({ arn: nonEmpty(LIMIT.arn), name: nonEmpty(LIMIT.policyName) }), {
      maxLength: 12
    }),
    inline: fc.array(
      fc.record({ name: nonEmpty(LIMIT.policyName), document: hostilePolicyDocument }),
      { maxLength: 3 }
    )
  },
  { requiredKeys: ['attached', 'inline'] }
)

interface Injection {
  base: { fixture: FixtureName } | { huge: number }
  live: LiveInjection
  /** Valid inputs can hold hostile text too: a path is any printable ASCII. */
  rolePath?: string
  trustPolicySource?: string
  expectedTrust?: JsonValue
  callerArn?: string
  findings: Finding[]
  /** Whether the injected findings remain after the run. */
  remain: boolean
  /** Messages and details of the fixture's own findings, replaced. */
  rewordings: string[]
  changes: Change[]
  planned: Change[]
  notDone: Change[]
  notices: string[]
  error?: string
  runUrl?: string
}

const printableAscii = fc
  .array(fc.oneof(fc.constantFrom('<script>', '`', '```', '|', '::', '@x', '-->'), fc.string()), {
    maxLength: 8
  })
  .map(parts => `/${parts.join('').replace(/[^\u0021-\u007e]/g, '_')}/`.slice(0, LIMIT.path))
  .map(p => (p.endsWith('/') ? p : `${p.slice(0, -1)}/`))

const injection: fc.Arbitrary<Injection> = fc.record(
  {
    base: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...FIXTURE_NAMES).map(fixture => ({ fixture })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map(huge => ({ huge })) }
    ),
    live: liveInjection,
    rolePath: printableAscii,
    trustPolicySource: hostile(300),
    expectedTrust: hostileTrust,
    callerArn: nonEmpty(LIMIT.arn),
    findings: fc.array(hostileFinding, { maxLength: 4 }),
    remain: fc.boolean(),
    rewordings: fc.array(hostile(2_500), { maxLength: 8 }),
    changes: fc.array(hostileChange, { maxLength: 3 }),
    planned: fc.array(hostileChange, { maxLength: 3 }),
    notDone: fc.array(hostileChange, { maxLength: 2 }),
    notices: fc.array(hostile(500), { maxLength: 2 }),
    error: hostile(3_000),
    runUrl: fc.oneof(
      fc.constant('https://github.com/octo-org/octo-repo/actions/runs/1658821493'),
      hostile(300).map(s => `https://github.com/${s}`),
      hostile(100)
    )
  },
  {
    requiredKeys: [
      'base',
      'live',
      'findings',
      'remain',
      'rewordings',
      'changes',
      'planned',
      'notDone',
      'notices'
    ]
  }
)

function applyLive(role: LiveRole | null, live: LiveInjection): LiveRole | null {
  if (role === null) return null
  return {
    ...role,
    ...(live.description === undefined ? {} : { description: live.description }),
    ...(live.name === undefined ? {} : { name: live.name }),
    ...(live.arn === undefined ? {} : { arn: live.arn }),
    ...(live.path === undefined ? {} : { path: live.path }),
    ...(live.permissionsBoundaryArn === undefined
      ? {}
      : { permissionsBoundaryArn: live.permissionsBoundaryArn }),
    ...(live.trustPolicy === undefined ? {} : { trustPolicy: live.trustPolicy }),
    attachedPolicies: [...role.attachedPolicies, ...live.attached],
    inlinePolicies: [...role.inlinePolicies, ...live.inline]
  }
}

/** A fixture (or a huge result) with the injection's text wherever live data can go. */
function build(injection: Injection): RunResult {
  const base =
    'fixture' in injection.base ? fixtures[injection.base.fixture] : hugeResult(injection.base.huge)
  const result = structuredClone(base)
  const reworded = result.findings.map((finding, i) => {
    const text = injection.rewordings[i]
    return text === undefined ? finding : { ...finding, message: text, details: [text, text] }
  })
  const rewordedOf = new Map(result.findings.map((f, i) => [f, reworded[i] as Finding]))
  const injected = {
    ...result,
    settings: {
      ...result.settings,
      ...(injection.rolePath === undefined ? {} : { rolePath: injection.rolePath }),
      ...(injection.trustPolicySource === undefined
        ? {}
        : { trustPolicySource: injection.trustPolicySource })
    },
    desired: {
      ...result.desired,
      ...(injection.rolePath === undefined ? {} : { path: injection.rolePath }),
      ...(injection.expectedTrust === undefined ? {} : { trustPolicy: injection.expectedTrust })
    },
    caller: {
      ...result.caller,
      ...(injection.callerArn === undefined ? {} : { arn: injection.callerArn })
    },
    before: applyLive(result.before, injection.live),
    after: applyLive(result.after, injection.live),
    findings: [...reworded, ...injection.findings],
    remaining: [
      ...result.remaining.map(f => rewordedOf.get(f) ?? f),
      ...(injection.remain ? injection.findings : [])
    ],
    changes: [...result.changes, ...injection.changes],
    planned: [...result.planned, ...injection.planned],
    notDone: [...result.notDone, ...injection.notDone],
    notices: [...result.notices, ...injection.notices],
    ...(injection.error === undefined ? {} : { error: injection.error })
  }
  return injected
}

// ---------------------------------------------------------------------------------------------
// Reading the markdown as GitHub does (CommonMark + GFM), as far as these checks need

const LINE_BREAK = /\r\n|\r|\n/

interface Blocks {
  /** Lines outside fenced code blocks. */
  prose: string[]
  /** The fence of a block left open at the end, if any. */
  unclosed?: string
}

/** Splits out fenced code blocks: up to 3 spaces, then 3+ backticks or tildes. */
function blocks(markdown: string): Blocks {
  const prose: string[] = []
  let fence: { char: string; length: number } | undefined
  for (const line of markdown.split(LINE_BREAK)) {
    if (fence === undefined) {
      const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line)
      const info = open?.[2] ?? ''
      if (open && !(open[1]?.startsWith('`') && info.includes('`'))) {
        fence = { char: open[1]?.[0] ?? '`', length: open[1]?.length ?? 3 }
      } else prose.push(line)
    } else {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)
      if (close && close[1]?.[0] === fence.char && (close[1]?.length ?? 0) >= fence.length) {
        fence = undefined
      }
    }
  }
  return fence === undefined ? { prose } : { prose, unclosed: fence.char.repeat(fence.length) }
}

const ESCAPABLE = /[!-/:-@[-`{-~]/

/** The text with code spans removed (their content is shown as text, never as HTML). */
function withoutCodeSpans(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (c === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      out += text.slice(i, i + 2)
      i += 2
      continue
    }
    if (c !== '`') {
      out += c
      i += 1
      continue
    }
    let j = i
    while (text[j] === '`') j += 1
    const length = j - i
    let close = -1
    let k = j
    while (k < text.length && close === -1) {
      if (text[k] === '`') {
        let m = k
        while (text[m] === '`') m += 1
        if (m - k === length) close = k
        k = m
      } else k += 1
    }
    if (close === -1) {
      out += text.slice(i, j)
      i = j
    } else {
      out += ' '
      i = close + length
    }
  }
  return out
}

/**
 * The text GitHub would read as HTML where it holds a tag: prose outside code. Lines of an HTML
 * block (from a line starting with `<` to the next blank line) are taken whole, since code
 * spans do not exist there; table rows are split into cells before code spans are removed.
 */
function liveHtmlText(prose: string[]): string[] {
  const out: string[] = []
  let htmlBlock = false
  for (const line of prose) {
    if (line.trim() === '') {
      htmlBlock = false
      continue
    }
    if (/^ {0,3}</.test(line)) htmlBlock = true
    if (htmlBlock) out.push(line)
    else if (line.startsWith('|')) out.push(tableCells(line).map(withoutCodeSpans).join('|'))
    else out.push(withoutCodeSpans(line))
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Checks

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

function expectSafeMarkdown(markdown: string, maxBytes: number): void {
  expect(bytes(markdown)).toBeLessThanOrEqual(maxBytes)
  const { prose, unclosed } = blocks(markdown)
  expect(unclosed).toBeUndefined()
  expect(liveHtmlText(prose).filter(line => /<script/i.test(line))).toEqual([])
  expect(markdown.split(LINE_BREAK).filter(line => /^\s*::/.test(line))).toEqual([])
}

function expectSafeAnnotations(result: RunResult): void {
  const annotations = findingAnnotations(result)
  expect(annotations).toHaveLength(result.findings.length)
  const texts = annotations.flatMap(a => [a.title, a.message])
  // eslint-disable-next-line no-control-regex -- vertical tab and form feed break lines too
  expect(texts.filter(text => /[\r\n\u2028\u2029\u0085\u000b\u000c]/.test(text))).toEqual([])
  expect(texts.filter(text => /^\s*::/.test(text))).toEqual([])
}

function render(result: RunResult, summaryBytes: number, commentBytes: number, runUrl?: string) {
  const url = runUrl === undefined ? {} : { runUrl }
  const summary: ReportOptions = { variant: 'summary', maxBytes: summaryBytes, ...url }
  const comment: ReportOptions = {
    variant: 'comment',
    maxBytes: commentBytes,
    marker: commentMarker(
      result.settings.roleName,
      result.settings.rolePath,
      result.caller.accountId,
      result.settings.maskAccountId
    ),
    ...url
  }
  return { summary: renderReport(result, summary), comment: renderReport(result, comment) }
}

// ---------------------------------------------------------------------------------------------

describe('renderReport and findingAnnotations with hostile live data', () => {
  it(`the action's budgets (summary ${SUMMARY_BUDGET} B, comment ${COMMENT_BUDGET} B): safe markdown and annotations (numRuns ${NUM_RUNS_REAL_BUDGETS})`, () => {
    let runs = 0
    fc.assert(
      fc.property(injection, inj => {
        runs += 1
        const result = build(inj)
        const { summary, comment } = render(result, SUMMARY_BUDGET, COMMENT_BUDGET, inj.runUrl)
        expectSafeMarkdown(summary, SUMMARY_BUDGET)
        expectSafeMarkdown(comment, COMMENT_BUDGET)
        // Within these budgets there is always a report to read.
        expect(summary).toContain('ecs-role-guard')
        expect(comment).toContain('ecs-role-guard')
        expectSafeAnnotations(result)
      }),
      { numRuns: NUM_RUNS_REAL_BUDGETS }
    )
    expect(runs).toBe(NUM_RUNS_REAL_BUDGETS)
  }, 240_000)

  it(`any budget from 0 to 70,000 bytes: safe markdown within the budget (numRuns ${NUM_RUNS_ANY_BUDGET})`, () => {
    let runs = 0
    fc.assert(
      fc.property(
        injection,
        fc.integer({ min: 0, max: 70_000 }),
        fc.integer({ min: 0, max: 70_000 }),
        (inj, summaryBytes, commentBytes) => {
          runs += 1
          const result = build(inj)
          const { summary, comment } = render(result, summaryBytes, commentBytes, inj.runUrl)
          expectSafeMarkdown(summary, summaryBytes)
          expectSafeMarkdown(comment, commentBytes)
        }
      ),
      { numRuns: NUM_RUNS_ANY_BUDGET }
    )
    expect(runs).toBe(NUM_RUNS_ANY_BUDGET)
  }, 240_000)
})

describe('the checks themselves', () => {
  it('finds a fenced code block left open, by CommonMark rules', () => {
    expect(blocks('```json\n{}\n').unclosed).toBe('```')
    expect(blocks('````\n```\n````\n').unclosed).toBeUndefined()
    expect(blocks('```\n~~~\n').unclosed).toBe('```')
    expect(blocks('   ~~~~\nx\n~~~~~  \n').unclosed).toBeUndefined()
  })

  it('counts <script as raw outside code, in HTML blocks and in split table cells', () => {
    const raw = (lines: string[]): number =>
      liveHtmlText(lines).filter(line => /<script/i.test(line)).length
    expect(raw(['a `<script>` b', '`` <script>` ``', 'plain <script>'])).toBe(1)
    expect(raw(['\\`<script>`'])).toBe(1)
    expect(raw(['| `a|<script>` |'])).toBe(1)
    expect(raw(['<details>', '`<script>`', '', '`<script>`'])).toBe(1)
    expect(raw(['&lt;script&gt;', 'x <SCRIPT src=y>'])).toBe(1)
  })
})
