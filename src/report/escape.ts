/**
 * Pure: make text taken from the live role safe to show in markdown (job summary, PR comment)
 * and in single-line annotations and log lines.
 */

/** Line breaks (including Unicode separators) and other control characters. */
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/g
/** Bidirectional overrides and isolates can make text read differently from what it is. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g

/** Characters with a markdown meaning anywhere in a line (CommonMark backslash-escapable). */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]|!~#$]/g

/** One line: no line breaks, no control characters, no direction overrides. */
function flatten(text: string): string {
  return text
    .replace(LINE_BREAKS, ' ')
    .replace(/\t/g, ' ')
    .replace(CONTROL, ' ')
    .replace(BIDI, '\ufffd')
}

/** Escapes `&`, `<`, `>` and `"` for text inside an HTML element or attribute. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/**
 * Single-line text that can never be read as a GitHub workflow command: line breaks and control
 * characters become spaces, and a leading `::` loses its meaning. For annotations and logs.
 */
export function plainLine(text: string): string {
  const line = flatten(text).replace(/ {2,}/g, ' ').trim()
  // The runner only looks at lines that start with `::`; a zero-width space keeps the text readable.
  return line.startsWith('::') ? `:\u200b:${line.slice(2)}` : line
}

/**
 * Escapes text from the live role (names, principals, descriptions) for use in markdown outside
 * code blocks, including table cells and list items: HTML, markdown structure, line breaks,
 * @-mentions and workflow commands are all neutralised. The result is one line.
 */
export function escapeMarkdown(text: string): string {
  let out = flatten(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_PUNCTUATION, c => `\\${c}`)
  // Block syntax only counts at the start of a line; the text may be placed there.
  out = out.replace(/^(\s*)([-+=])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2')
  // `\:` renders as `:`, but the raw line no longer starts with `::`.
  out = out.replace(/^(\s*):/, '$1\\:')
  // A mention in a PR comment would notify whoever owns that handle.
  out = out.replace(/(^|[^\w`])@(?=\w)/g, '$1@\u200b')
  return out
}

/** The longest run of `char` in `text`. */
function longestRun(text: string, char: string): number {
  let longest = 0
  let current = 0
  for (const c of text) {
    current = c === char ? current + 1 : 0
    if (current > longest) longest = current
  }
  return longest
}

/**
 * A fenced code block whose fence is longer than any backtick run in `text`, so the content
 * can never close it. The info string keeps only characters a language name uses.
 */
export function codeBlock(text: string, lang = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1))
  const info = lang.replace(/[^A-Za-z0-9_+.-]/g, '')
  const body = text.replace(/\r\n?/g, '\n')
  return `${fence}${info}\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}${fence}`
}

/**
 * An inline code span that `text` cannot close. In a table cell (`inTable`) a `|` would split
 * the cell even inside a code span, and GFM cannot represent every backslash-pipe sequence
 * there, so such text is shown escaped instead of as code.
 */
export function inlineCode(text: string, inTable = false): string {
  const line = flatten(text)
  if (inTable && line.includes('|')) return escapeMarkdown(line)
  if (line === '') return '` `'
  const ticks = '`'.repeat(longestRun(line, '`') + 1)
  // A span that starts or ends with a backtick (or a space) needs padding, which is stripped.
  const pad = /^[` ]|[` ]$/.test(line) ? ' ' : ''
  return `${ticks}${pad}${line}${pad}${ticks}`
}
