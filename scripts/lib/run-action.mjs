// Runs the bundled action (`node dist/index.js`) in a subprocess the way the GitHub runner
// does: inputs as INPUT_* variables, fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, an
// event payload, and a clean environment. Used by the integration tests, the demo and the
// benchmark. Plain JavaScript; the types live in run-action.d.mts.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

/** The repository root (two levels above scripts/lib). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The bundled entry point the runner starts (`runs.main` of action.yml). */
export const DIST_ENTRY = path.join(REPO_ROOT, 'dist', 'index.js')

/** The fake token the runner would substitute for `${{ github.token }}`. */
export const FAKE_GITHUB_TOKEN = 'ghs_0000000000000000000000000000000000fake'

const DEFAULT_TIMEOUT_MS = 60_000

/**
 * The runner's name for an input's variable: spaces become `_`, the rest is upper-cased;
 * hyphens are kept (`role-name` → `INPUT_ROLE-NAME`).
 * @param {string} name
 */
export function inputEnvName(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Runs the bundled action once.
 * @param {import('./run-action.d.mts').RunActionOptions} [options]
 * @returns {Promise<import('./run-action.d.mts').ActionResult>}
 */
export async function runAction(options = {}) {
  const {
    inputs = {},
    env: extraEnv = {},
    endpoint,
    eventName = 'push',
    event = {},
    files = {},
    entry = DIST_ENTRY,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    actionDefaults = true,
    keepWorkspace = false
  } = options

  if (!existsSync(entry)) {
    throw new Error(`${entry} does not exist: run \`npm run build\` first.`)
  }

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'ecs-role-guard-run-'))
  const workspace = path.join(tmp, 'workspace')
  const runnerTemp = path.join(tmp, 'runner-temp')
  const commandFiles = path.join(tmp, 'file-commands')
  await Promise.all([mkdir(workspace), mkdir(runnerTemp), mkdir(commandFiles)])

  const outputFile = path.join(commandFiles, 'set_output')
  const summaryFile = path.join(commandFiles, 'step_summary')
  const eventFile = path.join(tmp, 'event.json')
  await Promise.all([
    writeFile(outputFile, ''),
    writeFile(summaryFile, ''),
    writeFile(path.join(commandFiles, 'set_env'), ''),
    writeFile(path.join(commandFiles, 'add_path'), ''),
    writeFile(path.join(commandFiles, 'save_state'), ''),
    writeFile(eventFile, JSON.stringify(event, null, 2))
  ])
  for (const [name, content] of Object.entries(files)) {
    const target = path.resolve(workspace, name)
    if (!target.startsWith(workspace + path.sep)) {
      throw new Error(`files: ${name} is outside the workspace`)
    }
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, content)
  }

  const github = {
    token: FAKE_GITHUB_TOKEN,
    repository: 'octo-org/octo-repo',
    repository_owner: 'octo-org',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    graphql_url: 'https://api.github.com/graphql',
    event_name: eventName,
    workspace,
    run_id: '1658821493',
    run_number: '7',
    run_attempt: '1',
    actor: 'octocat',
    sha: 'ffac537e6cbbf934b08745a378932722df287a53',
    ref: eventRef(eventName, event),
    workflow: 'ecs-role-guard',
    job: 'guard',
    action: 'ecs-role-guard',
    runner_temp: runnerTemp
  }

  // A clean environment: nothing of the caller's AWS_*, GITHUB_*, INPUT_* or NODE_OPTIONS.
  /** @type {Record<string, string>} */
  const env = {}
  for (const name of ['PATH', 'HOME', 'SystemRoot', 'TMPDIR', 'TEMP', 'TMP']) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: github.action,
    GITHUB_ACTOR: github.actor,
    GITHUB_API_URL: github.api_url,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_GRAPHQL_URL: github.graphql_url,
    GITHUB_JOB: github.job,
    GITHUB_OUTPUT: outputFile,
    GITHUB_ENV: path.join(commandFiles, 'set_env'),
    GITHUB_PATH: path.join(commandFiles, 'add_path'),
    GITHUB_STATE: path.join(commandFiles, 'save_state'),
    GITHUB_REF: github.ref,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REPOSITORY_OWNER: github.repository_owner,
    GITHUB_RUN_ATTEMPT: github.run_attempt,
    GITHUB_RUN_ID: github.run_id,
    GITHUB_RUN_NUMBER: github.run_number,
    GITHUB_SERVER_URL: github.server_url,
    GITHUB_SHA: github.sha,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKFLOW: github.workflow,
    GITHUB_WORKSPACE: workspace,
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: path.join(runnerTemp, 'tool-cache'),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // No shared config or credentials files: the developer's ~/.aws must not leak in.
    AWS_CONFIG_FILE: path.join(tmp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'no-aws-credentials')
  })
  if (endpoint) env.AWS_ENDPOINT_URL = endpoint

  // The runner sets every input declared in action.yml, with its default when the workflow
  // does not give it.
  if (actionDefaults !== false) {
    const declared =
      typeof actionDefaults === 'string'
        ? parseActionInputs(readFileSync(actionDefaults, 'utf8'))
        : readActionDefaults(entry)
    for (const [name, value] of Object.entries(declared)) {
      env[inputEnvName(name)] = evaluateDefault(value, name, github)
    }
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined) delete env[inputEnvName(name)]
    else env[inputEnvName(name)] = String(value)
  }
  for (const [name, value] of Object.entries(extraEnv)) {
    if (value === undefined) delete env[name]
    else env[name] = String(value)
  }

  try {
    const started = process.hrtime.bigint()
    const { code, signal, stdout, stderr } = await spawnNode(entry, {
      cwd: options.cwd ?? workspace,
      env,
      timeoutMs
    })
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6
    const [outputText, summary] = await Promise.all([
      readFile(outputFile, 'utf8'),
      readFile(summaryFile, 'utf8')
    ])
    return {
      code,
      signal,
      stdout,
      stderr,
      outputs: parseOutputFile(outputText),
      summary,
      annotations: parseAnnotations(stdout),
      durationMs,
      workspace
    }
  } finally {
    if (!keepWorkspace) await rm(tmp, { recursive: true, force: true })
  }
}

/**
 * @param {string} entry
 * @param {{ cwd: string, env: Record<string, string>, timeoutMs: number }} options
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
function spawnNode(entry, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk))
    let timedOut = false
    const killOnExit = () => child.kill('SIGKILL')
    process.on('exit', killOnExit)
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', error => {
      clearTimeout(timer)
      process.removeListener('exit', killOnExit)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      process.removeListener('exit', killOnExit)
      if (timedOut) {
        const error = new Error(
          `the action did not finish within ${timeoutMs} ms and was killed.\n` +
            `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`
        )
        reject(Object.assign(error, { stdout, stderr }))
      } else {
        resolve({ code, signal, stdout, stderr })
      }
    })
  })
}

/**
 * @param {string} eventName
 * @param {Record<string, unknown>} event
 */
function eventRef(eventName, event) {
  const pr = /** @type {{ number?: unknown } | undefined} */ (event.pull_request)
  if (eventName.startsWith('pull_request') && pr && typeof pr.number === 'number') {
    return `refs/pull/${pr.number}/merge`
  }
  return typeof event.ref === 'string' ? event.ref : 'refs/heads/main'
}

/**
 * Parses a GITHUB_OUTPUT file: `name<<DELIMITER\nvalue\nDELIMITER` blocks (what
 * @actions/core writes) and `name=value` lines.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = /** @type {string} */ (lines[i])
    if (line === '') continue
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line)
    const equals = line.indexOf('=')
    if (heredoc && (equals === -1 || equals > line.indexOf('<<'))) {
      const [, name, delimiter] = /** @type {[string, string, string]} */ (heredoc)
      const value = []
      let closed = false
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true
          break
        }
        value.push(lines[i])
      }
      if (!closed) throw new Error(`GITHUB_OUTPUT: no closing ${delimiter} for ${name}`)
      outputs[name] = value.join('\n')
    } else if (equals > 0) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1)
    } else {
      throw new Error(`GITHUB_OUTPUT: cannot parse line ${JSON.stringify(line)}`)
    }
  }
  return outputs
}

/**
 * Reads the workflow commands `::error …::`, `::warning …::` and `::notice …::` from stdout.
 * @param {string} stdout
 * @returns {import('./run-action.d.mts').Annotation[]}
 */
export function parseAnnotations(stdout) {
  /** @type {import('./run-action.d.mts').Annotation[]} */
  const annotations = []
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!match) continue
    const [, level, props = '', data = ''] = match
    /** @type {Record<string, string>} */
    const properties = {}
    for (const pair of props.split(',')) {
      const equals = pair.indexOf('=')
      if (equals > 0) properties[pair.slice(0, equals)] = unescapeProperty(pair.slice(equals + 1))
    }
    annotations.push({
      level: /** @type {'error' | 'warning' | 'notice'} */ (level),
      message: unescapeData(data),
      properties,
      ...(properties.title !== undefined ? { title: properties.title } : {})
    })
  }
  return annotations
}

/** @param {string} value */
function unescapeData(value) {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** @param {string} value */
function unescapeProperty(value) {
  return value
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%')
}

/**
 * The inputs declared in the action.yml next to the entry's directory, with their defaults
 * ('' when none). A small reader for the `inputs:` block, enough for action metadata; no
 * YAML dependency so the demo runs after `npm ci --omit=dev` too.
 * @param {string} entry
 * @returns {Record<string, string>}
 */
export function readActionDefaults(entry = DIST_ENTRY) {
  const root = path.resolve(path.dirname(entry), '..')
  const file = ['action.yml', 'action.yaml']
    .map(name => path.join(root, name))
    .find(candidate => existsSync(candidate))
  if (!file) return {}
  return parseActionInputs(readFileSync(file, 'utf8'))
}

/**
 * @param {string} yaml the text of action.yml
 * @returns {Record<string, string>}
 */
export function parseActionInputs(yaml) {
  const lines = yaml.split(/\r?\n/)
  /** @type {Record<string, string>} */
  const inputs = {}
  const start = lines.findIndex(line => /^inputs:\s*(#.*)?$/.test(line))
  if (start === -1) return inputs
  let inputIndent = -1
  let fieldIndent = -1
  /** @type {string | undefined} */
  let current
  for (let i = start + 1; i < lines.length; i++) {
    const line = /** @type {string} */ (lines[i])
    if (/^\s*(#.*)?$/.test(line)) continue
    const indent = line.length - line.trimStart().length
    if (indent === 0) break
    if (inputIndent === -1) inputIndent = indent
    if (indent === inputIndent) {
      const key = /^\s*(['"]?)([^'":]+)\1:\s*(#.*)?$/.exec(line)
      if (!key) throw new Error(`action.yml: cannot read input line ${JSON.stringify(line)}`)
      current = /** @type {string} */ (key[2])
      inputs[current] = ''
      fieldIndent = -1
      continue
    }
    if (current === undefined) continue
    // Only the input's own keys count, not text inside a description's block scalar.
    if (fieldIndent === -1) fieldIndent = indent
    if (indent !== fieldIndent) continue
    const field = /^\s*default:\s?(.*)$/.exec(line)
    if (!field) continue
    const raw = (field[1] ?? '').trim()
    const block = /^([|>])([+-]?)\s*(#.*)?$/.exec(raw)
    if (block) {
      const body = []
      let bodyIndent = -1
      for (i++; i < lines.length; i++) {
        const bodyLine = /** @type {string} */ (lines[i])
        const lineIndent = bodyLine.length - bodyLine.trimStart().length
        if (bodyLine.trim() !== '' && lineIndent <= indent) break
        if (bodyIndent === -1 && bodyLine.trim() !== '') bodyIndent = lineIndent
        body.push(bodyLine.slice(Math.max(bodyIndent, 0)))
      }
      i--
      while (body.length > 0 && body[body.length - 1] === '') body.pop()
      let value = block[1] === '|' ? body.join('\n') : foldLines(body)
      if (block[2] !== '-') value += '\n'
      inputs[current] = value
    } else {
      inputs[current] = scalar(raw)
    }
  }
  return inputs
}

/** @param {string[]} lines */
function foldLines(lines) {
  return lines.reduce((text, line, index) => {
    if (index === 0) return line
    if (line === '') return `${text}\n`
    return text.endsWith('\n') ? text + line : `${text} ${line}`
  }, '')
}

/** @param {string} raw */
function scalar(raw) {
  if (raw.startsWith("'")) {
    const end = raw.lastIndexOf("'")
    return raw.slice(1, end).replace(/''/g, "'")
  }
  if (raw.startsWith('"')) {
    const end = raw.lastIndexOf('"')
    return /** @type {string} */ (JSON.parse(raw.slice(0, end + 1)))
  }
  return raw.replace(/\s+#.*$/, '')
}

/**
 * Evaluates the `${{ github.* }}` / `${{ runner.* }}` expressions the runner allows in input
 * defaults. Anything else is an error: better a loud harness than a silently wrong input.
 * @param {string} value
 * @param {string} name
 * @param {Record<string, string>} github
 */
function evaluateDefault(value, name, github) {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression) => {
    const match = /^(github|runner)\.([a-z_]+)$/.exec(String(expression))
    const key = match?.[2]
    if (match?.[1] === 'github' && key && key !== 'runner_temp' && key in github)
      return /** @type {string} */ (github[key])
    if (match?.[1] === 'runner' && key === 'temp') return github.runner_temp
    throw new Error(
      `action.yml: input ${name}: the harness cannot evaluate \${{ ${String(expression)} }}; ` +
        'add it to evaluateDefault in scripts/lib/run-action.mjs'
    )
  })
}
