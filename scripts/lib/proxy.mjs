// An HTTP proxy on 127.0.0.1 in front of moto that adds latency and injects faults, for the
// benchmark and the fault tests. It counts requests by AWS action (the query protocol's
// `Action=` form field) and can answer chosen requests with throttling, 5xx, a reset
// connection, or nothing at all.
import http from 'node:http'

const HOST = '127.0.0.1'

/**
 * @typedef {'throttle' | 'server-error' | 'reset' | 'hang' | 'access-denied' | 'quota'} FaultKind
 * @typedef {{ kind: FaultKind, times: number, action?: string }} Fault
 * @typedef {{ action: string, status: number | 'reset' | 'hang', at: number }} RequestRecord
 */

const XML_ERRORS = {
  throttle: [400, 'Sender', 'Throttling', 'Rate exceeded'],
  'server-error': [
    500,
    'Receiver',
    'ServiceFailure',
    'Request processing has failed because of an unknown error.'
  ],
  'access-denied': [403, 'Sender', 'AccessDenied', 'User is not authorized to perform this action'],
  quota: [409, 'Sender', 'LimitExceeded', 'Cannot exceed quota for PoliciesPerRole: 10']
}

function errorBody(code, type, message) {
  return (
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>${type}</Type>` +
    `<Code>${code}</Code><Message>${message}</Message></Error>` +
    `<RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>`
  )
}

/**
 * Starts the proxy.
 * @param {{ target: string, latencyMs?: number, faults?: Fault[] }} options
 */
export async function startProxy({ target, latencyMs = 0, faults = [] }) {
  const upstream = new URL(target)
  /** @type {RequestRecord[]} */
  const requests = []
  let latency = latencyMs
  /** @type {Fault[]} */
  let pending = faults.map(f => ({ ...f }))
  const sockets = new Set()

  const takeFault = action => {
    const fault = pending.find(f => f.times > 0 && (f.action === undefined || f.action === action))
    if (fault) fault.times--
    return fault
  }

  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const action =
        new URLSearchParams(body.toString('utf8')).get('Action') ?? `${req.method} ${req.url}`
      const fault = takeFault(action)
      const record = { action, status: 0, at: Date.now() }
      requests.push(record)
      const answer = () => {
        if (fault?.kind === 'hang') {
          record.status = 'hang'
          return
        }
        if (fault?.kind === 'reset') {
          record.status = 'reset'
          req.socket.destroy()
          return
        }
        if (fault) {
          const [status, type, code, message] = XML_ERRORS[fault.kind]
          record.status = status
          res.writeHead(status, { 'content-type': 'text/xml' })
          res.end(errorBody(code, type, message))
          return
        }
        const forward = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: req.headers
          },
          up => {
            record.status = up.statusCode ?? 0
            res.writeHead(up.statusCode ?? 502, up.headers)
            up.pipe(res)
          }
        )
        forward.on('error', () => req.socket.destroy())
        forward.end(body)
      }
      if (latency > 0) setTimeout(answer, latency)
      else answer()
    })
  })
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, resolve)
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    endpoint: `http://${HOST}:${address.port}`,
    requests,
    /** @param {number} ms */
    setLatency(ms) {
      latency = ms
    },
    /** @param {Fault[]} next */
    setFaults(next) {
      pending = next.map(f => ({ ...f }))
    },
    reset() {
      requests.length = 0
      pending = []
    },
    async stop() {
      for (const s of sockets) s.destroy()
      await new Promise(resolve => server.close(() => resolve(undefined)))
    }
  }
}
