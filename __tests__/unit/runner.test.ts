import * as core from '@actions/core'
import { jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as runner from '../../src/runner.js'

/** Runs `fn` with stdout captured and fresh runner files; returns what was written. */
function capture(fn: () => void): {
  stdout: string
  output: string
  summary: string
  exitCode: typeof process.exitCode
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runner-test-'))
  const output = path.join(dir, 'output')
  const summary = path.join(dir, 'summary')
  writeFileSync(output, '')
  writeFileSync(summary, '')
  const saved = { ...process.env }
  const savedExit = process.exitCode
  process.env.GITHUB_OUTPUT = output
  process.env.GITHUB_STEP_SUMMARY = summary
  let stdout = ''
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk)
      return true
    })
  try {
    fn()
  } finally {
    spy.mockRestore()
    process.env = saved
  }
  const exitCode = process.exitCode
  process.exitCode = savedExit
  const normalise = (text: string): string =>
    text.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_X')
  return {
    stdout,
    output: normalise(readFileSync(output, 'utf8')),
    summary: readFileSync(summary, 'utf8'),
    exitCode
  }
}

const MESSAGES = ['plain', 'with %, \r and \n inside', 'colons: and, commas', '', '💥 unicode ü']

describe('runner writes what @actions/core writes', () => {
  it.each(MESSAGES)('logging commands for %j', message => {
    const calls = (api: typeof runner | typeof core): void => {
      api.debug(message)
      api.error(message, { title: `t: ${message}, x` })
      api.warning(message, { title: 'w' })
      api.notice(message)
      api.setSecret(message || 'secret')
    }
    expect(capture(() => calls(runner)).stdout).toBe(capture(() => calls(core)).stdout)
  })

  it.each(MESSAGES)('outputs for %j', value => {
    expect(capture(() => runner.setOutput('name', value)).output).toBe(
      capture(() => core.setOutput('name', value)).output
    )
  })

  it('the set-output command when GITHUB_OUTPUT is unset', () => {
    const without = (fn: () => void) => () => {
      delete process.env.GITHUB_OUTPUT
      fn()
    }
    expect(capture(without(() => runner.setOutput('a', 'x\ny'))).stdout).toBe(
      capture(without(() => core.setOutput('a', 'x\ny'))).stdout
    )
  })

  it('setFailed: exit code 1 and the error command', () => {
    const ours = capture(() => runner.setFailed('broken: x'))
    const theirs = capture(() => core.setFailed('broken: x'))
    expect(ours).toEqual(theirs)
    expect(ours.exitCode).toBe(1)
  })

  it('inputs', () => {
    process.env['INPUT_ROLE-NAME'] = '  ecsServiceRole \n'
    process.env.INPUT_MODE = 'audit'
    try {
      for (const name of ['role-name', 'mode', 'missing'])
        expect(runner.getInput(name)).toBe(core.getInput(name))
    } finally {
      delete process.env['INPUT_ROLE-NAME']
      delete process.env.INPUT_MODE
    }
  })

  it('the job summary', () => {
    const ours = capture(() => runner.appendSummary('# Title\n\n| a |'))
    expect(ours.summary).toBe(`# Title\n\n| a |${os.EOL}`)
  })

  it('info, except that a line of ours never starts a workflow command', () => {
    expect(capture(() => runner.info('hello')).stdout).toBe(
      capture(() => core.info('hello')).stdout
    )
    expect(capture(() => runner.info('a\n::add-mask::x\n::error::y')).stdout).not.toMatch(/^::/m)
  })

  it('refuses a missing output file, as the runner would lose the output', () => {
    expect(() =>
      capture(() => {
        process.env.GITHUB_OUTPUT = '/nonexistent/file'
        runner.setOutput('a', 'b')
      })
    ).toThrow(/Missing file/)
  })
})
