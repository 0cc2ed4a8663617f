// Starts a local moto server (an IAM/STS look-alike) for integration tests, the demo and the
// benchmark. Plain JavaScript so that `node scripts/demo.mjs` runs without a build step; the
// types live in moto.d.mts.
import { spawn, spawnSync } from 'node:child_process'
import net from 'node:net'
import process from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'

/** moto version known to work with this project. */
export const MOTO_KNOWN_GOOD_VERSION = '5.2.1'

/** How to get moto, shown whenever it cannot be started. */
export const MOTO_INSTALL_HINT =
  `The integration tests and the demo need moto's server (a local IAM/STS look-alike) in ` +
  `python3. Install it with:\n  python3 -m pip install "moto[server]==${MOTO_KNOWN_GOOD_VERSION}"\n` +
  `(moto ${MOTO_KNOWN_GOOD_VERSION} is known good; set MOTO_PYTHON to use another interpreter, ` +
  `e.g. a virtualenv's python).`

const HOST = '127.0.0.1'
const DEFAULT_READY_TIMEOUT_MS = 20_000
const LOG_TAIL_CHARS = 16_384

// Runs moto.server as `python3 -m moto.server` would, plus a watchdog thread: when our end
// of its stdin pipe closes (we stopped it, or this Node process died, even by SIGKILL), the
// server exits, so it never outlives its parent.
const PYTHON_LAUNCHER = [
  'import os, sys, threading',
  'def _watch_parent():',
  '    try:',
  '        while sys.stdin.buffer.read(65536):',
  '            pass',
  '    finally:',
  '        os._exit(0)',
  'threading.Thread(target=_watch_parent, daemon=True).start()',
  'from moto.server import main',
  "main(['-H', sys.argv[1], '-p', sys.argv[2]])"
].join('\n')

/** The python interpreter to use: `MOTO_PYTHON` when set, else `python3`. */
export function motoPython() {
  return process.env.MOTO_PYTHON || 'python3'
}

/**
 * Checks, synchronously, that python3 and moto's server are importable.
 * @returns {{ ok: true, version: string } | { ok: false, message: string }}
 */
export function checkMoto() {
  const python = motoPython()
  const result = spawnSync(python, ['-c', 'import moto, moto.server; print(moto.__version__)'], {
    encoding: 'utf8',
    timeout: 30_000
  })
  if (result.error) {
    const reason =
      /** @type {NodeJS.ErrnoException} */ (result.error).code === 'ENOENT'
        ? `${python} was not found on PATH`
        : `${python} could not be run: ${result.error.message}`
    return { ok: false, message: `${reason}.\n${MOTO_INSTALL_HINT}` }
  }
  if (result.status !== 0) {
    const stderr = (result.stderr || '').trim().split('\n').slice(-3).join('\n')
    return {
      ok: false,
      message: `moto's server cannot be imported by ${python}:\n${stderr}\n${MOTO_INSTALL_HINT}`
    }
  }
  return { ok: true, version: result.stdout.trim() }
}

/**
 * A port that was free a moment ago on 127.0.0.1.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))))
    })
  })
}

/**
 * Starts moto's server on a free loopback port and waits until it answers HTTP.
 *
 * @param {import('./moto.d.mts').StartMotoOptions} [options]
 * @returns {Promise<import('./moto.d.mts').MotoServer>}
 */
export async function startMoto(options = {}) {
  const attempts = 3
  let lastError
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await startOnce(options)
    } catch (error) {
      lastError = error
      // Another process may have taken the port between freePort() and the bind: retry with
      // a new port. A missing python or moto will not get better: give up at once.
      if (/** @type {{ retryable?: boolean }} */ (error).retryable !== true) throw error
    }
  }
  throw lastError
}

/**
 * @param {import('./moto.d.mts').StartMotoOptions} options
 * @returns {Promise<import('./moto.d.mts').MotoServer>}
 */
async function startOnce(options) {
  const port = await freePort()
  const endpoint = `http://${HOST}:${port}`
  const python = motoPython()
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env }
  // A variable meant for one special server must not leak into every server from the shell.
  delete env.INITIAL_NO_AUTH_ACTION_COUNT
  Object.assign(env, { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', PYTHONUNBUFFERED: '1' })
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = String(value)
  }

  const child = spawn(python, ['-c', PYTHON_LAUNCHER, HOST, String(port)], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true
  })

  let logTail = ''
  /** @param {Buffer} chunk */
  const keepLog = chunk => {
    logTail = (logTail + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS)
  }
  // Always drain both pipes: moto logs every request, and a full pipe would stall it.
  child.stdout.on('data', keepLog)
  child.stderr.on('data', keepLog)
  // The pipe may break when the server exits first; that is reported through 'exit'.
  child.stdin.on('error', () => {})

  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
  let exited
  /** @type {Error | undefined} */
  let spawnError
  const exitPromise = new Promise(resolve => {
    child.on('exit', (code, signal) => {
      exited = { code, signal }
      resolve(undefined)
    })
    child.on('error', error => {
      spawnError = error
      if (child.pid === undefined) {
        exited = { code: null, signal: null }
        resolve(undefined)
      }
    })
  })

  // Belt and braces next to the stdin watchdog: a normal exit of this process kills moto.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL')
  }
  process.on('exit', killOnExit)

  const stop = async () => {
    process.removeListener('exit', killOnExit)
    if (exited) return
    child.stdin.end()
    child.kill('SIGTERM')
    const timer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL')
    }, 3_000)
    await exitPromise
    clearTimeout(timer)
  }

  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (exited) {
      process.removeListener('exit', killOnExit)
      throw startFailure(python, spawnError, exited, logTail, port)
    }
    if (await answers(`${endpoint}/moto-api/`)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(
        `moto did not answer on ${endpoint} within ${readyTimeoutMs} ms.\n` +
          `Its output:\n${logTail.trim()}\n${MOTO_INSTALL_HINT}`
      )
    }
    await sleep(100)
  }

  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, {
        method: 'POST',
        signal: AbortSignal.timeout(10_000)
      })
      if (!response.ok) {
        throw new Error(`moto reset failed: HTTP ${response.status} ${await response.text()}`)
      }
      await response.arrayBuffer()
    },
    stop,
    logs: () => logTail
  }
}

/**
 * @param {string} url
 * @returns {Promise<boolean>}
 */
async function answers(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) })
    await response.arrayBuffer()
    return response.status < 500
  } catch {
    return false
  }
}

/**
 * @param {string} python
 * @param {Error | undefined} spawnError
 * @param {{ code: number | null, signal: NodeJS.Signals | null }} exited
 * @param {string} logTail
 * @param {number} port
 */
function startFailure(python, spawnError, exited, logTail, port) {
  if (spawnError && /** @type {NodeJS.ErrnoException} */ (spawnError).code === 'ENOENT') {
    return new Error(`${python} was not found on PATH.\n${MOTO_INSTALL_HINT}`)
  }
  if (spawnError) {
    return new Error(`${python} could not be started: ${spawnError.message}\n${MOTO_INSTALL_HINT}`)
  }
  if (/No module named ['"]?(moto|werkzeug|flask)/.test(logTail)) {
    return new Error(`moto's server is not installed for ${python}.\n${MOTO_INSTALL_HINT}`)
  }
  const error = new Error(
    `moto exited before it answered (exit code ${exited.code}, signal ${exited.signal}).\n` +
      `Its output:\n${logTail.trim()}\n${MOTO_INSTALL_HINT}`
  )
  // The usual cause is a lost race for the port: worth another try on a new one.
  if (/Address already in use|port .* is in use/i.test(logTail) || port === 0) {
    Object.assign(error, { retryable: true })
  }
  return error
}
