/**
 * The GitHub runner's protocol, as far as this action uses it: inputs from INPUT_* variables,
 * outputs and the job summary through the runner's files, and workflow commands on stdout.
 * It writes exactly what @actions/core writes for the same calls (a unit test holds the two
 * side by side), without loading @actions/core's HTTP client, which would add about a tenth
 * of a second to every start.
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { EOL } from 'node:os'

export interface AnnotationProperties {
  title?: string
}

/** An input's value, trimmed; '' when it is not set. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function command(
  name: string,
  properties: Record<string, string | undefined>,
  message: string
): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeProperty(value ?? '')}`)
    .join(',')
  process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`)
}

/** Appends `name<<delimiter` … to the runner's file `GITHUB_<kind>`. */
function fileCommand(kind: string, name: string, value: string): void {
  const file = process.env[`GITHUB_${kind}`] ?? ''
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected input: the output ${name} contains the delimiter`)
  }
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
}

/** Sets a step output (GITHUB_OUTPUT, or the old `set-output` command without it). */
export function setOutput(name: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) {
    fileCommand('OUTPUT', name, value)
    return
  }
  process.stdout.write(EOL)
  command('set-output', { name }, value)
}

/** Writes a log line; a line of ours never starts a workflow command. */
export function info(message: string): void {
  process.stdout.write(message.replace(/^::/gm, ':\u200b:') + EOL)
}

export const isDebug = (): boolean => process.env.RUNNER_DEBUG === '1'
export const debug = (message: string): void => command('debug', {}, message)
export const error = (message: string, p: AnnotationProperties = {}): void =>
  command('error', { ...p }, message)
export const warning = (message: string, p: AnnotationProperties = {}): void =>
  command('warning', { ...p }, message)
export const notice = (message: string, p: AnnotationProperties = {}): void =>
  command('notice', { ...p }, message)
/** Asks the runner to mask a value in the log from now on. */
export const setSecret = (secret: string): void => command('add-mask', {}, secret)

/** Marks the step failed and logs the reason as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** Appends markdown (and a line end) to the step's job summary file. */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file || !existsSync(file)) {
    throw new Error(
      `Unable to write the job summary: GITHUB_STEP_SUMMARY (${file ?? 'unset'}) is not a file`
    )
  }
  appendFileSync(file, markdown + EOL, 'utf8')
}
