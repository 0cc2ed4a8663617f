import { commentMarker } from '../../src/github/comment.js'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  FIXTURE_NAMES,
  fixtures,
  hugeResult,
  POLICY_ARN,
  ROLE_NAME
} from '../../__fixtures__/results.js'
import {
  commandsForChange,
  fixCommands,
  manualFixReason,
  restoreCommands,
  shellQuote
} from '../../src/report/commands.js'
import { codeBlock, escapeMarkdown, inlineCode, plainLine } from '../../src/report/escape.js'
import { displayDocument, unifiedDiff } from '../../src/report/documents.js'
import { renderReport } from '../../src/report/markdown.js'
import type { ReportOptions } from '../../src/report/markdown.js'
import type { Change, Finding } from '../../src/types.js'
import { tableCells } from '../../__fixtures__/markdown.js'

const GOLDEN_DIR = fileURLToPath(new URL('../../__fixtures__/golden/', import.meta.url))
const UPDATE = process.env.UPDATE_GOLDEN === '1'
const RUN_URL = 'https://github.com/acme/infra/actions/runs/42'
const MARKER = commentMarker('ecsServiceRole', '/', '123456789012')
const SUMMARY_BYTES = 1024 * 1024
const COMMENT_BYTES = 65536

const options: Record<'summary' | 'comment', ReportOptions> = {
  summary: { variant: 'summary', maxBytes: SUMMARY_BYTES, runUrl: RUN_URL },
  comment: { variant: 'comment', maxBytes: COMMENT_BYTES, runUrl: RUN_URL, marker: MARKER }
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/** Lines with the fenced code blocks split out; fails on a block that is never closed. */
function parseBlocks(markdown: string): { text: string[]; code: string[][] } {
  const text: string[] = []
  const code: string[][] = []
  let fence: string | undefined
  let block: string[] = []
  for (const line of markdown.split('\n')) {
    if (fence === undefined) {
      const open = /^(`{3,})[^`]*$/.exec(line)
      if (open) {
        fence = open[1]
        block = []
      } else text.push(line)
    } else if (new RegExp(`^${fence}\`*\\s*$`).test(line)) {
      code.push(block)
      fence = undefined
    } else block.push(line)
  }
  if (fence !== undefined) throw new Error(`unclosed code block: ${block.join('\n')}`)
  return { text, code }
}

/** Structural checks every rendering must pass. */
function expectWellFormed(markdown: string): void {
  const { text } = parseBlocks(markdown)
  // Tables: every row of a table has the header's cell count and ends with a pipe.
  let width: number | undefined
  for (const line of text) {
    if (line.startsWith('|')) {
      expect(line.endsWith('|')).toBe(true)
      const count = tableCells(line).length
      width ??= count
      expect(count).toBe(width)
    } else width = undefined
  }
  for (const line of markdown.split('\n')) expect(line).not.toMatch(/^\s*::/)
  const outside = text.join('\n')
  expect(outside).not.toMatch(/<script|<img|<b>|<\/details><script/i)
  // HTML that the renderer writes itself is limited to these tags.
  for (const tag of outside.match(/<\/?[a-z][^>]*>/gi) ?? []) {
    expect(tag).toMatch(/^<\/?(details|details open|summary|sub|br)>$/)
  }
}

describe('renderReport golden files', () => {
  const cases = FIXTURE_NAMES.flatMap(name =>
    (['summary', 'comment'] as const).map(variant => [name, variant] as const)
  )

  it.each(cases)('%s (%s) matches its golden file', (name, variant) => {
    const markdown = renderReport(fixtures[name], options[variant])
    const file = `${GOLDEN_DIR}${name}.${variant}.md`
    if (UPDATE) {
      mkdirSync(GOLDEN_DIR, { recursive: true })
      writeFileSync(file, markdown)
    }
    expect(existsSync(file)).toBe(true)
    expect(markdown).toBe(readFileSync(file, 'utf8'))
  })

  it.each(cases)('%s (%s) is well formed and within budget', (name, variant) => {
    const markdown = renderReport(fixtures[name], options[variant])
    expectWellFormed(markdown)
    expect(bytes(markdown)).toBeLessThanOrEqual(options[variant].maxBytes)
  })
})

describe('renderReport content', () => {
  it('starts the comment with the marker', () => {
    const markdown = renderReport(fixtures.drifted, options.comment)
    expect(markdown.split('\n')[0]).toBe(MARKER)
  })

  it('turns a marker that is not one HTML comment into one', () => {
    const markdown = renderReport(fixtures.compliant, {
      ...options.comment,
      marker: 'id --> <script>\n::x'
    })
    expect(markdown.split('\n')[0]).toBe('<!-- id - - <script> ::x -->')
  })

  it('emphasises the service-linked role when it creates the legacy role', () => {
    const created = renderReport(fixtures.created, options.summary)
    expect(created).toContain('> [!IMPORTANT]')
    expect(created).toContain('AWSServiceRoleForECS')
    const compliant = renderReport(fixtures.compliant, options.summary)
    expect(compliant).not.toContain('[!IMPORTANT]')
    expect(compliant).toContain('AmazonECSServiceRolePolicy')
  })

  it('shows a would-be ARN when the role is missing', () => {
    const markdown = renderReport(fixtures.missing, options.summary)
    expect(markdown).toContain(`would be \`arn:aws:iam::123456789012:role/${ROLE_NAME}\``)
  })

  it('explains every finding code it shows', () => {
    const markdown = renderReport(fixtures.drifted, options.summary)
    expect(markdown).toContain('Another principal could assume a role')
    expect(markdown).toContain('ECS may fail to assume the role')
  })
})

describe('renderReport size budget', () => {
  const huge = hugeResult(500)

  it('fits 500 long findings into a PR comment', () => {
    const markdown = renderReport(huge, options.comment)
    expect(bytes(markdown)).toBeLessThan(COMMENT_BYTES)
    expectWellFormed(markdown)
    expect(markdown).toContain('Some detail was left out')
    expect(markdown).toContain('| ❌ | `managed-policy-extra` | error | 500 | 1 |')
  })

  it('fits 500 long findings into a job summary', () => {
    const markdown = renderReport(huge, options.summary)
    expect(bytes(markdown)).toBeLessThan(SUMMARY_BYTES)
    expectWellFormed(markdown)
  })

  it('drops detail in order as the budget shrinks, staying well formed', () => {
    const full = renderReport(fixtures.drifted, options.summary)
    let previous = bytes(full)
    const seen = new Set<string>()
    for (let budget = previous; budget > 0; budget -= 97) {
      const markdown = renderReport(fixtures.drifted, { ...options.summary, maxBytes: budget })
      expect(bytes(markdown)).toBeLessThanOrEqual(budget)
      expect(bytes(markdown)).toBeLessThanOrEqual(previous)
      previous = bytes(markdown)
      if (markdown !== '') expectWellFormed(markdown)
      seen.add(markdown)
    }
    const steps = [...seen]
    const diffGone = steps.findIndex(s => !s.includes('```diff'))
    const documentsGone = steps.findIndex(s => !s.includes('```json'))
    const commandsGone = steps.findIndex(s => !s.includes('```sh'))
    const counted = steps.findIndex(s => s.includes('| Count |'))
    expect(diffGone).toBeGreaterThan(0)
    expect(documentsGone).toBeGreaterThan(diffGone)
    expect(commandsGone).toBeGreaterThan(documentsGone)
    expect(counted).toBeGreaterThan(commandsGone)
    expect(steps).toContainEqual(expect.stringContaining('The report was too large to show here.'))
  })
})

describe('escaping', () => {
  it('neutralises HTML, markdown structure, newlines and workflow commands', () => {
    const out = escapeMarkdown('::set-output name=x::y\n<script>|*_`[]!~#$ & @octocat')
    expect(out).not.toContain('\n')
    expect(out).not.toMatch(/^::/)
    expect(out).not.toContain('<')
    expect(out).toBe(
      '\\::set-output name=x::y &lt;script&gt;\\|\\*\\_\\`\\[\\]\\!\\~\\#\\$ &amp; @\u200boctocat'
    )
  })

  it('escapes block syntax at the start of the text', () => {
    expect(escapeMarkdown('# title')).toBe('\\# title')
    expect(escapeMarkdown('- item')).toBe('\\- item')
    expect(escapeMarkdown('1. item')).toBe('1\\. item')
    expect(escapeMarkdown('  :: x')).toBe('  \\:: x')
  })

  it('leaves e-mail addresses and plain words alone', () => {
    expect(escapeMarkdown('ops@example.com uses ecs.amazonaws.com')).toBe(
      'ops@example.com uses ecs.amazonaws.com'
    )
  })

  it('fences code so the content cannot close it', () => {
    const content = 'a\n```\n````\n::x\nb'
    const block = codeBlock(content, 'json')
    expect(block.startsWith('`````json\n')).toBe(true)
    const parsed = parseBlocks(block)
    expect(parsed.code).toEqual([content.split('\n')])
    expect(codeBlock('', 'sh')).toBe('```sh\n```')
    expect(codeBlock('x', 'js"><script>')).toBe('```jsscript\nx\n```')
  })

  it('makes inline code that its content cannot close', () => {
    expect(inlineCode('a`b')).toBe('``a`b``')
    expect(inlineCode('`x')).toBe('`` `x ``')
    expect(inlineCode('a\nb')).toBe('`a b`')
    expect(inlineCode('a|b', true)).toBe('a\\|b')
    expect(inlineCode('a|b')).toBe('`a|b`')
  })

  it('makes single lines for annotations', () => {
    expect(plainLine('::error::x\r\ny')).toBe(':\u200b:error::x y')
    expect(plainLine('  a\u2028b  ')).toBe('a b')
  })
})

/** A command with its line continuations joined. */
const oneLine = (command: string | undefined): string => (command ?? '').replace(/ \\\n\s+/g, ' ')

/** The arguments bash passes to `aws` when it runs these commands (in an empty directory). */
function awsArgs(commands: string[]): string[][] {
  const script = `aws() { printf '%s\\0' "$@"; printf '\\036'; }\n${commands.join('\n')}`
  const cwd = mkdtempSync(join(tmpdir(), 'report-commands-'))
  let out: string
  try {
    out = execFileSync('bash', ['-c', script], { encoding: 'utf8', cwd })
  } finally {
    rmSync(cwd, { recursive: true, force: true })
  }
  return out
    .split('\x1e')
    .filter(record => record !== '')
    .map(record => record.split('\0').slice(0, -1))
}

/** What bash makes of a quoted argument. */
function bashArg(quoted: string): string {
  return execFileSync('bash', ['-c', `printf '%s' ${quoted}`], { encoding: 'utf8' })
}

describe('commands', () => {
  const desired = fixtures.drifted.desired
  const finding = (
    code: Finding['code'],
    expected: Finding['expected'],
    actual: Finding['actual']
  ): Finding => ({
    code,
    severity: 'error',
    message: 'm',
    expected,
    actual
  })

  it('quotes arguments so the shell passes them unchanged', () => {
    for (const arg of ["it's", '$(rm -rf /)', 'a\nb\r\tc', '`x`', "\\'", '::set-output x', '']) {
      expect(bashArg(shellQuote(arg))).toBe(arg)
    }
    expect(shellQuote("it's")).toBe("'it'\\''s'")
    expect(shellQuote('a\nb')).toBe("$'a\\nb'")
  })

  it('passes hostile names to aws unchanged', () => {
    const planned = fixtures.hostile.planned
    const args = awsArgs(planned.flatMap(c => commandsForChange(c, ROLE_NAME)))
    expect(args[1]).toEqual([
      'iam',
      'detach-role-policy',
      '--role-name',
      ROLE_NAME,
      '--policy-arn',
      planned[1]?.target
    ])
    expect(args[2]).toEqual([
      'iam',
      'delete-role-policy',
      '--role-name',
      ROLE_NAME,
      '--policy-name',
      planned[2]?.target
    ])
    const restore = awsArgs(restoreCommands(planned[2] as Change, ROLE_NAME))
    expect(restore[0]?.[5]).toBe(planned[2]?.target)
    expect(JSON.parse(restore[0]?.[7] ?? '')).toEqual(planned[2]?.before)
    const trust = awsArgs(commandsForChange(planned[0] as Change, ROLE_NAME))
    expect(JSON.parse(trust[0]?.[5] ?? '')).toEqual(planned[0]?.after)
  })

  it('creates and attaches for a missing role, with Version 2012-10-17', () => {
    const commands = fixCommands(finding('role-missing', ROLE_NAME, null), desired, ROLE_NAME)
    expect(commands).toHaveLength(2)
    expect(commands[0]).toContain('aws iam create-role')
    expect(commands[0]).toContain("--path '/'")
    expect(commands[0]).toContain('"Version":"2012-10-17"')
    expect(commands[0]).not.toContain('2008-10-17')
    expect(oneLine(commands[1])).toBe(
      `aws iam attach-role-policy --role-name '${ROLE_NAME}' --policy-arn '${POLICY_ARN}'`
    )
  })

  it('saves before it removes', () => {
    const inline = fixCommands(finding('inline-policy-extra', null, 'debug'), desired, ROLE_NAME)
    expect(inline.map(c => oneLine(c).split(' ')[2])).toEqual([
      'the',
      'get-role-policy',
      'delete-role-policy'
    ])
    const trust = fixCommands(finding('trust-policy-broader', {}, {}), desired, ROLE_NAME)
    expect(trust[1]).toContain('get-role')
    expect(trust[2]).toContain('update-assume-role-policy')
    const path = fixCommands(finding('path-mismatch', '/', '/legacy/'), desired, ROLE_NAME).join(
      '\n'
    )
    expect(path.indexOf('get-role')).toBeLessThan(path.indexOf('delete-role '))
    expect(path.indexOf('delete-role ')).toBeLessThan(path.indexOf('create-role'))
  })

  it('explains why some findings have no command', () => {
    for (const code of ['managed-policy-changed', 'managed-policy-unavailable'] as const) {
      expect(fixCommands(finding(code, POLICY_ARN, null), desired, ROLE_NAME)).toEqual([])
      expect(manualFixReason(code)).toMatch(/\.$/)
    }
    expect(manualFixReason('role-missing')).toBeUndefined()
  })

  it('restores a change from its recorded before value', () => {
    const doc = { Version: '2012-10-17', Statement: [] }
    const restore = (change: Change): string =>
      restoreCommands(change, ROLE_NAME).map(oneLine).join('\n')
    expect(
      restore({ action: 'DetachRolePolicy', target: 'arn:x', before: 'arn:x', after: null })
    ).toContain("attach-role-policy --role-name 'ecsServiceRole' --policy-arn 'arn:x'")
    expect(
      restore({ action: 'DeleteRolePolicy', target: "it's", before: doc, after: null })
    ).toContain("put-role-policy --role-name 'ecsServiceRole' --policy-name 'it'\\''s'")
    expect(
      restore({ action: 'UpdateAssumeRolePolicy', target: 'arn', before: doc, after: null })
    ).toContain(`--policy-document '${JSON.stringify(doc)}'`)
    expect(restore({ action: 'DeleteRolePolicy', target: 'p', before: null, after: null })).toMatch(
      /^# .*cannot be restored/
    )
  })

  it('repeats a recorded CreateRole with its path and document', () => {
    const change = fixtures.created.changes[0] as Change
    const [command] = commandsForChange(change, ROLE_NAME)
    expect(command).toContain("--path '/'")
    expect(command).toContain('"Principal":{"Service":"ecs.amazonaws.com"}')
    expect(command).toContain('managed by ecs-role-guard')
  })
})

describe('documents', () => {
  it('shows documents in the canonical form', () => {
    expect(
      displayDocument({
        Version: '2008-10-17',
        Statement: {
          Sid: '',
          Effect: 'Allow',
          Principal: { Service: ['ecs.amazonaws.com'] },
          Action: 'sts:AssumeRole'
        }
      })
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }
      ]
    })
  })

  it('shows a document it cannot read as it is, with sorted keys', () => {
    expect(displayDocument({ b: 1, a: [{ d: 1, c: 2 }] })).toEqual({ a: [{ c: 2, d: 1 }], b: 1 })
  })

  it('diffs lines with context', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n')
    const b = ['1', '2', '3', '4', 'X', '6', '7', '8', '9'].join('\n')
    expect(unifiedDiff(a, b, 'a', 'b')).toBe(
      ['--- a', '+++ b', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+X', ' 6', ' 7', ' 8'].join(
        '\n'
      )
    )
  })
})
