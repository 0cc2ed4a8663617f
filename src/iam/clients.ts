/**
 * SDK clients on the default credential chain, with retries that fit IAM and bounded time:
 * throttling, 5xx and dropped connections are retried with backoff and jitter; quota errors,
 * which the SDK would treat as throttling, fail at once.
 */
import { IAMClient } from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import { AdaptiveRetryStrategy, StandardRetryStrategy } from '@smithy/core/retry'
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types'

/** Attempts per call, the first included (AWS_MAX_ATTEMPTS overrides it). */
export const MAX_ATTEMPTS = 5
/** Time to open a connection, and the longest a connection may stay silent, per attempt. */
export const CONNECTION_TIMEOUT_MS = 3000
export const REQUEST_TIMEOUT_MS = 10000

/**
 * Errors the SDK classes as throttling that are really quotas (too many managed policies on a
 * role, too many roles): retrying them only delays a failure that waiting will not fix.
 */
const QUOTA_ERRORS = new Set(['LimitExceededException', 'LimitExceeded'])

/** Wraps a retry strategy so that quota errors are not retried. */
export class IamRetryStrategy implements RetryStrategyV2 {
  constructor(private readonly inner: RetryStrategyV2) {}

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.inner.acquireInitialRetryToken(scope)
  }

  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const name = (info.error as { name?: string } | undefined)?.name ?? ''
    if (QUOTA_ERRORS.has(name)) return Promise.reject(info.error ?? new Error(name))
    return this.inner.refreshRetryTokenForRetry(token, info)
  }

  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess(token)
  }
}

export interface Clients {
  iam: IAMClient
  sts: STSClient
}

function maxAttempts(env: Record<string, string | undefined>): number {
  const n = Number(env.AWS_MAX_ATTEMPTS)
  return Number.isInteger(n) && n >= 1 && n <= 20 ? n : MAX_ATTEMPTS
}

/** Clients on the default credential chain; endpoints follow AWS_ENDPOINT_URL(_IAM|_STS). */
export function createClients(
  region: string,
  env: Record<string, string | undefined> = process.env
): Clients {
  const attempts = maxAttempts(env)
  const requestHandler = {
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Without this the SDK only logs a warning and keeps waiting on a silent endpoint.
    throwOnRequestTimeout: true
  }
  return {
    // Adaptive mode adds client-side rate limiting once IAM starts throttling this account.
    iam: new IAMClient({
      region,
      maxAttempts: attempts,
      retryStrategy: new IamRetryStrategy(
        new AdaptiveRetryStrategy(() => Promise.resolve(attempts))
      ),
      requestHandler
    }),
    sts: new STSClient({
      region,
      maxAttempts: attempts,
      retryStrategy: new IamRetryStrategy(new StandardRetryStrategy(attempts)),
      requestHandler
    })
  }
}
