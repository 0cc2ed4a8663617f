/**
 * A loopback HTTP server that records every request it gets, to prove that the action made
 * no AWS (or GitHub) call. With `forwardTo` it passes requests on to moto and returns moto's
 * answers, so a run can go on normally while every call is seen.
 */
import http from 'node:http'

export interface RecordedRequest {
  method: string
  url: string
  /** The signing service from the SigV4 credential scope (`iam`, `sts`), if any. */
  service?: string
  /** The `Action` of an AWS query-protocol request (`GetRole`, `GetCallerIdentity`). */
  action?: string
}

export interface Recorder {
  endpoint: string
  requests: RecordedRequest[]
  stop(): Promise<void>
}

export async function startRecorder(forwardTo?: string): Promise<Recorder> {
  const requests: RecordedRequest[] = []
  const target = forwardTo ? new URL(forwardTo) : undefined

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const authorization = req.headers.authorization ?? ''
      const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(
        authorization
      )?.[1]
      const action =
        new URLSearchParams(body.toString('utf8')).get('Action') ??
        new URL(req.url ?? '/', 'http://localhost').searchParams.get('Action') ??
        undefined
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        ...(service ? { service } : {}),
        ...(action ? { action } : {})
      })

      if (!target) {
        res.writeHead(503, { 'content-type': 'text/plain' })
        res.end('recorder: this endpoint records requests and answers none')
        return
      }
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      upstream.on('error', error => {
        res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(`recorder: ${error.message}`)
      })
      upstream.end(body)
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('recorder has no port')

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
